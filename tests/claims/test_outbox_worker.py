"""Side effects run after commit on a real Celery worker (Redis broker, the test database)."""

import time

import pytest

from claims import roles as R
from claims.models import OutgoingEmail
from claims.tasks import sweep_outbox
from tests.factories import Cast, UserFactory, draft_claim

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_until_sent(email_ids, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not OutgoingEmail.objects.filter(pk__in=email_ids, sent_at=None).exists():
            return
        time.sleep(0.1)
    pytest.fail("the worker did not send the queued e-mail in time")


def test_an_urgent_report_alerts_every_coordinator_through_the_worker(celery_worker_process):
    already = len(celery_worker_process.mails())
    cast = Cast()
    second = UserFactory(role=R.COORDINATOR, email="tweede.coordinator@i3ml.example")
    claim = draft_claim(applicant=cast.person, urgent=True)
    claim = cast.fire(claim, "submit")

    emails = OutgoingEmail.objects.filter(claim=claim, purpose="urgent_alert")
    assert sorted(emails.values_list("to", flat=True)) == sorted([cast.coordinator.email, second.email])
    wait_until_sent(list(emails.values_list("pk", flat=True)))
    mails = celery_worker_process.wait_for_mails(already + 2)[already:]
    assert sum("Acuut onveilige situatie" in m and claim.reference in m for m in mails) == 2
    assert all(e.attempts == 1 for e in emails.all())


def test_the_sweep_sends_what_was_never_handed_to_the_worker_and_only_once(celery_worker_process):
    # As if the broker was down when the e-mail was queued: the row exists, no task was sent.
    stranded = OutgoingEmail.objects.create(to="bewoner@example.nl", subject="Uw brief staat klaar",
                                            body="Er staat een brief voor u klaar.", purpose="letter_ready")
    already = len(celery_worker_process.mails())
    sweep_outbox.delay()
    wait_until_sent([stranded.pk])
    sweep_outbox.delay()  # a second sweep finds nothing left to send
    time.sleep(1.0)
    stranded.refresh_from_db()
    assert stranded.attempts == 1
    mails = celery_worker_process.mails()[already:]
    assert sum("Uw brief staat klaar" in m for m in mails) == 1
