"""The commission's services: the declaration of (no) conflict of interest, the advice per damage item with its
amounts, and four eyes between the advisor and the decision maker."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction

from casework.models import CommissionAdvice, ItemAdvice, ReviewDeclaration
from casework.services.commission import (
    advice_record,
    commission_claims,
    commission_queue_for,
    interest_days,
    review_declare,
    statutory_interest,
)
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Claim, ClaimTransition, DamageItem, Recusal
from claims.permissions import may_fire
from claims.selectors import claims_visible_to
from claims.timeutil import frozen
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
START = dt.datetime(2027, 3, 1, 9, 0, tzinfo=AMS)


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def claim(cast):
    with frozen(START):
        return claim_in(cast, "commission_review", items=2)


@pytest.fixture
def member(cast):
    return cast.commission


def items_of(claim) -> list[DamageItem]:
    return list(claim.damage_items.order_by("position"))


def good_items(claim) -> list[dict]:
    first, second = items_of(claim)
    return [
        {"damage_item": first, "plausibility": "yes", "amount": Decimal("1000.00"),
         "reasoning": "Typische scheur door bodembeweging."},
        {"damage_item": second.pk, "plausibility": "partly", "percentage": 40, "amount": "250.50",
         "reasoning": "Deels ook krimp van het hout."},
    ]


def declared(claim, member):
    return review_declare(claim=claim, member=member, has_conflict=False)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=AMS)


def nothing_recorded(claim) -> bool:
    claim.refresh_from_db()
    return (claim.status == "commission_review" and not CommissionAdvice.objects.filter(claim=claim).exists()
            and not ClaimTransition.objects.filter(claim=claim, name="advise").exists())


# --- the declaration -------------------------------------------------------------------------------------------

def test_no_conflict_is_recorded_and_the_member_keeps_the_claim(claim, member):
    with frozen(START + dt.timedelta(days=70)):
        declaration = declared(claim, member)
    assert (declaration.has_conflict, declaration.member, declaration.claim) == (False, member, claim)
    assert declaration.declared_at == START + dt.timedelta(days=70)
    assert not Recusal.objects.filter(claim=claim).exists()
    assert list(commission_claims(member)) == [claim]
    assert commission_queue_for(member).get().declared is True


@pytest.mark.parametrize("ground,explanation", [
    ("neighbour", ""), ("relative", "Mijn zus"), ("earlier", ""), ("other", "Ik ben lid van dezelfde VvE."),
])
def test_a_conflict_recuses_the_member_at_once(claim, member, ground, explanation):
    declaration = review_declare(claim=claim, member=member, has_conflict=True, ground=ground,
                                 explanation=explanation)
    assert declaration.has_conflict is True
    recusal = Recusal.objects.get(claim=claim, member=member)
    assert (recusal.ground, recusal.explanation) == (ground, explanation)
    assert not claims_visible_to(member).filter(pk=claim.pk).exists()
    assert not commission_queue_for(member).exists()
    # Another member still has it.
    other = UserFactory(role=R.COMMISSION)
    assert list(commission_queue_for(other)) == [claim]


def test_a_conflict_needs_a_ground_and_other_needs_an_explanation(claim, member):
    with pytest.raises(TransitionRefused) as refused:
        review_declare(claim=claim, member=member, has_conflict=True, ground="")
    assert refused.value.code == "ground_required"
    with pytest.raises(TransitionRefused) as refused:
        review_declare(claim=claim, member=member, has_conflict=True, ground="other", explanation="  ")
    assert refused.value.code == "explanation_required"
    assert not ReviewDeclaration.objects.exists() and not Recusal.objects.exists()


def test_declaring_twice_is_refused(claim, member):
    declared(claim, member)
    with pytest.raises(TransitionRefused) as refused:
        review_declare(claim=claim, member=member, has_conflict=True, ground="neighbour")
    assert refused.value.code == "already_declared"
    assert ReviewDeclaration.objects.filter(claim=claim, member=member).count() == 1
    assert not Recusal.objects.exists()


def test_after_a_conflict_nothing_more_can_be_declared(claim, member):
    review_declare(claim=claim, member=member, has_conflict=True, ground="relative")
    with pytest.raises(TransitionForbidden):
        review_declare(claim=claim, member=member, has_conflict=False)
    assert ReviewDeclaration.objects.filter(claim=claim, member=member).count() == 1


@pytest.mark.parametrize("role", ["caseworker", "expert", "desk", "resident", "decision_maker", "finance",
                                  "coordinator"])
def test_only_commission_members_declare(cast, claim, role):
    with pytest.raises(TransitionForbidden):
        review_declare(claim=claim, member=getattr(cast, role), has_conflict=False)
    assert not ReviewDeclaration.objects.exists()


def test_an_inactive_member_cannot_declare(claim, member):
    member.is_active = False
    member.save()
    with pytest.raises(TransitionForbidden):
        declared(claim, member)


def test_declaring_is_only_possible_while_the_claim_is_with_the_commission(cast, member):
    claim = claim_in(cast, "response_period")
    with pytest.raises(TransitionRefused) as refused:
        declared(claim, member)
    assert refused.value.code == "not_now"
    assert not ReviewDeclaration.objects.exists()


# --- the advice: the happy path ----------------------------------------------------------------------------------

def test_the_advice_adds_up_with_allowance_and_interest_and_moves_the_claim_on(claim, member):
    due = claim.decision_due
    assert due is not None
    declared(claim, member)
    with frozen(at(due + dt.timedelta(days=73))):
        advice = advice_record(claim=claim, member=member, items=good_items(claim),
                               reasoning="De schade past bij de bodembeweging in Heerlen-Noord.",
                               inspection_allowance=True)
    advice.refresh_from_db()
    # 1250.50 x 6% x 73 / 365 = 15.006 -> 15.01
    assert advice.items_total == Decimal("1250.50")
    assert advice.inspection_allowance == Decimal("150.00")
    assert advice.statutory_interest == Decimal("15.01")
    assert advice.total == Decimal("1415.51")
    assert advice.member == member
    rows = list(ItemAdvice.objects.filter(advice=advice).order_by("damage_item__position"))
    assert [(r.plausibility, r.percentage, r.amount) for r in rows] == [
        ("yes", None, Decimal("1000.00")), ("partly", 40, Decimal("250.50"))]
    assert rows[1].reasoning == "Deels ook krimp van het hout."
    claim.refresh_from_db()
    assert claim.status == "decision_pending"
    step = ClaimTransition.objects.get(claim=claim, name="advise")
    assert (step.actor, step.from_state, step.to_state) == (member, "commission_review", "decision_pending")
    assert step.reason == "De schade past bij de bodembeweging in Heerlen-Noord."


def test_before_the_deadline_no_interest_and_without_allowance_the_total_is_the_items(claim, member):
    declared(claim, member)
    with frozen(at(claim.decision_due)):  # the last day is still in time
        advice = advice_record(claim=claim, member=member, items=good_items(claim), reasoning="Akkoord.",
                               inspection_allowance=False)
    assert (advice.statutory_interest, advice.inspection_allowance, advice.total) == (
        Decimal("0.00"), Decimal("0.00"), Decimal("1250.50"))


def test_all_no_gives_a_zero_advice(claim, member):
    declared(claim, member)
    items = [{"damage_item": item, "plausibility": "no", "amount": "", "reasoning": "Geen mijnbouw."}
             for item in items_of(claim)]
    with frozen(at(claim.decision_due + dt.timedelta(days=400))):
        advice = advice_record(claim=claim, member=member, items=items, reasoning="Afwijzen.",
                               inspection_allowance=False)
    assert advice.total == Decimal("0.00") and advice.statutory_interest == Decimal("0.00")
    assert set(advice.items.values_list("amount", flat=True)) == {Decimal("0.00")}


@pytest.mark.parametrize("items_total,days,expected", [
    (Decimal("1000.00"), 0, Decimal("0.00")),
    (Decimal("1000.00"), 1, Decimal("0.16")),  # 0.1643...
    (Decimal("1000.00"), 365, Decimal("60.00")),
    (Decimal("12345.67"), 30, Decimal("60.88")),  # 60.8828...
    (Decimal("0.00"), 100, Decimal("0.00")),
])
def test_statutory_interest_is_items_times_rate_times_days_over_365(items_total, days, expected):
    due = dt.date(2027, 5, 3)
    assert statutory_interest(items_total=items_total, decision_due=due, on=due + dt.timedelta(days=days)) == expected


def test_interest_days_never_negative_and_zero_without_a_deadline():
    due = dt.date(2027, 5, 3)
    assert interest_days(due, on=due - dt.timedelta(days=10)) == 0
    assert interest_days(None, on=due) == 0
    assert interest_days(due, on=due + dt.timedelta(days=2)) == 2


def test_the_database_refuses_a_total_that_does_not_add_up(claim, member):
    with pytest.raises(IntegrityError), transaction.atomic():
        CommissionAdvice.objects.create(claim=claim, member=member, reasoning="x", items_total=Decimal("100.00"),
                                        inspection_allowance=Decimal("150.00"), statutory_interest=Decimal("0.00"),
                                        total=Decimal("200.00"))


# --- the advice: refusals ----------------------------------------------------------------------------------------

def _missing_item(items):
    return items[:1]


def _no_with_amount(items):
    items[0].update(plausibility="no", amount=Decimal("10.00"))
    return items


def _partly_without_percentage(items):
    items[1].pop("percentage")
    return items


def _percentage_out_of_range(items):
    items[1]["percentage"] = 100
    return items


def _negative(items):
    items[0]["amount"] = Decimal("-1.00")
    return items


def _amount_missing(items):
    items[0]["amount"] = None
    return items


def _three_decimals(items):
    items[0]["amount"] = "10.005"
    return items


def _no_item_reasoning(items):
    items[1]["reasoning"] = "   "
    return items


def _no_plausibility(items):
    items[0]["plausibility"] = "maybe"
    return items


def _twice(items):
    return [items[0], items[1], dict(items[0])]


def _foreign_item(items):
    other = DamageItem.objects.exclude(claim=items[0]["damage_item"].claim).first()
    items[1]["damage_item"] = other
    return items


REFUSALS = [
    (_missing_item, "item_missing"),
    (_no_with_amount, "amount_for_no"),
    (_partly_without_percentage, "percentage_required"),
    (_percentage_out_of_range, "percentage_required"),
    (_negative, "invalid_amount"),
    (_amount_missing, "amount_required"),
    (_three_decimals, "invalid_amount"),
    (_no_item_reasoning, "item_reasoning_required"),
    (_no_plausibility, "plausibility_required"),
    (_twice, "item_twice"),
    (_foreign_item, "unknown_item"),
]


@pytest.mark.parametrize("change,code", REFUSALS, ids=[c.__name__.strip("_") for c, _ in REFUSALS])
def test_an_advice_that_breaks_a_rule_is_refused_and_nothing_is_written(cast, claim, member, change, code):
    claim_in(cast, "intake")  # another claim with its own damage item
    declared(claim, member)
    with pytest.raises(TransitionRefused) as refused:
        advice_record(claim=claim, member=member, items=change(good_items(claim)), reasoning="Advies.",
                      inspection_allowance=True)
    assert refused.value.code == code
    assert nothing_recorded(claim)


def test_a_general_reasoning_is_required(claim, member):
    declared(claim, member)
    with pytest.raises(TransitionRefused) as refused:
        advice_record(claim=claim, member=member, items=good_items(claim), reasoning=" ", inspection_allowance=False)
    assert refused.value.code == "text_required"
    assert nothing_recorded(claim)


def test_a_member_who_did_not_declare_may_not_advise(claim, member):
    with pytest.raises(TransitionRefused) as refused:
        advice_record(claim=claim, member=member, items=good_items(claim), reasoning="Advies.",
                      inspection_allowance=False)
    assert refused.value.code == "not_declared"
    assert nothing_recorded(claim)


def test_a_recused_member_may_not_advise(claim, member):
    review_declare(claim=claim, member=member, has_conflict=True, ground="neighbour")
    with pytest.raises(TransitionForbidden):
        advice_record(claim=claim, member=member, items=good_items(claim), reasoning="Advies.",
                      inspection_allowance=False)
    assert nothing_recorded(claim)


def test_another_members_declaration_does_not_count(claim, member):
    declared(claim, UserFactory(role=R.COMMISSION))
    with pytest.raises(TransitionRefused) as refused:
        advice_record(claim=claim, member=member, items=good_items(claim), reasoning="Advies.",
                      inspection_allowance=False)
    assert refused.value.code == "not_declared"


@pytest.mark.parametrize("role", ["caseworker", "decision_maker", "coordinator"])
def test_only_a_commission_member_advises(cast, claim, role):
    with pytest.raises(TransitionForbidden):
        advice_record(claim=claim, member=getattr(cast, role), items=good_items(claim), reasoning="Advies.",
                      inspection_allowance=False)
    assert nothing_recorded(claim)


def test_an_advice_is_recorded_once_the_claim_has_moved_on_after(claim, member):
    declared(claim, member)
    advice_record(claim=claim, member=member, items=good_items(claim), reasoning="Advies.", inspection_allowance=False)
    with pytest.raises(TransitionRefused) as refused:
        advice_record(claim=claim, member=member, items=good_items(claim), reasoning="Nog eens.",
                      inspection_allowance=False)
    assert refused.value.code == "not_now"
    assert CommissionAdvice.objects.filter(claim=claim).count() == 1


def test_the_advice_needs_the_claim_with_the_commission(cast, member):
    claim = claim_in(cast, "response_period", items=2)
    ReviewDeclaration.objects.create(claim=claim, member=member, has_conflict=False)  # as if declared earlier
    with pytest.raises(TransitionRefused) as refused:
        advice_record(claim=claim, member=member, items=good_items(claim), reasoning="Advies.",
                      inspection_allowance=False)
    assert refused.value.code == "not_now"
    claim.refresh_from_db()
    assert claim.status == "response_period" and not CommissionAdvice.objects.exists()


# --- four eyes ---------------------------------------------------------------------------------------------------

def test_the_member_who_advised_can_never_decide_even_as_decision_maker(cast, claim, member):
    declared(claim, member)
    advice_record(claim=claim, member=member, items=good_items(claim), reasoning="Advies.", inspection_allowance=True)
    claim = Claim.objects.get(pk=claim.pk)
    member.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    R.forget_roles(member)
    assert R.has_role(member, R.DECISION_MAKER)
    assert may_fire(member, "decide", claim) is False
    assert may_fire(cast.decision_maker, "decide", claim) is True
    with pytest.raises(TransitionForbidden):
        cast.fire(claim, "decide", actor=member)
    claim.refresh_from_db()
    assert claim.status == "decision_pending"
