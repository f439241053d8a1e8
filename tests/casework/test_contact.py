"""casework/services/contact.py: notes, calls, messages, and what the resident sent on paper or said on the
phone. Who may, what is refused, what is kept, and who hears of it."""

import datetime as dt

import pytest
from django.utils import timezone

from casework.models import Note
from casework.services.contact import (
    MESSAGE_MAIL_PURPOSE,
    call_record,
    info_answer_record,
    message_send,
    note_add,
    response_record,
)
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import ClaimTransition, ClockEvent, Message, OutgoingEmail
from claims.timeutil import today
from tests.casework.test_dossier import team_colleague
from tests.factories import Cast, UserFactory, claim_in, draft_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast():
    return Cast()


def _digital(person, *, verified: bool = True) -> None:
    person.preferred_channel = "digital"
    person.digital_consent_at = timezone.now()
    person.email_verified_at = timezone.now() if verified else None
    person.save()


# --- who may --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["caseworker", "coordinator"])
def test_the_guide_and_the_coordinator_may_write(cast, who):
    claim = claim_in(cast, "intake")
    note = note_add(claim=claim, actor=getattr(cast, who), body="  Bewoner is slechthorend.  ")
    assert note.body == "Bewoner is slechthorend." and note.kind == Note.Kind.NOTE


@pytest.mark.parametrize("who", ["colleague", "other_guide", "expert", "desk", "resident", "anonymous"])
def test_nobody_else_may_write(cast, who):
    from django.contrib.auth.models import AnonymousUser

    claim = claim_in(cast, "inspection")
    actor = {"colleague": team_colleague(), "other_guide": UserFactory(role=R.CASEWORKER), "expert": cast.expert,
             "desk": cast.desk, "resident": cast.resident, "anonymous": AnonymousUser()}[who]
    calls = [
        lambda: note_add(claim=claim, actor=actor, body="x"),
        lambda: call_record(claim=claim, actor=actor, direction="in", spoke_with="", body="x"),
        lambda: message_send(claim=claim, actor=actor, body="x"),
        lambda: response_record(claim=claim, actor=actor, body="x", received_on=today()),
        lambda: info_answer_record(claim=claim, actor=actor, body="x"),
    ]
    for call in calls:
        with pytest.raises(TransitionForbidden):
            call()
    assert not Note.objects.filter(claim=claim).exists()
    assert not Message.objects.filter(claim=claim).exists()


# --- notes and calls ------------------------------------------------------------------------------------------

def test_an_empty_or_too_long_note_is_refused(cast):
    claim = claim_in(cast, "intake")
    with pytest.raises(TransitionRefused) as empty:
        note_add(claim=claim, actor=cast.caseworker, body="   ")
    assert empty.value.code == "text_required"
    with pytest.raises(TransitionRefused) as long:
        note_add(claim=claim, actor=cast.caseworker, body="x" * 10001)
    assert long.value.code == "text_too_long"


def test_a_call_needs_a_direction_and_keeps_who_was_spoken_to(cast):
    claim = claim_in(cast, "intake")
    with pytest.raises(TransitionRefused):
        call_record(claim=claim, actor=cast.caseworker, direction="sideways", spoke_with="", body="x")
    call = call_record(claim=claim, actor=cast.caseworker, direction="in", spoke_with="  De dochter ",
                       body="Vroeg naar de planning.")
    assert (call.kind, call.direction, call.spoke_with, call.author) == (Note.Kind.CALL, "in", "De dochter",
                                                                         cast.caseworker)


# --- messages --------------------------------------------------------------------------------------------------

