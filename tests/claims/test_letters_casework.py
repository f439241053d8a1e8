"""The letters of casework: not admissible, the inspection appointment, the draft advice and the extension of
the decision term. Each is recorded once by the step that causes it, states the facts of that moment, and
renders to a PDF in the resident's language."""

import datetime as dt
import io
import zoneinfo

import pytest
from django.utils import translation
from pypdf import PdfReader

from claims import letters, timeutil
from claims.errors import TransitionRefused
from claims.models import Document, Inspection, Letter, LetterKind, OutgoingEmail
from claims.services import claim_extend_term
from tests.factories import Cast, claim_in

pytestmark = pytest.mark.django_db

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# Submitted (and moved on) on Monday 27 April 2026; the decision is due Monday 22 June 2026.
SUBMITTED = dt.datetime(2026, 4, 27, 10, 0)
NOT_ADMISSIBLE_REASON = "De woning ligt buiten het mijnbouwschadegebied."
EXTENSION_REASON = "De deskundige moet de fundering nog een tweede keer bekijken."
EXPERT = "Ir. Petra Hendriks"
VISIT_STARTS = dt.datetime(2026, 5, 19, 10, 0, tzinfo=AMSTERDAM)  # a Tuesday, after the term to object to the expert
VISIT_ENDS = dt.datetime(2026, 5, 19, 12, 0, tzinfo=AMSTERDAM)
NEW_KINDS = (LetterKind.NOT_ADMISSIBLE, LetterKind.APPOINTMENT, LetterKind.DRAFT_ADVICE, LetterKind.EXTENSION)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.SITE_URL = "https://mijnschade.i3ml.example"
    return settings.MEDIA_ROOT


@pytest.fixture
def cast():
    return Cast()


def english(cast) -> None:
    cast.person.language = "en"
    cast.person.save()


def moved_to(cast, state: str):
    with timeutil.frozen(SUBMITTED):
        return claim_in(cast, state)


def letter_of(claim, kind) -> Letter:
    return Letter.objects.get(claim=claim, kind=kind)


def pdf_reader(document: Document) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def pdf_text(document: Document) -> str:
    text = " ".join(page.extract_text() for page in pdf_reader(document).pages)
    return " ".join(text.replace("\N{NO-BREAK SPACE}", " ").split())


def in_language(language: str, text: str) -> str:
    """A source string as the letter in that language says it (Dutch until the lead fills the catalogue)."""
    with translation.override(language):
        return translation.gettext(text)


# --- the four occasions ----------------------------------------------------------------------------------

def not_admissible_letter(cast) -> Letter:
    claim = moved_to(cast, "not_admissible")
    return letter_of(claim, LetterKind.NOT_ADMISSIBLE)


def draft_advice_letter(cast) -> Letter:
    claim = moved_to(cast, "response_period")
    return letter_of(claim, LetterKind.DRAFT_ADVICE)


def extension_letter(cast) -> Letter:
    claim = moved_to(cast, "intake")
    with timeutil.frozen(dt.datetime(2026, 6, 1, 9, 0)):
        claim_extend_term(claim=claim, actor=cast.caseworker, reason=EXTENSION_REASON)
    return letter_of(claim, LetterKind.EXTENSION)


def planned_inspection(cast) -> Inspection:
    cast.expert.first_name, cast.expert.last_name = "Ir. Petra", "Hendriks"
    cast.expert.save()
    claim = moved_to(cast, "inspection")
    inspection = claim.inspections.get()
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.PLANNED, starts_at=VISIT_STARTS,
                                                       ends_at=VISIT_ENDS)
    inspection.refresh_from_db()
    return inspection


def appointment_key(inspection: Inspection) -> str:
    return f"{inspection.claim_id}:{LetterKind.APPOINTMENT}:i{inspection.pk}"


def appointment_letter(cast) -> Letter:
    """As casework.services.inspection.inspection_schedule records it."""
    inspection = planned_inspection(cast)
    with timeutil.frozen(dt.datetime(2026, 4, 28, 9, 0)):
        return letters.schedule(
            claim=inspection.claim, kind=LetterKind.APPOINTMENT, key=appointment_key(inspection),
            context={"inspection_id": inspection.pk, "starts_at": VISIT_STARTS, "ends_at": VISIT_ENDS,
                     "expert_name": EXPERT, "objection_due_on": inspection.objection_due},
        )


