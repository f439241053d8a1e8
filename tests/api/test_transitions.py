"""Steps through the API: every transition fired by its role with its effect in the database (state, history row,
letter), through the service its page uses; 403, 404, 409 and 400 with nothing changed; and the history as each
role may read it, in a fixed number of queries."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from casework.models import CommissionAdvice, Decision, Objection
from casework.services.commission import advice_record, review_declare
from casework.services.inspection import damage_item_record_findings
from claims import roles as R
from claims.models import (
    Claim,
    ClaimTransition,
    DocumentKind,
    Inspection,
    Letter,
    LetterKind,
    Message,
)
from claims.models.claim import TRANSITION_NAMES
from claims.timeutil import frozen
from tests.claims.files import samples
from tests.factories import UserFactory, claim_in, draft_claim, resident

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=AMS)
FIRED: set[str] = set()  # the steps this module fires through the API; checked last


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")


def url(claim, name: str) -> str:
    return f"/api/v1/claims/{claim.reference}/transitions/{name}/"


def fire(client, claim, name: str, body: dict | None = None, **kwargs):
    response = client.post(url(claim, name), body or {}, format=kwargs.pop("format", "json"), **kwargs)
    if response.status_code == 200:
        FIRED.add(name)
    return response


def fresh(claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


def last_step(claim) -> ClaimTransition:
    return ClaimTransition.objects.filter(claim=claim).order_by("created_at", "pk").last()


def letters(claim, kind) -> int:
    return Letter.objects.filter(claim=claim, kind=kind).count()


def ok(response, state: str) -> dict:
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == state
    assert "transitions_allowed" in body
    return body


def unchanged(claim, state: str, steps: int) -> None:
    assert fresh(claim).status == state
    assert ClaimTransition.objects.filter(claim=claim).count() == steps


def judge_all(claim, expert) -> None:
    for item in claim.damage_items.all():
        damage_item_record_findings(item=item, actor=expert, location=item.location, kind=item.kind,
                                    verdict="yes", repair_cost=Decimal("1250.00"))


def pdf(name="rapport.pdf"):
    return SimpleUploadedFile(name, samples.pdf(), content_type="application/pdf")


def item_rows(claim, *amounts, plausibility="yes", reasoning=True) -> list[dict]:
    rows = []
    for item, amount in zip(claim.damage_items.order_by("position"), amounts, strict=True):
        row = {"damage_item": item.pk, "plausibility": plausibility, "amount": amount}
        if reasoning:
            row["reasoning"] = f"Past bij mijnbouw ({item.position})."
        rows.append(row)
    return rows


def advised(cast, member=None) -> Claim:
    """A claim in decision_pending on a real advice of the commission."""
    member = member or cast.commission
    claim = claim_in(cast, "commission_review", items=2)
    review_declare(claim=claim, member=member, has_conflict=False)
    advice_record(claim=claim, member=member, reasoning="De scheuren passen bij mijnbouw.",
                  inspection_allowance=False,
                  items=item_rows(claim, "1000.00", "500.00"))
    return fresh(claim)


# --- submit, intake, info -------------------------------------------------------------------------------------

def test_submit_by_the_desk_for_a_draft_it_filed(cast, as_token):
    claim = draft_claim(applicant=cast.person, filed_by=cast.desk)
    body = ok(fire(as_token(cast.desk, R.DESK), claim, "submit", {"reason": "Aan de balie gebracht."}), "submitted")
    assert body["submitted_at"] and body["decision_due"]
    step = last_step(claim)
    assert (step.name, step.actor, step.reason) == ("submit", cast.desk, "Aan de balie gebracht.")
    assert letters(claim, LetterKind.RECEIPT) == 1


def test_submit_by_the_resident_waits_for_every_question_of_the_report(cast, as_token):
    claim = draft_claim(applicant=cast.person)  # damage described, but no step of the report saved
    refused = fire(as_token(cast.resident, R.RESIDENT), claim, "submit", {"truthful": True})
    assert (refused.status_code, refused.json()["code"]) == (409, "step_not_reached")
    unchanged(claim, "draft", 0)


def test_submit_by_the_resident_needs_the_statement(cast, as_token):
    claim = draft_claim(applicant=cast.person)
    Claim.objects.filter(pk=claim.pk).update(report_step="veiligheid")  # every question answered
    client = as_token(cast.resident, R.RESIDENT)
    refused = fire(client, claim, "submit")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"truthful": ["Zet een vinkje als u alles naar waarheid hebt ingevuld."]}
    unchanged(claim, "draft", 0)
    ok(fire(client, claim, "submit", {"truthful": True}), "submitted")
    assert fresh(claim).report_step == "controle"  # as the report's last page
    assert last_step(claim).actor == cast.resident and letters(claim, LetterKind.RECEIPT) == 1


def test_a_co_owner_may_not_send_the_applicants_report(cast, as_token):
    user, person = resident()
    claim = draft_claim(applicant=cast.person)
    claim.co_applicants.add(person)
    response = fire(as_token(user, R.RESIDENT), claim, "submit", {"truthful": True})
    assert response.status_code == 403
    unchanged(claim, "draft", 0)


def test_start_intake_by_the_coordinator(cast, as_token):
    claim = claim_in(cast, "submitted")
    client = as_token(cast.coordinator, R.COORDINATOR)
    bad = fire(client, claim, "start_intake", {"caseworker": cast.expert.pk})
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"caseworker": ["Kies een zaakbegeleider uit de lijst."]}
    unchanged(claim, "submitted", 1)
    body = ok(fire(client, claim, "start_intake", {"caseworker": cast.caseworker.pk}), "intake")
    assert body["caseworker"]["id"] == cast.caseworker.pk
    assert last_step(claim).data == {"caseworker": cast.caseworker.pk}


def test_request_info_with_its_question_and_term(cast, as_token):
    claim = claim_in(cast, "intake")
    client = as_token(cast.caseworker, R.CASEWORKER)
    missing = fire(client, claim, "request_info", {"reply_days": 14})
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"reason": ["Schrijf op welke informatie u nog nodig hebt."]}
    too_long = fire(client, claim, "request_info", {"reason": "Foto's graag.", "reply_days": 91})
    assert too_long.status_code == 400 and "reply_days" in too_long.json()["errors"]
    unchanged(claim, "intake", 2)
    body = ok(fire(client, claim, "request_info", {"reason": "Stuur foto's van de gevel.", "reply_days": 14}),
              "info_requested")
    assert body["clock_suspended"] is True and body["reply_due"]
    assert last_step(claim).reason == "Stuur foto's van de gevel."
    assert letters(claim, LetterKind.INFO_REQUEST) == 1


def test_receive_info_answered_by_the_resident_in_the_portals_way(cast, as_token):
    claim = claim_in(cast, "info_requested")
    client = as_token(cast.resident, R.RESIDENT)
    empty = fire(client, claim, "receive_info", {"reason": "  "})
    assert empty.status_code == 400 and "reason" in empty.json()["errors"]
    unchanged(claim, "info_requested", 3)
    ok(fire(client, claim, "receive_info", {"reason": "De foto's zijn onderweg per post."}), "intake")
    answer = Message.objects.get(claim=claim, kind=Message.Kind.INFO_ANSWER)
    assert (answer.author, answer.body) == (cast.resident, "De foto's zijn onderweg per post.")
    assert last_step(claim).actor == cast.resident


def test_receive_info_recorded_by_the_guide_keeps_the_answer(cast, as_token):
    claim = claim_in(cast, "info_requested")
    ok(fire(as_token(cast.caseworker, R.CASEWORKER), claim, "receive_info",
            {"reason": "Belde op 3 maart: de scheur is 4 mm."}), "intake")
    answer = Message.objects.get(claim=claim, kind=Message.Kind.INFO_ANSWER)
    assert (answer.author, answer.direction) == (cast.caseworker, Message.Direction.IN)


def test_receive_info_without_an_answer_is_the_step_alone(cast, as_token):
    claim = claim_in(cast, "info_requested")
    ok(fire(as_token(cast.caseworker, R.CASEWORKER), claim, "receive_info"), "intake")
    assert not Message.objects.filter(claim=claim).exists()


def test_declare_not_admissible_is_a_decision_with_its_letter(cast, as_token):
    claim = claim_in(cast, "intake")
    client = as_token(cast.caseworker, R.CASEWORKER)
    assert fire(client, claim, "declare_not_admissible").json()["errors"] == {"reason": ["Geef een reden op."]}
    body = ok(fire(client, claim, "declare_not_admissible", {"reason": "Huurwoning."}), "not_admissible")
    assert body["outcome"] == "not_admissible" and body["objection_due"]
    assert letters(claim, LetterKind.NOT_ADMISSIBLE) == 1


# --- the inspection ---------------------------------------------------------------------------------------------

def test_plan_inspection_chooses_the_expert(cast, as_token):
    claim = claim_in(cast, "intake")
    client = as_token(cast.caseworker, R.CASEWORKER)
    bad = fire(client, claim, "plan_inspection", {"expert": cast.caseworker.pk})
    assert bad.status_code == 400 and bad.json()["errors"] == {"expert": ["Kies een deskundige uit de lijst."]}
    body = ok(fire(client, claim, "plan_inspection", {"expert": cast.expert.pk}), "inspection")
    assert body["expert"]["id"] == cast.expert.pk
    assert fresh(claim).inspections.get().status == Inspection.Status.CHOSEN
    assert letters(claim, LetterKind.APPOINTMENT) == 0


def test_plan_inspection_with_a_time_plans_the_visit_as_the_dossier_does(cast, as_token):
    with frozen(MONDAY):
        claim = claim_in(cast, "intake")
        client = as_token(cast.caseworker, R.CASEWORKER)
        starts = dt.datetime(2027, 3, 3, 10, 0, tzinfo=AMS)
        ok(fire(client, claim, "plan_inspection", {"expert": cast.expert.pk, "starts_at": starts.isoformat(),
                                                    "ends_at": (starts + dt.timedelta(hours=1)).isoformat()}),
           "inspection")
    inspection = fresh(claim).inspections.get()
    assert (inspection.status, inspection.starts_at) == (Inspection.Status.PLANNED, starts)
    assert last_step(claim).data["planned_for"] == starts.isoformat()
    assert letters(claim, LetterKind.APPOINTMENT) == 1


@pytest.mark.parametrize(("times", "field"), [
    (("2027-02-26T10:00:00+01:00", "2027-02-26T11:00:00+01:00"), "starts_at"),  # in the past
    (("2027-03-06T10:00:00+01:00", "2027-03-06T11:00:00+01:00"), "starts_at"),  # a Saturday
    (("2027-03-03T07:00:00+01:00", "2027-03-03T08:30:00+01:00"), "starts_at"),  # before eight
    (("2027-03-03T10:00:00+01:00", None), "ends_at"),
    (("2027-03-03T10:00:00+01:00", "2027-03-03T09:00:00+01:00"), "ends_at"),
])
def test_a_visit_that_cannot_be_planned_plans_nothing(cast, as_token, times, field):
    with frozen(MONDAY):
        claim = claim_in(cast, "intake")
        body = {"expert": cast.expert.pk, "starts_at": times[0]}
        if times[1]:
            body["ends_at"] = times[1]
        response = fire(as_token(cast.caseworker, R.CASEWORKER), claim, "plan_inspection", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    unchanged(claim, "intake", 2)
    assert not Inspection.objects.filter(claim=claim).exists() and fresh(claim).expert is None


def test_record_advice_the_expert_hands_in_the_report(cast, as_token):
    claim = claim_in(cast, "inspection", items=2)
    client = as_token(cast.expert, R.EXPERT)
    early = fire(client, claim, "record_advice", {"report": pdf()}, format="multipart")
    assert early.status_code == 409 and early.json()["code"] == "findings_missing"
    judge_all(claim, cast.expert)
    no_file = fire(client, claim, "record_advice")
    assert no_file.status_code == 400 and no_file.json()["errors"] == {"report": ["Kies het adviesrapport."]}
    not_pdf = fire(client, claim, "record_advice",
                   {"report": SimpleUploadedFile("rapport.pdf", b"hallo", content_type="application/pdf")},
                   format="multipart")
    assert not_pdf.status_code == 400 and "report" in not_pdf.json()["errors"]
    unchanged(claim, "inspection", 3)
    body = ok(fire(client, claim, "record_advice", {"report": pdf()}, format="multipart"), "advice_draft")
    assert body["awarded_amount"] is None  # an expert sees no amounts, here neither
    inspection = fresh(claim).inspections.get()
    assert inspection.status == Inspection.Status.DONE and inspection.report.kind == DocumentKind.ADVICE_REPORT
    assert last_step(claim).actor == cast.expert


def test_record_advice_by_the_guide_is_the_step_without_a_file(cast, as_token):
    claim = claim_in(cast, "inspection")
    client = as_token(cast.caseworker, R.CASEWORKER)
    with_file = fire(client, claim, "record_advice", {"report": pdf()}, format="multipart")
    assert with_file.status_code == 400 and "report" in with_file.json()["errors"]
    unchanged(claim, "inspection", 3)
    ok(fire(client, claim, "record_advice", {"reason": "Rapport kwam per post."}), "advice_draft")
    assert last_step(claim).reason == "Rapport kwam per post."


def test_send_revise_and_forward_the_advice(cast, as_token):
    claim = claim_in(cast, "advice_draft")
    client = as_token(cast.caseworker, R.CASEWORKER)
    ok(fire(client, claim, "send_advice"), "response_period")
    assert letters(claim, LetterKind.DRAFT_ADVICE) == 1
    assert fire(client, claim, "revise_advice", {"reason": ""}).status_code == 400
    ok(fire(client, claim, "revise_advice", {"reason": "De zienswijze noemt een tweede scheur."}), "advice_draft")
    ok(fire(client, claim, "send_advice"), "response_period")
    ok(fire(client, claim, "forward_to_commission", {"reason": "Geen nieuwe punten."}), "commission_review")
    assert [t.name for t in ClaimTransition.objects.filter(claim=claim)][-4:] == [
        "send_advice", "revise_advice", "send_advice", "forward_to_commission"]


# --- the commission, the decision, the objection ----------------------------------------------------------------

def test_advise_records_the_commissions_advice(cast, as_token):
    claim = claim_in(cast, "commission_review", items=2)
    client = as_token(cast.commission, R.COMMISSION)
    body = {"reasoning": "De scheuren passen bij mijnbouw.", "inspection_allowance": True,
            "items": item_rows(claim, "1000.00", "500.00")}
    undeclared = fire(client, claim, "advise", body)
    assert undeclared.status_code == 409 and undeclared.json()["code"] == "not_declared"
    review_declare(claim=claim, member=cast.commission, has_conflict=False)
    missing = fire(client, claim, "advise", {**body, "items": body["items"][:1]})
    assert missing.status_code == 400 and "items" in missing.json()["errors"]
    unchanged(claim, "commission_review", 6)
    ok(fire(client, claim, "advise", body), "decision_pending")
    advice = CommissionAdvice.objects.get(claim=claim)
    assert advice.items_total == Decimal("1500.00") and advice.inspection_allowance > 0
    assert (last_step(claim).name, last_step(claim).actor) == ("advise", cast.commission)


def test_decide_on_the_advice_with_its_letter(cast, as_token):
    claim = advised(cast)
    client = as_token(cast.decision_maker, R.DECISION_MAKER)
    body = {"outcome": "granted", "reasoning": "Wij volgen het advies.", "items": item_rows(claim, "1000.00", "500.00")}
    wrong = fire(client, claim, "decide", {**body, "items": item_rows(claim, "1000.00", "500.00",
                                                                          plausibility="no")})
    assert wrong.status_code == 400 and "items.0.amount" in wrong.json()["errors"]
    unchanged(claim, "decision_pending", 7)
    decided = ok(fire(client, claim, "decide", body), "decided")
    assert decided["outcome"] == "granted" and decided["awarded_amount"] == "1500.00"
    decision = Decision.objects.get(claim=claim)
    assert (decision.decided_by, decision.total) == (cast.decision_maker, Decimal("1500.00"))
    assert letters(claim, LetterKind.DECISION) == 1


def test_the_member_who_advised_may_not_decide(cast, as_token):
    both = UserFactory(role=R.COMMISSION)
    both.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    claim = advised(cast, member=both)
    response = fire(as_token(both, R.DECISION_MAKER), claim, "decide", {
        "outcome": "granted", "reasoning": "Zelf besloten.", "items": item_rows(claim, "1000.00", "500.00")})
    assert response.status_code == 403
    unchanged(claim, "decision_pending", 7)
    assert not Decision.objects.exists()


def test_file_objection_by_the_resident(cast, as_token):
    claim = claim_in(cast, "decided")
    client = as_token(cast.resident, R.RESIDENT)
    empty = fire(client, claim, "file_objection")
    assert empty.json()["errors"] == {"reason": ["Schrijf op waarom u het niet eens bent met het besluit."]}
    body = ok(fire(client, claim, "file_objection", {"reason": "Het bedrag is te laag."}), "objection")
    assert body["objection_decision_due"]
    assert Message.objects.get(claim=claim, kind=Message.Kind.OBJECTION).body == "Het bedrag is te laag."
    assert Objection.objects.get(claim=claim).grounds == "Het bedrag is te laag."
    assert letters(claim, LetterKind.OBJECTION_RECEIVED) == 1


def test_a_late_objection_needs_its_excuse(cast, as_token):
    claim = claim_in(cast, "decided")
    with frozen(dt.datetime.combine(fresh(claim).objection_due + dt.timedelta(days=3), dt.time(10), tzinfo=AMS)):
        client = as_token(cast.resident, R.RESIDENT)
        late = fire(client, claim, "file_objection", {"reason": "Het bedrag is te laag."})
        assert late.status_code == 400 and "late_excuse" in late.json()["errors"]
        unchanged(claim, "decided", 8)
        ok(fire(client, claim, "file_objection", {"reason": "Het bedrag is te laag.",
                                                  "late_excuse": "Ik lag in het ziekenhuis."}), "objection")
    assert last_step(claim).data == {"late": True, "late_excuse": "Ik lag in het ziekenhuis."}


def test_file_objection_recorded_by_the_guide(cast, as_token):
    claim = claim_in(cast, "decided")
    client = as_token(cast.caseworker, R.CASEWORKER)
    assert fire(client, claim, "file_objection").json()["errors"] == {
        "reason": ["Schrijf de gronden van het bezwaar op."]}
    ok(fire(client, claim, "file_objection", {"reason": "Brief van 3 maart: bedrag te laag."}), "objection")
    assert last_step(claim).actor == cast.caseworker and letters(claim, LetterKind.OBJECTION_RECEIVED) == 1


def test_decide_objection_by_another_decision_maker(cast, as_token):
    claim = claim_in(cast, "objection")
    body = {"well_founded": False, "reasoning": "Het besluit klopt."}
    first = fire(as_token(cast.decision_maker, R.DECISION_MAKER), claim, "decide_objection", body)
    assert first.status_code == 403  # four eyes: they took the decision objected to
    unchanged(claim, "objection", 9)
    client = as_token(cast.objection_handler, R.DECISION_MAKER)
    assert fire(client, claim, "decide_objection", {"well_founded": False}).status_code == 400
    ok(fire(client, claim, "decide_objection", body), "settlement")
    objection = Objection.objects.get(claim=claim)
    assert (objection.outcome, objection.handler) == (Objection.Outcome.UNFOUNDED, cast.objection_handler)
    assert letters(claim, LetterKind.OBJECTION_DECISION) == 1


# --- settlement, closing, withdrawing, holding, reopening -------------------------------------------------------

def test_start_settlement_and_close_by_finance(cast, as_token):
    claim = claim_in(cast, "decided")
    client = as_token(cast.finance, R.FINANCE)
    ok(fire(client, claim, "start_settlement"), "settlement")
    # Closing waits for the objection window (Awb 6:7): finance closes on the first day after it.
    with frozen(dt.datetime.combine(fresh(claim).objection_due + dt.timedelta(days=1), dt.time(10))):
        ok(fire(client, claim, "close", {"reason": "Betaald."}), "closed")
    assert (last_step(claim).name, last_step(claim).actor) == ("close", cast.finance)


def test_close_waits_for_the_objection_window(cast, as_token):
    claim = claim_in(cast, "decided")
    response = fire(as_token(cast.caseworker, R.CASEWORKER), claim, "close")
    assert response.status_code == 409 and response.json()["code"] == "objection_window_open"
    unchanged(claim, "decided", 8)


def test_withdraw_by_the_resident_reason_optional(cast, as_token):
    claim = claim_in(cast, "intake")
    ok(fire(as_token(cast.resident, R.RESIDENT), claim, "withdraw"), "withdrawn")
    message = Message.objects.get(claim=claim, kind=Message.Kind.WITHDRAWAL)
    assert message.author == cast.resident and message.body == "Ik trek mijn melding in."


def test_withdraw_by_the_guide_needs_the_reason(cast, as_token):
    claim = claim_in(cast, "intake")
    client = as_token(cast.caseworker, R.CASEWORKER)
    refused = fire(client, claim, "withdraw")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"reason": ["Geef een reden op."]}
    unchanged(claim, "intake", 2)
    ok(fire(client, claim, "withdraw", {"reason": "De bewoner belde op 3 maart."}), "withdrawn")
    assert not Message.objects.filter(claim=claim).exists()


def test_hold_and_resume(cast, as_token):
    claim = claim_in(cast, "inspection")
    client = as_token(cast.caseworker, R.CASEWORKER)
    body = ok(fire(client, claim, "hold", {"reason": "Bewoner drie weken weg."}), "on_hold")
    assert body["clock_suspended"] is True
    ok(fire(client, claim, "resume"), "inspection")


def test_reopen_by_the_coordinator(cast, as_token):
    claim = claim_in(cast, "closed")
    client = as_token(cast.coordinator, R.COORDINATOR)
    assert fire(client, claim, "reopen").json()["errors"] == {
        "reason": ["Geef een reden op."]}
    ok(fire(client, claim, "reopen", {"reason": "Nieuwe scheuren in dezelfde muur."}), "intake")
    assert fresh(claim).closed_at is None


# --- refusals ------------------------------------------------------------------------------------------------------

def test_an_unknown_step_is_a_404(cast, as_token):
    claim = claim_in(cast, "intake")
    response = fire(as_token(cast.caseworker, R.CASEWORKER), claim, "fly")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code", "errors"} and response.json()["code"] == "not_found"
    unchanged(claim, "intake", 2)


def test_another_residents_claim_is_a_404(cast, as_token):
    claim = claim_in(cast, "intake")
    user, _person = resident()
    response = fire(as_token(user, R.RESIDENT), claim, "withdraw")
    assert response.status_code == 404
    assert claim.reference not in response.content.decode()
    unchanged(claim, "intake", 2)


@pytest.mark.parametrize(("state", "role", "name"), [
    ("intake", R.RESIDENT, "request_info"),
    ("advice_draft", R.EXPERT, "send_advice"),
    ("intake", R.DESK, "hold"),
    ("closed", R.CASEWORKER, "reopen"),
])
def test_a_step_the_caller_may_not_take_is_a_403(cast, as_token, state, role, name):
    claim = claim_in(cast, state)
    if role == R.DESK:
        Claim.objects.filter(pk=claim.pk).update(filed_by=cast.desk)
    user = {R.RESIDENT: cast.resident, R.EXPERT: cast.expert, R.DESK: cast.desk,
            R.CASEWORKER: cast.caseworker}[role]
    steps = ClaimTransition.objects.filter(claim=claim).count()
    response = fire(as_token(user, role), claim, name, {"reason": "Zomaar."})
    assert response.status_code == 403, response.json()
    assert response.json()["code"] == "forbidden"
    unchanged(claim, state, steps)


def test_a_step_that_cannot_happen_now_is_a_409(cast, as_token):
    claim = claim_in(cast, "intake")
    response = fire(as_token(cast.caseworker, R.CASEWORKER), claim, "send_advice")
    assert response.status_code == 409
    assert response.json()["code"] == "not_now" and "Ontvankelijkheid" in response.json()["detail"]
    unchanged(claim, "intake", 2)


def test_the_body_must_be_an_object(cast, as_token):
    claim = claim_in(cast, "intake")
    response = as_token(cast.caseworker, R.CASEWORKER).post(url(claim, "hold"), ["x"], format="json")
    assert response.status_code == 400
    unchanged(claim, "intake", 2)


def test_a_session_works_as_a_token_does(cast, as_session):
    claim = claim_in(cast, "intake")
    ok(fire(as_session(cast.caseworker), claim, "hold", {"reason": "Op verzoek."}), "on_hold")


# --- the history -------------------------------------------------------------------------------------------------

def history(client, claim, **params):
    return client.get(f"/api/v1/claims/{claim.reference}/transitions/", params)


def test_staff_read_every_step_with_reason_and_actor_oldest_first(cast, as_token):
    claim = claim_in(cast, "info_requested")
    cast.fire(claim, "hold", reason="Bewoner in het ziekenhuis.")
    response = history(as_token(cast.caseworker, R.CASEWORKER), claim)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["name"] for r in rows] == ["submit", "start_intake", "request_info", "hold"]
    assert rows[-1] == {
        "name": "hold", "from_state": "info_requested", "to_state": "on_hold",
        "actor": {"id": cast.caseworker.pk, "name": cast.caseworker.username},
        "reason": "Bewoner in het ziekenhuis.", "created_at": rows[-1]["created_at"]}
    assert rows[0]["actor"]["id"] == cast.resident.pk


def test_a_resident_reads_only_what_the_portal_shows(cast, as_token):
    claim = claim_in(cast, "info_requested")
    cast.fire(claim, "hold", reason="Interne notitie: bewoner lastig bereikbaar.")
    rows = history(as_token(cast.resident, R.RESIDENT), claim).json()["results"]
    assert [r["name"] for r in rows] == ["submit", "start_intake", "request_info", "hold"]
    assert rows[2]["reason"] == "Stuur ons foto's van de scheur in de gevel."  # the question was for them
    assert rows[3]["reason"] == ""
    assert all(r["actor"] is None for r in rows)


def test_the_history_of_a_claim_not_visible_is_a_404(cast, as_token):
    claim = claim_in(cast, "intake")
    assert history(as_token(cast.expert, R.EXPERT), claim).status_code == 404


@pytest.mark.parametrize("cycles", [1, 8])
def test_the_history_runs_the_same_queries_whatever_its_length(cast, as_token, cycles):
    claim = claim_in(cast, "intake")
    for _ in range(cycles):
        claim = cast.fire(claim, "hold", reason="Op verzoek.")
        claim = cast.fire(claim, "resume")
    client = as_token(cast.caseworker, R.CASEWORKER)
    history(client, claim)  # warm
    with CaptureQueriesContext(connection) as queries:
        response = history(client, claim, page_size=100)
    assert len(response.json()["results"]) == 2 + 2 * cycles
    assert len(queries) == 5, [q["sql"] for q in queries]


def test_every_step_was_fired_through_the_api(request):
    """Last in the module: each transition name has a test above that fired it with a 200."""
    ran = {item.originalname for item in request.session.items if item.module.__name__ == __name__}
    if ran != {name for name in globals() if name.startswith("test_")}:
        pytest.skip("only part of the module ran")
    assert set(TRANSITION_NAMES) == FIRED, set(TRANSITION_NAMES) - FIRED
