"""Redis stopped during 50 submissions (issue 7): every request answers, every claim is saved, and once Redis is
back the worker and the sweeps make every receipt, every assignment and every e-mail exactly once.

The app runs as in production (gunicorn, a Celery worker on a Redis of its own); the desk files half of the
claims through its page and half through the API, four at a time. Redis is stopped after the 10th and started
again (empty: nothing survives) after the 40th."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db.models import Count
from pypdf import PdfReader

from api.tokens import api_token_create
from claims import roles as R
from claims.models import Claim, ClaimTransition, Document, DocumentKind, Letter, LetterKind, OutgoingEmail
from tests.factories import Cast

from . import services
from .conftest import session_cookie, wait_until
from .submissions import HANG_GUARD, Submitted, as_if_minutes_passed, run_sweeps, submit_at_the_desk, submit_by_api

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SUBMISSIONS = 50
STOP_AFTER, START_AFTER = 10, 40
AT_ONCE = 4


def test_redis_stopped_during_50_submissions_loses_nothing_and_makes_nothing_twice(site, redis_up, media_here):
    cast = Cast()
    _token, key = api_token_create(user=cast.desk, name="Loket-koppeling", role=R.DESK, created_by=None)
    cookie = session_cookie(cast.desk)

    def submit(number: int) -> Submitted:
        return submit_by_api(site, key, number) if number % 2 == 0 else submit_at_the_desk(site, cookie, number)

    results: list[Submitted] = []
    with site.worker(concurrency=2) as worker, ThreadPoolExecutor(AT_ONCE) as pool:
        results += pool.map(submit, range(STOP_AFTER))
        redis_up.stop()
        outage_started = time.monotonic()
        results += pool.map(submit, range(STOP_AFTER, START_AFTER))
        health = requests.get(f"{site.url}/health/", timeout=HANG_GUARD)
        redis_up.start()
        outage = time.monotonic() - outage_started
        results += pool.map(submit, range(START_AFTER, SUBMISSIONS))

        # Every request answered, none failed, none hung.
        failed = [r for r in results if r.status not in (200, 201) or not r.reference]
        assert not failed, failed
        assert health.status_code == 200 and health.json()["broker"] == "down"
        worst = max(r.seconds for r in results[STOP_AFTER:START_AFTER])
        print(f"\nRedis down for {outage:.1f} s; worst submission while down {worst:.2f} s, "
              f"worst before/after {max(r.seconds for r in results[:STOP_AFTER] + results[START_AFTER:]):.2f} s")
        assert worst < HANG_GUARD

        # All 50 saved, as submitted.
        references = {r.reference for r in results}
        assert len(references) == SUBMISSIONS
        claims = Claim.objects.filter(reference__in=references)
        assert claims.count() == SUBMISSIONS
        assert ClaimTransition.objects.filter(claim__in=claims, name="submit").count() == SUBMISSIONS

        # With Redis back, new submissions go straight to the worker again: the app's connections recovered.
        after = Claim.objects.filter(reference__in=[r.reference for r in results[START_AFTER:]])
        wait_until("the receipts of the submissions after the outage", lambda: not Letter.objects.filter(
            claim__in=after, document__isnull=True).exists(), timeout=90,
            on_fail=lambda: services.tail(worker.log_path))

        # Redis came back empty: what was queued before the outage is gone too. The sweeps find all of it.
        as_if_minutes_passed()
        run_sweeps(redis_up.url(0))
        wait_until("every receipt rendered and every claim assigned", lambda: (
            not Letter.objects.filter(claim__in=claims, document__isnull=True).exists()
            and not claims.filter(caseworker__isnull=True).exists()), timeout=90,
            on_fail=lambda: services.tail(worker.log_path))
        digital = {r.reference for r in results if r.digital}
        # A letter rendered while Redis was away left its e-mail in the outbox: the next sweep sends it.
        run_sweeps(redis_up.url(0))
        wait_until("every e-mail sent", lambda: OutgoingEmail.objects.filter(
            claim__reference__in=digital, sent_at__isnull=False).count() >= len(digital), timeout=60,
            on_fail=lambda: services.tail(worker.log_path))
        # Sweeps that run again over finished work must do nothing twice.
        run_sweeps(redis_up.url(0))
        time.sleep(3)
        worker.assert_alive()

    # Exactly one receipt per claim, complete.
    receipts = Letter.objects.filter(claim__in=claims, kind=LetterKind.RECEIPT)
    assert receipts.count() == SUBMISSIONS
    assert set(receipts.values_list("status", flat=True)) == {Letter.Status.READY}
    documents = Document.objects.filter(claim__in=claims, kind=DocumentKind.LETTER, letter_kind=LetterKind.RECEIPT)
    per_claim = documents.values("claim").annotate(n=Count("pk"))
    assert sorted(row["n"] for row in per_claim) == [1] * SUBMISSIONS
    for document in documents:
        assert len(PdfReader(document.file.path).pages) >= 1

    # Each claim got its case guide once.
    assert ClaimTransition.objects.filter(claim__in=claims, name="start_intake").count() == SUBMISSIONS
    assert set(claims.values_list("status", flat=True)) == {"intake"}

    # One e-mail per resident who chose digital letters, none for paper; each sent once.
    emails = OutgoingEmail.objects.filter(claim__in=claims)
    assert set(emails.values_list("purpose", flat=True)) == {"letter_ready"}
    assert sorted(emails.values_list("claim__reference", flat=True)) == sorted(digital)
    assert not emails.filter(sent_at__isnull=True).exists()
    sent = [mail for mail in site.mails() if "Nieuwe brief over uw schademelding" in mail]
    for reference in references:
        assert sum(reference in mail for mail in sent) == (1 if reference in digital else 0), reference
