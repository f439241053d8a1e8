"""Claims list and detail: visibility, filters, the steps offered, a fixed number of queries per page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import roles as R
from tests.factories import claim_in, draft_claim

pytestmark = pytest.mark.django_db


def test_the_guide_lists_their_claims_and_not_anyone_elses(cast, as_token):
    own = claim_in(cast, "intake")
    other_person_claim = draft_claim(applicant=cast.person)
    client = as_token(cast.caseworker, R.CASEWORKER)
    response = client.get("/api/v1/claims/")
    assert response.status_code == 200
    references = [row["reference"] for row in response.json()["results"]]
    assert references == [own.reference]
    assert other_person_claim.reference not in references


def test_a_claim_the_caller_may_not_see_is_a_404(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.expert, R.EXPERT).get(f"/api/v1/claims/{claim.reference}/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert claim.reference not in response.content.decode()


def test_the_detail_lists_the_steps_the_caller_may_take_now(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.caseworker, R.CASEWORKER).get(f"/api/v1/claims/{claim.reference}/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "intake"
    assert set(body["transitions_allowed"]) == {"request_info", "declare_not_admissible", "plan_inspection",
                                                 "withdraw", "hold"}


def test_experts_see_no_amounts(cast, as_token):
    claim = claim_in(cast, "inspection")
    body = as_token(cast.expert, R.EXPERT).get(f"/api/v1/claims/{claim.reference}/").json()
    assert body["claimed_amount"] is None and body["awarded_amount"] is None


def test_filters_status_and_urgent(cast, as_token):
    intake = claim_in(cast, "intake")
    urgent = claim_in(cast, "inspection", urgent=True)
    client = as_token(cast.coordinator, R.COORDINATOR)
    assert [r["reference"] for r in client.get("/api/v1/claims/?status=intake").json()["results"]] == [
        intake.reference]
    assert [r["reference"] for r in client.get("/api/v1/claims/?urgent=true").json()["results"]] == [
        urgent.reference]


def test_a_bad_filter_value_is_a_400_with_a_message_for_the_field(cast, as_token):
    response = as_token(cast.coordinator, R.COORDINATOR).get("/api/v1/claims/?status=nonsense")
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


@pytest.mark.parametrize("page_size", [2, 20])
def test_the_list_runs_the_same_queries_whatever_the_page_size(cast, as_token, page_size):
    for _ in range(6):
        claim_in(cast, "intake")
    client = as_token(cast.coordinator, R.COORDINATOR)
    client.get("/api/v1/claims/")  # warm: content types, groups
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/claims/?page_size={page_size}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == min(page_size, 6)
    assert len(queries) == 3, [q["sql"] for q in queries]


def test_without_credentials_the_answer_is_401(db, client):
    response = client.get("/api/v1/claims/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_updated_after_takes_any_offset_iso_8601_allows(cast, as_token):
    """PostgreSQL refuses offsets beyond ±15:59; ISO 8601 allows ±23:59 (found by schemathesis: a 500)."""
    claim = claim_in(cast, "intake")
    client = as_token(cast.coordinator, R.COORDINATOR)
    response = client.get("/api/v1/claims/", {"updated_after": "0412-08-24T23:22:18+23:03"})
    assert response.status_code == 200
    assert [row["reference"] for row in response.json()["results"]] == [claim.reference]
    later = client.get("/api/v1/claims/", {"updated_after": "2999-01-01T00:00:00+23:59"})
    assert later.json()["results"] == []
