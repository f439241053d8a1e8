"""The guide's and the coordinator's work through the API: reassigning, the extension and the notice of default,
the safety visit, absences. The allowed role changes the database (and a letter goes out where the service
sends one); a colleague who only reads gets 403, a claim out of sight 404, bad data 400, the wrong moment 409."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from casework.models import Note, Reassignment
from claims import roles as R
from claims import termijnen
from claims.models import Absence, Claim, ClockEvent, Letter, Team
from claims.timeutil import frozen, today
from tests.factories import UserFactory, claim_in

pytestmark = pytest.mark.django_db


def url(claim: Claim, what: str) -> str:
    return f"/api/v1/claims/{claim.reference}/{what}/"


def team_colleague(municipality: str = "Heerlen"):
    colleague = UserFactory(role=R.CASEWORKER)
    Team.objects.create(name=f"Team {colleague.username}", municipalities=[municipality]).members.add(colleague)
    return colleague


# --- reassigning one claim -----------------------------------------------------------------------------------------

def test_the_coordinator_reassigns_a_claim_with_a_handover(cast, as_token):
    claim = claim_in(cast, "intake")
    new_guide = UserFactory(role=R.CASEWORKER, first_name="Mieke", last_name="Janssen")
    response = as_token(cast.coordinator, R.COORDINATOR).post(url(claim, "reassign"), {
        "to_guide": new_guide.pk, "reason": "Werkverdeling", "handover": "Alleen 's middags bellen."},
        format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["caseworker"] == {"id": new_guide.pk, "name": "Mieke Janssen"}
    claim.refresh_from_db()
    assert claim.caseworker == new_guide
    assert Reassignment.objects.get(claim=claim).from_guide == cast.caseworker
    assert Note.objects.get(claim=claim, kind=Note.Kind.HANDOVER).body == "Alleen 's middags bellen."


def test_a_claim_waiting_for_a_guide_goes_into_intake_with_them(cast, as_token):
    claim = claim_in(cast, "submitted")
    response = as_token(cast.coordinator, R.COORDINATOR).post(url(claim, "reassign"), {
        "to_guide": cast.caseworker.pk, "reason": "Eerste toewijzing"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "intake"
    claim.refresh_from_db()
    assert (claim.status, claim.caseworker) == ("intake", cast.caseworker)


@pytest.mark.parametrize("data,field", [
    (lambda cast: {"to_guide": cast.caseworker.pk, "reason": "Zelfde"}, "to_guide"),  # the current guide
    (lambda cast: {"to_guide": cast.expert.pk, "reason": "Geen begeleider"}, "to_guide"),
    (lambda cast: {"to_guide": 2**31 + 5, "reason": "Bestaat niet"}, "to_guide"),
    (lambda cast: {"to_guide": UserFactory(role=R.CASEWORKER).pk, "reason": "  "}, "reason"),
])
def test_bad_reassign_data_is_a_400_on_its_field(cast, as_token, data, field):
    claim = claim_in(cast, "intake")
    response = as_token(cast.coordinator, R.COORDINATOR).post(url(claim, "reassign"), data(cast), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Reassignment.objects.filter(claim=claim).exists()


def test_a_guide_may_not_reassign(cast, as_token):
    claim = claim_in(cast, "intake")
    other = UserFactory(role=R.CASEWORKER)
    response = as_token(cast.caseworker, R.CASEWORKER).post(url(claim, "reassign"), {
        "to_guide": other.pk, "reason": "Te druk"}, format="json")
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker and not Reassignment.objects.exists()


def test_a_closed_claim_is_not_reassigned(cast, as_token):
    claim = claim_in(cast, "closed")
    response = as_token(cast.coordinator, R.COORDINATOR).post(url(claim, "reassign"), {
        "to_guide": UserFactory(role=R.CASEWORKER).pk, "reason": "Opruimen"}, format="json")
    assert response.status_code == 409
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker and not Reassignment.objects.exists()


# --- reassigning many ----------------------------------------------------------------------------------------------

def test_the_coordinator_moves_many_claims_at_once(cast, as_token):
    first, second = claim_in(cast, "intake"), claim_in(cast, "inspection")
    new_guide = UserFactory(role=R.CASEWORKER)
    response = as_token(cast.coordinator, R.COORDINATOR).post("/api/v1/claims/reassign/", {
        "references": [first.reference, second.reference.lower()], "to_guide": new_guide.pk,
        "reason": "Zaakbegeleider met verlof"}, format="json")
    assert response.status_code == 200, response.json()
    assert sorted(row["reference"] for row in response.json()) == sorted([first.reference, second.reference])
    assert set(Claim.objects.filter(pk__in=[first.pk, second.pk]).values_list("caseworker", flat=True)) == {
        new_guide.pk}
    assert Reassignment.objects.count() == 2


def test_one_claim_that_cannot_move_stops_the_batch(cast, as_token):
    moving, closed = claim_in(cast, "intake"), claim_in(cast, "closed")
    response = as_token(cast.coordinator, R.COORDINATOR).post("/api/v1/claims/reassign/", {
        "references": [moving.reference, closed.reference], "to_guide": UserFactory(role=R.CASEWORKER).pk,
        "reason": "Herverdeling"}, format="json")
    assert response.status_code == 409
    assert closed.reference in response.json()["detail"]
    moving.refresh_from_db()
    assert moving.caseworker == cast.caseworker and not Reassignment.objects.exists()


@pytest.mark.parametrize("references", [[], ["MS-2026-999999"], ["<script>"]])
def test_unknown_references_are_a_400_on_references(cast, as_token, references):
    claim_in(cast, "intake")
    response = as_token(cast.coordinator, R.COORDINATOR).post("/api/v1/claims/reassign/", {
        "references": references, "to_guide": cast.caseworker.pk, "reason": "x"}, format="json")
    assert response.status_code == 400
    assert "references" in response.json()["errors"]


def test_only_a_coordinator_moves_claims_in_bulk(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.caseworker, R.CASEWORKER).post("/api/v1/claims/reassign/", {
        "references": [claim.reference], "to_guide": UserFactory(role=R.CASEWORKER).pk, "reason": "x"},
        format="json")
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker


# --- the extension of the decision term ----------------------------------------------------------------------------

def test_the_guide_extends_the_term_once_and_the_resident_gets_a_letter(cast, as_token):
    claim = claim_in(cast, "intake")
    started = ClockEvent.objects.get(claim=claim, kind="start").on_date
    client = as_token(cast.caseworker, R.CASEWORKER)
    response = client.post(url(claim, "extension"), {"weeks": 6, "reason": "Het rapport is laat."}, format="json")
    assert response.status_code == 200, response.json()
    due = termijnen.roll_forward(started + dt.timedelta(weeks=8 + 6))
    assert response.json()["decision_due"] == due.isoformat()
    claim.refresh_from_db()
    assert claim.decision_due == due
    assert ClockEvent.objects.filter(claim=claim, kind="extend", weeks=6).count() == 1
    assert Letter.objects.filter(claim=claim, kind="extension").count() == 1
    again = client.post(url(claim, "extension"), {"weeks": 2, "reason": "Nog meer tijd"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_extended"
    assert ClockEvent.objects.filter(claim=claim, kind="extend").count() == 1
    assert Letter.objects.filter(claim=claim, kind="extension").count() == 1


@pytest.mark.parametrize("data,field", [
    ({"weeks": 6}, "reason"),
    ({"weeks": 6, "reason": " "}, "reason"),
    ({"weeks": 0, "reason": "Laat"}, "weeks"),
    ({"weeks": 20, "reason": "Laat"}, "weeks"),  # the form allows 52; the service at most the decision term
    ({"weeks": "zes", "reason": "Laat"}, "weeks"),
])
def test_bad_extension_data_is_a_400_on_its_field(cast, as_token, data, field):
    claim = claim_in(cast, "intake")
    response = as_token(cast.caseworker, R.CASEWORKER).post(url(claim, "extension"), data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ClockEvent.objects.filter(claim=claim, kind="extend").exists()


def test_a_colleague_may_not_extend_and_a_stranger_does_not_see_the_claim(cast, as_token):
    claim = claim_in(cast, "intake")
    data = {"weeks": 4, "reason": "Laat"}
    assert as_token(team_colleague(), R.CASEWORKER).post(url(claim, "extension"), data,
                                                         format="json").status_code == 403
    assert as_token(UserFactory(role=R.CASEWORKER), R.CASEWORKER).post(url(claim, "extension"), data,
                                                                       format="json").status_code == 404
    assert as_token(cast.resident, R.RESIDENT).post(url(claim, "extension"), data, format="json").status_code == 403
    assert not ClockEvent.objects.filter(claim=claim, kind="extend").exists()
    assert not Letter.objects.filter(claim=claim, kind="extension").exists()


def test_a_decided_claim_is_not_extended(cast, as_token):
    claim = claim_in(cast, "decided")
    response = as_token(cast.coordinator, R.COORDINATOR).post(url(claim, "extension"), {
        "weeks": 4, "reason": "Laat"}, format="json")
    assert response.status_code == 409
    assert not ClockEvent.objects.filter(claim=claim, kind="extend").exists()


# --- the notice of default ---------------------------------------------------------------------------------------

def test_a_notice_of_default_after_the_due_date_is_recorded(cast, as_token):
    with frozen(dt.datetime(2026, 1, 5, 10, 0)):
        claim = claim_in(cast, "intake")
    client = as_token(cast.caseworker, R.CASEWORKER)
    with frozen(dt.datetime(2026, 3, 20, 10, 0)):
        response = client.post(url(claim, "default-notices"), {"received_on": "2026-03-04", "reason": "Per brief"},
                               format="json")
    assert response.status_code == 201, response.json()
    event = ClockEvent.objects.get(claim=claim, kind="default_notice")
    assert response.json()["id"] == event.pk
    assert (event.on_date, event.reason, event.actor) == (dt.date(2026, 3, 4), "Per brief", cast.caseworker)


def test_a_notice_of_default_before_the_due_date_is_a_409_and_a_future_one_a_400(cast, as_token):
    claim = claim_in(cast, "intake")
    client = as_token(cast.caseworker, R.CASEWORKER)
    early = client.post(url(claim, "default-notices"), {"received_on": today().isoformat()}, format="json")
    assert early.status_code == 409 and early.json()["code"] == "too_early"
    missing = client.post(url(claim, "default-notices"), {"reason": "x"}, format="json")
    assert missing.status_code == 400 and "received_on" in missing.json()["errors"]
    with frozen(dt.datetime(2026, 1, 5, 10, 0)):
        old = claim_in(cast, "intake")
    with frozen(dt.datetime(2026, 3, 20, 10, 0)):
        future = client.post(url(old, "default-notices"), {"received_on": "2026-03-25"}, format="json")
    assert future.status_code == 400 and "received_on" in future.json()["errors"]
    assert not ClockEvent.objects.filter(kind="default_notice").exists()


def test_a_colleague_may_not_record_a_notice_of_default(cast, as_token):
    with frozen(dt.datetime(2026, 1, 5, 10, 0)):
        claim = claim_in(cast, "intake")
    with frozen(dt.datetime(2026, 3, 20, 10, 0)):
        response = as_token(team_colleague(), R.CASEWORKER).post(url(claim, "default-notices"), {
            "received_on": "2026-03-04"}, format="json")
    assert response.status_code == 403
    assert not ClockEvent.objects.filter(claim=claim, kind="default_notice").exists()


# --- the safety visit ----------------------------------------------------------------------------------------------

def _an_hour_ago() -> str:
    return (timezone.now() - dt.timedelta(hours=1)).isoformat()


def urgent_claim(cast, state: str) -> Claim:
    """An urgent claim reported yesterday, so a visit an hour ago came after the report."""
    with frozen(timezone.now() - dt.timedelta(days=1)):
        return claim_in(cast, state, urgent=True)


@pytest.mark.parametrize("who,role", [("caseworker", R.CASEWORKER), ("coordinator", R.COORDINATOR),
                                      ("expert", R.EXPERT)])
def test_the_safety_visit_to_an_urgent_claim_is_recorded(cast, as_token, who, role):
    claim = urgent_claim(cast, "inspection")
    response = as_token(getattr(cast, who), role).post(url(claim, "safety-visits"), {
        "visited_at": _an_hour_ago(), "findings": "Gevel gestut, bewoners mogen blijven."}, format="json")
    assert response.status_code == 201, response.json()
    event = ClockEvent.objects.get(claim=claim, kind="safety_visit")
    assert response.json()["kind"] == "safety_visit" and event.actor == getattr(cast, who)
    assert event.reason == "Gevel gestut, bewoners mogen blijven."


def test_a_safety_visit_on_a_claim_that_is_not_urgent_is_a_409(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.caseworker, R.CASEWORKER).post(url(claim, "safety-visits"), {
        "visited_at": _an_hour_ago(), "findings": "Niets bijzonders."}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "not_urgent"
    assert not ClockEvent.objects.filter(claim=claim, kind="safety_visit").exists()


@pytest.mark.parametrize("data,field", [
    ({"visited_at": (timezone.now() + dt.timedelta(days=1)).isoformat(), "findings": "Gestut"}, "visited_at"),
    ({"visited_at": "gisteren", "findings": "Gestut"}, "visited_at"),
    ({"visited_at": "2020-01-01T10:00:00+01:00", "findings": "Gestut"}, "visited_at"),  # before the report
    ({"visited_at": "2026-01-01T10:00:00+01:00", "findings": ""}, "findings"),
])
def test_bad_safety_visit_data_is_a_400_on_its_field(cast, as_token, data, field):
    claim = claim_in(cast, "intake", urgent=True)
    response = as_token(cast.caseworker, R.CASEWORKER).post(url(claim, "safety-visits"), data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ClockEvent.objects.filter(claim=claim, kind="safety_visit").exists()


def test_a_colleague_or_the_resident_may_not_record_a_safety_visit(cast, as_token):
    claim = urgent_claim(cast, "intake")
    data = {"visited_at": _an_hour_ago(), "findings": "Gestut"}
    assert as_token(team_colleague(), R.CASEWORKER).post(url(claim, "safety-visits"), data,
                                                         format="json").status_code == 403
    assert as_token(cast.resident, R.RESIDENT).post(url(claim, "safety-visits"), data,
                                                    format="json").status_code == 403
    assert as_token(cast.expert, R.EXPERT).post(url(claim, "safety-visits"), data,
                                                format="json").status_code == 404  # not their claim yet
    assert not ClockEvent.objects.filter(claim=claim, kind="safety_visit").exists()


# --- absences ------------------------------------------------------------------------------------------------------

def test_the_coordinator_records_an_absence_and_lists_it(cast, as_token):
    substitute = UserFactory(role=R.CASEWORKER)
    client = as_token(cast.coordinator, R.COORDINATOR)
    starts = today() + dt.timedelta(days=3)
    response = client.post("/api/v1/absences/", {
        "user": cast.caseworker.pk, "substitute": substitute.pk, "starts_on": starts.isoformat(),
        "ends_on": (starts + dt.timedelta(days=7)).isoformat(), "reason": "verlof"}, format="json")
    assert response.status_code == 201, response.json()
    absence = Absence.objects.get()
    assert (absence.user, absence.substitute, absence.starts_on, absence.created_by) == (
        cast.caseworker, substitute, starts, cast.coordinator)
    listed = client.get("/api/v1/absences/").json()["results"]
    assert [row["id"] for row in listed] == [absence.pk]
    assert listed[0]["substitute"]["id"] == substitute.pk


@pytest.mark.parametrize("change,field", [
    (lambda cast, sub: {"substitute": cast.caseworker.pk}, "substitute"),
    (lambda cast, sub: {"user": cast.expert.pk}, "user"),
    (lambda cast, sub: {"starts_on": (today() - dt.timedelta(days=1)).isoformat()}, "starts_on"),
    (lambda cast, sub: {"ends_on": (today() - dt.timedelta(days=1)).isoformat()}, "ends_on"),
    (lambda cast, sub: {"starts_on": "morgen"}, "starts_on"),
])
def test_bad_absence_data_is_a_400_on_its_field(cast, as_token, change, field):
    substitute = UserFactory(role=R.CASEWORKER)
    data = {"user": cast.caseworker.pk, "substitute": substitute.pk, "starts_on": today().isoformat(),
            "ends_on": (today() + dt.timedelta(days=2)).isoformat(), **change(cast, substitute)}
    response = as_token(cast.coordinator, R.COORDINATOR).post("/api/v1/absences/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Absence.objects.exists()


def test_an_overlapping_absence_is_a_409(cast, as_token):
    substitute = UserFactory(role=R.CASEWORKER)
    Absence.objects.create(user=cast.caseworker, substitute=substitute, starts_on=today(),
                           ends_on=today() + dt.timedelta(days=5))
    response = as_token(cast.coordinator, R.COORDINATOR).post("/api/v1/absences/", {
        "user": cast.caseworker.pk, "substitute": substitute.pk,
        "starts_on": (today() + dt.timedelta(days=2)).isoformat(),
        "ends_on": (today() + dt.timedelta(days=9)).isoformat()}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "overlap"
    assert Absence.objects.count() == 1


def test_only_the_coordinator_sees_and_records_absences(cast, as_token):
    client = as_token(cast.caseworker, R.CASEWORKER)
    assert client.get("/api/v1/absences/").status_code == 403
    response = client.post("/api/v1/absences/", {
        "user": cast.caseworker.pk, "substitute": UserFactory(role=R.CASEWORKER).pk,
        "starts_on": today().isoformat(), "ends_on": today().isoformat()}, format="json")
    assert response.status_code == 403
    assert not Absence.objects.exists()


def test_ending_a_running_absence_ends_it_yesterday(cast, as_token):
    absence = Absence.objects.create(user=cast.caseworker, substitute=UserFactory(role=R.CASEWORKER),
                                     starts_on=today() - dt.timedelta(days=3), ends_on=today() + dt.timedelta(days=4))
    response = as_token(cast.coordinator, R.COORDINATOR).post(f"/api/v1/absences/{absence.pk}/end/")
    assert response.status_code == 200, response.json()
    absence.refresh_from_db()
    assert absence.ends_on == today() - dt.timedelta(days=1)
    assert response.json()["ends_on"] == absence.ends_on.isoformat()


def test_ending_an_absence_that_has_not_begun_cancels_it(cast, as_token):
    absence = Absence.objects.create(user=cast.caseworker, substitute=UserFactory(role=R.CASEWORKER),
                                     starts_on=today() + dt.timedelta(days=3), ends_on=today() + dt.timedelta(days=4))
    client = as_token(cast.coordinator, R.COORDINATOR)
    response = client.post(f"/api/v1/absences/{absence.pk}/end/")
    assert response.status_code == 204
    assert not Absence.objects.exists()
    assert client.post(f"/api/v1/absences/{absence.pk}/end/").status_code == 404
    assert client.post("/api/v1/absences/99999999999999/end/").status_code == 404


def test_a_guide_may_not_end_an_absence(cast, as_token):
    absence = Absence.objects.create(user=cast.caseworker, substitute=UserFactory(role=R.CASEWORKER),
                                     starts_on=today() - dt.timedelta(days=1), ends_on=today() + dt.timedelta(days=4))
    response = as_token(absence.substitute, R.CASEWORKER).post(f"/api/v1/absences/{absence.pk}/end/")
    assert response.status_code == 403
    absence.refresh_from_db()
    assert absence.ends_on == today() + dt.timedelta(days=4)


@pytest.mark.parametrize("count", [2, 12])
def test_the_absence_list_runs_the_same_queries_whatever_its_size(cast, as_token, count):
    for number in range(count):
        Absence.objects.create(user=UserFactory(role=R.CASEWORKER), substitute=UserFactory(role=R.CASEWORKER),
                               starts_on=today() + dt.timedelta(days=number), ends_on=today() + dt.timedelta(days=30),
                               created_by=cast.coordinator)
    client = as_token(cast.coordinator, R.COORDINATOR)
    client.get("/api/v1/absences/")  # warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/absences/?page_size=100")
    assert len(response.json()["results"]) == count
    assert len(queries) == 3, [q["sql"] for q in queries]  # token, count, page