def test_a_message_is_shown_to_the_resident_and_announced_by_email_without_its_text(cast):
    claim = claim_in(cast, "intake")
    _digital(claim.applicant)
    message = message_send(claim=claim, actor=cast.caseworker, body="Uw keukenvloer: wij komen dinsdag kijken.")
    assert (message.kind, message.direction, message.author) == (Message.Kind.MESSAGE, Message.Direction.OUT,
                                                                 cast.caseworker)
    email = OutgoingEmail.objects.get(purpose=MESSAGE_MAIL_PURPOSE)
    assert email.to == claim.applicant.email and email.claim == claim
    assert claim.reference in email.subject
    assert "keukenvloer" not in email.body and "dinsdag" not in email.body
    assert f"/mijn/{claim.reference}/" in email.body


@pytest.mark.parametrize("how", ["paper", "unverified", "no_email"])
def test_no_email_for_paper_or_an_unverified_address(cast, how):
    claim = claim_in(cast, "intake")
    person = claim.applicant
    if how == "unverified":
        _digital(person, verified=False)
    elif how == "no_email":
        _digital(person)
        person.email = ""
        person.save()
    message_send(claim=claim, actor=cast.caseworker, body="Wij bellen u.")
    assert Message.objects.filter(claim=claim).count() == 1
    assert not OutgoingEmail.objects.filter(purpose=MESSAGE_MAIL_PURPOSE).exists()


def test_no_message_on_a_draft(cast):
    claim = draft_claim(applicant=cast.person)
    with pytest.raises(TransitionRefused):
        message_send(claim=claim, actor=cast.coordinator, body="Hallo")
    assert not Message.objects.filter(claim=claim).exists()


# --- what came in on paper or by phone ---------------------------------------------------------------------------

def test_a_response_on_paper_is_kept_with_its_date(cast):
    claim = claim_in(cast, "response_period")
    received = today() - dt.timedelta(days=2)
    message = response_record(claim=claim, actor=cast.caseworker, body="De scheur in de gang ontbreekt.",
                              received_on=received)
    assert (message.kind, message.direction) == (Message.Kind.RESPONSE, Message.Direction.IN)
    assert message.body.startswith("De scheur in de gang ontbreekt.")
    assert "Ontvangen op" in message.body and str(received.year) in message.body
    claim.refresh_from_db()
    assert claim.status == "response_period"  # the guide decides next: revise or forward


def test_a_response_only_in_the_response_period_and_not_from_the_future(cast):
    claim = claim_in(cast, "advice_draft")
    with pytest.raises(TransitionRefused) as wrong_state:
        response_record(claim=claim, actor=cast.caseworker, body="x", received_on=today())
    assert wrong_state.value.code == "not_now"
    claim = claim_in(cast, "response_period")
    with pytest.raises(TransitionRefused) as future:
        response_record(claim=claim, actor=cast.caseworker, body="x", received_on=today() + dt.timedelta(days=1))
    assert future.value.code == "future"
    assert not Message.objects.filter(kind=Message.Kind.RESPONSE).exists()


def test_an_answer_on_paper_resumes_the_clock(cast):
    claim = claim_in(cast, "info_requested")
    assert claim.clock_suspended and claim.reply_due is not None
    message = info_answer_record(claim=claim, actor=cast.caseworker, body="Foto's van de gevel, per post.")
    claim.refresh_from_db()
    assert claim.status == "intake"
    assert not claim.clock_suspended and claim.reply_due is None
    assert ClockEvent.objects.filter(claim=claim, kind="resume", cause="info_request").exists()
    step = ClaimTransition.objects.get(claim=claim, name="receive_info")
    assert step.actor == cast.caseworker
    assert (message.kind, message.direction, message.body) == (Message.Kind.INFO_ANSWER, Message.Direction.IN,
                                                               "Foto's van de gevel, per post.")


def test_an_answer_when_none_was_asked_is_refused_and_nothing_is_kept(cast):
    claim = claim_in(cast, "intake")
    with pytest.raises(TransitionRefused) as refused:
        info_answer_record(claim=claim, actor=cast.caseworker, body="Foto's")
    assert refused.value.code == "not_now"
    assert not Message.objects.filter(claim=claim).exists()
    assert not ClaimTransition.objects.filter(claim=claim, name="receive_info").exists()
