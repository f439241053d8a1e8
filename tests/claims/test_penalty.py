"""Worked examples for the Awb 4:17 penalty (dwangsom bij niet tijdig beslissen).

4:17(2): EUR 23 a day for the first 14 days, EUR 35 a day for the next 14, EUR 45 a day after that;
4:17(1): at most 42 days, and the Algemene termijnenwet does not apply to that term ("op laatstgenoemde
termijn"): the 42 penalty days are plain calendar days.
4:17(3): the first day is the day on which two weeks have passed after the day the notice of default was
received (and the decision term had lapsed). Received on day D, the body still has D+1 .. D+14 to decide;
that statutory two-week term is extended by the Atw when D+14 is a Saturday, Sunday or holiday. The first
penalty day is the day after the (extended) two weeks: D+15 when D+14 is a working day.

Block totals: 14 x 23 = 322; + 14 x 35 = 490 -> 812; + 14 x 45 = 630 -> 1442 (the maximum).
"""

import datetime as dt
from decimal import Decimal

import pytest

from claims import deadlines, termijnen

D = dt.date

# The end of the two weeks depends on the Atw days, which are data.
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_holiday_cache():
    termijnen.clear_cache()
    yield
    termijnen.clear_cache()


@pytest.mark.parametrize(
    ("days", "amount"),
    [
        pytest.param(0, "0", id="0-days-nothing"),
        pytest.param(-3, "0", id="negative-days-nothing"),
        pytest.param(1, "23", id="1-day-first-block"),
        # 14 x 23 = 322: the whole first block.
        pytest.param(14, "322", id="14-days-first-block-full"),
        # 322 + 1 x 35 = 357: the first day at the second rate.
        pytest.param(15, "357", id="15-days-second-rate-starts"),
        # 322 + 14 x 35 = 322 + 490 = 812.
        pytest.param(28, "812", id="28-days-second-block-full"),
        # 812 + 1 x 45 = 857: the first day at the third rate.
        pytest.param(29, "857", id="29-days-third-rate-starts"),
        # 812 + 7 x 45 = 812 + 315 = 1127.
        pytest.param(35, "1127", id="35-days-mid-third-block"),
        # 812 + 14 x 45 = 812 + 630 = 1442: the maximum.
        pytest.param(42, "1442", id="42-days-maximum"),
        # Beyond 42 days nothing more accrues (4:17(1)).
        pytest.param(43, "1442", id="43-days-capped"),
        pytest.param(100, "1442", id="100-days-capped"),
    ],
)
def test_penalty_amount(days, amount):
    result = deadlines.penalty_amount(days)
    assert result == Decimal(amount)
    assert isinstance(result, Decimal)


# Notice of default received on Monday 1 June 2026: the grace period is 2 .. 15 June (Monday 15 June is a
# working day), the first penalty day is Tuesday 16 June 2026 (D + 15), the 42nd and last is Monday 27 July
# 2026 (16 June + 41 days).
RECEIVED = D(2026, 6, 1)


@pytest.mark.parametrize(
    ("until", "days"),
    [
        # Before or on the day of receipt: nothing.
        pytest.param(D(2026, 5, 20), 0, id="before-receipt"),
        pytest.param(D(2026, 6, 1), 0, id="day-of-receipt"),
        # Monday 15 June is the last day of the two weeks (D + 14): still no penalty.
        pytest.param(D(2026, 6, 15), 0, id="last-grace-day-d-plus-14"),
        # Tuesday 16 June (D + 15) is the first penalty day.
        pytest.param(D(2026, 6, 16), 1, id="first-penalty-day-d-plus-15"),
        # 16 .. 29 June inclusive = 14 days.
        pytest.param(D(2026, 6, 29), 14, id="fourteen-days"),
        # 16 .. 30 June = 15 days.
        pytest.param(D(2026, 6, 30), 15, id="fifteen-days"),
        # 16 June .. 13 July = 28 days.
        pytest.param(D(2026, 7, 13), 28, id="twenty-eight-days"),
        # 16 June .. 27 July = 42 days: the maximum.
        pytest.param(D(2026, 7, 27), 42, id="forty-two-days"),
        # After the 42nd day the count stays at 42.
        pytest.param(D(2026, 7, 28), 42, id="capped-day-after"),
        pytest.param(D(2027, 1, 1), 42, id="capped-long-after"),
    ],
)
def test_penalty_days(until, days):
    assert deadlines.penalty_days(RECEIVED, until=until) == days


