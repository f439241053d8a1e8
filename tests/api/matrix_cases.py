"""The permission matrix of the API as data: for every operation of the OpenAPI description, who may use it on
their own object, on someone else's, and who may not even see the object. test_permission_matrix.py turns each
(operation, caller, object) into one cell and checks the answer's status code against `expected`.

The expectations are the RULES, written out here by hand, never read back from what the code answers:
- who sees which claim: claims/selectors.py ROLE_FILTERS (written out in `sees`);
- who may take which step: claims/permissions.py TRANSITION_ROLES and `object_rule`;
- who may do the other work: the page each endpoint mirrors (DESIGN.md's roles table; the module docstrings of
  api/views/*.py name the page). Each row says in a short comment where it is not obvious.
Status per cell: 401 anonymous; 404 the caller may not see the object; 403 they see it but may not act; else the
row's success status (200/201/204) with a minimal valid body.

Objects. "own" is an object the caller is legitimately connected to, in a state where the action is possible: the
claims of cast A (its resident is the applicant, its desk filed them, its guide is the case guide, its expert is
assigned). "other" is the same kind of object in the same state of cast B, to which no caller is connected, except
that B's guide is a team colleague of the caller `guide` (team claims are read-only) and the caller `commission`
stepped aside from every B claim in review (a recusal). Operations on no object (lists, queues, new objects) and
on objects no caller owns (SEPA files, absences) have a single column, "-".
"""

from dataclasses import dataclass, field

ANON = "anonymous"
RESIDENT = "resident"  # a party to the claim (the applicant)
RESIDENT_OTHER = "resident_other"  # a resident with a Person, party to neither claim
DESK = "desk"  # filed the claims of cast A
DESK_OTHER = "desk_other"  # filed neither
GUIDE = "guide"  # case guide of cast A's claims; in the team of cast B's guide (Heerlen)
GUIDE_OTHER_TEAM = "guide_other_team"  # in a team for Kerkrade: neither claim
EXPERT = "expert"  # assigned to cast A's claims
EXPERT_OTHER = "expert_other"  # assigned to neither
COMMISSION = "commission"  # declared no conflict on A's claims in review; stepped aside from B's
DECISION_MAKER = "decision_maker"  # neither advised nor decided on any claim (four eyes hold)
COORDINATOR = "coordinator"
FINANCE = "finance"  # recorded none of the payments (four eyes hold)

CALLERS = (ANON, RESIDENT, RESIDENT_OTHER, DESK, DESK_OTHER, GUIDE, GUIDE_OTHER_TEAM, EXPERT, EXPERT_OTHER, COMMISSION,
           DECISION_MAKER, COORDINATOR, FINANCE)
SIGNED_IN = frozenset(CALLERS) - {ANON}
OWN, OTHER, NONE = "own", "other", "-"

# The connection that makes an object "own" for these callers; on the other object they lose it.
CONNECTED = frozenset({RESIDENT, DESK, GUIDE, EXPERT})

# State keys of the data set: the claim state, or a variant of it with something more prepared.
STATE_OF = {
    "intake_overdue": "intake",  # the decision date lies behind us (a notice of default is possible)
    "cr_declared": "commission_review",  # the member declared no conflict
    "cr_fresh": "commission_review",  # the member has not declared yet
    "settlement_due": "settlement",  # the objection window has passed (closing is possible)
    "decided_paying": "decided",  # a payment is recorded (by a finance colleague)
    "draft_reported": "draft",  # every step of the online report saved: each step can be saved again
}
# The expert is on the claim from plan_inspection on.
EXPERT_STATES = frozenset({"inspection", "advice_draft", "response_period", "commission_review", "decision_pending",
                           "decided", "objection", "settlement", "closed"})
DECISION_STATES = frozenset({"decision_pending", "objection"})
FINANCE_STATES = frozenset({"decided", "objection", "settlement", "closed"})  # every award here is > 0


