"""The first decision stored on the claim (issue 8): the lifecycle service sets `first_decided_at` and the days
the clock was suspended before it at the first decide or declare_not_admissible, in the same save; a later
decision (after a reopen, or on an objection) leaves them. The dashboard's time to the first decision reads them."""

import datetime as dt
import importlib
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from claims import figures
from claims.models import Claim
from claims.timeutil import frozen
from tests.factories import Cast, claim_in, draft_claim

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
TO_DECISION = ("plan_inspection", "record_advice", "send_advice", "forward_to_commission", "advise", "decide")


def at(month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=AMS)


def fire(cast: Cast, claim, when: dt.datetime, *steps: str, **data):
    with frozen(when):
        for name in steps:
            claim = cast.fire(claim, name, **data)
    return claim


@pytest.fixture
def cast():
    return Cast()


def submitted(cast: Cast, when: dt.datetime):
    return fire(cast, draft_claim(applicant=cast.person), when, "submit", "start_intake")


def stored(claim) -> tuple:
    return tuple(Claim.objects.filter(pk=claim.pk).values_list(
        "first_decided_at", "first_decision_days", "first_decision_suspended_days").get())


def test_an_open_claim_has_no_first_decision(cast):
    assert stored(submitted(cast, at(1, 5))) == (None, None, None)


def test_the_first_decide_stores_the_moment_and_the_suspended_days(cast):
    # Info asked Mon 12 Jan, received Thu 22 Jan: suspended 13..21 Jan = 9 days; decided Mon 16 Feb.
    claim = submitted(cast, at(1, 5))
    claim = fire(cast, claim, at(1, 12), "request_info", reply_days=30)
    claim = fire(cast, claim, at(1, 22), "receive_info")
    claim = fire(cast, claim, at(2, 16), *TO_DECISION)
    assert stored(claim) == (at(2, 16), 42, 9)  # 42 calendar days, 33 Awb days
    assert claim.first_decided_at == claim.decided_at  # set in the same save as the decision


def test_not_admissible_during_an_info_request_counts_up_to_the_decision(cast):
    # Info asked Mon 12 Jan; not admissible Thu 22 Jan, which ends the request that day: 13..21 Jan = 9 days.
    claim = submitted(cast, at(1, 5))
    claim = fire(cast, claim, at(1, 12), "request_info", reply_days=30)
    claim = fire(cast, claim, at(1, 22), "declare_not_admissible")
    assert stored(claim) == (at(1, 22), 17, 9)


def test_a_lapsed_reply_term_stops_the_suspension(cast):
    # Info asked Mon 12 Jan with 4 days to reply (due Fri 16 Jan): suspended 13..16 Jan = 4 days, even though
    # the claim is declared not admissible only on 2 Feb.
    claim = submitted(cast, at(1, 5))
    claim = fire(cast, claim, at(1, 12), "request_info", reply_days=4)
    assert claim.reply_due == dt.date(2026, 1, 16)
    claim = fire(cast, claim, at(2, 2), "declare_not_admissible")
    assert stored(claim) == (at(2, 2), 28, 4)


def test_a_hold_counts_too(cast):
    # On hold Mon 12 Jan, resumed Mon 19 Jan: 13..18 Jan = 6 days.
    claim = submitted(cast, at(1, 5))
    claim = fire(cast, claim, at(1, 12), "hold")
    claim = fire(cast, claim, at(1, 19), "resume")
    claim = fire(cast, claim, at(2, 16), *TO_DECISION)
    assert stored(claim) == (at(2, 16), 42, 6)


def test_a_decision_on_an_objection_keeps_the_first_decision(cast):
    claim = fire(cast, submitted(cast, at(1, 12)), at(1, 26), *TO_DECISION)
    first = stored(claim)
    claim = fire(cast, claim, at(2, 2), "file_objection")
    claim = fire(cast, claim, at(2, 9), "decide_objection", well_founded=True, awarded_amount="500.00")
    assert stored(claim) == first == (at(1, 26), 14, 0)


def test_a_second_decision_after_reopen_does_not_overwrite(cast):
    claim = claim_in(cast, "closed")
    first = stored(claim)
    assert first[0] is not None and first[0] == claim.decided_at
    later = claim.decided_at + dt.timedelta(days=60)
    claim = fire(cast, claim, later, "reopen")
    claim = fire(cast, claim, later + dt.timedelta(days=3), "request_info", reply_days=30)
    claim = fire(cast, claim, later + dt.timedelta(days=10), "receive_info")
    claim = fire(cast, claim, later + dt.timedelta(days=20), *TO_DECISION)
    claim.refresh_from_db()
    assert claim.decided_at == later + dt.timedelta(days=20)  # the new decision is the current one
    assert stored(claim) == first  # the first stays, suspension after it not counted
    assert figures.decision_times().count == 1


def test_suspended_days_by_hand():
    on = dt.date
    suspend, resume = "suspend", "resume"
    events = [
        (suspend, "info_request", on(2026, 1, 12), on(2026, 2, 11)),
        (resume, "info_request", on(2026, 1, 22), None),
        (suspend, "on_hold", on(2026, 1, 26), None),  # still held at the decision: counts up to it
        ("extend", "", on(2026, 1, 27), None),  # not a suspension
    ]
    # The info request 13..21 Jan = 9, and the hold still open at the decision 27..29 Jan = 3.
    assert figures.suspended_days(events, on(2026, 1, 29)) == 12
    # Suspensions after the decision day do not count.
    assert figures.suspended_days(events, on(2026, 1, 20)) == 8
    # A resume without a cause ends every suspension.
    assert figures.suspended_days([(suspend, "on_hold", on(2026, 1, 5), None), (resume, "", on(2026, 1, 8), None)],
                                  on(2026, 3, 1)) == 2


def test_migration_0014_fills_in_what_the_service_stores(cast):
    # Existing claims get their first decision from the history: the same values as the service stores, in
    # SQL on PostgreSQL and in Python elsewhere (both are tried here).
    from django.apps import apps
    from django.db import connection

    from tests.casework.test_dashboard import build

    migration = importlib.import_module("claims.migrations.0014_claim_first_decision")
    build(cast)
    reopened = claim_in(cast, "closed")
    later = reopened.decided_at + dt.timedelta(days=60)
    fire(cast, fire(cast, reopened, later, "reopen"), later + dt.timedelta(days=5), *TO_DECISION)
    fields = ("first_decided_at", "first_decision_days", "first_decision_suspended_days")
    expected = {pk: row for pk, *row in Claim.objects.values_list("pk", *fields)}
    assert sum(1 for at, _days, _suspended in expected.values() if at) == 5
    assert any(suspended for _at, _days, suspended in expected.values())
    for fill in (migration.backfill, lambda apps, _editor: migration._backfill_python(apps)):
        Claim.objects.update(**dict.fromkeys(fields))
        fill(apps, SimpleNamespace(connection=connection))  # all the backfill uses of the schema editor
        assert {pk: row for pk, *row in Claim.objects.values_list("pk", *fields)} == expected