@pytest.mark.parametrize(
    ("received", "until", "days", "amount"),
    [
        # Received Monday 1 June; decided Tuesday 30 June: 15 penalty days -> 322 + 35 = 357.
        pytest.param(D(2026, 6, 1), D(2026, 6, 30), 15, "357", id="decided-on-day-15"),
        # Received Monday 1 June; decided Tuesday 14 July: 16 June .. 14 July = 29 days -> 812 + 45 = 857.
        pytest.param(D(2026, 6, 1), D(2026, 7, 14), 29, "857", id="decided-on-day-29"),
        # The 42 days are plain calendar days (4:17(1): no Atw): received Monday 30 November 2026, two weeks
        # to Monday 14 December (a working day), first day Tuesday 15 December; until Thursday 31 December
        # = 17 days, Christmas 25/26 Dec included. 322 + 3 x 35 = 427.
        pytest.param(D(2026, 11, 30), D(2026, 12, 31), 17, "427", id="christmas-counts-as-penalty-days"),
        # Received Monday 30 November 2026; still no decision on 1 March 2027: 42 days -> 1442.
        pytest.param(D(2026, 11, 30), D(2027, 3, 1), 42, "1442", id="maximum-reached"),
    ],
)
def test_penalty_days_and_amount_together(received, until, days, amount):
    counted = deadlines.penalty_days(received, until=until)
    assert counted == days
    assert deadlines.penalty_amount(counted) == Decimal(amount)


# --- the two weeks of 4:17(3) end on a working day (Atw art. 1) ---------------------------------------------

@pytest.mark.parametrize(
    ("received", "grace_ends", "first_day"),
    [
        # Received Monday 1 June 2026: D + 14 = Monday 15 June, a working day; first day Tuesday 16 June.
        pytest.param(D(2026, 6, 1), D(2026, 6, 15), D(2026, 6, 16), id="working-day"),
        # Received Saturday 6 June 2026 (e.g. through the portal, 4:17(4)): D + 14 = Saturday 20 June ->
        # Monday 22 June; first day Tuesday 23 June.
        pytest.param(D(2026, 6, 6), D(2026, 6, 22), D(2026, 6, 23), id="ends-on-saturday"),
        # Received Sunday 7 June 2026: D + 14 = Sunday 21 June -> Monday 22 June; first day Tuesday 23 June.
        pytest.param(D(2026, 6, 7), D(2026, 6, 22), D(2026, 6, 23), id="ends-on-sunday"),
        # Received Thursday 30 April 2026: D + 14 = Ascension Thursday 14 May -> Friday 15 May (royal decree)
        # -> weekend -> Monday 18 May; first day Tuesday 19 May.
        pytest.param(D(2026, 4, 30), D(2026, 5, 18), D(2026, 5, 19), id="ends-on-ascension"),
        # Received Friday 11 December 2026: D + 14 = Christmas Friday 25 December -> Boxing Day Saturday ->
        # Sunday -> Monday 28 December; first day Tuesday 29 December.
        pytest.param(D(2026, 12, 11), D(2026, 12, 28), D(2026, 12, 29), id="ends-on-christmas"),
        # Received Monday 13 April 2026: D + 14 = Koningsdag Monday 27 April -> Tuesday 28 April; first day
        # Wednesday 29 April.
        pytest.param(D(2026, 4, 13), D(2026, 4, 28), D(2026, 4, 29), id="ends-on-koningsdag"),
    ],
)
def test_grace_period_is_extended_by_the_atw(received, grace_ends, first_day):
    assert termijnen.term_end(received, days=deadlines.PENALTY_GRACE_DAYS) == grace_ends
    assert first_day == grace_ends + dt.timedelta(days=1)
    # The last day of the (extended) two weeks costs nothing; the day after is the first penalty day.
    assert deadlines.penalty_days(received, until=grace_ends) == 0
    assert deadlines.penalty_days(received, until=first_day) == 1


@pytest.mark.parametrize(
    ("received", "until", "days", "amount"),
    [
        # Received Saturday 6 June 2026, first day Tuesday 23 June: the 42nd and last day is Monday 3 August
        # (23 June + 41 days); on 2 August 41 days -> 812 + 13 x 45 = 1397.
        pytest.param(D(2026, 6, 6), D(2026, 8, 2), 41, "1397", id="saturday-receipt-41-days"),
        pytest.param(D(2026, 6, 6), D(2026, 8, 3), 42, "1442", id="saturday-receipt-42-days"),
        # Received Friday 11 December 2026, first day Tuesday 29 December: only the two weeks were extended;
        # New Year's Day counts as a penalty day. Until Friday 1 January 2027: 29, 30, 31 December and
        # 1 January = 4 days -> 4 x 23 = 92.
        pytest.param(D(2026, 12, 11), D(2027, 1, 1), 4, "92", id="new-year-counts-after-extended-grace"),
        # Received Thursday 30 April 2026, first day Tuesday 19 May: Whit Monday 25 May counts; until
        # Monday 1 June = 19 .. 31 May (13) + 1 June = 14 days -> 322.
        pytest.param(D(2026, 4, 30), D(2026, 6, 1), 14, "322", id="whit-monday-counts"),
    ],
)
def test_penalty_after_an_extended_grace_period(received, until, days, amount):
    counted = deadlines.penalty_days(received, until=until)
    assert counted == days
    assert deadlines.penalty_amount(counted) == Decimal(amount)
