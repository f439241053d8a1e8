"""Decisions through the API: the decision maker decides on the advice (the claim moves to `decided`, the letter is
scheduled), four eyes, what each role reads of a claim's decisions, and the decision queue's fixed queries."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import Decision
from casework.services.commission import advice_record, review_declare
from casework.services.decisions import decision_make
from claims import roles as R
from claims.models import ClaimTransition, Letter, LetterKind
from claims.services.portal import objection_file
from tests.api.test_commission import advised, in_review, items_of
from tests.factories import UserFactory, claim_in

pytestmark = pytest.mark.django_db

REASONING = "Wij volgen het advies van de commissie."


def decisions_url(claim) -> str:
    return f"/api/v1/claims/{claim.reference}/decisions/"


def rows(claim, *specs) -> list[dict]:
    """One input row per damage item: (plausibility, amount[, percentage])."""
    result = []
    for item, spec in zip(items_of(claim), specs, strict=True):
        row = {"damage_item": item.pk, "plausibility": spec[0], "amount": spec[1]}
        if len(spec) > 2:
            row["percentage"] = spec[2]
        result.append(row)
    return result


def decided(cast, claim):
    """The advised claim decided as advised (3000 + 1000 + the inspection allowance and interest)."""
    first, second = items_of(claim)
    decision_make(claim=claim, actor=cast.decision_maker, outcome="granted", reasoning=REASONING, items=[
        {"damage_item": first, "plausibility": "yes", "amount": Decimal("3000.00")},
        {"damage_item": second, "plausibility": "yes", "amount": Decimal("1000.00")}])
    claim.refresh_from_db()
    return claim


def nothing_decided(claim, status="decision_pending") -> None:
    claim.refresh_from_db()
    assert claim.status == status
    assert not Decision.objects.filter(claim=claim).exists()
    assert not ClaimTransition.objects.filter(claim=claim, name="decide").exists()
    assert not Letter.objects.filter(claim=claim, kind=LetterKind.DECISION).exists()


# --- deciding ----------------------------------------------------------------------------------------------------

def test_the_decision_maker_decides_and_the_letter_is_scheduled(cast, as_token):
    claim = advised(cast, in_review(cast))
    response = as_token(cast.decision_maker, R.DECISION_MAKER).post(decisions_url(claim), {
        "outcome": "partly_granted", "reasoning": REASONING,
        "items": rows(claim, ("yes", "3000.00"), ("partly", "400.00", 40)),
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    decision = Decision.objects.get(claim=claim)
    assert body["id"] == decision.pk and body["kind"] == "first" and body["outcome"] == "partly_granted"
    assert decision.total == Decimal(body["total"]) == Decimal("3400.00") + decision.advice.inspection_allowance \
        + decision.advice.statutory_interest
    assert body["decided_by"]["id"] == cast.decision_maker.pk
    assert [(row["damage_item"]["position"], row["plausibility"], row["amount"]) for row in body["items"]] == [
        (1, "yes", "3000.00"), (2, "partly", "400.00")]
    claim.refresh_from_db()
    assert claim.status == "decided" and claim.awarded_amount == decision.total
    assert ClaimTransition.objects.get(claim=claim, name="decide").actor == cast.decision_maker
    letter = Letter.objects.get(claim=claim, kind=LetterKind.DECISION)
    assert letter.key == f"decision:{decision.pk}"
    assert [i["amount"] for i in letter.context["items"]] == ["3000.00", "400.00"]


def test_four_eyes_who_advised_may_not_decide(cast, as_token):
    both = UserFactory(role=R.COMMISSION)
    both.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    claim = advised(cast, in_review(cast), member=both)
    response = as_token(both, R.DECISION_MAKER).post(decisions_url(claim), {
        "outcome": "granted", "reasoning": REASONING, "items": rows(claim, ("yes", "3000.00"), ("yes", "1000.00"))},
        format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "four_eyes"
    nothing_decided(claim)


def test_four_eyes_comes_before_bad_data(cast, as_token):
    both = UserFactory(role=R.COMMISSION)
    both.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    claim = advised(cast, in_review(cast), member=both)
    response = as_token(both, R.DECISION_MAKER).post(decisions_url(claim), {"outcome": "maybe"}, format="json")
    assert response.status_code == 403
    nothing_decided(claim)


@pytest.mark.parametrize("role,status", [
    ("caseworker", 403), ("coordinator", 403), ("resident", 403), ("expert", 403), ("commission", 404),
    ("desk", 404), ("finance", 404),
])
def test_only_decision_makers_decide(cast, as_token, role, status):
    claim = advised(cast, in_review(cast))
    response = as_token(getattr(cast, role), role).post(decisions_url(claim), {
        "outcome": "granted", "reasoning": REASONING, "items": rows(claim, ("yes", "3000.00"), ("yes", "1000.00"))},
        format="json")
    assert response.status_code == status
    nothing_decided(claim)


def test_without_an_advice_there_is_no_decision(cast, as_token):
    claim = claim_in(cast, "decision_pending", items=1)  # `advise` fired without a recorded advice
    response = as_token(cast.decision_maker, R.DECISION_MAKER).post(decisions_url(claim), {
        "outcome": "granted", "reasoning": REASONING, "items": rows(claim, ("yes", "10.00"))}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "no_advice"
    nothing_decided(claim)


def test_a_claim_not_awaiting_a_decision_is_a_409(cast, as_token):
    claim = decided(cast, advised(cast, in_review(cast)))
    claim = objection_file(claim=claim, actor=cast.resident, grounds="Het bedrag is te laag.")
    response = as_token(cast.objection_handler, R.DECISION_MAKER).post(decisions_url(claim), {
        "outcome": "granted", "reasoning": REASONING, "items": rows(claim, ("yes", "3000.00"), ("yes", "1000.00"))},
        format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_now"
    assert Decision.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("items,outcome,field,named", [
    ((("no", "3000.00"), ("yes", "1000.00")), "granted", "items.0.amount", "Schadepunt 1 (Woonkamer): "),
    ((("yes", "3000.00"), ("partly", "1000.00")), "granted", "items.1.percentage", "Schadepunt 2 (Woonkamer): "),
    ((("yes", "-1"), ("yes", "1000.00")), "granted", "items.0.amount", "Schadepunt 1 (Woonkamer): "),
    ((("yes", "3000.00"), ("maybe", "1000.00")), "granted", "items.1.plausibility", "Schadepunt 2 (Woonkamer): "),
    ((("yes", "3000.00"), ("yes", "1000.00")), "rejected", "items", ""),
    ((("no", "0"), ("no", "0")), "granted", "items", ""),
])
def test_bad_items_are_a_400_that_names_the_item(cast, as_token, items, outcome, field, named):
    claim = advised(cast, in_review(cast))
    response = as_token(cast.decision_maker, R.DECISION_MAKER).post(decisions_url(claim), {
        "outcome": outcome, "reasoning": REASONING, "items": rows(claim, *items)}, format="json")
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert field in errors, errors
    assert errors[field][0].startswith(named)
    nothing_decided(claim)


def test_every_item_exactly_once(cast, as_token):
    claim = advised(cast, in_review(cast))
    items = rows(claim, ("yes", "3000.00"), ("yes", "1000.00"))
    response = as_token(cast.decision_maker, R.DECISION_MAKER).post(decisions_url(claim), {
        "outcome": "granted", "reasoning": REASONING, "items": items[:1]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "items_mismatch" and "items" in response.json()["errors"]
    nothing_decided(claim)


def test_a_missing_outcome_and_reasoning_are_400s(cast, as_token):
    claim = advised(cast, in_review(cast))
    response = as_token(cast.decision_maker, R.DECISION_MAKER).post(decisions_url(claim), {
        "items": rows(claim, ("yes", "3000.00"), ("yes", "1000.00"))}, format="json")
    assert response.status_code == 400
    assert {"outcome", "reasoning"} <= set(response.json()["errors"])
    nothing_decided(claim)


# --- reading decisions -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["caseworker", "coordinator"])
def test_staff_read_the_decisions_with_who_decided(cast, as_token, role):
    claim = decided(cast, advised(cast, in_review(cast)))
    response = as_token(getattr(cast, role), role).get(decisions_url(claim))
    assert response.status_code == 200
    [decision] = response.json()
    assert decision["decided_by"]["id"] == cast.decision_maker.pk
    assert decision["advice"] == Decision.objects.get(claim=claim).advice_id
    assert [row["amount"] for row in decision["items"]] == ["3000.00", "1000.00"]


def test_the_resident_reads_what_the_portal_shows(cast, as_token):
    claim = decided(cast, advised(cast, in_review(cast)))
    response = as_token(cast.resident, R.RESIDENT).get(decisions_url(claim))
    assert response.status_code == 200
    [decision] = response.json()
    assert decision["total"] == str(claim.awarded_amount) and decision["reasoning"] == REASONING
    assert decision["decided_by"] is None and decision["advice"] is None
    assert cast.decision_maker.username not in response.content.decode()


def test_another_resident_does_not_see_the_decisions(cast, as_token):
    claim = decided(cast, advised(cast, in_review(cast)))
    stranger = UserFactory(role=R.RESIDENT)
    assert as_token(stranger, R.RESIDENT).get(decisions_url(claim)).status_code == 404


@pytest.mark.parametrize("role", ["expert", "finance"])
def test_roles_whose_pages_do_not_show_decisions_get_a_403(cast, as_token, role):
    claim = decided(cast, advised(cast, in_review(cast)))
    response = as_token(getattr(cast, role), role).get(decisions_url(claim))
    assert response.status_code == 403
    assert "3000.00" not in response.content.decode()


@pytest.mark.parametrize("items", [1, 6])
def test_decisions_are_read_with_the_same_queries_whatever_the_number_of_items(cast, as_token, items):
    claim = claim_in(cast, "commission_review", items=items)
    review_declare(claim=claim, member=cast.commission, has_conflict=False)
    every = [{"damage_item": item, "plausibility": "yes", "amount": Decimal("10.00"), "reasoning": "Ja."}
             for item in items_of(claim)]
    advice_record(claim=claim, member=cast.commission, reasoning=REASONING, inspection_allowance=False, items=every)
    claim.refresh_from_db()
    decision_make(claim=claim, actor=cast.decision_maker, outcome="granted", reasoning=REASONING, items=every)
    client = as_token(cast.coordinator, R.COORDINATOR)
    client.get(decisions_url(claim))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(decisions_url(claim))
    assert len(response.json()[0]["items"]) == items
    assert len(queries) == 4, [q["sql"] for q in queries]  # token, claim, decisions with who, items with damage


# --- the queue ---------------------------------------------------------------------------------------------------

def test_the_queue_lists_claims_awaiting_a_decision_and_marks_the_ones_the_caller_advised(cast, as_token):
    both = UserFactory(role=R.COMMISSION)
    both.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    mine = advised(cast, in_review(cast), member=both)
    theirs = advised(cast, in_review(cast))
    decided(cast, advised(cast, in_review(cast)))  # no longer waiting
    claim_in(cast, "commission_review")
    response = as_token(both, R.DECISION_MAKER).get("/api/v1/decision-queue/")
    assert response.status_code == 200
    rows_ = {row["reference"]: row for row in response.json()["results"]}
    assert set(rows_) == {mine.reference, theirs.reference}
    assert rows_[mine.reference]["advised_by_me"] is True and rows_[theirs.reference]["advised_by_me"] is False
    assert rows_[theirs.reference]["advised_total"] == str(theirs.commission_advices.get().total)
    assert rows_[theirs.reference]["route"] == "money" and rows_[theirs.reference]["days_since_advice"] == 0


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "commission", "resident", "finance"])
def test_only_decision_makers_have_the_decision_queue(cast, as_token, role):
    advised(cast, in_review(cast))
    assert as_token(getattr(cast, role), role).get("/api/v1/decision-queue/").status_code == 403


@pytest.mark.parametrize("size", [2, 7])
def test_the_decision_queue_runs_the_same_queries_at_any_size(cast, as_token, size):
    for _ in range(size):
        advised(cast, in_review(cast))
    client = as_token(cast.decision_maker, R.DECISION_MAKER)
    client.get("/api/v1/decision-queue/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/decision-queue/?page_size=100")
    assert len(response.json()["results"]) == size
    assert len(queries) == 3, [q["sql"] for q in queries]  # token, count, page


def test_a_total_the_amounts_cannot_hold_is_a_400(cast, as_token):
    claim = advised(cast, in_review(cast))
    response = as_token(cast.decision_maker, R.DECISION_MAKER).post(decisions_url(claim), {
        "outcome": "granted", "reasoning": REASONING,
        "items": rows(claim, ("yes", "9999999999.99"), ("yes", "9999999999.99"))}, format="json")
    assert response.status_code == 400
    assert "items" in response.json()["errors"]
    nothing_decided(claim)
