"""Letters: scheduled with the step that causes them, rendered once to an immutable PDF document."""

import datetime as dt
import hashlib
import io
import threading

import pytest
from django.db import connection
from django.template import TemplateDoesNotExist
from django.utils import translation
from kombu.exceptions import OperationalError as BrokerDown
from pypdf import PdfReader

from claims import letters, timeutil
from claims.models import Document, ImmutableRecordError, Letter, LetterKind, OutgoingEmail
from tests.factories import Cast, claim_in, draft_claim

pytestmark = pytest.mark.django_db

# Submitted on Monday 27 April 2026: the decision is due eight weeks later, Monday 22 June 2026; an info
# request the same day has four weeks, 25 May, which is Whit Monday, so the reply is due Tuesday 26 May.
SUBMITTED = dt.datetime(2026, 4, 27, 10, 0)
QUESTION = "Stuur ons foto's van de scheur in de gevel."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.SITE_URL = "https://mijnschade.i3ml.example"
    return settings.MEDIA_ROOT


@pytest.fixture
def cast():
    return Cast()


def submitted(cast, state="submitted", **kwargs):
    with timeutil.frozen(SUBMITTED):
        return claim_in(cast, state, **kwargs)


def letter_of(claim, kind) -> Letter:
    return Letter.objects.get(claim=claim, kind=kind)


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\N{NO-BREAK SPACE}", " ").split())


def pdf_reader(document: Document) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


# --- scheduling ----------------------------------------------------------------------------------------

def test_submitting_records_one_pending_receipt_with_the_facts_of_that_day(cast):
    claim = submitted(cast)

    letter = letter_of(claim, LetterKind.RECEIPT)
    assert Letter.objects.filter(claim=claim).count() == 1
    assert letter.status == Letter.Status.PENDING and letter.document is None
    assert letter.recipient == cast.person and letter.language == "nl"
    assert letter.context["reference"] == claim.reference
    assert letter.context["received_on"] == "2026-04-27"
    assert letter.context["decision_due_on"] == "2026-06-22" == claim.decision_due.isoformat()
    assert letter.context["dated_on"] == "2026-04-27"


