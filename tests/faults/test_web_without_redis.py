"""The web keeps answering while Redis or the worker is down (issue 7): pages and API work, /health/ says what is
down and stays 200, and a submission made then is completed once Redis and a worker are back."""

import pytest
import requests
from django.db.models import Count

from api.tokens import api_token_create
from claims import roles as R
from claims.models import Claim, ClaimTransition, Document, DocumentKind, Letter, LetterKind
from tests.factories import Cast

from . import services
from .conftest import browser, session_cookie, wait_until
from .submissions import HANG_GUARD, as_if_minutes_passed, run_sweeps, submit_at_the_desk, submit_by_api

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def health(site) -> tuple[int, dict]:
    response = requests.get(f"{site.url}/health/", timeout=HANG_GUARD)
    return response.status_code, response.json()


def pages_answer(site, *, desk: str, resident: str, key: str) -> None:
    for path, cookie in [("/", None), ("/inloggen/", None), ("/loket/", desk), ("/loket/nieuw/", desk),
                         ("/mijn/", resident)]:
        session = browser(cookie) if cookie else requests.Session()
        response = session.get(site.url + path, timeout=HANG_GUARD, allow_redirects=False)
        assert response.status_code == 200, (path, response.status_code)
    response = requests.get(f"{site.url}/api/v1/claims/", headers={"Authorization": f"Bearer {key}"},
                            timeout=HANG_GUARD)
    assert response.status_code == 200


def test_without_redis_and_worker_the_web_answers_and_the_work_is_done_later(site, redis_up, media_here):
    cast = Cast()
    _token, key = api_token_create(user=cast.desk, name="Loket-koppeling", role=R.DESK, created_by=None)
    desk, resident = session_cookie(cast.desk), session_cookie(cast.resident)

    # Redis down, no worker: everything answers; the work is recorded in the database and waits.
    redis_up.stop()
    assert health(site) == (200, {"status": "ok", "database": "ok", "broker": "down", "worker": "down"})
    pages_answer(site, desk=desk, resident=resident, key=key)
    while_down = [submit_at_the_desk(site, desk, 1), submit_by_api(site, key, 2)]

    # Redis back (empty), still no worker: what is submitted now waits in the queue.
    redis_up.start()
    assert health(site) == (200, {"status": "ok", "database": "ok", "broker": "ok", "worker": "down"})
    pages_answer(site, desk=desk, resident=resident, key=key)
    while_no_worker = [submit_by_api(site, key, 3)]

    submitted = while_down + while_no_worker
    assert [s.status for s in submitted] == [200, 201, 201], submitted
    claims = Claim.objects.filter(reference__in=[s.reference for s in submitted])
    assert claims.count() == 3 and not Letter.objects.filter(claim__in=claims, document__isnull=False).exists()

    with site.worker("worker-late") as worker:
        # The queued work is done as soon as a worker runs; what never reached Redis waits for the sweeps.
        waiting = claims.filter(reference=while_no_worker[0].reference)
        wait_until("the queued submission is completed", lambda: Letter.objects.filter(
            claim__in=waiting, document__isnull=False).exists() and waiting.filter(status="intake").exists(),
            timeout=60, on_fail=lambda: services.tail(worker.log_path))
        assert Letter.objects.filter(claim__in=claims, document__isnull=True).count() == 2
        assert health(site)[1]["worker"] == "ok"

        as_if_minutes_passed()
        run_sweeps(redis_up.url(0))
        wait_until("the submissions made while Redis was down are completed", lambda: (
            not Letter.objects.filter(claim__in=claims, document__isnull=True).exists()
            and claims.filter(status="intake").count() == 3), timeout=60,
            on_fail=lambda: services.tail(worker.log_path))

    documents = Document.objects.filter(claim__in=claims, kind=DocumentKind.LETTER, letter_kind=LetterKind.RECEIPT)
    assert sorted(row["n"] for row in documents.values("claim").annotate(n=Count("pk"))) == [1, 1, 1]
    assert ClaimTransition.objects.filter(claim__in=claims, name="start_intake").count() == 3


def test_the_cache_does_without_redis(redis_up):
    """Throttling and the send-once guards use the cache: with Redis down they go on without it, quickly."""
    from i3ml.cache import ForgivingRedisCache

    cache = ForgivingRedisCache(redis_up.url(2), {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2}})
    assert cache.add("once", "1") and not cache.add("once", "1") and cache.get("once") == "1"
    redis_up.stop()
    assert cache.get("once", "missing") == "missing" and cache.get_many(["once"]) == {}
    assert cache.add("other", "1") is True  # as if stored: the guarded work goes ahead
    assert cache.set("other", "1") is None and cache.delete("once") is False and not cache.has_key("once")

