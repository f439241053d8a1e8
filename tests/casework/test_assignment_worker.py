"""Automatic assignment through a real Celery worker (Redis broker, the test database): a submitted claim
gets its guide after commit; with the broker down at submission, the sweep assigns it later."""

import datetime as dt
import time

import pytest

from casework.tasks import assign_unassigned
from claims import roles as R
from claims import timeutil
from claims.models import Claim, OutgoingEmail
from tests.claims.test_letters_worker import dead_broker
from tests.factories import Cast, UserFactory, draft_claim

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_until_assigned(claim: Claim, worker, timeout: float = 20.0) -> Claim:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        claim.refresh_from_db()
        if claim.status == "intake":
            return claim
        worker._assert_alive()
        time.sleep(0.1)
    pytest.fail(f"the worker did not assign {claim.reference} in {timeout}s (status {claim.status})\n"
                f"{worker.log_tail()}")


def test_the_worker_gives_a_submitted_claim_its_guide(celery_worker_process):
    cast = Cast()
    claim = cast.fire(draft_claim(applicant=cast.person), "submit")

    claim = wait_until_assigned(claim, celery_worker_process)

    assert claim.caseworker == cast.caseworker
    step = claim.transitions.get(name="start_intake")
    assert step.actor is None and step.data["caseworker"] == cast.caseworker.pk


def test_the_guide_of_an_urgent_claim_gets_the_notice_from_the_worker(celery_worker_process):
    cast = Cast()
    already = len(celery_worker_process.mails())
    claim = cast.fire(draft_claim(applicant=cast.person, urgent=True), "submit")

    wait_until_assigned(claim, celery_worker_process)
    mails = celery_worker_process.wait_for_mails(already + 2)[already:]  # the coordinator's alert and this
    deadline = time.monotonic() + 20
    while not any(f"Nieuwe spoedzaak voor u: {claim.reference}" in m for m in mails):
        assert time.monotonic() < deadline, celery_worker_process.log_tail()
        time.sleep(0.1)
        mails = celery_worker_process.mails()[already:]
    notice = OutgoingEmail.objects.get(claim=claim, purpose="urgent_assigned")
    assert notice.to == cast.caseworker.email


def test_with_the_broker_down_the_sweep_assigns_the_claim(celery_worker_process, caplog):
    cast = Cast()
    UserFactory(role=R.CASEWORKER)  # a second guide: the first claim's guide is the least loaded one
    claim = draft_claim(applicant=cast.person)
    with dead_broker():
        claim = cast.fire(claim, "submit")  # commits; the hand-over to the worker fails and is only logged
    assert f"Claim {claim.pk} not handed to automatic assignment now" in caplog.text
    time.sleep(1.0)  # had the task been sent anyway, the worker would have assigned it by now
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.caseworker is None

    # Minutes later the beat's sweep finds it (the clock is moved, not waited for).
    Claim.objects.filter(pk=claim.pk).update(submitted_at=timeutil.now() - dt.timedelta(minutes=5))
    assign_unassigned.delay()

    claim = wait_until_assigned(claim, celery_worker_process)
    assert claim.caseworker is not None
    assert claim.transitions.filter(name="start_intake").count() == 1
