"""The coordinators' dashboard at /werk/overzicht/ (issue 8): its figures against numbers worked out by hand on a
small fixed data set built through the real services (a suspended clock and a claim that came back through an
objection included), who may open it, the CSV, and a query count that does not grow with the data."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework import dashboard as D
from casework.services import payments as pay
from casework.services.safety import claim_record_safety_visit
from casework.tasks import recount_dashboard
from claims import figures
from claims import roles as R
from claims.figures import Scope
from claims.timeutil import frozen, today
from tests.factories import Cast, UserFactory, claim_in, draft_claim

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
AS_OF = dt.date(2026, 3, 2)  # a Monday
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=AMS)
PAGE = "/werk/overzicht/"
CSV = "/werk/overzicht/export.csv"
TO_DECISION = ("start_intake", "plan_inspection", "record_advice", "send_advice", "forward_to_commission", "advise")


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=AMS)


def fire(cast: Cast, claim, when: dt.datetime, *steps: str, **data):
    with frozen(when):
        for name in steps:
            claim = cast.fire(claim, name, **data)
    return claim


def submitted(cast: Cast, when: dt.datetime, *, municipality: str = "Heerlen", urgent: bool = False):
    claim = draft_claim(applicant=cast.person, municipality=municipality, urgent=urgent)
    return fire(cast, claim, when, "submit")


def build(cast: Cast) -> dict:
    """The data set. Every expected number in the tests below is worked out by hand from these dates."""
    claims = {}
    # A: submitted Mon 5 Jan, decided Mon 2 Feb (28 days, no suspension), objection filed 9 Feb, still open.
    a = submitted(cast, at(2026, 1, 5))
    a = fire(cast, a, at(2026, 1, 5), *TO_DECISION)
    a = fire(cast, a, at(2026, 2, 2), "decide")
    claims["a"] = fire(cast, a, at(2026, 2, 9), "file_objection")
    # B: submitted 5 Jan; info asked Mon 12 Jan, received Thu 22 Jan: suspended 13..21 Jan = 9 days.
    # Decided Mon 16 Feb, partly granted 1000: 42 calendar days, 33 Awb days.
    b = submitted(cast, at(2026, 1, 5))
    b = fire(cast, b, at(2026, 1, 5), "start_intake")
    b = fire(cast, b, at(2026, 1, 12), "request_info", reply_days=30)
    b = fire(cast, b, at(2026, 1, 22), "receive_info")
    b = fire(cast, b, at(2026, 1, 22), *TO_DECISION[1:])
    b = fire(cast, b, at(2026, 2, 16), "decide", outcome="partly_granted", awarded_amount=Decimal("1000.00"))
    # B's 1000 is paid on Fri 20 Feb (record, a colleague approves, the bank file, paid): on to settlement.
    with frozen(at(2026, 2, 20)):
        payment = pay.payment_record(claim=b, actor=cast.finance, iban="NL91ABNA0417164300",
                                     account_holder=cast.person.name)
        pay.payment_approve(payment=payment, actor=UserFactory(role=R.FINANCE))
        pay.batch_mark_paid(batch=pay.batch_create(actor=cast.finance, execution_date=today()),
                            actor=cast.finance)
    claims["b"] = b
    # C (the claim that comes back): submitted Mon 12 Jan, decided Mon 26 Jan (14 days), objection 2 Feb, decided
    # on 9 Feb (unfounded: the award stands, on to settlement). Its time stays the 14 days to the FIRST decision.
    c = submitted(cast, at(2026, 1, 12))
    c = fire(cast, c, at(2026, 1, 12), *TO_DECISION)
    c = fire(cast, c, at(2026, 1, 26), "decide")
    c = fire(cast, c, at(2026, 2, 2), "file_objection")
    claims["c"] = fire(cast, c, at(2026, 2, 9), "decide_objection")
    # D: submitted Mon 2 Feb, not admissible Mon 9 Feb: 7 days.
    d = submitted(cast, at(2026, 2, 2))
    claims["d"] = fire(cast, d, at(2026, 2, 9), "start_intake", "declare_not_admissible")
    # Overdue, in intake; the term is 8 weeks from the day of submission.
    # E: 6 Oct 2025, due 1 Dec 2025: 91 days over. K: 15 Dec, due 9 Feb: 21 days. L: 29 Dec, due 23 Feb: 7 days.
    for key, when in (("e", at(2025, 10, 6)), ("k", at(2025, 12, 15)), ("l", at(2025, 12, 29))):
        claims[key] = fire(cast, submitted(cast, when), when, "start_intake")
    # Urgent: F (Mon 23 Feb, visited 24 Feb: on time), H (Mon 16 Feb, visited Thu 19 Feb: late),
    # G (Fri 20 Feb, no visit, due 22 Feb: missed), J (Kerkrade, today 09:00, no visit yet: waiting).
    claims["f"] = submitted(cast, at(2026, 2, 23), urgent=True)
    claims["h"] = submitted(cast, at(2026, 2, 16), urgent=True)
    claims["g"] = submitted(cast, at(2026, 2, 20), urgent=True)
    claims["j"] = submitted(cast, at(2026, 3, 2, 9), municipality="Kerkrade", urgent=True)
    for key, visited in (("f", at(2026, 2, 24)), ("h", at(2026, 2, 19))):
        with frozen(visited + dt.timedelta(hours=1)):
            claim_record_safety_visit(claim=claims[key], actor=cast.coordinator, visited_at=visited,
                                      findings="Scheur in de draagmuur gestut.")
    # A draft never counts.
    draft_claim(applicant=cast.person)
    return claims


@pytest.fixture(autouse=True)
def counted_every_time(monkeypatch):
    """The page keeps its figures for 10 minutes; here each request counts them (one test checks the keeping)."""
    monkeypatch.setattr(D, "CACHE_SECONDS", 0)


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def data(cast):
    return build(cast)


def board(scope: Scope = figures.ALL) -> D.Dashboard:
    return D.dashboard(now=NOW, as_of=AS_OF, scope=scope)


# --- the figures, by hand ----------------------------------------------------------------------------------


def test_new_claims_per_week(data):
    weekly = dict(board().weekly)
    assert len(weekly) == 26
    assert min(weekly) == dt.date(2025, 9, 8) and max(weekly) == AS_OF
    expected = {dt.date(2025, 10, 6): 1, dt.date(2025, 12, 15): 1, dt.date(2025, 12, 29): 1,
                dt.date(2026, 1, 5): 2, dt.date(2026, 1, 12): 1, dt.date(2026, 2, 2): 1,
                dt.date(2026, 2, 16): 2, dt.date(2026, 2, 23): 1, dt.date(2026, 3, 2): 1}
    assert {week: n for week, n in weekly.items() if n} == expected


def test_work_in_progress_per_state(data):
    result = board()
    assert {state: n for state, n in result.states.items() if n} == {
        "submitted": 4, "intake": 3, "objection": 1, "settlement": 2, "not_admissible": 1}
    assert "draft" not in result.states
    assert result.in_progress == 10  # 4 submitted + 3 intake + objection + 2 settlement (B paid, C)


def test_time_to_the_first_decision_calendar_and_without_suspension(data):
    # Calendar days A 28, B 42, C 14, D 7 -> sorted 7 14 28 42: median 21, p90 at rank 2.7: 28 + 0.7 * 14 = 37.8.
    # Awb days A 28, B 33 (42 - 9 suspended), C 14, D 7 -> 7 14 28 33: median 21, p90 28 + 0.7 * 5 = 31.5.
    expected = figures.DecisionTimes(count=4, median_days=21.0, p90_days=37.8, median_awb_days=21.0,
                                     p90_awb_days=31.5)
    times = board().times
    assert times.count == expected.count
    for name in ("median_days", "p90_days", "median_awb_days", "p90_awb_days"):
        assert getattr(times, name) == pytest.approx(getattr(expected, name)), name
    # Read from the claims, not the history: the transitions table is not queried.
    with CaptureQueriesContext(connection) as queries:
        figures.decision_times()
    assert len(queries) == 1 and "claimtransition" not in queries[0]["sql"]


def test_a_claim_that_came_back_counts_once(data):
    # C went decided -> objection -> decided on the objection: one first decision, one objection outcome.
    assert board(Scope()).times.count == 4
    assert board().objections == {"total": 2, "open": 1, "well_founded": 0, "unfounded": 1, "late": 0}


def test_overdue_by_how_long(data):
    assert board().overdue == {"0_2": 1, "2_8": 1, "8_plus": 1}


def test_urgent_claims_and_the_48_hour_visit(data):
    assert board().urgent == {"total": 4, "on_time": 1, "late": 1, "waiting": 1, "missed": 1}


def test_amounts_decided_and_paid(data):
    amounts = board().amounts
    assert amounts == {"decided": 4, "granted": 2, "partly_granted": 1, "rejected": 0, "not_admissible": 1,
                       "awarded": Decimal("9500.00"), "paid": Decimal("1000.00")}


def test_per_municipality(data):
    assert board().municipalities == [
        {"municipality": "Heerlen", "submitted": 10, "in_progress": 9, "decided": 4, "awarded": Decimal("9500.00")},
        {"municipality": "Kerkrade", "submitted": 1, "in_progress": 1, "decided": 0, "awarded": Decimal("0.00")},
    ]


def test_the_filters_narrow_every_figure(data):
    kerkrade = board(Scope(municipality="Kerkrade"))
    assert sum(n for _week, n in kerkrade.weekly) == 1
    assert kerkrade.in_progress == 1 and kerkrade.times.count == 0 and kerkrade.times.median_days is None
    assert kerkrade.urgent == {"total": 1, "on_time": 0, "late": 0, "waiting": 1, "missed": 0}
    assert kerkrade.objections["total"] == 0
    heerlen = board(Scope(municipality="Heerlen"))
    assert heerlen.times.count == 4 and heerlen.times.p90_awb_days == pytest.approx(31.5)
    assert heerlen.urgent["total"] == 3
    desk = board(Scope(channel="desk"))  # every claim here came in online
    assert desk.in_progress == 0 and desk.amounts["decided"] == 0 and desk.municipalities == []


def test_the_reopen_step_is_counted(cast):
    claim = claim_in(cast, "closed")
    cast.fire(claim, "reopen")
    assert figures.reopened() == 1
    # Its first decision still counts once, in the time to the first decision.
    assert figures.decision_times().count == 1


def test_percentile_interpolates_like_postgresql():
    assert figures.percentile([], 0.5) is None
    assert figures.percentile([5.0], 0.9) == 5.0
    assert figures.percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert figures.percentile([10.0, 0.0, 20.0], 0.9) == pytest.approx(18.0)


def test_percentile_of_counts_is_the_percentile_of_the_values():
    # The time to the first decision comes as {days: how many claims}; the same result as listing every claim.
    assert figures.percentile_of_counts({}, 0.5) is None
    assert figures.percentile_of_counts({5: 1}, 0.9) == 5.0
    counts = {7: 3, 14: 1, 28: 5, 33: 2, 0: 1}
    values = [float(days) for days, n in counts.items() for _ in range(n)]
    for fraction in (0.0, 0.1, 0.5, 0.9, 1.0):
        assert figures.percentile_of_counts(counts, fraction) == pytest.approx(figures.percentile(values, fraction))


# --- the page and the CSV ----------------------------------------------------------------------------------


def test_only_coordinators_open_the_dashboard_and_its_csv(client, cast):
    for url in (PAGE, CSV):
        assert reverse("claims:login") in client.get(url)["Location"]
    others = (cast.resident, cast.desk, cast.caseworker, cast.expert, cast.commission, cast.decision_maker,
              cast.finance)
    for user in others:
        client.force_login(user)
        for url in (PAGE, CSV):
            assert client.get(url).status_code == 403, (user, url)
    client.force_login(cast.coordinator)
    assert client.get(PAGE).status_code == 200
    assert client.get(CSV).status_code == 200
    assert client.post(PAGE).status_code == 405


def test_the_page_shows_the_figures_and_the_charts(client, cast, data):
    client.force_login(cast.coordinator)
    with frozen(NOW):
        response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('role="img"') == 3 and html.count("<title id=") == 3
    assert "37,8" in html and "31,5" in html and "€ 9.500,00" in html
    assert 'style="' not in html and "<script" not in html
    # SVG reads lengths with a decimal point only: the Dutch "2,5" would break every bar.
    assert re.findall(r'<rect [^>]*', html) and not re.findall(r'<rect [^>]*"[0-9.]*,', html)
    for claim in data.values():
        assert claim.reference not in html  # figures only
    filtered = client.get(PAGE, {"municipality": "Kerkrade", "channel": ""})
    assert filtered.context["board"].scope == Scope(municipality="Kerkrade")
    # A made-up municipality is ignored: all figures.
    assert client.get(PAGE, {"municipality": "Atlantis"}).context["board"].scope == Scope()


def test_the_csv_holds_the_figures(client, cast, data):
    client.force_login(cast.coordinator)
    with frozen(NOW):
        response = client.get(CSV, {"municipality": "Heerlen"})
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="overzicht-2026-03-02.csv"' in response["Content-Disposition"]
    rows = {(section, item): value for section, item, value in csv.reader(io.StringIO(response.content.decode()))}
    assert rows[("Filter", "Gemeente")] == "Heerlen"
    assert rows[("Tijd tot het eerste besluit (dagen)", "90e percentiel, kalenderdagen")] == "37,8"
    assert rows[("Tijd tot het eerste besluit (dagen)", "Mediaan, zonder opschorting")] == "21"
    assert rows[("Termijn verstreken", "8 weken of meer")] == "1"
    assert rows[("Acuut onveilig", "Bezoek te laat")] == "1"
    assert rows[("Bezwaren", "Ongegrond")] == "1"
    assert rows[("Besluiten en bedragen", "Bedrag toegekend (euro)")] == "9500.00"
    assert rows[("Nieuwe meldingen per week", "2026-01-05")] == "2"
    assert ("Per gemeente", "Kerkrade: ingediend") not in rows


def _queries(client, url) -> int:
    with frozen(NOW), CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_data(client, cast):
    coordinator = UserFactory(role="coordinator")
    client.force_login(coordinator)
    build(cast)
    small = {url: _queries(client, url) for url in (PAGE, CSV, PAGE + "?municipality=Heerlen")}
    for _round in range(2):
        build(cast)  # 22 more claims, every kind again
    large = {url: _queries(client, url) for url in (PAGE, CSV, PAGE + "?municipality=Heerlen")}
    assert large == small
    assert small[PAGE] <= 15


def test_the_figures_take_six_queries(cast):
    # Issue 8: one query for states, overdue, outcomes, amounts and municipalities together, one for the time to
    # the first decision (read from the claim, not the history), and weeks, urgent, objections, reopened.
    build(cast)
    with CaptureQueriesContext(connection) as queries:
        board()
    assert len(queries) == 6
    assert not [q for q in queries.captured_queries if "claims_claimtransition" in q["sql"]
                and "reopen" not in q["sql"]]


def test_the_worker_counts_the_figures_ahead(client, cast, data, monkeypatch, settings):
    monkeypatch.setattr(D, "CACHE_SECONDS", 600)
    key = D.cache_key(as_of=AS_OF, scope=Scope())
    cache.delete(key)
    try:
        with frozen(NOW):
            recount_dashboard()
        client.force_login(cast.coordinator)
        with frozen(NOW), CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE)
        assert response.context["board"].in_progress == 10
        assert not [q for q in queries.captured_queries if "claims_claim" in q["sql"]]  # nothing counted here
    finally:
        cache.delete(key)
    planned = settings.CELERY_BEAT_SCHEDULE["recount-dashboard"]
    assert planned["task"] == recount_dashboard.name and planned["schedule"] < D.CACHE_SECONDS


def test_the_figures_are_kept_for_ten_minutes(client, cast, data, monkeypatch):
    monkeypatch.setattr(D, "CACHE_SECONDS", 600)
    key = D.cache_key(as_of=AS_OF, scope=Scope())
    cache.delete(key)  # this key only, never the whole cache
    try:
        client.force_login(cast.coordinator)
        with frozen(NOW):
            assert client.get(PAGE).context["board"].in_progress == 10
        submitted(cast, at(2026, 3, 2, 11))
        with frozen(NOW), CaptureQueriesContext(connection) as queries:
            response = client.get(PAGE)
        assert response.context["board"].in_progress == 10  # as counted ten minutes ago at most
        assert not [q for q in queries.captured_queries if "claims_claim" in q["sql"]]
        assert "geteld om 12:00 uur" in response.content.decode()
        cache.delete(key)
        with frozen(NOW):
            assert client.get(PAGE).context["board"].in_progress == 11
    finally:
        cache.delete(key)
