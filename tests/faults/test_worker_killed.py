"""The worker killed with SIGKILL in the middle of a letter (issue 7): after the restart the letter is made, once,
and complete.

Two ways to die. The pool process alone (the kernel's OOM killer picks the biggest process): the worker's main
process sees it go, and with acks_late and reject_on_worker_lost puts the message back at once. The whole worker
(the machine or container goes): nobody acknowledged the message, so Redis hands it out again after the
visibility timeout (CELERY_VISIBILITY_TIMEOUT, an hour in production, a second here), and the letter sweep
finds the letter without its PDF as well. Both arrive; the letter is stored once."""

import datetime as dt
import os
import re
import signal
import time
import uuid

import pytest
from django.db import transaction
from django.db.models import F
from pypdf import PdfReader

from claims import letters
from claims.models import Document, DocumentKind, Letter, LetterKind
from tests.factories import Cast, draft_claim

from . import services
from .conftest import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# A long question makes a letter of many pages: seconds of WeasyPrint, time to kill the worker in the middle.
LAST_LINE = "Dit is de laatste regel van de vraag."
LONG_QUESTION = "\n".join(f"{n}. Stuur ons een foto van de scheur in de muur van kamer {n}, met een meetlint ernaast."
                          for n in range(1, 401)) + "\n" + LAST_LINE
RECEIVED = re.compile(r"Task claims\.tasks\.render_letter\[([0-9a-f-]+)\] received")
SUCCEEDED = re.compile(r"Task claims\.tasks\.render_letter\[([0-9a-f-]+)\] succeeded")
LAYING_OUT = re.compile(r"Creating layout - Page 3\b")


def long_letter(redis_url: str) -> Letter:
    """A letter of many pages, handed to the worker on commit as every letter is."""
    cast = Cast()
    claim = draft_claim(applicant=cast.person)
    with services.publishing_to(redis_url), transaction.atomic():
        return letters.schedule(claim=claim, kind=LetterKind.INFO_REQUEST, key=f"fault-{uuid.uuid4().hex}",
                                context={"question": LONG_QUESTION})


def wait_for_render_to_begin(worker, *, timeout: float = 30) -> str:
    """The task id, once WeasyPrint is laying out the letter's pages (it logs each one)."""
    wait_until("the worker lays out the letter", lambda: LAYING_OUT.search(worker.log_text()), timeout=timeout,
               on_fail=lambda: services.tail(worker.log_path))
    return RECEIVED.search(worker.log_text()).group(1)


def assert_made_once_and_complete(letter: Letter) -> None:
    letter.refresh_from_db()
    assert letter.status == Letter.Status.READY and letter.document_id is not None
    documents = Document.objects.filter(claim=letter.claim, kind=DocumentKind.LETTER)
    assert documents.count() == 1
    reader = PdfReader(documents.get().file.path)
    assert len(reader.pages) > 5
    assert LAST_LINE in reader.pages[-1].extract_text() + reader.pages[-2].extract_text()


def test_the_pool_process_killed_mid_letter_the_letter_is_made_once(site, redis_up, media_here):
    with site.worker("worker-pool-killed") as worker:
        letter = long_letter(redis_up.url(0))
        wait_for_render_to_begin(worker)
        [pool_process] = worker.pool_pids()
        os.kill(pool_process, signal.SIGKILL)
        time.sleep(0.2)
        assert Letter.objects.get(pk=letter.pk).document_id is None, "killed too late: the letter was done"

        # The main process puts the message back (reject_on_worker_lost) and a new pool process renders it.
        wait_until("the letter is made after the kill", lambda: Letter.objects.filter(
            pk=letter.pk, status=Letter.Status.READY).exists(), timeout=60,
            on_fail=lambda: services.tail(worker.log_path))
        assert "WorkerLostError" in worker.log_text()
        assert len(set(RECEIVED.findall(worker.log_text()))) == 1  # the same message, put back: not a new one
        worker.assert_alive()
    assert_made_once_and_complete(letter)


def test_the_whole_worker_killed_mid_letter_the_letter_is_made_once_after_restart(site, redis_up, media_here):
    quick_redelivery = {"CELERY_VISIBILITY_TIMEOUT": "1"}
    with site.worker("worker-killed", env=quick_redelivery) as worker:
        letter = long_letter(redis_up.url(0))
        task_id = wait_for_render_to_begin(worker)
        worker.kill()
    assert Letter.objects.get(pk=letter.pk).document_id is None, "killed too late: the letter was done"

    # While no worker runs, the letter sweep (what beat's task does) finds the letter without its PDF and sends
    # it again: a second message for the same letter.
    Letter.objects.filter(pk=letter.pk).update(created_at=F("created_at") - dt.timedelta(minutes=2))
    with services.publishing_to(redis_up.url(0)):
        assert letters.sweep() == 1
    time.sleep(1.5)  # past the visibility timeout of the killed worker's message

    # Two pool processes: the message Redis hands out again and the sweep's are rendered at the same time.
    with site.worker("worker-restarted", env=quick_redelivery, concurrency=2) as worker:
        wait_until("both deliveries rendered", lambda: len(SUCCEEDED.findall(worker.log_text())) >= 2,
                   timeout=90, on_fail=lambda: services.tail(worker.log_path))
        assert task_id in RECEIVED.findall(worker.log_text())  # the killed worker's message came back
    assert_made_once_and_complete(letter)
