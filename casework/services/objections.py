"""Objections (bezwaar, Awb chapter 6 and 7): recorded when filed, handled by a decision maker who did not take
the decision objected to (four eyes), with an optional hearing, and decided within 12 weeks (Awb 7:10).

- `objection_record` is called by the receiver in casework/signals.py when the `file_objection` step is saved,
  in the same transaction: the objection is part of the record, whoever filed it (the resident in the portal,
  or the case guide for one that came on paper).
- `objection_take`, `objection_hearing` and `objection_decide` are the handler's work. Each locks the claim and
  checks the four-eyes rule (`claims.permissions.may_fire(actor, "decide_objection", claim)`); deciding also
  records the decision on the objection (Decision kind objection, with its items), fires `decide_objection`
  and schedules the letter.
- `objections_visible_to` is the queue's selector.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Prefetch, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from claims import letters
from claims import roles as R
from claims.errors import FORBIDDEN, NOT_NOW, TransitionForbidden, TransitionRefused
from claims.models import Claim, ClaimTransition, DamageItem, LetterKind, Outcome
from claims.permissions import four_eyes_barred, may_fire
from claims.selectors import claims_visible_to
from claims.services import claim_transition
from claims.services.steps import lock, require_text
from claims.states import State
from claims.timeutil import local_date, now

from ..amounts import cents, ensure_within_columns, money, route_for, typed_amount, typed_percentage
from ..models import CommissionAdvice, Decision, DecisionItem, ItemAdvice, Note, Objection, Plausibility
from ..timeline import person_name
from .decisions import AMOUNT_INVALID as AMOUNT_WRONG
from .decisions import NO_MEANS_ZERO
from .decisions import PERCENTAGE_NEEDED as PERCENTAGE_WRONG
from .decisions import PLAUSIBILITY_INVALID as PLAUSIBILITY_WRONG
from .decisions import DecidedItem as Line

ZERO = Decimal("0.00")
NO_OBJECTION = _("Er staat bij deze zaak geen bezwaar open.")
OTHER_HANDLER = _("%(name)s behandelt dit bezwaar al.")
REASONING_NEEDED = _("Schrijf de motivering van de beslissing op bezwaar op.")
ITEMS_MISMATCH = _("Beslis over elk schadepunt van deze zaak precies één keer.")


# --- reads -------------------------------------------------------------------------------------------------------

def objections_visible_to(user) -> QuerySet[Claim]:
    """Claims with an objection being handled, for a decision maker: `claims_visible_to` (which gives decision
    makers the claims in `objection`) narrowed to that state. Anyone without the role gets none. Claims this
    user decided or advised on are included (the queue shows them, without a link): see `four_eyes_excluded`."""
    if user is None or not user.is_authenticated or not user.is_active or not R.has_role(user, R.DECISION_MAKER):
        return Claim.objects.none()
    return claims_visible_to(user).filter(status=State.OBJECTION)


def four_eyes_excluded(user) -> Exists:
    """True for a claim on which this user took a step that bars them from deciding the objection."""
    return four_eyes_barred(user, "decide_objection")


def open_objections() -> Prefetch:
    """The claim's objection that is not decided yet, with its handler, as `claim.open_objections`."""
    queryset = Objection.objects.filter(outcome="").select_related("handler").order_by("-created_at", "-pk")
    return Prefetch("objections", queryset=queryset, to_attr="open_objections")


def objection_queue(user) -> QuerySet[Claim]:
    """The queue: the shortest 12-week term first. Three queries per page whatever the number of claims (the
    page, its count, and the open objections with their handlers)."""
    return (objections_visible_to(user).annotate(excluded=four_eyes_excluded(user))
            .prefetch_related(open_objections()).order_by("objection_decision_due", "reference"))


def open_objection(claim: Claim) -> Objection | None:
    return claim.objections.filter(outcome="").select_related("handler").order_by("-created_at", "-pk").first()


