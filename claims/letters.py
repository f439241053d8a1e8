"""Letters: recorded with the step that causes them, rendered to PDF by the worker after commit, stored
once as an immutable document. A broker that is down delays a letter, never loses it: the beat task
`sweep_letters` hands every letter still without its PDF to the worker again."""

import datetime as dt
import functools
import hashlib
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import letter_content, timeutil
from .letter_content import transition_key
from .models import Claim, Document, DocumentKind, Letter, LetterKind, PreferredChannel
from .outbox import queue_email

log = logging.getLogger(__name__)

__all__ = ["render", "render_html", "render_pdf", "schedule", "stranded_ids", "sweep", "transition_key"]

# Stylesheet and logo of the letters; WeasyPrint may read files from here and nowhere else.
STATIC_DIR = Path(settings.BASE_DIR) / "static"
LETTER_ASSETS = STATIC_DIR / "letters"
BASE_URL = STATIC_DIR.as_uri() + "/"
# Tagged PDF with title and language, for screen readers (WeasyPrint's PDF/UA-1 variant).
PDF_OPTIONS = {"pdf_variant": "pdf/ua-1"}
MAX_ATTEMPTS = 10  # after this many failed renders a person has to look (status failed, last_error)
SWEEP_AFTER = dt.timedelta(minutes=1)  # younger letters are probably still on their way to the worker
SWEEP_BATCH = 500
MAIL_PURPOSE = "letter_ready"


# --- scheduling ----------------------------------------------------------------------------------------

def schedule(*, claim: Claim, kind: str, key: str, context: dict[str, Any] | None = None) -> Letter:
    """Records the letter now (idempotent by `key`) and hands it to the worker once the transaction commits."""
    if kind not in LetterKind.values:
        raise ValueError(f"unknown letter kind {kind!r}")
    existing = Letter.objects.filter(key=key).first()
    if existing is not None:
        return _same_occasion(existing, claim=claim, kind=kind)
    recipient = claim.applicant
    letter, created = Letter.objects.get_or_create(
        key=key,
        defaults={
            "claim": claim,
            "kind": kind,
            "recipient": recipient,
            "language": recipient.language or settings.LANGUAGE_CODE,
            "context": letter_content.snapshot(claim=claim, kind=kind, recipient=recipient, extra=context),
        },
    )
    if not created:  # a concurrent caller won the race for this key
        return _same_occasion(letter, claim=claim, kind=kind)
    transaction.on_commit(lambda: enqueue(letter.pk))
    return letter


def _same_occasion(letter: Letter, *, claim: Claim, kind: str) -> Letter:
    if letter.claim_id != claim.pk or letter.kind != kind:
        raise ValueError(f"letter key {letter.key!r} is taken by another letter")
    return letter


def enqueue(letter_id: int) -> None:
    from .tasks import render_letter

    try:
        render_letter.delay(letter_id)
    except Exception:  # a broker that is down must not break the request; the sweep renders it later
        log.warning("Letter %s could not be handed to the worker; the letter sweep tries again", letter_id,
                    exc_info=True)