MAKERS = {
    LetterKind.NOT_ADMISSIBLE: not_admissible_letter,
    LetterKind.APPOINTMENT: appointment_letter,
    LetterKind.DRAFT_ADVICE: draft_advice_letter,
    LetterKind.EXTENSION: extension_letter,
}


# --- scheduled by the services, once per occasion ---------------------------------------------------------

def test_declaring_not_admissible_records_one_letter_with_reason_and_objection_term(cast):
    claim = moved_to(cast, "not_admissible")
    letter = letter_of(claim, LetterKind.NOT_ADMISSIBLE)

    assert letter.status == Letter.Status.PENDING and letter.recipient == cast.person
    facts = letter.context
    assert facts["reason"] == NOT_ADMISSIBLE_REASON
    assert facts["decided_on"] == "2026-04-27"
    # Six weeks from the day after the decision (Awb 6:7, 6:8): Monday 8 June 2026.
    assert facts["objection_due_on"] == "2026-06-08" == claim.objection_due.isoformat()
    assert facts["objection_weeks"] == 6
    assert letter.key == letters.transition_key(claim, "declare_not_admissible", LetterKind.NOT_ADMISSIBLE)


def test_a_claim_left_incomplete_gets_the_same_letter_with_its_own_reason(cast):
    claim = moved_to(cast, "info_requested")
    with timeutil.frozen(dt.datetime(2026, 6, 1, 9, 0)):
        cast.fire(claim, "declare_not_admissible", reason="U hebt de foto's niet gestuurd.")
    letter = letter_of(claim, LetterKind.NOT_ADMISSIBLE)
    assert letter.context["reason"] == "U hebt de foto's niet gestuurd."
    assert letter.context["decided_on"] == "2026-06-01"
    assert letter.context["objection_due_on"] == "2026-07-13"


def test_sending_the_advice_records_one_letter_with_the_two_week_response_term(cast):
    cast.expert.first_name, cast.expert.last_name = "Ir. Petra", "Hendriks"
    cast.expert.save()
    claim = moved_to(cast, "response_period")
    letter = letter_of(claim, LetterKind.DRAFT_ADVICE)

    facts = letter.context
    assert facts["reply_due_on"] == "2026-05-11" == claim.reply_due.isoformat()  # two weeks after 27 April
    assert facts["response_days"] == 14 and facts["response_weeks"] == 2
    assert facts["sent_on"] == "2026-04-27"
    assert facts["expert_name"] == EXPERT
    assert facts["decision_due_on"] == "2026-06-22"
    assert not any("amount" in key for key in facts)  # the amounts are in the advice report, not the letter
    assert letter.key == letters.transition_key(claim, "send_advice", LetterKind.DRAFT_ADVICE)


def test_advice_sent_again_after_a_revision_is_a_new_occasion_with_a_new_term(cast):
    claim = moved_to(cast, "response_period")
    with timeutil.frozen(dt.datetime(2026, 5, 6, 9, 0)):
        cast.fire(claim, "revise_advice")
        claim = cast.fire(claim, "send_advice")
    sent = Letter.objects.filter(claim=claim, kind=LetterKind.DRAFT_ADVICE).order_by("pk")
    assert [letter.context["reply_due_on"] for letter in sent] == ["2026-05-11", "2026-05-20"]
    assert len({letter.key for letter in sent}) == 2


def test_extending_the_term_records_one_letter_with_old_and_new_date_and_reason(cast):
    letter = extension_letter(cast)
    claim = letter.claim
    claim.refresh_from_db()

    facts = letter.context
    assert facts["reason"] == EXTENSION_REASON
    assert facts["extension_weeks"] == 8
    assert facts["previous_due_on"] == "2026-06-22"
    assert facts["decision_due_on"] == "2026-08-17" == claim.decision_due.isoformat()
    assert facts["extended_on"] == "2026-06-01"
    assert facts["clock_suspended"] is False
    event = claim.clock_events.get(kind="extend")
    assert letter.key == f"{claim.pk}:extension:c{event.pk}"


def test_an_extension_while_waiting_for_information_says_the_date_may_move(cast):
    claim = moved_to(cast, "info_requested")
    with timeutil.frozen(dt.datetime(2026, 5, 4, 9, 0)):
        claim_extend_term(claim=claim, actor=cast.caseworker, weeks=4, reason=EXTENSION_REASON)
        letter = letter_of(claim, LetterKind.EXTENSION)
        claim.refresh_from_db()
    assert letter.context["clock_suspended"] is True and letter.context["extension_weeks"] == 4
    assert letter.context["decision_due_on"] == claim.decision_due.isoformat()
    previous = dt.date.fromisoformat(letter.context["previous_due_on"])
    assert claim.decision_due - previous == dt.timedelta(weeks=4)
    text = pdf_text(letters.render(letter.pk).document)
    assert "Wachten wij nog op informatie van u?" in text