def sees(caller: str, state_key: str, obj: str) -> bool:
    """ROLE_FILTERS written out for this data set: may `caller` see the claim `obj` in `state_key`?"""
    state = STATE_OF.get(state_key, state_key)
    own = obj == OWN
    return {
        RESIDENT: own,
        DESK: own,
        GUIDE: state != "draft",  # own as its guide; other through the team, but never a draft
        EXPERT: own and state in EXPERT_STATES,
        COMMISSION: own and state == "commission_review",  # B's: stepped aside
        DECISION_MAKER: state in DECISION_STATES,
        COORDINATOR: True,
        FINANCE: state in FINANCE_STATES,
    }.get(caller, False)


@dataclass(frozen=True)
class Case:
    """One operation's rule. `act`: who succeeds on their own object (status `ok`). `act_other`: who succeeds on
    the other object (default: `act` without the callers whose right comes from their connection). `on`: the
    state key of the object, per caller where the action needs another state ({"*": default, caller: key}).
    `kind`: claim, none (no object), global (one object nobody owns), payment, person or property.
    `special`: cells whose answer the general rule does not give, (caller, object) → status, with why."""

    ok: int
    act: frozenset
    on: str | dict | None = None
    kind: str = "claim"
    act_other: frozenset | None = None
    special: dict = field(default_factory=dict)

    def state_for(self, caller: str) -> str:
        if isinstance(self.on, dict):
            return self.on.get(caller, self.on["*"])
        return self.on

    def objects(self) -> tuple[str, ...]:
        return (OWN, OTHER) if self.kind in ("claim", "payment", "person", "property") else (NONE,)


def s(*callers: str) -> frozenset:
    return frozenset(callers)


R, D, G, E, C, DM, CO, F = RESIDENT, DESK, GUIDE, EXPERT, COMMISSION, DECISION_MAKER, COORDINATOR, FINANCE
EVERYONE = SIGNED_IN  # reads for whoever sees the object
TEAM_READ = s(G)  # a team colleague reads what the role reads

# Person and home visibility: people/homes of the claims the caller sees (api/views/people.py Scope).
# Person A is the applicant of every cast-A claim (so of claims in every state); person B of every B claim.
PERSON_SEES = {
    OWN: s(R, D, G, E, C, DM, CO, F),  # C: A's claims in review; DM: decision_pending; F: decided
    OTHER: s(G, DM, CO, F),  # G: team; C stepped aside from all B's claims in review
}
# The home of the decided claim: who sees a decided claim (ROLE_FILTERS).
PROPERTY_SEES = {OWN: s(R, D, G, E, CO, F), OTHER: s(G, CO, F)}

T = "/api/v1/claims/{reference}/transitions/"
# The resident changes items on their report (after the steps before "schade"); the expert during the visit.
DRAFT_OR_VISIT = {"*": "draft_reported", E: "inspection"}

