"""Every step and every piece of work from the dossier, through the test client: the form, the happy path
(PRG back to the dossier), and each way it can go wrong, always with what was typed still there."""

import contextlib
import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from casework.models import Note, Reassignment
from casework.timeline import TRANSITION_LABELS
from claims import roles as R
from claims import termijnen
from claims.models import ClaimTransition, ClockEvent, Inspection, Letter, Message, StaffProfile
from claims.models.claim import TRANSITION_NAMES
from claims.timeutil import frozen, today
from tests.casework.test_dossier import buttons_on, dossier_url, step_url, team_colleague, text_of, work_url
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def guide(client, cast):
    client.force_login(cast.caseworker)
    return client


def visit_day() -> dt.date:
    """A working day well in the future (no weekend, no holiday)."""
    return termijnen.roll_forward(today() + dt.timedelta(days=10))


def _expert(cast):
    return cast.expert.pk


# (who, from state, step, posted data, state after)
HAPPY = [
    ("caseworker", "intake", "request_info", {"reason": "Stuur foto's van de scheur.", "reply_days": "14"},
     "info_requested"),
    ("caseworker", "info_requested", "receive_info", {"reason": ""}, "intake"),
    ("caseworker", "intake", "declare_not_admissible", {"reason": "De woning ligt buiten het gebied."},
     "not_admissible"),
    ("caseworker", "intake", "plan_inspection", {"expert": _expert, "reason": ""}, "inspection"),
    ("caseworker", "inspection", "record_advice", {"reason": "Rapport kwam per post."}, "advice_draft"),
    ("caseworker", "advice_draft", "send_advice", {"reason": ""}, "response_period"),
    ("caseworker", "response_period", "revise_advice", {"reason": "De zienswijze noemt een nieuwe scheur."},
     "advice_draft"),
    ("caseworker", "response_period", "forward_to_commission", {"reason": ""}, "commission_review"),
    ("caseworker", "intake", "hold", {"reason": "De bewoner ligt drie weken in het ziekenhuis."}, "on_hold"),
    ("caseworker", "on_hold", "resume", {"reason": "De bewoner is weer thuis."}, "intake"),
    ("caseworker", "intake", "withdraw", {"reason": "De bewoner belde op 3 maart en wil niet verder."},
     "withdrawn"),
    ("caseworker", "decided", "file_objection", {"reason": "Het bedrag is te laag.", "late_excuse": ""},
     "objection"),
    ("coordinator", "submitted", "start_intake", {"caseworker": lambda cast: cast.caseworker.pk, "reason": ""},
     "intake"),
    ("coordinator", "closed", "reopen", {"reason": "Nieuwe scheuren in dezelfde muur."}, "intake"),
]


@pytest.mark.parametrize("who,state,name,data,after", HAPPY, ids=[f"{row[1]}-{row[2]}" for row in HAPPY])
def test_every_step_form_fires_its_step_and_returns_to_the_dossier(client, cast, who, state, name, data, after):
    claim = claim_in(cast, state)
    actor = getattr(cast, who)
    client.force_login(actor)
    form_page = client.get(step_url(claim, name))
    assert form_page.status_code == 200
    assert 'method="post"' in form_page.content.decode()
    posted = {key: (value(cast) if callable(value) else value) for key, value in data.items()}
    response = client.post(step_url(claim, name), posted)
    assert response.status_code == 302, text_of(response)
    assert response["Location"] == dossier_url(claim)
    claim.refresh_from_db()
    assert claim.status == after
    step = ClaimTransition.objects.filter(claim=claim, name=name).latest("created_at", "pk")
    assert step.actor == actor
    assert step.reason == posted.get("reason", "")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Gelukt" in text_of(page) or "is gekozen" in text_of(page)


def test_request_info_sets_the_reply_term_suspends_the_clock_and_writes_the_letter(guide, cast):
    claim = claim_in(cast, "intake")
    form = guide.get(step_url(claim, "request_info"))
    assert 'value="28"' in form.content.decode()  # MIJNSCHADE_TERMS["info_reply_days"]
    guide.post(step_url(claim, "request_info"), {"reason": "Stuur een foto van de gevel.", "reply_days": "21"})
    claim.refresh_from_db()
    assert claim.reply_due == termijnen.term_end(today(), days=21)
    assert claim.clock_suspended
    assert Letter.objects.filter(claim=claim, kind="info_request").exists()