def test_the_letter_is_handed_to_the_worker_only_after_commit(cast, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("claims.tasks.render_letter.delay", lambda letter_id: sent.append(letter_id))
    claim = draft_claim(applicant=cast.person)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        cast.fire(claim, "submit")
    letter = letter_of(claim, LetterKind.RECEIPT)
    assert sent == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert sent == [letter.pk]


def test_a_broker_that_is_down_leaves_the_letter_pending_for_the_sweep(cast, monkeypatch,
                                                                      django_capture_on_commit_callbacks):
    def broker_down(letter_id):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr("claims.tasks.render_letter.delay", broker_down)
    claim = draft_claim(applicant=cast.person)
    with django_capture_on_commit_callbacks(execute=True):
        claim = cast.fire(claim, "submit")  # does not raise: the request that submitted still succeeds

    letter = letter_of(claim, LetterKind.RECEIPT)
    assert letter.status == Letter.Status.PENDING
    assert letter.pk not in letters.stranded_ids()  # younger than a minute: probably still on its way
    Letter.objects.filter(pk=letter.pk).update(created_at=timeutil.now() - dt.timedelta(minutes=2))
    assert letters.stranded_ids() == [letter.pk]


def test_scheduling_twice_with_the_same_key_makes_one_letter(cast):
    claim = submitted(cast)
    first = letters.schedule(claim=claim, kind=LetterKind.EXTENSION, key=f"{claim.pk}:extension:1")
    again = letters.schedule(claim=claim, kind=LetterKind.EXTENSION, key=f"{claim.pk}:extension:1")
    assert first.pk == again.pk
    assert Letter.objects.filter(claim=claim, kind=LetterKind.EXTENSION).count() == 1


def test_a_key_taken_by_another_claims_letter_is_refused(cast):
    claim = submitted(cast)
    other = draft_claim(applicant=cast.person)
    taken = letter_of(claim, LetterKind.RECEIPT).key
    with pytest.raises(ValueError, match="taken"):
        letters.schedule(claim=other, kind=LetterKind.RECEIPT, key=taken)


def test_requesting_information_records_the_question_and_reply_date(cast):
    claim = submitted(cast, "info_requested")
    letter = letter_of(claim, LetterKind.INFO_REQUEST)
    assert letter.context["question"] == QUESTION
    assert letter.context["reply_due_on"] == "2026-05-26" == claim.reply_due.isoformat()
    assert Letter.objects.filter(claim=claim).count() == 2  # the receipt and this one


def test_the_snapshot_keeps_what_was_true_when_the_letter_was_due(cast):
    claim = submitted(cast)
    letter = letter_of(claim, LetterKind.RECEIPT)
    name_then = cast.person.name
    cast.person.name = "Iemand Anders"
    cast.person.save()
    text = pdf_text(letters.render(letter.pk).document)
    assert name_then in text and "Iemand Anders" not in text


# --- rendering -----------------------------------------------------------------------------------------

def test_the_receipt_says_what_happens_and_by_when_in_dutch(cast, media_root):
    claim = submitted(cast)
    letter = letters.render(letter_of(claim, LetterKind.RECEIPT).pk)

    assert letter.status == Letter.Status.READY and letter.rendered_at is not None and letter.attempts == 1
    document = letter.document
    text = pdf_text(document)
    assert claim.reference in text
    assert "Wat betekent dit voor u?" in text
    assert "maandag 27 april 2026" in text  # received, and the date of the letter
    assert "maandag 22 juni 2026" in text  # the decision deadline, written out
    assert "045 000 00 00" in text  # no case guide yet: the general number
    assert "Pagina 1 van 2" in text and "Pagina 2 van 2" in text
    assert f"Akerstraat {claim.property.house_number}" in text and cast.person.name in text

    # Stored as an immutable letter document, named by its hash.
    assert document.kind == "letter" and document.letter_kind == LetterKind.RECEIPT
    assert document.title == f"Ontvangstbevestiging {claim.reference}"
    assert document.content_type == "application/pdf" and document.claim_id == claim.pk
    data = (media_root / document.file.name).read_bytes()
    assert data.startswith(b"%PDF-")
    assert document.sha256 == hashlib.sha256(data).hexdigest() and document.size == len(data)
    assert document.file.name == f"claims/{claim.pk}/{document.sha256}"


def test_the_pdf_is_tagged_and_carries_title_and_language(cast):
    claim = submitted(cast)
    document = letters.render(letter_of(claim, LetterKind.RECEIPT).pk).document
    reader = pdf_reader(document)
    root = reader.trailer["/Root"]
    assert reader.metadata.title == f"Ontvangstbevestiging {claim.reference}"
    assert root["/Lang"] == "nl"
    assert bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root


def test_the_letter_renders_without_warnings_from_weasyprint(cast, caplog):
    # A missing logo or stylesheet, an image without alt text or a page without lang shows up here.
    claim = submitted(cast, "info_requested", urgent=True)
    with caplog.at_level("INFO", logger="weasyprint"):
        for letter in Letter.objects.filter(claim=claim):
            letters.render(letter.pk)
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint" and r.levelno >= 20] == []


def test_weasyprint_may_read_the_letter_assets_and_nothing_else(caplog):
    with caplog.at_level("WARNING", logger="weasyprint"):
        pdf = letters.render_pdf('<html lang="nl"><title>t</title><img src="letters/logo.svg" alt="I3ML">'
                                 '<img src="file:///etc/hostname" alt="x"><img src="http://127.0.0.1:1/x.png" alt="y">')
    assert pdf.startswith(b"%PDF-")
    refused = [r.getMessage() for r in caplog.records if "may only use files from static/letters" in r.getMessage()]
    assert any("/etc/hostname" in m for m in refused) and any("127.0.0.1:1" in m for m in refused)
    assert not any("logo.svg" in r.getMessage() for r in caplog.records)


def test_an_english_speaker_gets_the_letter_in_english(cast):
    cast.person.language = "en"
    cast.person.save()
    claim = submitted(cast)
    letter = letter_of(claim, LetterKind.RECEIPT)
    assert letter.language == "en"

    document = letters.render(letter.pk).document
    text = pdf_text(document)
    with translation.override("en"):
        heading = translation.gettext("Wat betekent dit voor u?")
    assert heading in text
    assert "Monday 22 June 2026" in text and "juni" not in text
    assert pdf_reader(document).trailer["/Root"]["/Lang"] == "en"


def test_the_case_guide_is_named_once_known(cast):
    cast.caseworker.first_name, cast.caseworker.last_name = "Anja", "Smeets"
    cast.caseworker.save()
    claim = submitted(cast, "info_requested")
    text = pdf_text(letters.render(letter_of(claim, LetterKind.INFO_REQUEST).pk).document)
    assert "Bel uw zaakbegeleider Anja Smeets op 045 000 00 00" in text


def test_the_info_request_asks_the_question_and_says_by_when_and_how(cast):
    claim = submitted(cast, "info_requested")
    letter = letters.render(letter_of(claim, LetterKind.INFO_REQUEST).pk)
    text = pdf_text(letter.document)
    assert QUESTION in text
    assert "dinsdag 26 mei 2026" in text
    assert "4:15" in text  # the decision term is suspended meanwhile, and why
    assert "Per post" in text and "Aan het loket" in text and "https://mijnschade.i3ml.example/mijn/" in text
    assert letter.document.title == f"Verzoek om aanvulling {claim.reference}"


def test_an_urgent_receipt_promises_the_visit_within_48_hours(cast):
    claim = submitted(cast, urgent=True)
    text = pdf_text(letters.render(letter_of(claim, LetterKind.RECEIPT).pk).document)
    assert "binnen 48 uur" in text
    assert "woensdag 29 april 2026 om 10.00 uur" in text  # 48 hours after the report


def test_rendering_twice_stores_one_document(cast):
    claim = submitted(cast)
    letter = letter_of(claim, LetterKind.RECEIPT)
    first = letters.render(letter.pk)
    again = letters.render(letter.pk)
    assert first.document_id == again.document_id
    assert Document.objects.filter(claim=claim).count() == 1
    assert again.attempts == 1


def test_a_stored_letter_document_is_never_changed(cast):
    claim = submitted(cast)
    document = letters.render(letter_of(claim, LetterKind.RECEIPT).pk).document
    document.title = "Iets anders"
    with pytest.raises(ImmutableRecordError):
        document.save()
    with pytest.raises(ImmutableRecordError):
        document.delete()
    assert Document.objects.get(pk=document.pk).title.startswith("Ontvangstbevestiging")


def test_a_failed_rendering_is_recorded_and_can_be_tried_again(cast, media_root):
    claim = submitted(cast)
    # A kind without a template (as if a template went missing in a deploy).
    broken = Letter.objects.create(claim=claim, kind="no_such_kind", key="broken", recipient=cast.person,
                                   context={"reference": claim.reference})
    for attempt in (1, 2):
        with pytest.raises(TemplateDoesNotExist):
            letters.render(broken.pk)
        broken.refresh_from_db()
        assert broken.attempts == attempt
        assert broken.status == Letter.Status.FAILED and broken.document is None
        assert "TemplateDoesNotExist" in broken.last_error
    assert not Document.objects.filter(claim=claim).exists()

    Letter.objects.filter(pk=broken.pk).update(created_at=timeutil.now() - dt.timedelta(minutes=5))
    assert broken.pk in letters.stranded_ids()  # the sweep tries it again
    Letter.objects.filter(pk=broken.pk).update(attempts=letters.MAX_ATTEMPTS)
    assert broken.pk not in letters.stranded_ids()  # until a person has to look


def test_a_failure_after_the_pdf_was_stored_leaves_no_row_and_no_file(cast, media_root, monkeypatch):
    claim = submitted(cast)
    letter = letter_of(claim, LetterKind.RECEIPT)

    def mail_down(letter):
        raise OSError("disk full")

    monkeypatch.setattr(letters, "_tell_digital_recipient", mail_down)
    with pytest.raises(OSError):
        letters.render(letter.pk)
    letter.refresh_from_db()
    assert letter.status == Letter.Status.FAILED and letter.last_error == "OSError: disk full"
    assert not Document.objects.filter(claim=claim).exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]

    monkeypatch.undo()
    letter = letters.render(letter.pk)  # the next try succeeds
    assert letter.status == Letter.Status.READY and letter.attempts == 2 and letter.last_error == ""