def objected_decision(claim: Claim) -> Decision | None:
    """The decision the objection is against: the claim's newest decision (on the application; or an earlier
    decision on objection, if the lifecycle let the resident object again)."""
    return (Decision.objects.filter(claim=claim).select_related("decided_by")
            .prefetch_related(Prefetch("items", DecisionItem.objects.select_related("damage_item")))
            .order_by("-created_at", "-pk").first())


def may_handle(user, claim: Claim) -> bool:
    """The four-eyes rule and the role, as the `decide_objection` step checks them."""
    return may_fire(user, "decide_objection", claim)


# --- recording ---------------------------------------------------------------------------------------------------

def objection_record(*, transition: ClaimTransition) -> Objection:
    """The objection a `file_objection` step brought in. Called inside that step's transaction; once per step
    (the objection carries the step's moment, so a second call finds it)."""
    if transition.name != "file_objection":
        raise ValueError("an objection is recorded from a file_objection step")
    data = transition.data or {}
    late = bool(data.get("late"))
    objection, _created = Objection.objects.get_or_create(
        claim_id=transition.claim_id, created_at=transition.created_at,
        defaults={
            "grounds": transition.reason,
            "received_on": local_date(transition.created_at),
            "late": late,
            "late_excuse": (data.get("late_excuse") or "").strip(),
        },
    )
    return objection


def objection_close(*, transition: ClaimTransition) -> None:
    """A `decide_objection` step fired without `objection_decide` (the admin's transition form): the open
    objection gets the outcome the step recorded, without a Decision. After `objection_decide` nothing is open
    any more, so this does nothing."""
    outcome = Objection.Outcome.WELL_FOUNDED if (transition.data or {}).get("well_founded") else \
        Objection.Outcome.UNFOUNDED
    Objection.objects.filter(claim_id=transition.claim_id, outcome="").update(outcome=outcome)


# --- handling ----------------------------------------------------------------------------------------------------

def _begin(claim: Claim, actor) -> tuple[Claim, Objection]:
    """Locks the claim and returns it with its open objection, taken on by `actor` if nobody had it yet."""
    claim = lock(claim)
    if not may_handle(actor, claim):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")
    if claim.status != State.OBJECTION:
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
    objection = open_objection(claim)
    if objection is None:
        filed = (ClaimTransition.objects.filter(claim=claim, name="file_objection")
                 .order_by("-created_at", "-pk").first())
        if filed is None:
            raise TransitionRefused(NO_OBJECTION, code="no_objection")
        objection = objection_record(transition=filed)
        if objection.outcome:
            raise TransitionRefused(NO_OBJECTION, code="no_objection")
    handler = objection.handler
    if handler is not None and handler.pk != actor.pk and handler.is_active:
        raise TransitionRefused(OTHER_HANDLER % {"name": person_name(handler)}, code="other_handler")
    if handler is None or handler.pk != actor.pk:  # nobody yet, or someone who has left
        objection.handler = actor
        objection.save(update_fields=["handler"])
        _note(claim, actor, _("Bezwaar in behandeling genomen door %(name)s."), name=person_name(actor))
    return claim, objection


def _note(claim: Claim, actor, text, **params) -> None:
    """An internal line in the dossier, so the case guide knows who handles the objection and when the hearing is.
    Stored in the institute's language, like the other lines the system writes."""
    with translation.override(settings.LANGUAGE_CODE):
        params = {key: value() if callable(value) else value for key, value in params.items()}
        body = str(text) % params
    Note.objects.create(claim=claim, kind=Note.Kind.NOTE, author=actor, body=body, created_at=now())


@transaction.atomic
def objection_take(*, claim: Claim, actor) -> Objection:
    """The actor handles this objection from now on. Taking it again changes nothing."""
    _claim, objection = _begin(claim, actor)
    return objection