def test_receive_info_with_the_answer_keeps_it_as_the_residents_answer(guide, cast):
    claim = claim_in(cast, "info_requested")
    response = guide.post(step_url(claim, "receive_info"), {"reason": "Foto's kwamen per post binnen."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "intake" and not claim.clock_suspended
    answer = Message.objects.get(claim=claim, kind=Message.Kind.INFO_ANSWER)
    assert answer.direction == Message.Direction.IN and answer.body == "Foto's kwamen per post binnen."


def test_plan_inspection_shows_each_experts_declaration_and_plans_the_visit(guide, cast):
    StaffProfile.objects.create(user=cast.expert, conflict_declaration="Geen banden met woningen in Heerlen-Noord.",
                                declaration_updated_on=dt.date(2026, 1, 10))
    other = UserFactory(role=R.EXPERT, first_name="Jos", last_name="Vroemen")
    UserFactory(role=R.EXPERT, is_active=False, first_name="Oud", last_name="Expert")
    claim = claim_in(cast, "intake")
    form = guide.get(step_url(claim, "plan_inspection"))
    page = text_of(form)
    assert "Geen banden met woningen in Heerlen-Noord." in page and "10 januari 2026" in page
    assert "Jos Vroemen" in page and "Geen verklaring over belangen ingevuld" in page
    assert "Oud Expert" not in page
    day = visit_day()
    response = guide.post(step_url(claim, "plan_inspection"), {
        "expert": other.pk, "visit_date": day.isoformat(), "visit_start": "10:00", "visit_end": "11:30",
        "reason": "",
    })
    assert response.status_code == 302, text_of(response)
    claim.refresh_from_db()
    assert claim.status == "inspection" and claim.expert == other
    inspection = Inspection.objects.get(claim=claim)
    assert inspection.status == Inspection.Status.PLANNED
    assert timezone.localtime(inspection.starts_at).replace(tzinfo=None) == dt.datetime.combine(day, dt.time(10))
    assert timezone.localtime(inspection.ends_at).time() == dt.time(11, 30)
    assert Letter.objects.filter(claim=claim, kind="appointment").exists()


def test_a_refused_visit_time_takes_back_the_whole_step_and_keeps_the_input(guide, cast):
    claim = claim_in(cast, "intake")
    yesterday = today() - dt.timedelta(days=1)
    response = guide.post(step_url(claim, "plan_inspection"), {
        "expert": cast.expert.pk, "visit_date": yesterday.isoformat(), "visit_start": "10:00",
        "visit_end": "11:00", "reason": "Bewoner is alleen 's ochtends thuis",
    })
    assert response.status_code == 409
    html = response.content.decode()
    assert "De afspraak moet in de toekomst liggen." in text_of(response)
    assert "Bewoner is alleen &#x27;s ochtends thuis" in html
    assert f'value="{yesterday.isoformat()}"' in html and 'value="10:00"' in html
    assert f'value="{cast.expert.pk}" id="id_expert_0" checked' in html
    claim.refresh_from_db()
    assert claim.status == "intake"
    assert not Inspection.objects.filter(claim=claim).exists()
    assert not ClaimTransition.objects.filter(claim=claim, name="plan_inspection").exists()


def test_an_incomplete_visit_time_is_a_form_error(guide, cast):
    claim = claim_in(cast, "intake")
    response = guide.post(step_url(claim, "plan_inspection"), {
        "expert": cast.expert.pk, "visit_date": visit_day().isoformat(), "visit_start": "", "visit_end": "",
    })
    assert response.status_code == 400
    assert "Vul de datum, de begintijd en de eindtijd van het bezoek in." in text_of(response)
    claim.refresh_from_db()
    assert claim.status == "intake"


def test_a_missing_reason_comes_back_with_the_rest_of_the_input(guide, cast):
    claim = claim_in(cast, "intake")
    response = guide.post(step_url(claim, "request_info"), {"reason": "  ", "reply_days": "21"})
    assert response.status_code == 400
    assert "Schrijf op welke informatie u nog nodig hebt." in text_of(response)
    assert 'value="21"' in response.content.decode()
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "intake"


def test_a_step_that_is_refused_shows_why_with_409_and_keeps_the_text(guide, cast):
    claim = claim_in(cast, "intake")
    cast.fire(claim, "request_info")  # someone else asked first, in another tab
    response = guide.post(step_url(claim, "request_info"),
                          {"reason": "Hebt u ook foto's van de schuur?", "reply_days": "28"})
    assert response.status_code == 409
    assert "Deze stap kan nu niet: de zaak staat op ‘Aanvulling gevraagd’." in text_of(response)
    assert "Hebt u ook foto&#x27;s van de schuur?" in response.content.decode()
    assert ClaimTransition.objects.filter(claim=claim, name="request_info").count() == 1


def test_closing_during_the_objection_window_is_refused_with_the_date(guide, cast):
    claim = claim_in(cast, "decided")
    response = guide.post(step_url(claim, "close"), {"reason": "Alles is geregeld"})
    assert response.status_code == 409
    assert "De bezwaartermijn loopt nog tot en met" in text_of(response)
    assert "Alles is geregeld" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "decided"


def test_the_step_page_says_when_a_step_cannot_be_taken_now(guide, cast):
    claim = claim_in(cast, "intake")
    response = guide.get(step_url(claim, "send_advice"))
    assert response.status_code == 409
    assert "Deze stap kan nu niet" in text_of(response)


def test_steps_the_user_may_not_take_are_403(client, cast):
    claim = claim_in(cast, "intake")
    client.force_login(team_colleague())
    assert client.get(step_url(claim, "request_info")).status_code == 403
    response = client.post(step_url(claim, "request_info"), {"reason": "Foto's", "reply_days": "28"})
    assert response.status_code == 403
    assert "U mag deze stap bij deze zaak niet zetten." in text_of(response)
    client.force_login(cast.caseworker)
    assert client.get(step_url(claim, "reopen")).status_code == 403  # the coordinator's step
    assert not ClaimTransition.objects.filter(claim=claim, name="request_info").exists()


def test_an_unknown_step_is_a_404(guide, cast):
    claim = claim_in(cast, "intake")
    assert guide.get(step_url(claim, "explode")).status_code == 404


# --- notes, calls and messages ---------------------------------------------------------------------------------

def test_a_note_is_saved_and_shown_in_the_timeline(guide, cast):
    claim = claim_in(cast, "intake")
    response = guide.post(work_url(claim, "note"), {"note-body": "Buurman is aannemer; let op belangen."})
    assert response.status_code == 302
    assert response["Location"] == dossier_url(claim) + "#tijdlijn"
    note = Note.objects.get(claim=claim)
    assert note.kind == Note.Kind.NOTE and note.author == cast.caseworker
    page = text_of(guide.get(dossier_url(claim)))
    assert "De notitie is opgeslagen." in page and "Buurman is aannemer; let op belangen." in page


def test_an_empty_note_comes_back_with_an_error(guide, cast):
    claim = claim_in(cast, "intake")
    response = guide.post(work_url(claim, "note"), {"note-body": ""})
    assert response.status_code == 400
    assert "Schrijf de notitie." in text_of(response)
    assert not Note.objects.filter(claim=claim).exists()


def test_a_call_is_logged_with_direction_and_who_was_spoken_to(guide, cast):
    claim = claim_in(cast, "intake")
    response = guide.post(work_url(claim, "call"), {"call-direction": "out", "call-spoke_with": "De dochter",
                                                    "call-body": "Afgesproken dat zij de foto's stuurt."})
    assert response.status_code == 302
    call = Note.objects.get(claim=claim)
    assert (call.kind, call.direction, call.spoke_with) == (Note.Kind.CALL, "out", "De dochter")
    missing = guide.post(work_url(claim, "call"), {"call-body": "Zonder richting"})
    assert missing.status_code == 400 and "Kies wie er belde." in text_of(missing)
    assert "Zonder richting" in missing.content.decode()


def test_a_message_goes_to_the_portal(guide, client, cast):
    claim = claim_in(cast, "intake")
    response = guide.post(work_url(claim, "message"), {"message-body": "Wij bellen u volgende week."})
    assert response.status_code == 302
    message = Message.objects.get(claim=claim)
    assert message.direction == Message.Direction.OUT and message.author == cast.caseworker
    client.force_login(cast.resident)
    portal = client.get(f"/mijn/{claim.reference}/")
    assert "Wij bellen u volgende week." in portal.content.decode()


def test_a_team_colleague_cannot_write_in_the_dossier(client, cast):
    claim = claim_in(cast, "intake")
    client.force_login(team_colleague())
    for work, data in (("note", {"note-body": "x"}), ("message", {"message-body": "x"}),
                       ("call", {"call-direction": "in", "call-body": "x"}), ("extend", {"extend-weeks": "4"})):
        assert client.get(work_url(claim, work)).status_code == 403
        assert client.post(work_url(claim, work), data).status_code == 403
    assert not Note.objects.filter(claim=claim).exists()
    assert not Message.objects.filter(claim=claim).exists()


# --- the zienswijze received on paper ---------------------------------------------------------------------------

def test_a_response_on_paper_is_recorded_in_the_response_period(guide, cast):
    claim = claim_in(cast, "response_period")
    assert work_url(claim, "response") in guide.get(dossier_url(claim)).content.decode()
    response = guide.post(work_url(claim, "response"), {
        "response-body": "Ik ben het niet eens met de scheur in de keuken.",
        "response-received_on": today().isoformat(),
    })
    assert response.status_code == 302
    message = Message.objects.get(claim=claim, kind=Message.Kind.RESPONSE)
    assert message.direction == Message.Direction.IN
    assert "Ik ben het niet eens" in message.body and "Ontvangen op" in message.body


def test_a_response_outside_the_response_period_is_refused(guide, cast):
    claim = claim_in(cast, "intake")
    assert work_url(claim, "response") not in guide.get(dossier_url(claim)).content.decode()
    response = guide.post(work_url(claim, "response"), {"response-body": "Mijn reactie",
                                                        "response-received_on": today().isoformat()})
    assert response.status_code == 409
    assert "Mijn reactie" in response.content.decode()
    assert not Message.objects.filter(claim=claim).exists()


# --- extension and notice of default -----------------------------------------------------------------------------

def test_the_term_is_extended_once_only(guide, cast):
    claim = claim_in(cast, "intake")
    started = ClockEvent.objects.get(claim=claim, kind="start").on_date
    response = guide.post(work_url(claim, "extend"), {"extend-weeks": "6",
                                                      "extend-reason": "Het rapport van de deskundige is laat."})
    assert response.status_code == 302
    assert response["Location"].endswith("#termijnen")
    claim.refresh_from_db()
    assert claim.decision_due == termijnen.roll_forward(started + dt.timedelta(weeks=8 + 6))
    assert ClockEvent.objects.filter(claim=claim, kind="extend").count() == 1
    assert Letter.objects.filter(claim=claim, kind="extension").exists()
    again = guide.post(work_url(claim, "extend"), {"extend-weeks": "2", "extend-reason": "Nog meer tijd"})
    assert again.status_code == 409
    assert "dat kan maar één keer" in text_of(again)
    assert "Nog meer tijd" in again.content.decode()
    assert ClockEvent.objects.filter(claim=claim, kind="extend").count() == 1


def test_an_extension_needs_a_reason(guide, cast):
    claim = claim_in(cast, "intake")
    response = guide.post(work_url(claim, "extend"), {"extend-weeks": "6", "extend-reason": ""})
    assert response.status_code == 400
    assert "Geef de reden van de verdaging." in text_of(response)
    assert not ClockEvent.objects.filter(claim=claim, kind="extend").exists()


def test_a_default_notice_before_the_due_date_is_refused(guide, cast):
    claim = claim_in(cast, "intake")
    response = guide.post(work_url(claim, "default"), {"default-received_on": today().isoformat(),
                                                       "default-reason": "Brief ontvangen"})
    assert response.status_code == 409
    assert "Een ingebrekestelling kan pas na de uiterste besluitdatum." in text_of(response)
    assert "Brief ontvangen" in response.content.decode()


def test_a_default_notice_is_recorded_and_the_penalty_shown(guide, cast):
    from claims.timeutil import frozen

    with frozen(dt.datetime(2026, 1, 5, 10, 0)):
        claim = claim_in(cast, "intake")
    with frozen(dt.datetime(2026, 3, 20, 10, 0)):
        response = guide.post(work_url(claim, "default"), {"default-received_on": "2026-03-04",
                                                           "default-reason": ""})
        assert response.status_code == 302, text_of(response)
        page = text_of(guide.get(dossier_url(claim)))
    assert ClockEvent.objects.filter(claim=claim, kind="default_notice", on_date=dt.date(2026, 3, 4)).exists()
    assert "Dwangsom (artikel 4:17 Awb)" in page and "2 van ten hoogste 42" in page and "€ 46,00" in page


# --- the coordinator: reassign -------------------------------------------------------------------------------------

def test_the_coordinator_reassigns_with_a_handover_note(client, cast):
    claim = claim_in(cast, "intake")
    new_guide = UserFactory(role=R.CASEWORKER, first_name="Mieke", last_name="Janssen")
    client.force_login(cast.coordinator)
    page = client.get(dossier_url(claim)).content.decode()
    assert work_url(claim, "reassign") in page
    response = client.post(work_url(claim, "reassign"), {
        "reassign-to_guide": new_guide.pk, "reassign-reason": "Werkverdeling",
        "reassign-handover": "Bewoner wil alleen 's middags gebeld worden.",
    })
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.caseworker == new_guide
    assert Reassignment.objects.get(claim=claim).reason == "Werkverdeling"
    assert Note.objects.get(claim=claim, kind=Note.Kind.HANDOVER).body == "Bewoner wil alleen 's middags gebeld worden."


def test_a_guide_cannot_reassign(guide, cast):
    claim = claim_in(cast, "intake")
    assert work_url(claim, "reassign") not in guide.get(dossier_url(claim)).content.decode()
    other = UserFactory(role=R.CASEWORKER)
    response = guide.post(work_url(claim, "reassign"), {"reassign-to_guide": other.pk, "reassign-reason": "x"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker


# --- the inspection: plan the visit, replace the expert ------------------------------------------------------------

def test_the_visit_is_planned_and_replanned_from_the_dossier(guide, cast):
    claim = claim_in(cast, "inspection")
    assert work_url(claim, "visit") in guide.get(dossier_url(claim)).content.decode()
    day = visit_day()
    for start, end in (("09:00", "10:00"), ("13:00", "14:30")):
        response = guide.post(work_url(claim, "visit"), {"visit-visit_date": day.isoformat(),
                                                         "visit-visit_start": start, "visit-visit_end": end})
        assert response.status_code == 302, text_of(response)
    inspection = Inspection.objects.get(claim=claim)
    assert inspection.status == Inspection.Status.PLANNED
    assert timezone.localtime(inspection.starts_at).time() == dt.time(13, 0)
    assert Letter.objects.filter(claim=claim, kind="appointment").count() == 2
    page = text_of(guide.get(dossier_url(claim)))
    assert "13:00–14:30" in page and "Bezoek opnieuw plannen" in page


def test_an_end_before_the_start_is_a_form_error(guide, cast):
    claim = claim_in(cast, "inspection")
    response = guide.post(work_url(claim, "visit"), {"visit-visit_date": visit_day().isoformat(),
                                                     "visit-visit_start": "11:00", "visit-visit_end": "10:00"})
    assert response.status_code == 400
    assert "De eindtijd moet na de begintijd liggen." in text_of(response)


def test_the_expert_is_replaced_after_the_residents_objection(guide, cast):
    claim = claim_in(cast, "inspection")
    Message.objects.create(claim=claim, kind=Message.Kind.EXPERT_OBJECTION, direction=Message.Direction.IN,
                           author=cast.resident, body="Deze deskundige is mijn zwager.")
    other = UserFactory(role=R.EXPERT, first_name="Jos", last_name="Vroemen")
    page = text_of(guide.get(dossier_url(claim)))
    assert "Bezwaar van de aanvrager tegen de deskundige" in page and "Deze deskundige is mijn zwager." in page
    response = guide.post(work_url(claim, "replace"), {"replace-expert": other.pk,
                                                       "replace-reason": "Bezwaar: familie van de aanvrager"})
    assert response.status_code == 302, text_of(response)
    claim.refresh_from_db()
    assert claim.expert == other
    assert set(Inspection.objects.filter(claim=claim).values_list("status", flat=True)) == {"replaced", "chosen"}


def test_the_current_expert_is_not_offered_as_replacement(guide, cast):
    claim = claim_in(cast, "inspection")
    response = guide.post(work_url(claim, "replace"), {"replace-expert": cast.expert.pk, "replace-reason": "x"})
    assert response.status_code == 400
    assert "Kies een deskundige uit de lijst." in text_of(response)


# --- every step has a page --------------------------------------------------------------------------------------

STATE_FOR_STEP = {
    "submit": "draft", "start_intake": "submitted", "request_info": "intake", "receive_info": "info_requested",
    "declare_not_admissible": "intake", "plan_inspection": "intake", "record_advice": "inspection",
    "send_advice": "advice_draft", "revise_advice": "response_period", "forward_to_commission": "response_period",
    "advise": "commission_review", "decide": "decision_pending", "file_objection": "decided",
    "decide_objection": "objection", "start_settlement": "decided", "close": "settlement", "withdraw": "intake",
    "hold": "intake", "resume": "on_hold", "reopen": "closed",
}


def test_the_table_covers_every_step():
    assert set(STATE_FOR_STEP) == set(TRANSITION_NAMES)


@pytest.mark.parametrize("name", sorted(STATE_FOR_STEP))
def test_every_step_has_a_form_page(client, cast, name):
    claim = claim_in(cast, STATE_FOR_STEP[name])
    client.force_login(UserFactory(is_superuser=True))
    # Closing waits for the objection window: the button appears on the first day after it.
    after = claim.objection_due + dt.timedelta(days=1) if name == "close" else None
    with frozen(dt.datetime.combine(after, dt.time(10))) if after else contextlib.nullcontext():
        response = client.get(step_url(claim, name))
        assert response.status_code == 200
        assert str(TRANSITION_LABELS[name]) in text_of(response)
        assert name in buttons_on(client.get(dossier_url(claim)), claim)


def test_a_decision_through_the_generic_form(client, cast):
    claim = claim_in(cast, "decision_pending")
    client.force_login(UserFactory(is_superuser=True))
    response = client.post(step_url(claim, "decide"), {"outcome": "granted", "awarded_amount": "4250.00",
                                                       "reason": "Schade is voldoende aannemelijk."})
    assert response.status_code == 302, text_of(response)
    claim.refresh_from_db()
    assert (claim.status, claim.outcome, str(claim.awarded_amount)) == ("decided", "granted", "4250.00")


# --- the safety visit of an urgent claim ------------------------------------------------------------------------

def test_guide_records_the_safety_visit_of_an_urgent_claim(guide, cast):
    claim = claim_in(cast, "intake", urgent=True)
    page = guide.get(dossier_url(claim))
    assert "Nog geen veiligheidsbezoek vastgelegd." in text_of(page)
    visited = timezone.localtime(claim.submitted_at) + dt.timedelta(hours=2)
    with frozen(visited + dt.timedelta(hours=1)):  # the visit lies between the report and now
        response = guide.post(work_url(claim, "safety"), {
            "safety-visited_on": visited.date().isoformat(), "safety-visited_time": visited.strftime("%H:%M"),
            "safety-findings": "Scheur in draagmuur gestut; woning blijft bewoonbaar.",
        })
    assert response.status_code == 302
    event = ClockEvent.objects.get(claim=claim, kind="safety_visit")
    assert event.reason == "Scheur in draagmuur gestut; woning blijft bewoonbaar."
    assert "Nog geen veiligheidsbezoek vastgelegd." not in text_of(guide.get(dossier_url(claim)))


def test_safety_visit_needs_findings_and_an_urgent_claim(guide, cast):
    urgent = claim_in(cast, "intake", urgent=True)
    response = guide.post(work_url(urgent, "safety"), {"safety-visited_on": today().isoformat(),
                                                       "safety-visited_time": "00:01", "safety-findings": ""})
    assert response.status_code == 400
    assert not ClockEvent.objects.filter(claim=urgent, kind="safety_visit").exists()
    calm = claim_in(cast, "intake")
    assert guide.get(work_url(calm, "safety")).status_code == 403


# --- a form sent twice (a double click, or back and send again) does its work once -------------------------------

def token_on(response, prefix: str = "") -> str:
    """The one-time token of the form with this prefix on the page."""
    name = f"{prefix}-form_token" if prefix else "form_token"
    return re.search(rf'name="{name}" value="([0-9a-f]{{32}})"', response.content.decode()).group(1)


def test_a_message_sent_twice_reaches_the_resident_once(guide, cast):
    claim = claim_in(cast, "intake")
    token = token_on(guide.get(dossier_url(claim)), "message")
    data = {"message-body": "Wij bellen u volgende week.", "message-form_token": token}
    first, second = guide.post(work_url(claim, "message"), data), guide.post(work_url(claim, "message"), data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == dossier_url(claim) + "#tijdlijn"
    assert Message.objects.filter(claim=claim).count() == 1
    assert "Dit formulier was al verstuurd. Het is één keer verwerkt." in text_of(guide.get(second["Location"]))
    # A new page has a new token: the same words sent on purpose once more are a second message.
    guide.post(work_url(claim, "message"), {**data, "message-form_token": token_on(guide.get(dossier_url(claim)),
                                                                                    "message")})
    assert Message.objects.filter(claim=claim).count() == 2


@pytest.mark.parametrize("work,data", [
    ("note", {"note-body": "Buurman is aannemer."}),
    ("call", {"call-direction": "in", "call-body": "Vraag over de brief."}),
])
def test_a_note_or_call_sent_twice_is_written_once(guide, cast, work, data):
    claim = claim_in(cast, "intake")
    data = {**data, f"{work}-form_token": token_on(guide.get(work_url(claim, work)), work)}
    assert guide.post(work_url(claim, work), data).status_code == 302
    assert guide.post(work_url(claim, work), data).status_code == 302
    assert Note.objects.filter(claim=claim).count() == 1


def test_a_step_sent_twice_is_taken_once_without_a_conflict_page(guide, cast):
    claim = claim_in(cast, "intake")
    data = {"reason": "Stuur foto's van de scheur.", "reply_days": "14",
            "form_token": token_on(guide.get(step_url(claim, "request_info")))}
    assert guide.post(step_url(claim, "request_info"), data).status_code == 302
    again = guide.post(step_url(claim, "request_info"), data)
    assert again.status_code == 302 and again["Location"] == dossier_url(claim)  # not a 409 about the new state
    assert ClaimTransition.objects.filter(claim=claim, name="request_info").count() == 1


def test_a_refused_form_may_be_sent_again_once_it_can_be_done(guide, cast):
    claim = claim_in(cast, "advice_draft")
    data = {"response-body": "Ik ben het niet eens.", "response-received_on": today().isoformat(),
            "response-form_token": token_on(guide.get(work_url(claim, "response")), "response")}
    refused = guide.post(work_url(claim, "response"), data)
    assert refused.status_code == 409
    assert f'value="{data["response-form_token"]}"' in refused.content.decode()  # the same page, the same token
    cast.fire(claim, "send_advice")
    assert guide.post(work_url(claim, "response"), data).status_code == 302
    assert Message.objects.filter(claim=claim, kind=Message.Kind.RESPONSE).count() == 1


def test_every_post_needs_the_csrf_token(cast):
    claim = claim_in(cast, "intake")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.caseworker)
    assert client.post(step_url(claim, "request_info"), {"reason": "x", "reply_days": "14"}).status_code == 403
    assert client.post(work_url(claim, "note"), {"note-body": "x"}).status_code == 403
    assert not Note.objects.filter(claim=claim).exists()
    claim.refresh_from_db()
    assert claim.status == "intake"


def test_a_token_that_is_not_ours_is_no_error_and_no_guard(guide, cast):
    claim = claim_in(cast, "intake")
    for token in ("\x00" * 100, "x" * 500, ""):
        response = guide.post(work_url(claim, "note"), {"note-body": "Notitie", "note-form_token": token})
        assert response.status_code == 302
    assert Note.objects.filter(claim=claim).count() == 3


def test_without_the_cache_the_form_still_works(guide, cast, monkeypatch):
    from casework.views import once

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(once.cache, "add", down)
    claim = claim_in(cast, "intake")
    data = {"note-body": "Notitie", "note-form_token": token_on(guide.get(work_url(claim, "note")), "note")}
    assert guide.post(work_url(claim, "note"), data).status_code == 302
    assert Note.objects.filter(claim=claim).count() == 1
