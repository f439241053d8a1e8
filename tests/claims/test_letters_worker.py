"""Letters through a real Celery worker (Redis broker, the test database): rendered after commit, and
rendered exactly once by the sweep when the broker was down at the time."""

import contextlib
import datetime as dt
import hashlib
import time
from pathlib import Path

import pytest

from claims import timeutil
from claims.models import Document, Letter, LetterKind
from claims.tasks import sweep_letters
from i3ml.celery import app
from tests.factories import Cast, draft_claim

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

DEAD_BROKER = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connecting fails at once


def wait_until_ready(letter_id: int, worker, timeout: float = 30.0) -> Letter:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        letter = Letter.objects.get(pk=letter_id)
        if letter.status == Letter.Status.READY:
            return letter
        worker._assert_alive()
        time.sleep(0.2)
    pytest.fail(f"the worker did not render letter {letter_id} in {timeout}s "
                f"(status {letter.status}, error {letter.last_error!r})\n{worker.log_tail()}")


@contextlib.contextmanager
def dead_broker():
    """Publishing goes to a broker that is not there, as when Redis is down; restored afterwards."""
    saved_url, saved_pool = app.conf.broker_url, app._pool
    saved_producers = app.amqp._producer_pool
    app.conf.broker_url = DEAD_BROKER
    app._pool = None  # the pools hold connections to the real broker; new ones are made from the URL
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_url = saved_url
        app._pool = saved_pool
        app.amqp._producer_pool = saved_producers


def test_the_worker_renders_the_receipt_after_submission(celery_worker_process):
    cast = Cast()
    claim = cast.fire(draft_claim(applicant=cast.person), "submit")

    letter = wait_until_ready(Letter.objects.get(claim=claim, kind=LetterKind.RECEIPT).pk, celery_worker_process)
    document = letter.document
    path = Path(celery_worker_process.media_root) / document.file.name
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == document.sha256 and len(data) == document.size
    assert letter.attempts == 1 and document.claim_id == claim.pk


def test_with_the_broker_down_the_sweep_renders_the_letter_exactly_once(celery_worker_process, caplog):
    cast = Cast()
    claim = draft_claim(applicant=cast.person)
    started = time.monotonic()
    with dead_broker():
        claim = cast.fire(claim, "submit")  # commits; the hand-over to the worker fails and is only logged
    assert time.monotonic() - started < 10, "a dead broker must not hang the request"
    assert claim.status == "submitted"
    letter = Letter.objects.get(claim=claim, kind=LetterKind.RECEIPT)
    assert f"Letter {letter.pk} could not be handed to the worker" in caplog.text

    time.sleep(2.0)  # had the task been sent anyway, the worker would have rendered it by now
    letter.refresh_from_db()
    assert letter.status == Letter.Status.PENDING and letter.attempts == 0

    # A minute later the beat's sweep finds it (the clock is moved, not waited for).
    Letter.objects.filter(pk=letter.pk).update(created_at=timeutil.now() - dt.timedelta(minutes=2))
    sweep_letters.delay()
    letter = wait_until_ready(letter.pk, celery_worker_process)

    sweep_letters.delay()  # a second sweep finds nothing left to do
    time.sleep(1.5)
    letter.refresh_from_db()
    assert letter.attempts == 1
    assert Document.objects.filter(claim=claim).count() == 1
