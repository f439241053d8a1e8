"""The commission through the API: the declaration (a conflict hides the claim), the advice per damage item (which
fires `advise`), who may read the advices, and the commission's queue with a fixed number of queries."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import CommissionAdvice, ItemAdvice, ReviewDeclaration
from casework.services.commission import advice_record, review_declare
from claims import roles as R
from claims.models import ClaimTransition, Recusal
from claims.timeutil import frozen, now
from tests.factories import UserFactory, claim_in

pytestmark = pytest.mark.django_db

REASONING = "De scheuren passen bij bodembeweging door de mijnbouw in deze straat."


def declaration_url(claim) -> str:
    return f"/api/v1/claims/{claim.reference}/commission/declaration/"


def advice_url(claim) -> str:
    return f"/api/v1/claims/{claim.reference}/commission-advice/"


def items_of(claim) -> list:
    return list(claim.damage_items.order_by("position"))


def good_items(claim) -> list[dict]:
    first, second = items_of(claim)
    return [
        {"damage_item": first.pk, "plausibility": "yes", "amount": "1000.00",
         "reasoning": "Typische scheur door bodembeweging."},
        {"damage_item": second.pk, "plausibility": "partly", "percentage": 40, "amount": "250.50",
         "reasoning": "Deels ook krimp van het hout."},
    ]


def in_review(cast, **kwargs):
    return claim_in(cast, "commission_review", items=kwargs.pop("items", 2), **kwargs)


def declared(cast, claim, member=None):
    review_declare(claim=claim, member=member or cast.commission, has_conflict=False)
    return claim


def advised(cast, claim, member=None):
    """A claim in decision_pending on a real advice (3000 + 1000, with the inspection allowance)."""
    member = member or cast.commission
    declared(cast, claim, member)
    first, second = items_of(claim)
    advice_record(claim=claim, member=member, reasoning=REASONING, inspection_allowance=True, items=[
        {"damage_item": first, "plausibility": "yes", "amount": Decimal("3000.00"), "reasoning": "Ja."},
        {"damage_item": second, "plausibility": "yes", "amount": Decimal("1000.00"), "reasoning": "Ook ja."},
    ])
    claim.refresh_from_db()
    return claim


def nothing_recorded(claim) -> None:
    claim.refresh_from_db()
    assert claim.status == "commission_review"
    assert not CommissionAdvice.objects.filter(claim=claim).exists()
    assert not ClaimTransition.objects.filter(claim=claim, name="advise").exists()


# --- the declaration ---------------------------------------------------------------------------------------------

def test_a_member_declares_no_conflict_and_keeps_the_claim(cast, as_token):
    claim = in_review(cast)
    client = as_token(cast.commission, R.COMMISSION)
    response = client.post(declaration_url(claim), {"has_conflict": False}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["has_conflict"] is False and body["claim"] == claim.reference
    assert body["member"]["id"] == cast.commission.pk
    assert ReviewDeclaration.objects.get(claim=claim, member=cast.commission).has_conflict is False
    assert not Recusal.objects.filter(claim=claim).exists()
    assert client.get(f"/api/v1/claims/{claim.reference}/").status_code == 200


def test_a_conflict_recuses_the_member_and_the_claim_leaves_their_sight(cast, as_token):
    claim = in_review(cast)
    client = as_token(cast.commission, R.COMMISSION)
    response = client.post(declaration_url(claim), {"has_conflict": True, "ground": "neighbour"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["has_conflict"] is True
    assert Recusal.objects.get(claim=claim, member=cast.commission).ground == "neighbour"
    assert client.get(f"/api/v1/claims/{claim.reference}/").status_code == 404
    assert client.post(declaration_url(claim), {"has_conflict": False}, format="json").status_code == 404
    assert client.post(advice_url(claim), {"items": good_items(claim), "reasoning": REASONING},
                       format="json").status_code == 404
    assert client.get("/api/v1/commission-queue/").json()["count"] == 0
    assert ReviewDeclaration.objects.filter(claim=claim).count() == 1
    nothing_recorded(claim)


@pytest.mark.parametrize("data,field", [
    ({"has_conflict": True}, "ground"),
    ({"has_conflict": True, "ground": "other", "explanation": "  "}, "explanation"),
    ({"has_conflict": True, "ground": "cousin"}, "ground"),
    ({}, "has_conflict"),
])
def test_a_declaration_with_bad_data_is_a_400_on_the_field(cast, as_token, data, field):
    claim = in_review(cast)
    response = as_token(cast.commission, R.COMMISSION).post(declaration_url(claim), data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ReviewDeclaration.objects.exists() and not Recusal.objects.exists()


def test_declaring_twice_is_a_409(cast, as_token):
    claim = declared(cast, in_review(cast))
    response = as_token(cast.commission, R.COMMISSION).post(
        declaration_url(claim), {"has_conflict": True, "ground": "relative"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "already_declared"
    assert not Recusal.objects.exists()


@pytest.mark.parametrize("role,status", [
    ("caseworker", 403), ("coordinator", 403), ("expert", 403), ("resident", 403), ("decision_maker", 404),
    ("finance", 404), ("desk", 404),
])
def test_only_commission_members_declare(cast, as_token, role, status):
    claim = in_review(cast)
    response = as_token(getattr(cast, role), role).post(declaration_url(claim), {"has_conflict": False},
                                                        format="json")
    assert response.status_code == status
    assert not ReviewDeclaration.objects.exists()


# --- the advice --------------------------------------------------------------------------------------------------

def test_a_declared_member_records_the_advice_and_the_claim_moves_on(cast, as_token):
    claim = declared(cast, in_review(cast))
    client = as_token(cast.commission, R.COMMISSION)
    response = client.post(advice_url(claim), {"items": good_items(claim), "reasoning": REASONING,
                                               "inspection_allowance": True}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["items_total"] == "1250.50"
    assert body["inspection_allowance"] == "150.00"
    assert Decimal(body["total"]) == Decimal("1400.50") + Decimal(body["statutory_interest"])
    assert body["route"] == "money"
    assert [(row["damage_item"]["position"], row["plausibility"], row["percentage"], row["amount"])
            for row in body["items"]] == [(1, "yes", None, "1000.00"), (2, "partly", 40, "250.50")]
    claim.refresh_from_db()
    assert claim.status == "decision_pending"
    advice = CommissionAdvice.objects.get(claim=claim)
    assert (advice.pk, advice.member, advice.reasoning) == (body["id"], cast.commission, REASONING)
    assert ItemAdvice.objects.filter(advice=advice).count() == 2
    assert ClaimTransition.objects.get(claim=claim, name="advise").actor == cast.commission


def test_no_means_zero_and_the_amount_may_be_left_out(cast, as_token):
    claim = declared(cast, in_review(cast))
    first, second = items_of(claim)
    items = [{"damage_item": first.pk, "plausibility": "no", "reasoning": "Komt door krimp."},
             {"damage_item": second.pk, "plausibility": "yes", "amount": 80, "reasoning": "Ja.", "percentage": 50}]
    response = as_token(cast.commission, R.COMMISSION).post(advice_url(claim), {"items": items,
                                                                                "reasoning": REASONING},
                                                            format="json")
    assert response.status_code == 201, response.json()
    assert [(row["amount"], row["percentage"]) for row in response.json()["items"]] == [("0.00", None),
                                                                                        ("80.00", None)]


def test_advising_before_declaring_is_refused_as_on_the_page(cast, as_token):
    claim = in_review(cast)
    response = as_token(cast.commission, R.COMMISSION).post(
        advice_url(claim), {"items": good_items(claim), "reasoning": REASONING}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_declared"
    nothing_recorded(claim)


def test_not_declared_comes_before_bad_data(cast, as_token):
    claim = in_review(cast)
    response = as_token(cast.commission, R.COMMISSION).post(advice_url(claim), {"items": "nonsense"},
                                                            format="json")
    assert response.status_code == 409
    nothing_recorded(claim)


@pytest.mark.parametrize("role,status", [
    ("caseworker", 403), ("coordinator", 403), ("expert", 403), ("resident", 403), ("decision_maker", 404),
])
def test_only_commission_members_advise(cast, as_token, role, status):
    claim = declared(cast, in_review(cast))
    response = as_token(getattr(cast, role), role).post(
        advice_url(claim), {"items": good_items(claim), "reasoning": REASONING}, format="json")
    assert response.status_code == status
    nothing_recorded(claim)


def test_a_member_who_also_holds_another_role_cannot_advise_on_a_claim_not_in_review(cast, as_session):
    user = UserFactory(role=R.COMMISSION)
    user.groups.add(Group.objects.get(name=R.COORDINATOR))
    claim = claim_in(cast, "response_period", items=2)
    response = as_session(user).post(advice_url(claim), {"items": good_items(claim), "reasoning": REASONING},
                                     format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "not_now"
    claim.refresh_from_db()
    assert claim.status == "response_period" and not CommissionAdvice.objects.exists()


def _post_items(cast, as_token, claim, items):
    return as_token(cast.commission, R.COMMISSION).post(advice_url(claim), {"items": items,
                                                                            "reasoning": REASONING},
                                                        format="json")


def test_partly_without_a_percentage_is_a_400_that_names_the_item(cast, as_token):
    claim = declared(cast, in_review(cast))
    items = good_items(claim)
    del items[1]["percentage"]
    response = _post_items(cast, as_token, claim, items)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["items.1.percentage"]
    assert errors["items.1.percentage"][0].startswith("Schadepunt 2 (Woonkamer): ")
    nothing_recorded(claim)


def test_no_with_an_amount_is_a_400_that_names_the_item(cast, as_token):
    claim = declared(cast, in_review(cast))
    items = good_items(claim)
    items[0]["plausibility"] = "no"
    response = _post_items(cast, as_token, claim, items)
    assert response.status_code == 400
    assert response.json()["errors"]["items.0.amount"][0].startswith("Schadepunt 1 (Woonkamer): ")
    nothing_recorded(claim)


def test_a_damage_item_of_another_claim_is_a_400(cast, as_token):
    claim = declared(cast, in_review(cast))
    other = claim_in(cast, "intake")
    items = good_items(claim)
    items[0]["damage_item"] = other.damage_items.get().pk
    response = _post_items(cast, as_token, claim, items)
    assert response.status_code == 400
    assert "items.0.damage_item" in response.json()["errors"]
    nothing_recorded(claim)


def test_a_missing_item_is_a_400_that_names_it(cast, as_token):
    claim = declared(cast, in_review(cast))
    response = _post_items(cast, as_token, claim, good_items(claim)[:1])
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "item_missing"
    assert "Schadepunt 2 (Woonkamer)" in body["errors"]["items"][0]
    nothing_recorded(claim)


def test_an_item_twice_is_a_400(cast, as_token):
    claim = declared(cast, in_review(cast))
    items = good_items(claim)
    items[1]["damage_item"] = items[0]["damage_item"]
    response = _post_items(cast, as_token, claim, items)
    assert response.status_code == 400
    assert response.json()["code"] == "item_twice" and "items" in response.json()["errors"]
    nothing_recorded(claim)


def test_a_missing_reasoning_is_a_400(cast, as_token):
    claim = declared(cast, in_review(cast))
    response = as_token(cast.commission, R.COMMISSION).post(advice_url(claim), {"items": good_items(claim),
                                                                                "reasoning": "   "},
                                                            format="json")
    assert response.status_code == 400
    assert "reasoning" in response.json()["errors"]
    nothing_recorded(claim)


# --- reading the advices -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["decision_maker", "caseworker", "coordinator"])
def test_staff_whose_pages_show_the_advice_read_it(cast, as_token, role):
    claim = advised(cast, in_review(cast))
    response = as_token(getattr(cast, role), role).get(advice_url(claim))
    assert response.status_code == 200
    [advice] = response.json()
    assert advice["total"] == str(CommissionAdvice.objects.get(claim=claim).total)
    assert advice["member"]["id"] == cast.commission.pk
    assert [row["amount"] for row in advice["items"]] == ["3000.00", "1000.00"]


@pytest.mark.parametrize("role,status", [("resident", 403), ("expert", 403), ("commission", 404), ("desk", 404),
                                         ("finance", 404)])
def test_others_do_not_read_the_advice(cast, as_token, role, status):
    claim = advised(cast, in_review(cast))
    response = as_token(getattr(cast, role), role).get(advice_url(claim))
    assert response.status_code == status
    assert "3000.00" not in response.content.decode()


@pytest.mark.parametrize("items", [1, 6])
def test_the_advices_are_read_with_the_same_queries_whatever_the_number_of_items(cast, as_token, items):
    claim = claim_in(cast, "commission_review", items=items)
    declared(cast, claim)
    advice_record(claim=claim, member=cast.commission, reasoning=REASONING, inspection_allowance=False, items=[
        {"damage_item": item, "plausibility": "yes", "amount": Decimal("10.00"), "reasoning": "Ja."}
        for item in items_of(claim)])
    client = as_token(cast.decision_maker, R.DECISION_MAKER)
    client.get(advice_url(claim))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(advice_url(claim))
    assert len(response.json()[0]["items"]) == items
    assert len(queries) == 4, [q["sql"] for q in queries]  # token, claim, advices with member, items with damage


# --- the queue ---------------------------------------------------------------------------------------------------

def test_the_queue_lists_urgent_first_then_the_longest_waiting_with_the_declaration(cast, as_token):
    start = now()
    with frozen(start - dt.timedelta(days=12)):
        oldest = in_review(cast, items=3)
    with frozen(start - dt.timedelta(days=5)):
        urgent = in_review(cast, urgent=True)
    with frozen(start - dt.timedelta(days=8)):
        middle = declared(cast, in_review(cast))
    recused = in_review(cast)
    review_declare(claim=recused, member=cast.commission, has_conflict=True, ground="earlier")
    claim_in(cast, "response_period")
    response = as_token(cast.commission, R.COMMISSION).get("/api/v1/commission-queue/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["reference"] for row in rows] == [urgent.reference, oldest.reference, middle.reference]
    assert [(row["days_waiting"], row["item_count"], row["declared"]) for row in rows] == [
        (5, 2, False), (12, 3, False), (8, 2, True)]


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "decision_maker", "resident", "expert"])
def test_only_commission_members_have_the_queue(cast, as_token, role):
    in_review(cast)
    response = as_token(getattr(cast, role), role).get("/api/v1/commission-queue/")
    assert response.status_code == 403


@pytest.mark.parametrize("size", [2, 7])
def test_the_queue_runs_the_same_queries_at_any_size(cast, as_token, size):
    for index in range(size):
        claim = in_review(cast, items=1 + index % 3)
        if index % 2:
            declared(cast, claim)
    client = as_token(cast.commission, R.COMMISSION)
    client.get("/api/v1/commission-queue/")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/commission-queue/?page_size=100")
    assert len(response.json()["results"]) == size
    assert len(queries) == 3, [q["sql"] for q in queries]  # token, count, page