def test_the_sweep_picks_letters_without_a_pdf_older_than_a_minute(cast):
    claim = submitted(cast, "info_requested")
    receipt, request = letter_of(claim, LetterKind.RECEIPT), letter_of(claim, LetterKind.INFO_REQUEST)
    letters.render(request.pk)
    Letter.objects.filter(claim=claim).update(created_at=timeutil.now() - dt.timedelta(minutes=2))
    assert letters.stranded_ids() == [receipt.pk]


# --- telling a digital recipient -----------------------------------------------------------------------

def make_digital(person, email="digitaal@example.nl"):
    person.preferred_channel = "digital"
    person.digital_consent_at = timeutil.now()
    person.email = email
    person.save()


def test_a_digital_recipient_gets_one_email_with_a_link_and_not_the_letter(cast):
    make_digital(cast.person)
    claim = submitted(cast, "info_requested")
    letter = letter_of(claim, LetterKind.INFO_REQUEST)
    letters.render(letter.pk)
    letters.render(letter.pk)

    emails = OutgoingEmail.objects.filter(claim=claim, purpose="letter_ready")
    assert emails.count() == 1
    email = emails.get()
    assert email.to == "digitaal@example.nl"
    assert f"https://mijnschade.i3ml.example/mijn/{claim.reference}/" in email.body
    for private in (QUESTION, "26 mei", cast.person.name, "Akerstraat"):
        assert private not in email.body and private not in email.subject


def test_paper_recipients_and_digital_ones_without_address_get_no_email(cast):
    claim = submitted(cast)  # paper, the default
    letters.render(letter_of(claim, LetterKind.RECEIPT).pk)
    make_digital(cast.person, email="")
    second = submitted(cast)
    letters.render(letter_of(second, LetterKind.RECEIPT).pk)
    assert not OutgoingEmail.objects.filter(purpose="letter_ready").exists()


# --- concurrency (real PostgreSQL row locks) ---------------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_four_concurrent_renders_store_one_document(cast, monkeypatch):
    monkeypatch.setattr(letters, "enqueue", lambda letter_id: None)  # only the four threads below render
    claim = submitted(cast)
    letter = letter_of(claim, LetterKind.RECEIPT)

    barrier = threading.Barrier(4)
    results, errors = [], []

    def render():
        try:
            barrier.wait()
            results.append(letters.render(letter.pk).document_id)
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(results) == 4 and len(set(results)) == 1
    assert Document.objects.filter(claim=claim).count() == 1
    letter.refresh_from_db()
    assert letter.attempts == 1 and letter.status == Letter.Status.READY
