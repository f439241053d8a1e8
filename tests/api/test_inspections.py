"""Inspections through the API: who sees which inspection and which of its fields, planning the visit, the visit,
the advice report, another expert, the resident's objection to the expert and the calendar file. The same rules
as the pages: the allowed role changes the database; anyone else gets 403/404 and the database stays as it was."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.services.inspection import (
    damage_item_record_findings,
    inspection_record_visit,
    inspection_replace_expert,
    inspection_schedule,
    inspection_submit_report,
)
from claims import deadlines
from claims import roles as R
from claims.models import Claim, ClaimTransition, Document, DocumentKind, Inspection, Letter, LetterKind, Message, Team
from claims.services import portal
from claims.timeutil import frozen, local_date
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in, resident

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=AMS)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=AMS)


@pytest.fixture(autouse=True)
def clock():
    with frozen(MONDAY):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")


@pytest.fixture
def cast(db):
    cast = Cast()
    for user, first, last in ((cast.expert, "Ingrid", "Deskundig"), (cast.caseworker, "Anouk", "Wetzels")):
        user.first_name, user.last_name = first, last
        user.save()
    cast.person.phone = "045 123 45 67"
    cast.person.save()
    return cast


@pytest.fixture
def claim(cast):
    return claim_in(cast, "inspection", items=2, filed_by=cast.desk)


@pytest.fixture
def inspection(claim):
    return claim.inspections.get()


def url(name: str, claim: Claim, inspection: Inspection | None = None) -> str:
    kwargs = {"reference": claim.reference}
    if inspection is not None:
        kwargs["id"] = inspection.pk
    return reverse(f"api:{name}", kwargs=kwargs)


def plan(cast, inspection, day: int = 3):
    return inspection_schedule(inspection=inspection, actor=cast.caseworker, starts_at=at(day, 10),
                               ends_at=at(day, 11, 30))


def judge_all(claim, expert):
    for item in claim.damage_items.all():
        damage_item_record_findings(item=item, actor=expert, location=item.location, kind=item.kind,
                                    verdict="yes", repair_cost=Decimal("1250.00"))


def pdf():
    return SimpleUploadedFile("rapport.pdf", samples.pdf(), content_type="application/pdf")


def snapshot(claim) -> tuple:
    """What an action may change: the claim, its inspections, letters, documents, messages and transitions."""
    claim.refresh_from_db()
    return (claim.status, claim.expert_id,
            list(Inspection.objects.filter(claim=claim).order_by("pk")
                 .values_list("pk", "status", "expert_id", "starts_at", "ends_at", "visited_at", "report_id")),
            Letter.objects.filter(claim=claim).count(), Document.objects.filter(claim=claim).count(),
            Message.objects.filter(claim=claim).count(), ClaimTransition.objects.filter(claim=claim).count())


def another_expert(first="Piet", last="Vervanger"):
    return UserFactory(role=R.EXPERT, first_name=first, last_name=last)


# --- reading: who sees which inspection, and which fields --------------------------------------------------------

def test_staff_see_every_inspection_with_every_field(cast, claim, inspection, as_token):
    plan(cast, inspection)
    new_expert = another_expert()
    inspection_replace_expert(claim=claim, actor=cast.caseworker, expert=new_expert, reason="Ziek.")
    body = as_token(cast.caseworker, R.CASEWORKER).get(url("inspection_list", claim)).json()
    rows = body["results"]
    assert [(row["expert"]["name"], row["status"]) for row in rows] == [
        ("Piet Vervanger", "chosen"), ("Ingrid Deskundig", "replaced")]
    old = rows[1]
    assert old["id"] == inspection.pk
    assert old["chosen_on"] == "2027-03-01"
    assert old["objection_due"] == deadlines.expert_objection_due(MONDAY.date()).isoformat()
    assert dt.datetime.fromisoformat(old["starts_at"]) == at(3, 10)
    assert old["status_label"] == "Andere deskundige gekozen"


def test_the_expert_sees_only_their_own_inspection_and_no_terms_or_report(cast, claim, inspection, as_token):
    plan(cast, inspection)
    client = as_token(cast.expert, R.EXPERT)
    rows = client.get(url("inspection_list", claim)).json()["results"]
    assert [row["id"] for row in rows] == [inspection.pk]
    assert dt.datetime.fromisoformat(rows[0]["starts_at"]) == at(3, 10)
    assert rows[0]["chosen_on"] is None and rows[0]["objection_due"] is None and rows[0]["report"] is None
    detail = client.get(url("inspection_detail", claim, inspection))
    assert detail.status_code == 200 and detail.json() == rows[0]


def test_an_expert_chosen_again_sees_only_the_new_inspection(cast, claim, inspection, as_token):
    stand_in = another_expert()
    inspection_replace_expert(claim=claim, actor=cast.caseworker, expert=stand_in, reason="Ziek.")
    inspection_replace_expert(claim=claim, actor=cast.caseworker, expert=cast.expert, reason="Weer beter.")
    client = as_token(cast.expert, R.EXPERT)
    newest = claim.inspections.order_by("-pk").first()
    assert [row["id"] for row in client.get(url("inspection_list", claim)).json()["results"]] == [newest.pk]
    assert client.get(url("inspection_detail", claim, inspection)).status_code == 404


def test_the_resident_sees_the_appointment_as_the_portal_does(cast, claim, inspection, as_token):
    client = as_token(cast.resident, R.RESIDENT)
    rows = client.get(url("inspection_list", claim)).json()["results"]
    assert len(rows) == 1 and rows[0]["starts_at"] is None  # not planned yet
    assert rows[0]["expert"]["name"] == "Ingrid Deskundig" and rows[0]["chosen_on"] is None
    assert rows[0]["objection_due"] == inspection.objection_due.isoformat()

    plan(cast, inspection)
    row = client.get(url("inspection_detail", claim, inspection)).json()
    assert dt.datetime.fromisoformat(row["starts_at"]) == at(3, 10)

    cast.fire(claim, "hold")  # the portal says to call about the visit: no time shown
    row = client.get(url("inspection_detail", claim, inspection)).json()
    assert row["starts_at"] is None and row["ends_at"] is None
    cast.fire(claim, "resume")

    with frozen(at(3, 14)):
        inspection_record_visit(inspection=inspection, actor=cast.expert, visited_at=at(3, 10, 15))
        row = client.get(url("inspection_detail", claim, inspection)).json()
        assert row["starts_at"] is None  # the visit is done: the portal says when it was
        assert dt.datetime.fromisoformat(row["visited_at"]) == at(3, 10, 15)
        cast.fire(claim, "hold")
        assert client.get(url("inspection_detail", claim, inspection)).json()["visited_at"] is None
        cast.fire(claim, "resume")

    judge_all(claim, cast.expert)
    inspection_submit_report(claim=claim, actor=cast.expert, upload=pdf())
    assert client.get(url("inspection_list", claim)).json()["results"] == []  # the portal shows it no more
    assert client.get(url("inspection_detail", claim, inspection)).status_code == 404


def test_a_person_with_the_pages_session_reads_the_same(cast, claim, inspection, as_session):
    rows = as_session(cast.resident).get(url("inspection_list", claim)).json()["results"]
    assert [row["id"] for row in rows] == [inspection.pk] and rows[0]["chosen_on"] is None
    rows = as_session(cast.caseworker).get(url("inspection_list", claim)).json()["results"]
    assert rows[0]["chosen_on"] == "2027-03-01"


def test_roles_whose_pages_show_no_inspections_get_403_and_others_404(cast, claim, inspection, as_token):
    # The desk filed the claim and sees it, but not its inspections.
    assert as_token(cast.desk, R.DESK).get(url("inspection_list", claim)).status_code == 403
    other_resident, _person = resident()
    for client in (as_token(other_resident, R.RESIDENT), as_token(another_expert(), R.EXPERT),
                   as_token(cast.commission, R.COMMISSION), as_token(cast.finance, R.FINANCE)):
        assert client.get(url("inspection_list", claim)).status_code == 404
        assert client.get(url("inspection_detail", claim, inspection)).status_code == 404


def test_an_inspection_of_another_claim_is_a_404(cast, claim, as_token):
    other = claim_in(cast, "inspection")
    response = as_token(cast.caseworker, R.CASEWORKER).get(url("inspection_detail", claim, other.inspections.get()))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


@pytest.mark.parametrize("replacements", [0, 4])
def test_the_list_runs_the_same_queries_whatever_the_number_of_inspections(cast, claim, as_token, replacements):
    for number in range(replacements):
        inspection_replace_expert(claim=claim, actor=cast.caseworker, expert=another_expert(last=f"Nr {number}"),
                                  reason="Bezwaar van de bewoner.")
        Message.objects.create(claim=claim, kind=Message.Kind.EXPERT_OBJECTION, direction=Message.Direction.IN,
                               author=cast.resident, body="Bezwaar.")
    client = as_token(cast.caseworker, R.CASEWORKER)
    client.get(url("inspection_list", claim))  # warm: content types
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("inspection_list", claim))
    assert len(response.json()["results"]) == replacements + 1
    # token, the guide's teams, claim, count, page, open objections to the expert
    assert len(queries) == 6, "\n".join(q["sql"][:150] for q in queries)


def test_the_resident_list_runs_the_same_queries_with_more_co_owners_and_messages(cast, claim, inspection,
                                                                                   as_token):
    plan(cast, inspection)
    client = as_token(cast.resident, R.RESIDENT)

    def queries_for_list() -> int:
        client.get(url("inspection_list", claim))  # warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("inspection_list", claim))
        assert len(response.json()["results"]) == 1
        return len(queries)

    few = queries_for_list()
    for _ in range(3):
        claim.co_applicants.add(resident()[1])
        Message.objects.create(claim=claim, kind=Message.Kind.EXPERT_OBJECTION, direction=Message.Direction.IN,
                               author=cast.resident, body="Bezwaar.", handled_at=MONDAY)
    assert queries_for_list() == few


# --- planning the visit -----------------------------------------------------------------------------------------

def test_the_guide_plans_the_visit_and_the_resident_gets_the_appointment_letter(cast, claim, inspection, as_token):
    response = as_token(cast.caseworker, R.CASEWORKER).post(
        url("inspection_schedule", claim, inspection),
        {"starts_at": "2027-03-03T10:00:00+01:00", "ends_at": "2027-03-03T11:30:00+01:00"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "planned"
    inspection.refresh_from_db()
    assert inspection.status == Inspection.Status.PLANNED
    assert (inspection.starts_at, inspection.ends_at) == (at(3, 10), at(3, 11, 30))
    letter = Letter.objects.get(claim=claim, kind=LetterKind.APPOINTMENT)
    assert letter.key.startswith(f"appointment:{inspection.pk}:1:")
    assert letter.context["objection_due_on"] == inspection.objection_due.isoformat()


def test_a_time_without_zone_is_amsterdam_time(cast, claim, inspection, as_token):
    response = as_token(cast.coordinator, R.COORDINATOR).post(
        url("inspection_schedule", claim, inspection),
        {"starts_at": "2027-03-03T08:00", "ends_at": "2027-03-03T09:00"}, format="json")
    assert response.status_code == 200, response.json()
    inspection.refresh_from_db()
    assert inspection.starts_at == at(3, 8)


@pytest.mark.parametrize(("starts_at", "ends_at", "field"), [
    ("2027-03-06T10:00", "2027-03-06T11:00", "starts_at"),  # a Saturday
    ("2027-02-26T10:00", "2027-02-26T11:00", "starts_at"),  # in the past
    ("2027-03-03T07:00", "2027-03-03T09:00", "starts_at"),  # before 8
    ("2027-03-03T17:00", "2027-03-03T19:00", "ends_at"),  # after 18
    ("2027-03-03T11:00", "2027-03-03T10:00", "ends_at"),  # ends before it starts
    ("2027-03-03T11:00", "", "ends_at"),
    ("morgen", "2027-03-03T10:00", "starts_at"),
    ("0001-01-01T00:00:00+05:00", "2027-03-03T11:00", "starts_at"),  # cannot be moved to Amsterdam time
    ("2027-03-03T10:00", "9999-12-31T23:59:59", "ends_at"),
])
def test_a_bad_time_is_a_400_on_the_field(cast, claim, inspection, as_token, starts_at, ends_at, field):
    before = snapshot(claim)
    response = as_token(cast.caseworker, R.CASEWORKER).post(
        url("inspection_schedule", claim, inspection), {"starts_at": starts_at, "ends_at": ends_at}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert snapshot(claim) == before


def test_only_the_guide_plans(cast, claim, inspection, as_token):
    colleague = UserFactory(role=R.CASEWORKER)
    team = Team.objects.create(name="Heerlen", municipalities=["Heerlen"])
    team.members.add(colleague, cast.caseworker)
    before = snapshot(claim)
    body = {"starts_at": "2027-03-03T10:00", "ends_at": "2027-03-03T11:00"}
    # The team colleague reads the dossier (sees the inspection) but only the claim's guide plans.
    for client in (as_token(colleague, R.CASEWORKER), as_token(cast.expert, R.EXPERT),
                   as_token(cast.resident, R.RESIDENT), as_token(cast.desk, R.DESK)):
        assert client.post(url("inspection_schedule", claim, inspection), body, format="json").status_code == 403
    assert as_token(another_expert(), R.EXPERT).post(
        url("inspection_schedule", claim, inspection), body, format="json").status_code == 404
    assert snapshot(claim) == before


def test_planning_a_done_inspection_is_a_409(cast, claim, inspection, as_token):
    judge_all(claim, cast.expert)
    as_token(cast.expert, R.EXPERT).post(url("inspection_report", claim), {"report": pdf()}, format="multipart")
    before = snapshot(claim)
    response = as_token(cast.caseworker, R.CASEWORKER).post(
        url("inspection_schedule", claim, inspection),
        {"starts_at": "2027-03-03T10:00", "ends_at": "2027-03-03T11:00"}, format="json")
    assert response.status_code == 409
    assert snapshot(claim) == before


# --- the visit ----------------------------------------------------------------------------------------------------

def test_the_expert_records_the_visit(cast, claim, inspection, as_token):
    with frozen(at(3, 14)):
        response = as_token(cast.expert, R.EXPERT).post(url("inspection_visit", claim, inspection),
                                                        {"visited_at": "2027-03-03T10:15"}, format="json")
    assert response.status_code == 200, response.json()
    inspection.refresh_from_db()
    assert inspection.visited_at == at(3, 10, 15)
    assert response.json()["objection_due"] is None  # the expert's view


@pytest.mark.parametrize("visited_at", ["2027-03-02T10:00", "2027-02-26T10:00", "9999-12-31T23:59:59", ""])
def test_a_visit_in_the_future_or_before_the_expert_was_chosen_is_a_400(cast, claim, inspection, as_token,
                                                                         visited_at):
    response = as_token(cast.expert, R.EXPERT).post(url("inspection_visit", claim, inspection),
                                                    {"visited_at": visited_at}, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["visited_at"]
    inspection.refresh_from_db()
    assert inspection.visited_at is None


def test_only_the_expert_records_the_visit(cast, claim, inspection, as_token):
    before = snapshot(claim)
    body = {"visited_at": "2027-03-01T08:30"}
    for client in (as_token(cast.caseworker, R.CASEWORKER), as_token(cast.coordinator, R.COORDINATOR),
                   as_token(cast.resident, R.RESIDENT)):
        assert client.post(url("inspection_visit", claim, inspection), body, format="json").status_code == 403
    assert as_token(another_expert(), R.EXPERT).post(
        url("inspection_visit", claim, inspection), body, format="json").status_code == 404
    assert snapshot(claim) == before


# --- the advice report -----------------------------------------------------------------------------------------

def test_the_expert_hands_in_the_report_and_the_claim_moves_on(cast, claim, inspection, as_token):
    judge_all(claim, cast.expert)
    response = as_token(cast.expert, R.EXPERT).post(
        url("inspection_report", claim), {"report": pdf(), "reason": "Rapport na bezoek."}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "advice_draft"
    claim.refresh_from_db()
    inspection.refresh_from_db()
    assert claim.status == "advice_draft"
    assert inspection.status == Inspection.Status.DONE
    assert inspection.report.kind == DocumentKind.ADVICE_REPORT
    transition = ClaimTransition.objects.filter(claim=claim).latest("pk")
    assert (transition.name, transition.actor, transition.reason) == ("record_advice", cast.expert,
                                                                      "Rapport na bezoek.")

    before = snapshot(claim)  # a second report, or a visit, once the inspection is done: not now
    again = as_token(cast.expert, R.EXPERT).post(url("inspection_report", claim), {"report": pdf()},
                                                 format="multipart")
    assert again.status_code == 409
    visit = as_token(cast.expert, R.EXPERT).post(url("inspection_visit", claim, inspection),
                                                 {"visited_at": "2027-03-01T08:30"}, format="json")
    assert visit.status_code == 409
    assert snapshot(claim) == before


def test_a_report_with_items_without_a_verdict_is_a_409_naming_them(cast, claim, inspection, as_token):
    before = snapshot(claim)
    response = as_token(cast.expert, R.EXPERT).post(url("inspection_report", claim), {"report": pdf()},
                                                    format="multipart")
    assert response.status_code == 409
    assert response.json()["code"] == "findings_missing"
    assert "1. Woonkamer, 2. Woonkamer" in response.json()["detail"]
    assert snapshot(claim) == before


@pytest.mark.parametrize("upload", [
    lambda: SimpleUploadedFile("rapport.pdf", samples.jpeg(), content_type="application/pdf"),
    lambda: SimpleUploadedFile("rapport.pdf", b"", content_type="application/pdf"),
    None,
])
def test_a_bad_or_missing_file_is_a_400_and_the_claim_stays(cast, claim, inspection, as_token, upload):
    judge_all(claim, cast.expert)
    before = snapshot(claim)
    data = {"report": upload()} if upload else {"reason": "Zonder bestand."}
    response = as_token(cast.expert, R.EXPERT).post(url("inspection_report", claim), data, format="multipart")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["report"]
    assert snapshot(claim) == before


def test_only_the_expert_hands_in_the_report(cast, claim, inspection, as_token):
    judge_all(claim, cast.expert)
    before = snapshot(claim)
    for client in (as_token(cast.caseworker, R.CASEWORKER), as_token(cast.resident, R.RESIDENT)):
        response = client.post(url("inspection_report", claim), {"report": pdf()}, format="multipart")
        assert response.status_code == 403
    response = as_token(another_expert(), R.EXPERT).post(url("inspection_report", claim), {"report": pdf()},
                                                         format="multipart")
    assert response.status_code == 404
    assert snapshot(claim) == before


# --- another expert -----------------------------------------------------------------------------------------------

def test_the_guide_chooses_another_expert_and_the_old_one_loses_access(cast, claim, inspection, as_token):
    plan(cast, inspection)
    new_expert = another_expert()
    old_client = as_token(cast.expert, R.EXPERT)
    assert old_client.get(url("inspection_detail", claim, inspection)).status_code == 200
    response = as_token(cast.caseworker, R.CASEWORKER).post(
        url("expert_replacement", claim), {"expert": new_expert.pk, "reason": "Bezwaar van de bewoner."},
        format="json")
    assert response.status_code == 201, response.json()
    claim.refresh_from_db()
    inspection.refresh_from_db()
    assert claim.expert == new_expert
    assert inspection.status == Inspection.Status.REPLACED
    new = Inspection.objects.get(pk=response.json()["id"])
    assert (new.expert, new.status) == (new_expert, Inspection.Status.CHOSEN)

    judge_all(claim, new_expert)
    assert old_client.get(url("inspection_list", claim)).status_code == 404
    assert old_client.get(url("inspection_detail", claim, inspection)).status_code == 404
    assert old_client.get(url("inspection_ics", claim, inspection)).status_code == 404
    assert old_client.post(url("inspection_visit", claim, inspection), {"visited_at": "2027-03-01T08:30"},
                           format="json").status_code == 404
    assert old_client.post(url("inspection_report", claim), {"report": pdf()},
                           format="multipart").status_code == 404
    claim.refresh_from_db()
    assert claim.status == "inspection"
    rows = as_token(new_expert, R.EXPERT).get(url("inspection_list", claim)).json()["results"]
    assert [row["id"] for row in rows] == [new.pk]


@pytest.mark.parametrize(("data", "field"), [
    ({"reason": "Ziek."}, "expert"),
    ({"expert": 999999, "reason": "Ziek."}, "expert"),
    ({"expert": "same", "reason": "Ziek."}, "expert"),
    ({"expert": "resident", "reason": "Ziek."}, "expert"),
    ({"expert": "new", "reason": "   "}, "reason"),
    ({"expert": "new"}, "reason"),
])
def test_a_bad_replacement_is_a_400_on_the_field(cast, claim, as_token, data, field):
    people = {"same": cast.expert.pk, "resident": cast.resident.pk, "new": another_expert().pk}
    data = {key: people.get(value, value) for key, value in data.items()}
    before = snapshot(claim)
    response = as_token(cast.caseworker, R.CASEWORKER).post(url("expert_replacement", claim), data, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert snapshot(claim) == before


def test_only_the_guide_chooses_another_expert(cast, claim, as_token):
    new_expert = another_expert()
    before = snapshot(claim)
    data = {"expert": new_expert.pk, "reason": "Ziek."}
    for client in (as_token(cast.expert, R.EXPERT), as_token(cast.resident, R.RESIDENT), as_token(cast.desk, R.DESK)):
        assert client.post(url("expert_replacement", claim), data, format="json").status_code == 403
    assert snapshot(claim) == before


def test_another_expert_after_the_report_is_a_409(cast, claim, as_token):
    judge_all(claim, cast.expert)
    as_token(cast.expert, R.EXPERT).post(url("inspection_report", claim), {"report": pdf()}, format="multipart")
    before = snapshot(claim)
    response = as_token(cast.caseworker, R.CASEWORKER).post(
        url("expert_replacement", claim), {"expert": another_expert().pk, "reason": "Ziek."}, format="json")
    assert response.status_code == 409
    assert snapshot(claim) == before


# --- the resident's objection to the expert ---------------------------------------------------------------------

def test_the_resident_objects_to_the_expert_within_the_term(cast, claim, inspection, as_token):
    client = as_token(cast.resident, R.RESIDENT)
    response = client.post(url("expert_objection", claim), {"reason": "Hij is mijn buurman."}, format="json")
    assert response.status_code == 201, response.json()
    message = Message.objects.get(claim=claim, kind=Message.Kind.EXPERT_OBJECTION)
    assert response.json()["id"] == message.pk
    assert "Hij is mijn buurman." in message.body and "Ingrid Deskundig" in message.body
    received_on = local_date(message.created_at).isoformat()  # stamped by the real clock (auto_now_add)
    assert client.get(url("inspection_detail", claim, inspection)).json()["expert_objection_on"] == received_on
    staff_view = as_token(cast.caseworker, R.CASEWORKER).get(url("inspection_detail", claim, inspection)).json()
    assert staff_view["expert_objection_on"] == received_on
    expert_view = as_token(cast.expert, R.EXPERT).get(url("inspection_detail", claim, inspection)).json()
    assert expert_view["expert_objection_on"] is None

    again = client.post(url("expert_objection", claim), {"reason": "Nog iets."}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "expert_objection_twice"
    assert Message.objects.filter(claim=claim, kind=Message.Kind.EXPERT_OBJECTION).count() == 1


def test_an_objection_after_the_term_is_a_409(cast, claim, inspection, as_token):
    late = dt.datetime.combine(inspection.objection_due + dt.timedelta(days=1), dt.time(9), tzinfo=AMS)
    with frozen(late):
        response = as_token(cast.resident, R.RESIDENT).post(url("expert_objection", claim), {"reason": "Te laat."},
                                                            format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "expert_objection_late"
    assert not Message.objects.filter(claim=claim).exists()


def test_an_objection_without_reason_is_a_400(cast, claim, as_token):
    response = as_token(cast.resident, R.RESIDENT).post(url("expert_objection", claim), {"reason": "  "},
                                                        format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert not Message.objects.filter(claim=claim).exists()


def test_only_a_resident_party_objects_to_the_expert(cast, claim, as_token):
    data = {"reason": "Hij is mijn buurman."}
    for client in (as_token(cast.caseworker, R.CASEWORKER), as_token(cast.expert, R.EXPERT),
                   as_token(cast.desk, R.DESK)):
        assert client.post(url("expert_objection", claim), data, format="json").status_code == 403
        # Refused before the data is looked at: not a 400 that tells them how to fill it in.
        assert client.post(url("expert_objection", claim), {}, format="json").status_code == 403
    assert as_token(resident()[0], R.RESIDENT).post(url("expert_objection", claim), data,
                                                    format="json").status_code == 404
    assert not Message.objects.filter(claim=claim).exists()


def test_no_objection_to_the_expert_outside_the_inspection(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.resident, R.RESIDENT).post(url("expert_objection", claim), {"reason": "Buurman."},
                                                        format="json")
    assert response.status_code == 409
    assert not Message.objects.filter(claim=claim).exists()


# --- the calendar file -------------------------------------------------------------------------------------------

def test_the_resident_and_the_expert_get_their_calendar_file(cast, claim, inspection, as_token):
    plan(cast, inspection)
    resident_file = as_token(cast.resident, R.RESIDENT).get(url("inspection_ics", claim, inspection))
    assert resident_file.status_code == 200
    assert resident_file["Content-Type"].startswith("text/calendar")
    assert resident_file["Content-Disposition"] == f'attachment; filename="afspraak-{claim.reference}.ics"'
    text = resident_file.content.decode().replace("\r\n ", "")
    assert text.startswith("BEGIN:VCALENDAR") and f"inspection-{inspection.pk}@" in text
    assert "Ingrid Deskundig" in text

    expert_file = as_token(cast.expert, R.EXPERT).get(url("inspection_ics", claim, inspection),
                                                      HTTP_ACCEPT="text/calendar")
    assert expert_file.status_code == 200
    text = expert_file.content.decode().replace("\r\n ", "")
    assert "045 123 45 67" in text and cast.person.name in text  # the expert's version: who to call


def test_no_calendar_file_before_planning_or_for_staff(cast, claim, inspection, as_token):
    resident_client = as_token(cast.resident, R.RESIDENT)
    assert resident_client.get(url("inspection_ics", claim, inspection)).status_code == 404
    plan(cast, inspection)
    assert as_token(cast.caseworker, R.CASEWORKER).get(url("inspection_ics", claim, inspection)).status_code == 403
    other = claim_in(cast, "inspection").inspections.get()
    assert resident_client.get(url("inspection_ics", claim, other)).status_code == 404
    missing = resident_client.get(reverse("api:inspection_ics", kwargs={"reference": claim.reference, "id": 999999}),
                                  HTTP_ACCEPT="text/calendar")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/json"
    assert missing.json()["code"] == "not_found"
    assert portal.current_inspection(claim) == inspection