@pytest.mark.parametrize("kind", [LetterKind.NOT_ADMISSIBLE, LetterKind.DRAFT_ADVICE, LetterKind.EXTENSION])
def test_each_service_hands_its_letter_to_the_worker_once_after_commit(cast, kind, monkeypatch,
                                                                       django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("claims.tasks.render_letter.delay", lambda letter_id: sent.append(letter_id))
    with django_capture_on_commit_callbacks(execute=True):
        letter = MAKERS[kind](cast)
    assert sent.count(letter.pk) == 1
    assert Letter.objects.filter(claim=letter.claim, kind=kind).count() == 1


def test_a_retry_of_a_step_makes_no_second_letter(cast):
    refused = moved_to(cast, "not_admissible")
    with pytest.raises(TransitionRefused):
        cast.fire(refused, "declare_not_admissible")  # the same click again: the claim has moved on
    again = letters.schedule(claim=refused, kind=LetterKind.NOT_ADMISSIBLE,
                             key=letters.transition_key(refused, "declare_not_admissible", LetterKind.NOT_ADMISSIBLE))
    assert again == letter_of(refused, LetterKind.NOT_ADMISSIBLE)

    advised = moved_to(cast, "response_period")
    with pytest.raises(TransitionRefused):
        cast.fire(advised, "send_advice")
    assert Letter.objects.filter(claim=advised, kind=LetterKind.DRAFT_ADVICE).count() == 1

    extended = extension_letter(cast).claim
    with timeutil.frozen(dt.datetime(2026, 6, 2, 9, 0)), pytest.raises(TransitionRefused):
        claim_extend_term(claim=extended, actor=cast.caseworker, reason="Nog een keer")
    assert Letter.objects.filter(claim=extended, kind=LetterKind.EXTENSION).count() == 1


def test_a_refused_step_records_no_letter(cast):
    claim = moved_to(cast, "intake")
    with pytest.raises(TransitionRefused):
        cast.fire(claim, "declare_not_admissible", reason="   ")  # a reason is needed
    with pytest.raises(TransitionRefused):
        claim_extend_term(claim=claim, actor=cast.caseworker, weeks=99, reason=EXTENSION_REASON)
    assert set(Letter.objects.filter(claim=claim).values_list("kind", flat=True)) == {LetterKind.RECEIPT}


def test_the_appointment_letter_keeps_what_the_inspection_service_gives(cast):
    letter = appointment_letter(cast)
    again = letters.schedule(claim=letter.claim, kind=LetterKind.APPOINTMENT,
                             key=letter.key, context={"inspection_id": 0})
    assert again.pk == letter.pk  # the same occasion: one letter, its facts unchanged

    inspection = letter.claim.inspections.get()
    facts = letter.context
    assert facts["inspection_id"] == inspection.pk
    assert facts["starts_at"] == "2026-05-19T10:00:00+02:00" and facts["ends_at"] == "2026-05-19T12:00:00+02:00"
    assert facts["expert_name"] == EXPERT
    assert facts["objection_due_on"] == "2026-05-11" == inspection.objection_due.isoformat()
    assert facts["home_address"] == f"Akerstraat {letter.claim.property.house_number}, 6411 AB Heerlen"
    assert facts["dated_on"] == "2026-04-28"


def test_the_appointment_letter_reads_what_the_caller_leaves_out_from_the_inspection(cast):
    inspection = planned_inspection(cast)
    letter = letters.schedule(claim=inspection.claim, kind=LetterKind.APPOINTMENT, key=appointment_key(inspection),
                              context={"inspection_id": inspection.pk})
    facts = letter.context
    assert dt.datetime.fromisoformat(facts["starts_at"]) == VISIT_STARTS
    assert dt.datetime.fromisoformat(facts["ends_at"]) == VISIT_ENDS
    assert facts["expert_name"] == EXPERT and facts["objection_due_on"] == "2026-05-11"


def test_a_moved_appointment_says_so_and_after_the_term_no_longer_offers_to_object(cast):
    first = appointment_letter(cast)
    inspection = first.claim.inspections.get()
    assert first.context["moved"] is False
    later = VISIT_STARTS + dt.timedelta(days=7)
    with timeutil.frozen(dt.datetime(2026, 5, 12, 9, 0)):  # the term to object to the expert ended 11 May
        moved = letters.schedule(claim=first.claim, kind=LetterKind.APPOINTMENT, key=f"{appointment_key(inspection)}:2",
                                 context={"inspection_id": inspection.pk, "starts_at": later,
                                          "ends_at": later + dt.timedelta(hours=2)})
    assert moved.context["moved"] is True
    text = pdf_text(letters.render(moved.pk).document)
    assert "De oude afspraak gaat niet door" in text and "dinsdag 26 mei 2026 van 10.00 tot 12.00 uur" in text
    assert "Hebt u bezwaar tegen deze deskundige?" not in text


def test_a_first_appointment_within_the_term_offers_to_object(cast):
    inspection = planned_inspection(cast)
    with timeutil.frozen(dt.datetime(2026, 5, 4, 9, 0)):
        letter = letters.schedule(claim=inspection.claim, kind=LetterKind.APPOINTMENT,
                                  key=appointment_key(inspection), context={"inspection_id": inspection.pk})
    text = pdf_text(letters.render(letter.pk).document)
    assert "Hebt u bezwaar tegen deze deskundige?" in text and "maandag 11 mei 2026" in text
    assert "De oude afspraak" not in text


# --- what the letters say, in Dutch ------------------------------------------------------------------------

def test_the_not_admissible_letter_is_a_decision_with_the_reason_and_how_to_object(cast):
    letter = letters.render(not_admissible_letter(cast).pk)
    text = pdf_text(letter.document)
    assert letter.claim.reference in text
    assert "Wij behandelen uw schademelding niet verder" in text  # the subject
    assert NOT_ADMISSIBLE_REASON in text
    assert "Deze brief is een besluit" in text and "Wij hebben dit besluit genomen op maandag 27 april 2026" in text
    assert "Bent u het er niet mee eens? Dan kunt u bezwaar maken" in text
    assert "maandag 8 juni 2026" in text and "6 weken" in text and "6:7" in text
    assert "Online:" in text and "Per post:" in text and "Aan het loket:" in text
    assert "https://mijnschade.i3ml.example/mijn/" in text
    assert "Wat betekent dit voor u?" in text
    assert letter.document.title == f"Besluit buiten behandeling {letter.claim.reference}"


def test_the_appointment_letter_says_when_who_what_to_prepare_and_how_to_object_to_the_expert(cast):
    letter = letters.render(appointment_letter(cast).pk)
    text = pdf_text(letter.document)
    assert letter.claim.reference in text
    assert "dinsdag 19 mei 2026 van 10.00 tot 12.00 uur" in text
    assert EXPERT in text
    assert f"Akerstraat {letter.claim.property.house_number}, 6411 AB Heerlen" in text
    assert "zolder" in text and "foto's" in text  # access to the rooms, earlier photos
    assert "Wilt u de afspraak veranderen?" in text and "Bel ons op 045 000 00 00" in text
    assert "onpartijdig" in text and "maandag 11 mei 2026" in text  # may object to the expert, and until when
    assert ".ics" in text
    assert letter.document.title == f"Afspraak schade-opname {letter.claim.reference}"


def test_the_appointment_letter_without_an_end_time_gives_the_start(cast):
    inspection = planned_inspection(cast)
    letter = letters.schedule(claim=inspection.claim, kind=LetterKind.APPOINTMENT, key=appointment_key(inspection),
                              context={"inspection_id": inspection.pk, "ends_at": None})
    text = pdf_text(letters.render(letter.pk).document)
    assert "dinsdag 19 mei 2026 om 10.00 uur" in text and "tot 12.00" not in text


def test_the_draft_advice_letter_points_to_the_report_and_the_response_term(cast):
    letter = letters.render(draft_advice_letter(cast).pk)
    text = pdf_text(letter.document)
    assert letter.claim.reference in text
    assert "conceptadvies" in text and "zienswijze" in text
    assert "adviesrapport" in text and "Mijnschade" in text
    assert "maandag 11 mei 2026" in text and "2 weken" in text
    assert "Reageren op het conceptadvies" in text  # the button in the portal
    assert "Per post:" in text and "Aan het loket:" in text
    assert "Commissie Mijnbouwschade" in text  # what happens without a response
    assert "€" not in text  # no amounts in the letter
    assert letter.document.title == f"Conceptadvies {letter.claim.reference}"


def test_the_extension_letter_gives_old_and_new_date_reason_and_the_law(cast):
    letter = letters.render(extension_letter(cast).pk)
    text = pdf_text(letter.document)
    assert letter.claim.reference in text
    assert "Wij hebben meer tijd nodig voor ons besluit" in text
    assert "maandag 22 juni 2026" in text and "maandag 17 augustus 2026" in text
    assert EXTENSION_REASON in text
    assert "8 weken" in text and "4:14" in text
    assert "ingebrekestelling" in text  # what the resident can do if the new date passes too
    assert letter.document.title == f"Verdaging beslistermijn {letter.claim.reference}"


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_every_fact_the_template_uses_is_in_the_snapshot(cast, kind, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": "MISSING(%s)"}}]
    letter = MAKERS[kind](cast)
    html = letters.render_html(letter)
    assert "MISSING(" not in html
    assert '<html lang="nl">' in html and html.count("<h1>") == 1


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_letter_renders_without_warnings_from_weasyprint(cast, kind, caplog):
    cast.caseworker.first_name, cast.caseworker.last_name = "Anja", "Smeets-Vanderheijden"  # named: a longer letter
    cast.caseworker.save()
    letter = MAKERS[kind](cast)
    assert letter.context["guide_name"]
    with caplog.at_level("INFO", logger="weasyprint"):
        letters.render(letter.pk)
    # HarfBuzz-Subset missing on the machine is not about the letter (test_letters.py checks it strictly).
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint" and r.levelno >= 20
            and "HarfBuzz-Subset" not in r.getMessage()] == []
    assert len(pdf_reader(Letter.objects.get(pk=letter.pk).document).pages) <= 2  # short enough to read


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_kind_has_its_own_subject_line(kind):
    with translation.override("nl"):
        assert letters.subject(kind) != str(LetterKind(kind).label)
        assert letters.document_title(kind, "MS-2026-000001").endswith(" MS-2026-000001")


def test_a_digital_resident_is_told_by_email_that_the_letter_is_ready(cast):
    cast.person.preferred_channel = "digital"
    cast.person.digital_consent_at = timeutil.now()
    cast.person.save()
    letter = extension_letter(cast)
    letters.render(letter.pk)
    email = OutgoingEmail.objects.get(claim=letter.claim, purpose="letter_ready")
    assert email.to == cast.person.email
    assert EXTENSION_REASON not in email.body and "augustus" not in email.body


# --- in English -----------------------------------------------------------------------------------------

def test_the_not_admissible_letter_in_english(cast):
    english(cast)
    letter = letters.render(not_admissible_letter(cast).pk)
    assert letter.language == "en"
    text = pdf_text(letter.document)
    assert letter.claim.reference in text and NOT_ADMISSIBLE_REASON in text
    assert "Monday 8 June 2026" in text and "Monday 27 April 2026" in text and "juni" not in text
    assert in_language("en", "Waarom behandelen wij uw melding niet?") in text
    assert in_language("en", "Wat betekent dit voor u?") in text
    assert pdf_reader(letter.document).trailer["/Root"]["/Lang"] == "en"


def test_the_appointment_letter_in_english(cast):
    english(cast)
    letter = letters.render(appointment_letter(cast).pk)
    text = pdf_text(letter.document)
    assert letter.claim.reference in text and EXPERT in text
    assert "Tuesday 19 May 2026" in text and "Monday 11 May 2026" in text and "19 mei" not in text
    assert in_language("en", "Hebt u bezwaar tegen deze deskundige?") in text
    assert pdf_reader(letter.document).trailer["/Root"]["/Lang"] == "en"


def test_the_draft_advice_letter_in_english(cast):
    english(cast)
    letter = letters.render(draft_advice_letter(cast).pk)
    text = pdf_text(letter.document)
    assert letter.claim.reference in text
    assert "Monday 11 May 2026" in text and "Monday 22 June 2026" in text and "mei" not in text
    assert in_language("en", "Wilt u reageren op het advies?") in text
    assert pdf_reader(letter.document).trailer["/Root"]["/Lang"] == "en"


def test_the_extension_letter_in_english(cast):
    english(cast)
    letter = letters.render(extension_letter(cast).pk)
    text = pdf_text(letter.document)
    assert letter.claim.reference in text and EXTENSION_REASON in text
    assert "Monday 22 June 2026" in text and "Monday 17 August 2026" in text and "augustus" not in text
    assert in_language("en", "Waarom hebben wij meer tijd nodig?") in text
    assert pdf_reader(letter.document).trailer["/Root"]["/Lang"] == "en"