CASES: dict[tuple[str, str], Case] = {
    # --- claims ---------------------------------------------------------------------------------------------------
    ("GET", "/api/v1/claims/"): Case(200, EVERYONE, kind="none"),  # filtered by the selector
    # The desk page (desk, coordinator) and the online report (any resident with a Person).
    ("POST", "/api/v1/claims/"): Case(201, s(R, RESIDENT_OTHER, D, DESK_OTHER, CO), kind="none"),
    ("GET", "/api/v1/claims/{reference}/"): Case(200, EVERYONE, "inspection", act_other=EVERYONE),
    ("GET", "/api/v1/claims/{reference}/transitions/"): Case(200, EVERYONE, "inspection", act_other=EVERYONE),
    ("POST", "/api/v1/claims/reassign/"): Case(200, s(CO), kind="none"),
    ("POST", "/api/v1/claims/{reference}/reassign/"): Case(200, s(CO), "intake"),
    # Who works on the claim (may_work_on): its guide or a coordinator; the team only reads.
    ("POST", "/api/v1/claims/{reference}/extension/"): Case(200, s(G, CO), "intake"),
    ("POST", "/api/v1/claims/{reference}/default-notices/"): Case(201, s(G, CO), "intake_overdue"),
    # The guide, a coordinator, or the claim's expert (an urgent claim in inspection).
    ("POST", "/api/v1/claims/{reference}/safety-visits/"): Case(201, s(G, E, CO), "inspection"),
    # --- transitions: TRANSITION_ROLES + object_rule, each in a state where it can happen --------------------------
    # Desk: the one who filed it. The resident sends the report from its last page (every step saved).
    ("POST", T + "submit/"): Case(200, s(R, D, CO), "draft_reported"),
    ("POST", T + "start_intake/"): Case(200, s(CO), "submitted"),
    ("POST", T + "request_info/"): Case(200, s(G, CO), "intake"),
    ("POST", T + "receive_info/"): Case(200, s(R, G, CO), "info_requested"),
    ("POST", T + "declare_not_admissible/"): Case(200, s(G, CO), "intake"),
    ("POST", T + "plan_inspection/"): Case(200, s(G, CO), "intake"),
    ("POST", T + "record_advice/"): Case(200, s(E, G, CO), "inspection"),
    ("POST", T + "send_advice/"): Case(200, s(G, CO), "advice_draft"),
    ("POST", T + "revise_advice/"): Case(200, s(G, CO), "response_period"),
    ("POST", T + "forward_to_commission/"): Case(200, s(G, CO), "response_period"),
    ("POST", T + "advise/"): Case(200, s(C), "cr_declared"),
    ("POST", T + "decide/"): Case(200, s(DM), "decision_pending"),
    ("POST", T + "file_objection/"): Case(200, s(R, G, CO), "decided"),
    ("POST", T + "decide_objection/"): Case(200, s(DM), "objection"),
    ("POST", T + "start_settlement/"): Case(200, s(F, CO), "decided"),
    ("POST", T + "close/"): Case(200, s(F, G, CO), "settlement_due"),
    ("POST", T + "withdraw/"): Case(200, s(R, G, CO), "intake"),
    ("POST", T + "hold/"): Case(200, s(G, CO), "intake"),
    ("POST", T + "resume/"): Case(200, s(G, CO), "on_hold"),
    ("POST", T + "reopen/"): Case(200, s(CO), "closed"),
    # --- the online report, step by step: the applicant's own draft only (claims/views/report.py); staff who see
    # the draft (its desk, a coordinator) are refused ---------------------------------------------------------------
    ("GET", "/api/v1/claims/{reference}/report/"): Case(200, s(R), "draft_reported"),
    ("PUT", "/api/v1/claims/{reference}/report/address/"): Case(200, s(R), "draft_reported"),
    ("PUT", "/api/v1/claims/{reference}/report/ownership/"): Case(200, s(R), "draft_reported"),
    ("PUT", "/api/v1/claims/{reference}/report/representative/"): Case(200, s(R), "draft_reported"),
    ("POST", "/api/v1/claims/{reference}/report/damage-done/"): Case(200, s(R), "draft_reported"),
    ("PUT", "/api/v1/claims/{reference}/report/safety/"): Case(200, s(R), "draft_reported"),
    # --- damage items: read by whoever's pages show items (not finance); changed by the resident on their draft
    # (the online report) and by the claim's expert during the inspection ----------------------------------------
    ("GET", "/api/v1/claims/{reference}/damage-items/"): Case(200, s(R, D, G, E, C, DM, CO), "decided",
                                                              act_other=s(G, C, DM, CO)),
    ("GET", "/api/v1/claims/{reference}/damage-items/{item_id}/"): Case(200, s(R, D, G, E, C, DM, CO), "decided",
                                                                        act_other=s(G, C, DM, CO)),
    ("POST", "/api/v1/claims/{reference}/damage-items/"): Case(201, s(R, E), DRAFT_OR_VISIT),
    ("PATCH", "/api/v1/claims/{reference}/damage-items/{item_id}/"): Case(200, s(R, E),
                                                                          DRAFT_OR_VISIT),
    ("DELETE", "/api/v1/claims/{reference}/damage-items/{item_id}/"): Case(204, s(R), DRAFT_OR_VISIT),
    ("POST", "/api/v1/claims/{reference}/damage-items/{item_id}/photos/"): Case(201, s(R, E),
                                                                                DRAFT_OR_VISIT),
    # --- documents: the download page's rule (a scan: not for the expert, who gets photos and their own files,
    # nor for finance, who gets the decision and payment letters) ---------------------------------------------------
    ("GET", "/api/v1/claims/{reference}/documents/"): Case(200, EVERYONE, "decided", act_other=EVERYONE),
    ("GET", "/api/v1/claims/{reference}/documents/{document_id}/"): Case(
        200, EVERYONE, "decided", act_other=EVERYONE, special={(E, OWN): 404, (F, OWN): 404, (F, OTHER): 404}),
    ("GET", "/api/v1/claims/{reference}/documents/{document_id}/file/"): Case(
        200, EVERYONE, "decided", act_other=EVERYONE, special={(E, OWN): 404, (F, OWN): 404, (F, OTHER): 404}),
    # Scans: the desk and coordinators on any claim they see; a resident party with a step open (the answer).
    ("POST", "/api/v1/claims/{reference}/documents/"): Case(201, s(R, D, CO), "info_requested"),
    # --- contact -------------------------------------------------------------------------------------------------
    ("GET", "/api/v1/claims/{reference}/notes/"): Case(200, s(G, CO), "intake", act_other=s(G, CO)),  # staff dossier
    ("POST", "/api/v1/claims/{reference}/notes/"): Case(201, s(G, CO), "intake"),
    ("GET", "/api/v1/claims/{reference}/messages/"): Case(200, s(R, G, CO), "intake", act_other=s(G, CO)),
    ("POST", "/api/v1/claims/{reference}/messages/"): Case(201, s(R, G, CO), "intake"),
    ("POST", "/api/v1/claims/{reference}/responses/"): Case(201, s(R, G, CO), "response_period"),
    ("POST", "/api/v1/claims/{reference}/callback-requests/"): Case(201, s(R), "intake"),
    # --- inspections: staff dossier, the claim's expert, the resident party (the portal) ---------------------------
    ("GET", "/api/v1/claims/{reference}/inspections/"): Case(200, s(R, G, E, CO), "inspection", act_other=s(G, CO)),
    ("GET", "/api/v1/claims/{reference}/inspections/{id}/"): Case(200, s(R, G, E, CO), "inspection",
                                                                  act_other=s(G, CO)),
    # The calendar file is the resident's and the expert's (their pages offer it; the dossier does not).
    ("GET", "/api/v1/claims/{reference}/inspections/{id}/appointment.ics"): Case(200, s(R, E), "inspection"),
    ("POST", "/api/v1/claims/{reference}/inspections/{id}/schedule/"): Case(200, s(G, CO), "inspection"),
    ("POST", "/api/v1/claims/{reference}/inspections/{id}/visit/"): Case(200, s(E), "inspection"),
    ("POST", "/api/v1/claims/{reference}/inspection-report/"): Case(201, s(E), "inspection"),
    ("POST", "/api/v1/claims/{reference}/expert-replacement/"): Case(201, s(G, CO), "inspection"),
    ("POST", "/api/v1/claims/{reference}/expert-objections/"): Case(201, s(R), "inspection"),
    # --- commission: members declare and advise; advice is read by commission, decision makers, guides and
    # coordinators (by role) ---------------------------------------------------------------------------------------
    ("POST", "/api/v1/claims/{reference}/commission/declaration/"): Case(201, s(C), "cr_fresh"),
    ("GET", "/api/v1/claims/{reference}/commission-advice/"): Case(200, s(G, C, DM, CO), "decision_pending",
                                                                   act_other=s(G, C, DM, CO)),
    ("POST", "/api/v1/claims/{reference}/commission-advice/"): Case(201, s(C), "cr_declared"),
    ("GET", "/api/v1/commission-queue/"): Case(200, s(C), kind="none"),
    # --- decisions: read by decision makers, guides, coordinators and the resident (the portal) --------------------
    ("GET", "/api/v1/claims/{reference}/decisions/"): Case(200, s(R, G, DM, CO), "decided", act_other=s(G, DM, CO)),
    ("POST", "/api/v1/claims/{reference}/decisions/"): Case(201, s(DM), "decision_pending"),
    ("GET", "/api/v1/decision-queue/"): Case(200, s(DM), kind="none"),
    # --- objections: the resident files (the portal); a decision maker who did not decide handles -----------------
    ("GET", "/api/v1/claims/{reference}/objections/"): Case(200, s(R, G, DM, CO), "objection", act_other=s(G, DM, CO)),
    ("POST", "/api/v1/claims/{reference}/objections/"): Case(201, s(R), "decided"),
    ("POST", "/api/v1/claims/{reference}/objections/{id}/take/"): Case(200, s(DM), "objection"),
    ("POST", "/api/v1/claims/{reference}/objections/{id}/hearing/"): Case(200, s(DM), "objection"),
    ("POST", "/api/v1/claims/{reference}/objections/{id}/decide/"): Case(201, s(DM), "objection"),
    ("GET", "/api/v1/objection-queue/"): Case(200, s(DM), kind="none"),
    # --- payments: finance (role gate before anything is looked up); a claim's payment also for its resident ------
    ("GET", "/api/v1/claims/{reference}/payments/"): Case(200, s(R, F), "decided_paying"),
    ("POST", "/api/v1/claims/{reference}/payments/"): Case(201, s(F), "decided"),
    ("GET", "/api/v1/payments/"): Case(200, s(F), kind="none"),
    ("GET", "/api/v1/payments/{id}/"): Case(200, s(F), kind="payment"),
    ("POST", "/api/v1/payments/{id}/approve/"): Case(200, s(F), kind="payment"),  # recorded by a colleague
    ("POST", "/api/v1/payments/{id}/cancel/"): Case(200, s(F), kind="payment"),
    ("GET", "/api/v1/payment-batches/"): Case(200, s(F), kind="none"),
    ("POST", "/api/v1/payment-batches/"): Case(201, s(F), kind="none"),  # an approved payment waits
    ("GET", "/api/v1/payment-batches/{id}/"): Case(200, s(F), kind="global"),
    ("POST", "/api/v1/payment-batches/{id}/paid/"): Case(200, s(F), kind="global"),
    ("GET", "/api/v1/payment-batches/{id}/sepa.xml"): Case(200, s(F), kind="global"),
    # --- the coordinator's team page ----------------------------------------------------------------------------------
    ("GET", "/api/v1/absences/"): Case(200, s(CO), kind="none"),
    ("POST", "/api/v1/absences/"): Case(201, s(CO), kind="none"),
    ("POST", "/api/v1/absences/{id}/end/"): Case(200, s(CO), kind="global"),  # a running absence ends
    # --- people and homes: of the claims the caller sees ----------------------------------------------------------
    ("GET", "/api/v1/people/"): Case(200, EVERYONE, kind="none"),
    ("GET", "/api/v1/people/{id}/"): Case(200, EVERYONE, kind="person"),
    ("GET", "/api/v1/properties/"): Case(200, EVERYONE, kind="none"),
    ("GET", "/api/v1/properties/{id}/"): Case(200, EVERYONE, kind="property"),
    # --- the change feed: the steps of the claims the caller sees ----------------------------------------------------
    ("GET", "/api/v1/events/"): Case(200, EVERYONE, kind="none"),
}


def expected(case: Case, caller: str, obj: str) -> int:
    """The status the rules give this cell."""
    if caller == ANON:
        return 401
    if (caller, obj) in case.special:
        return case.special[(caller, obj)]
    if case.kind in ("none", "global", "payment"):  # a role gate, nothing to see first
        return case.ok if caller in case.act else 403
    if case.kind in ("person", "property"):
        visible = (PERSON_SEES if case.kind == "person" else PROPERTY_SEES)[obj]
        return case.ok if caller in visible else 404
    if not sees(caller, case.state_for(caller), obj):
        return 404
    allowed = case.act if obj == OWN else (case.act_other if case.act_other is not None else case.act - CONNECTED)
    return case.ok if caller in allowed else 403


def cells() -> list[tuple[tuple[str, str], str, str]]:
    return [(op, caller, obj) for op, case in CASES.items() for caller in CALLERS for obj in case.objects()]