@transaction.atomic
def objection_hearing(*, claim: Claim, actor, hearing_at: dt.datetime, kind: str, notes: str = "") -> Objection:
    """Plans the hearing (Awb 7:2), or moves it, and afterwards records what was said."""
    claim, objection = _begin(claim, actor)
    if hearing_at is None:
        raise TransitionRefused(_("Vul de datum en het tijdstip van de hoorzitting in."), code="hearing_at_required")
    if kind not in Objection.HearingKind.values:
        raise TransitionRefused(_("Kies hoe de hoorzitting gaat: via video, bij de woning of op kantoor."),
                                code="invalid_hearing_kind")
    notes = (notes or "").strip()
    if notes and hearing_at > now():
        raise TransitionRefused(_("Het verslag kan pas na de hoorzitting worden vastgelegd."), code="hearing_ahead")
    moved = objection.hearing_at != hearing_at or objection.hearing_kind != kind
    objection.hearing_at = hearing_at
    objection.hearing_kind = kind
    objection.hearing_notes = notes
    objection.save(update_fields=["hearing_at", "hearing_kind", "hearing_notes"])
    if moved:
        _note(claim, actor, _("Hoorzitting bezwaar: %(when)s, %(kind)s."),
              when=lambda: date_format(timezone.localtime(hearing_at), "j F Y, H:i"),
              kind=lambda: str(Objection.HearingKind(kind).label))
    return objection


def _amount(value, position: int) -> Decimal:
    return typed_amount(value, message=AMOUNT_WRONG % {"position": position})


def _percentage(value, position: int) -> int:
    return typed_percentage(value, message=PERCENTAGE_WRONG % {"position": position})


def _advised(advice: CommissionAdvice | None) -> dict[int, ItemAdvice]:
    return {row.damage_item_id: row for row in advice.items.all()} if advice is not None else {}


def _explained(advised: ItemAdvice | None, plausibility: str, amount: Decimal) -> str:
    """The commission's reasoning for an item, when the decision says what the commission advised."""
    if advised is not None and advised.plausibility == plausibility and advised.amount == amount:
        return advised.reasoning
    return ""


def _new_lines(claim: Claim, items: Iterable[dict] | None, advised: dict[int, ItemAdvice]) -> list[Line]:
    """The new decision per damage item: every item of the claim exactly once, with a plausibility and an amount
    that agree (and a percentage for "partly": given, or else the commission's)."""
    if not items:
        raise TransitionRefused(_("Vul bij een gegrond bezwaar de nieuwe bedragen per schadepunt in."),
                                code="items_required")
    own = {item.pk: item for item in DamageItem.objects.filter(claim=claim).order_by("position", "pk")}
    lines: dict[int, Line] = {}
    for entry in items:
        given = entry.get("damage_item")
        pk = given.pk if isinstance(given, DamageItem) else given
        item = own.get(pk) if isinstance(pk, int) else None
        if item is None or pk in lines:
            raise TransitionRefused(ITEMS_MISMATCH, code="items_mismatch")
        plausibility = entry.get("plausibility")
        if plausibility not in Plausibility.values:
            raise TransitionRefused(PLAUSIBILITY_WRONG % {"position": item.position}, code="invalid_plausibility")
        amount = _amount(entry.get("amount"), item.position)
        if plausibility == Plausibility.NO and amount != ZERO:
            raise TransitionRefused(NO_MEANS_ZERO % {"position": item.position}, code="no_means_zero")
        advice = advised.get(pk)
        percentage = None
        if plausibility == Plausibility.PARTLY:
            percentage = entry.get("percentage")
            if percentage in (None, "") and advice is not None and advice.plausibility == Plausibility.PARTLY:
                percentage = advice.percentage
            percentage = _percentage(percentage, item.position)
        reasoning = (entry.get("reasoning") or "").strip() or _explained(advice, plausibility, amount)
        lines[pk] = Line(item, plausibility, amount, percentage, reasoning)
    if set(lines) != set(own):
        raise TransitionRefused(ITEMS_MISMATCH, code="items_mismatch")
    return [lines[pk] for pk in own]


def _kept_lines(base: Decision | None, advised: dict[int, ItemAdvice]) -> list[Line]:
    """The decision objected to, item by item, as it stands."""
    lines = []
    for row in base.items.all() if base is not None else ():
        advice = advised.get(row.damage_item_id)
        partly = (row.plausibility == Plausibility.PARTLY and advice is not None
                  and advice.plausibility == Plausibility.PARTLY)
        lines.append(Line(row.damage_item, row.plausibility, row.amount, advice.percentage if partly else None,
                          _explained(advice, row.plausibility, row.amount)))
    return lines


