"""The transition table of DESIGN.md as a whole: every state x every transition."""

import pytest

from claims.errors import TransitionRefused
from claims.models import ClaimTransition
from claims.states import State
from tests.factories import PATHS, Cast, claim_in

OPEN = {"submitted", "intake", "info_requested", "inspection", "advice_draft", "response_period",
        "commission_review", "decision_pending"}

# Written out from DESIGN.md, not derived from the code: name → (sources, target).
EXPECTED: dict[str, tuple[set[str], str]] = {
    "submit": ({"draft"}, "submitted"),
    "start_intake": ({"submitted"}, "intake"),
    "request_info": ({"intake"}, "info_requested"),
    "receive_info": ({"info_requested"}, "intake"),
    "declare_not_admissible": ({"intake", "info_requested"}, "not_admissible"),
    "plan_inspection": ({"intake"}, "inspection"),
    "record_advice": ({"inspection"}, "advice_draft"),
    "send_advice": ({"advice_draft"}, "response_period"),
    "revise_advice": ({"response_period"}, "advice_draft"),
    "forward_to_commission": ({"response_period"}, "commission_review"),
    "advise": ({"commission_review"}, "decision_pending"),
    "decide": ({"decision_pending"}, "decided"),
    "file_objection": ({"decided", "not_admissible", "settlement"}, "objection"),
    "decide_objection": ({"objection"}, "settlement"),  # the test claim has an award, so: settlement
    "start_settlement": ({"decided"}, "settlement"),
    "close": (set(), "closed"),  # from decided and settlement, but only after the objection window: see below
    "withdraw": (OPEN | {"on_hold"}, "withdrawn"),
    "hold": (OPEN, "on_hold"),
    "resume": ({"on_hold"}, "intake"),  # the test claim was held in intake
    "reopen": ({"closed"}, "intake"),
}

TABLE = [
    pytest.param(state, name, state in sources, target, id=f"{state}-{name}")
    for state in State.values
    for name, (sources, target) in EXPECTED.items()
]


def test_table_covers_every_state_and_transition():
    assert set(PATHS) == set(State.values)
    assert len(State.values) == 16
    assert len(EXPECTED) == 20
    assert len(TABLE) == 16 * 20


@pytest.mark.django_db
@pytest.mark.parametrize("state,name,allowed,target", TABLE)
def test_transition_table(state, name, allowed, target):
    cast = Cast()
    claim = claim_in(cast, state)
    before = ClaimTransition.objects.filter(claim=claim).count()
    if allowed:
        claim = cast.fire(claim, name)
        claim.refresh_from_db()
        assert claim.status == target
        rows = ClaimTransition.objects.filter(claim=claim).order_by("pk")
        assert rows.count() == before + 1
        last = rows.last()
        assert (last.name, last.from_state, last.to_state) == (name, state, target)
        assert last.actor is not None
    else:
        with pytest.raises(TransitionRefused):
            cast.fire(claim, name)
        claim.refresh_from_db()
        assert claim.status == state
        assert ClaimTransition.objects.filter(claim=claim).count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("held_in", sorted(OPEN))
def test_resume_returns_to_the_state_hold_left(held_in):
    cast = Cast()
    claim = claim_in(cast, held_in)
    claim = cast.fire(claim, "hold", actor=cast.coordinator)
    assert (claim.status, claim.held_from) == ("on_hold", held_in)
    claim = cast.fire(claim, "resume", actor=cast.coordinator)
    assert (claim.status, claim.held_from) == (held_in, "")


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["decided", "settlement"])
def test_a_claim_closes_only_after_the_objection_window(state):
    """Closing ends the right to object (file_objection does not start from closed), also while the award is
    being paid (Awb 6:7)."""
    import datetime as dt

    from claims import timeutil

    cast = Cast()
    claim = claim_in(cast, state)
    with pytest.raises(TransitionRefused) as refused:
        cast.fire(claim, "close")
    assert refused.value.code == "objection_window_open"
    after = timeutil.now() + dt.timedelta(weeks=7)
    with timeutil.frozen(after):
        assert cast.fire(claim, "close").status == "closed"


@pytest.mark.django_db
def test_decide_objection_without_award_closes():
    cast = Cast()
    claim = claim_in(cast, "not_admissible")
    claim = cast.fire(claim, "file_objection")
    claim = cast.fire(claim, "decide_objection")
    assert claim.status == "closed" and claim.closed_at is not None


@pytest.mark.django_db
def test_start_settlement_needs_an_award():
    cast = Cast()
    claim = claim_in(cast, "decision_pending")
    claim = cast.fire(claim, "decide", outcome="rejected", awarded_amount=0)
    with pytest.raises(TransitionRefused) as refused:
        cast.fire(claim, "start_settlement")
    assert refused.value.code == "no_award"


@pytest.mark.django_db
@pytest.mark.parametrize("name,data,code", [
    ("request_info", {"reason": "  "}, "reason_required"),
    ("declare_not_admissible", {"reason": ""}, "reason_required"),
    ("hold", {"reason": ""}, "reason_required"),
    ("request_info", {"reply_days": 0}, "invalid_reply_days"),
])
def test_steps_that_need_a_reason_or_term_refuse_without_one(name, data, code):
    cast = Cast()
    claim = claim_in(cast, "intake")
    with pytest.raises(TransitionRefused) as refused:
        cast.fire(claim, name, **data)
    assert refused.value.code == code
    assert claim.transitions.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("outcome,amount", [("granted", 0), ("rejected", 10), ("granted", -5),
                                             ("not_admissible", 0), ("granted", "veel")])
def test_decide_refuses_inconsistent_amounts(outcome, amount):
    cast = Cast()
    claim = claim_in(cast, "decision_pending")
    with pytest.raises(TransitionRefused):
        cast.fire(claim, "decide", outcome=outcome, awarded_amount=amount)
    claim.refresh_from_db()
    assert claim.status == "decision_pending"


@pytest.mark.django_db
def test_submit_needs_a_damage_item():
    cast = Cast()
    from tests.factories import draft_claim

    claim = draft_claim(applicant=cast.person, items=0)
    with pytest.raises(TransitionRefused) as refused:
        cast.fire(claim, "submit")
    assert refused.value.code == "no_damage"


@pytest.mark.django_db
def test_unknown_transition_is_refused():
    cast = Cast()
    claim = claim_in(cast, "intake")
    with pytest.raises(TransitionRefused):
        cast.fire(claim, "approve_everything")


@pytest.mark.django_db
def test_late_objection_needs_an_excuse():
    import datetime as dt

    from claims import timeutil

    cast = Cast()
    claim = claim_in(cast, "decided")
    late = timeutil.now() + dt.timedelta(weeks=8)
    with timeutil.frozen(late):
        with pytest.raises(TransitionRefused) as refused:
            cast.fire(claim, "file_objection")
        assert refused.value.code == "objection_late"
        claim = cast.fire(claim, "file_objection", late_excuse="Ik lag in het ziekenhuis.")
    assert claim.status == "objection"
    assert claim.transitions.last().data["late"] is True
