"""The public page /cijfers/ (issue 8, item 5): headline figures for anyone, aggregated, small groups suppressed,
cached for an hour, and a query count that does not grow with the data. The numbers are worked out by hand from
the data set of tests/casework/test_dashboard.py (10 claims in Heerlen, 1 in Kerkrade; 4 first decisions)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims import figures
from claims.timeutil import frozen
from tests.casework.test_dashboard import AS_OF, NOW, build
from tests.factories import Cast, claim_in

pytestmark = pytest.mark.django_db

PAGE = "/cijfers/"
KEY = f"public-figures:v1:{AS_OF.isoformat()}"


@pytest.fixture
def fresh_cache():
    cache.delete(KEY)  # only this page's key: never the whole cache
    yield
    cache.delete(KEY)


def get(client):
    with frozen(NOW):
        return client.get(PAGE)


def test_the_headlines_by_hand():
    cast = Cast()
    build(cast)
    h = figures.headlines(as_of=AS_OF)
    assert h.submitted == 11 and h.in_progress == 10
    assert h.times is None  # 4 decisions: fewer than 10, too few to show
    assert h.awarded == Decimal("9500.00") and h.paid == Decimal("1000.00")
    # Heerlen: 10 submitted, 9 in progress, 4 decided; Kerkrade 1, 1, 0: below 10 is suppressed (None).
    assert h.municipalities == [{"municipality": "Heerlen", "cells": [10, None, None]},
                                {"municipality": "Kerkrade", "cells": [None, None, None]}]
    assert dict(h.weekly)[dt.date(2026, 1, 5)] == 2


def test_the_times_show_from_ten_decisions():
    cast = Cast()
    for _number in range(10):
        claim_in(cast, "decided")  # decided the same day as submitted: 0 days
    times = figures.headlines(as_of=AS_OF).times
    assert times is not None and times.count == 10
    assert times.median_days == 0 and times.p90_awb_days == 0


def test_anyone_reads_the_page_and_it_names_nobody(client, fresh_cache):
    cast = Cast()
    claims = build(cast)
    response = get(client)
    assert response.status_code == 200
    html = response.content.decode()
    assert "minder dan 10" in html and "Heerlen" in html and "€ 9.500,00" in html
    assert "te weinig om te laten zien" in html
    assert 'role="img"' in html and "<title id=" in html and 'style="' not in html
    assert re.findall(r'<rect [^>]*', html) and not re.findall(r'<rect [^>]*"[0-9.]*,', html)  # "2,5" breaks SVG
    for claim in claims.values():
        assert claim.reference not in html
    assert cast.person.name not in html
    assert 'href="/cijfers/"' in client.get("/").content.decode()  # linked from every page's footer


def test_the_figures_are_cached_for_an_hour(client, fresh_cache):
    cast = Cast()
    build(cast)
    get(client)
    claim_in(cast, "submitted")
    with CaptureQueriesContext(connection) as queries:
        response = get(client)
    assert not [q for q in queries.captured_queries if "claims_claim" in q["sql"]]
    assert response.context["h"].submitted == 11  # the new claim shows after the hour
    cache.delete(KEY)
    assert get(client).context["h"].submitted == 12


def test_without_the_cache_the_page_still_answers(client, fresh_cache, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: None)
    Cast()
    assert get(client).status_code == 200


def _count(client) -> int:
    cache.delete(KEY)
    with CaptureQueriesContext(connection) as queries:
        assert get(client).status_code == 200
    return len(queries)


def test_the_headlines_take_three_queries():
    build(Cast())
    with CaptureQueriesContext(connection) as queries:
        figures.headlines(as_of=AS_OF)
    assert len(queries) == 3  # counts by state and municipality with amounts, times, weeks


def test_the_number_of_queries_does_not_grow_with_the_data(client, fresh_cache):
    cast = Cast()
    build(cast)
    small = _count(client)
    build(cast)
    build(cast)
    assert _count(client) == small
    assert small <= 6