def outcome_for(lines: list[Line], total: Decimal) -> str:
    """Rejected when nothing is awarded, granted when every damage item is granted in full, else partly."""
    if total == ZERO:
        return Outcome.REJECTED
    if all(line.plausibility == Plausibility.YES and line.amount > ZERO for line in lines):
        return Outcome.GRANTED
    return Outcome.PARTLY_GRANTED


def _allowances(advice: CommissionAdvice | None) -> Decimal:
    """What the advice adds to the damage items (inspection allowance, statutory interest), as on the first
    decision: only when something is awarded."""
    if advice is None:
        return ZERO
    return advice.inspection_allowance + advice.statutory_interest


def _advice_for(claim: Claim, base: Decision | None) -> CommissionAdvice | None:
    advices = CommissionAdvice.objects.prefetch_related("items")
    if base is not None and base.advice_id is not None:
        return advices.get(pk=base.advice_id)
    return advices.filter(claim=claim).order_by("-created_at", "-pk").first()


@transaction.atomic
def objection_decide(*, claim: Claim, actor, well_founded: bool, items: list[dict] | None,
                     reasoning: str) -> Decision:
    """The decision on the objection. Unfounded: the decision objected to stands (same items, same award).
    Well-founded: a new decision with the new amounts per damage item (and the advice's allowances when something
    is awarded). Either way a Decision of kind objection with its items, the `decide_objection` step (to
    settlement when something is awarded, else closed), and the letter.

    `items` (well-founded only): one dict per damage item of the claim, {"damage_item": DamageItem or pk,
    "plausibility": yes/partly/no, "amount": Decimal, "percentage": 1-99 for partly (else the commission's),
    "reasoning": optional text for the letter}."""
    claim, objection = _begin(claim, actor)
    reasoning = require_text(reasoning, REASONING_NEEDED)
    base = objected_decision(claim)
    advice = _advice_for(claim, base)
    advised = _advised(advice)
    if well_founded:
        lines = _new_lines(claim, items, advised)
        items_total = sum((line.amount for line in lines), ZERO)
        total = (items_total + _allowances(advice)) if items_total > ZERO else ZERO
        ensure_within_columns(total)
        outcome = outcome_for(lines, total)
    else:
        lines = _kept_lines(base, advised)
        total = cents(claim.awarded_amount or ZERO)
        outcome = base.outcome if base is not None else (claim.outcome or outcome_for(lines, total))
    decision = Decision.objects.create(
        claim=claim, kind=Decision.Kind.OBJECTION, advice=advice, outcome=outcome, total=total,
        route=route_for(total), reasoning=reasoning, decided_by=actor, created_at=now(),
    )
    DecisionItem.objects.bulk_create([
        DecisionItem(decision=decision, damage_item=line.damage_item, plausibility=line.plausibility,
                     amount=line.amount)
        for line in lines
    ])
    if well_founded:
        for line in lines:
            line.damage_item.awarded_amount = line.amount
        DamageItem.objects.bulk_update([line.damage_item for line in lines], ["awarded_amount"])
    objection.outcome = Objection.Outcome.WELL_FOUNDED if well_founded else Objection.Outcome.UNFOUNDED
    objection.decision = decision
    objection.save(update_fields=["outcome", "decision"])
    claim = claim_transition(claim=claim, name="decide_objection", actor=actor, reason=reasoning,
                             well_founded=bool(well_founded), awarded_amount=total if well_founded else None)
    letters.schedule(claim=claim, kind=LetterKind.OBJECTION_DECISION, key=f"objection_decision:{decision.pk}",
                     context={
                         "decision_id": decision.pk,
                         "outcome": objection.outcome,
                         "reasoning": reasoning,
                         "total": money(total),
                         "route": decision.route,
                         "items": [line.for_letter() for line in lines],
                     })
    return decision