def stranded_ids(*, limit: int = SWEEP_BATCH) -> list[int]:
    """Letters without their PDF that are older than a minute and have tries left, oldest first."""
    cutoff = timezone.now() - SWEEP_AFTER  # real time, as created_at is: not the clock demos may freeze
    return list(
        Letter.objects.filter(status__in=[Letter.Status.PENDING, Letter.Status.FAILED], created_at__lt=cutoff,
                              attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at", "pk").values_list("pk", flat=True)[:limit]
    )


def sweep() -> int:
    ids = stranded_ids()
    for letter_id in ids:
        enqueue(letter_id)
    return len(ids)


# --- rendering -----------------------------------------------------------------------------------------

def render(letter_id: int) -> Letter | None:
    """Makes the PDF of one letter and stores it, unless it has one already.

    WeasyPrint runs outside any transaction, so no lock or open transaction is held for the second it
    takes. Storing is short and under the letter's row lock: if a concurrent call stored a document
    first, this one finds it and keeps its own PDF to itself, so a letter never gets two documents.
    A failure is recorded on the letter and raised again, so the task retries."""
    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is None:  # e.g. a message left over from a database that was reset
        log.warning("Letter %s does not exist; nothing to render", letter_id)
        return None
    if letter.document_id is not None:
        return letter
    stored_name = ""
    try:
        pdf = render_pdf(render_html(letter))  # the snapshot never changes, so reading it unlocked is safe
        with transaction.atomic():
            letter = Letter.objects.select_for_update().get(pk=letter_id)
            if letter.document_id is not None:
                return letter
            document = _store(letter, pdf)
            stored_name = document.file.name
            letter.document = document
            letter.status = Letter.Status.READY
            letter.rendered_at = timeutil.now()
            letter.attempts += 1
            letter.last_error = ""
            letter.save(update_fields=["document", "status", "rendered_at", "attempts", "last_error"])
            _tell_digital_recipient(letter)
            return letter
    except Exception as error:
        if stored_name:  # the row was rolled back: the file would belong to nothing
            default_storage.delete(stored_name)
        _record_failure(letter_id, error)
        raise


def _record_failure(letter_id: int, error: Exception) -> None:
    try:
        Letter.objects.filter(pk=letter_id, document__isnull=True).update(
            attempts=F("attempts") + 1,
            status=Letter.Status.FAILED,
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
    except Exception:  # the database itself may be what failed; the retry will try again
        log.exception("Could not record the failure of letter %s", letter_id)


def render_html(letter: Letter) -> str:
    context = letter_content.template_context(letter)
    with translation.override(letter.language):
        context["subject"] = subject(letter.kind)
        context["title"] = document_title(letter.kind, context.get("reference", ""))
        return render_to_string(f"letters/{letter.kind}.html", context)


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported here: only the worker needs WeasyPrint and its libraries

    return HTML(string=html, base_url=BASE_URL, url_fetcher=_local_fetcher()).write_pdf(**PDF_OPTIONS)


def subject(kind: str) -> str:
    """The subject line, in the active language: what the letter is about, in plain words."""
    subjects = {
        LetterKind.RECEIPT: _("Wij hebben uw schademelding ontvangen"),
        LetterKind.INFO_REQUEST: _("Wij hebben meer informatie van u nodig"),
        LetterKind.NOT_ADMISSIBLE: _("Wij behandelen uw schademelding niet verder"),
        LetterKind.APPOINTMENT: _("Afspraak voor de schade-opname bij u thuis"),
        LetterKind.DRAFT_ADVICE: _("Het advies over uw schade is klaar. Wat vindt u ervan?"),
        LetterKind.EXTENSION: _("Wij hebben meer tijd nodig voor ons besluit"),
        LetterKind.DECISION: _("Ons besluit over uw schademelding"),
        LetterKind.OBJECTION_RECEIVED: _("Wij hebben uw bezwaar ontvangen"),
        LetterKind.OBJECTION_DECISION: _("Onze beslissing op uw bezwaar"),
        LetterKind.PAYMENT: _("Wij hebben uw vergoeding betaald"),
    }
    return str(subjects.get(kind) or _kind_label(kind))


def document_title(kind: str, reference: str) -> str:
    return f"{_kind_label(kind)} {reference}".strip()


def _kind_label(kind: str) -> str:
    return str(LetterKind(kind).label) if kind in LetterKind.values else kind


def _store(letter: Letter, pdf: bytes) -> Document:
    with translation.override(letter.language):
        title = document_title(letter.kind, letter.claim.reference)
    document = Document(
        claim_id=letter.claim_id,
        kind=DocumentKind.LETTER,
        letter_kind=letter.kind,
        title=title,
        original_name=f"{letter.kind}-{letter.claim.reference}.pdf",
        sha256=hashlib.sha256(pdf).hexdigest(),  # before the file: the stored name is the hash
        size=len(pdf),
        content_type="application/pdf",
    )
    document.file.save(document.original_name, ContentFile(pdf), save=False)
    document.save()
    return document


def _tell_digital_recipient(letter: Letter) -> None:
    """A resident who chose digital letters gets an e-mail with a link, never the letter's contents.
    Runs in the transaction that stores the document, which happens once per letter: so one e-mail."""
    person = letter.recipient
    if person.preferred_channel != PreferredChannel.DIGITAL or person.digital_consent_at is None or not person.email:
        return
    reference = letter.claim.reference
    with translation.override(letter.language):
        body = _(
            "Er staat een nieuwe brief voor u klaar in Mijnschade.\n\n"
            "Lees de brief op uw eigen pagina. Log eerst in:\n%(url)s\n\n"
            "Wij sturen de brief niet mee in deze e-mail. Zo blijven uw gegevens veilig.\n\n"
            "Vragen? Bel ons op werkdagen van 9.00 tot 17.00 uur: %(phone)s.\n\n"
            "Met vriendelijke groet,\n%(organisation)s"
        ) % {"url": letter_content.portal_claim_url(reference), "phone": letter_content.general_phone(),
             "organisation": letter_content.ORGANISATION}
        subject_line = _("Nieuwe brief over uw schademelding %(reference)s") % {"reference": reference}
    queue_email(to=person.email, subject=subject_line, body=body, purpose=MAIL_PURPOSE, claim=letter.claim)


# --- WeasyPrint may read the letter assets and nothing else (no network, no other files) ---------------

@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher

    class LetterAssetFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            path = Path(url2pathname(parts.path)).resolve()
            if parts.scheme != "file" or not path.is_relative_to(LETTER_ASSETS.resolve()):
                raise ValueError(f"letters may only use files from static/letters, not {url}")
            return super().fetch(url, headers)

    return LetterAssetFetcher


def _local_fetcher():
    # A fetcher keeps per-request state, so each rendering gets its own.
    return _fetcher_class()(allowed_protocols=("file",))
