"""Worked examples for the Awb deadlines (claims.deadlines) and the services that move the decision clock.

Terms (i3ml/settings.py MIJNSCHADE_TERMS, defaults): decision 8 weeks (Awb 4:13), one extension (4:14),
suspension while info is requested or the claim is on hold (4:15), reply to an info request 28 days,
zienswijze 14 days, objection window 6 weeks from the day after the decision is sent (6:7, 6:8), decision on
the objection 12 weeks after the window ends (7:10), urgent safety visit 48 hours. A term ending on a
Saturday, Sunday or Atw day rolls to the next working day (see test_termijnen.py for the calendar).

Suspended days (Awb 4:15 lid 1, current text): the term is suspended "met ingang van de dag na die waarop"
the request is made "tot de dag waarop" the application is completed. Requested on day S and completed on
day R, the suspended days are S+1 .. R-1: R - S - 1 days, none if completed the same day or the next. An info
request answered 10 days later moves the due date by 9 days. While a suspension is open it counts through
today (as if completed tomorrow). An info request whose reply term (last day D, SUSPEND.due_date) lapses
unused suspends S+1 .. D, D - S days: the clock runs again on D+1, and a late reply changes nothing. The
helper `moved_by` below is the one place that states the counting for a completed request.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claims import deadlines, termijnen, timeutil
from claims.errors import TransitionRefused
from claims.models import (
    Claim,
    ClockEvent,
    ClockEventKind,
    DamageItem,
    DamageKind,
    Person,
    Property,
)
from claims.services import (
    claim_create_draft,
    claim_extend_term,
    claim_record_default_notice,
    claim_transition,
)
from claims.states import State

D = dt.date
K = ClockEventKind
Cause = ClockEvent.Cause
AMS = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_holiday_cache():
    # Holidays are cached per process; make sure no other test's rolled-back rows linger.
    termijnen.clear_cache()
    yield
    termijnen.clear_cache()


def moved_by(suspended_on: dt.date, resumed_on: dt.date) -> int:
    """The days a suspension adds to the decision term: S+1 .. R-1 (Awb 4:15 lid 1)."""
    return max(0, (resumed_on - suspended_on).days - 1)


# --- building ClockEvents (unsaved, distinct pks so the order of same-day events is defined) ------------

def start(on):
    return (K.START, on, {})


def suspend(on, cause=Cause.INFO_REQUEST, due=None):
    return (K.SUSPEND, on, {"cause": cause, "reason": "Foto's van de scheuren ontbreken", "due_date": due})


def hold(on):
    return (K.SUSPEND, on, {"cause": Cause.ON_HOLD, "reason": "Aangehouden op verzoek van de aanvrager"})


def resume(on, cause=Cause.INFO_REQUEST):
    return (K.RESUME, on, {"cause": cause, "reason": "Aanvulling ontvangen"})


def extend(on, weeks=6):
    return (K.EXTEND, on, {"weeks": weeks, "reason": "Het deskundigenrapport is nog niet klaar"})


def build(*specs) -> list[ClockEvent]:
    return [ClockEvent(pk=i, kind=kind, on_date=on, **extra) for i, (kind, on, extra) in enumerate(specs, 1)]


# --- the decision clock (Awb 4:13-4:15) -----------------------------------------------------------------

# Base case used in many rows: submitted Tuesday 17 March 2026; 17 March + 56 days = Tuesday 12 May 2026,
# a working day.
SUBMITTED = D(2026, 3, 17)
BASE_DUE = D(2026, 5, 12)


@pytest.mark.parametrize(
    ("specs", "as_of", "expected"),
    [
        # Submitted Monday 2 March 2026: + 8 weeks = Monday 27 April 2026 = Koningsdag -> Tuesday 28 April.
        pytest.param([start(D(2026, 3, 2))], D(2026, 3, 2), D(2026, 4, 28), id="2-march-onto-koningsdag"),
        # A plain case: Tuesday 17 March + 56 days = Tuesday 12 May 2026.
        pytest.param([start(SUBMITTED)], SUBMITTED, BASE_DUE, id="plain-17-march"),
        # Submitted online on Saturday 7 March 2026: + 8 weeks = Saturday 2 May -> Monday 4 May.
        pytest.param([start(D(2026, 3, 7))], D(2026, 3, 7), D(2026, 5, 4), id="submitted-on-saturday"),
        # Info requested Friday 20 March, answered Monday 30 March: suspended 21 .. 29 March = 9 days ->
        # 12 May + 9 = Thursday 21 May 2026.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 30))], D(2026, 4, 1),
                     D(2026, 5, 21), id="info-request-answered-10-days-later"),
        # Asked and answered the same day: nothing suspended -> 12 May.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 20))], D(2026, 4, 1),
                     BASE_DUE, id="info-request-answered-same-day"),
        # Answered the next day, Saturday 21 March: suspended from 21 March up to (not including) 21 March,
        # nothing -> 12 May.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 21))], D(2026, 4, 1),
                     BASE_DUE, id="info-request-answered-next-day"),
        # Answered Sunday 22 March: only 21 March suspended, 1 day -> Wednesday 13 May, a working day.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 22))], D(2026, 4, 1),
                     D(2026, 5, 13), id="info-request-1-day"),
        # Answered Monday 23 March: 21 and 22 March suspended, 2 days -> 12 May + 2 = Ascension Thursday
        # 14 May; Friday 15 May is equated by royal decree; weekend -> Monday 18 May 2026.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 23))], D(2026, 4, 1),
                     D(2026, 5, 18), id="info-request-2-days-onto-ascension"),
        # Answered Thursday 2 April: suspended 21 March .. 1 April = 12 days -> 12 May + 12 = Sunday 24 May
        # -> Whit Monday 25 May -> Tuesday 26 May.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 4, 2))], D(2026, 4, 10),
                     D(2026, 5, 26), id="info-request-12-days-onto-sunday-and-whit-monday"),
        # Two suspensions: info request 20 -> 30 March (21 .. 29 March, 9 days) and on hold 1 -> 8 April
        # (2 .. 7 April, 6 days): 12 May + 15 = Wednesday 27 May 2026.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 30)),
                      hold(D(2026, 4, 1)), resume(D(2026, 4, 8), Cause.ON_HOLD)], D(2026, 4, 10),
                     D(2026, 5, 27), id="two-suspensions-15-days"),
        # An open hold since Wednesday 1 April counts from 2 April through as_of: on 1 April nothing yet ->
        # 12 May.
        pytest.param([start(SUBMITTED), hold(D(2026, 4, 1))], D(2026, 4, 1), BASE_DUE,
                     id="open-hold-day-0"),
        # ... on Saturday 4 April 2 .. 4 April, 3 days -> Friday 15 May (royal decree) -> Monday 18 May.
        pytest.param([start(SUBMITTED), hold(D(2026, 4, 1))], D(2026, 4, 4), D(2026, 5, 18),
                     id="open-hold-day-3-onto-decree-friday"),
        # ... on Wednesday 8 April 7 days -> Tuesday 19 May.
        pytest.param([start(SUBMITTED), hold(D(2026, 4, 1))], D(2026, 4, 8), D(2026, 5, 19),
                     id="open-hold-day-7"),
        # ... on Thursday 30 April 29 days -> 12 May + 29 = Wednesday 10 June.
        pytest.param([start(SUBMITTED), hold(D(2026, 4, 1))], D(2026, 4, 30), D(2026, 6, 10),
                     id="open-hold-day-29"),
        # Extension by 6 weeks (Awb 4:14): 12 May + 42 days = Tuesday 23 June 2026.
        pytest.param([start(SUBMITTED), extend(D(2026, 5, 5))], D(2026, 5, 5), D(2026, 6, 23),
                     id="extension-6-weeks"),
        # Suspension (20 -> 30 March, 9 days) and extension (6 weeks): 12 May + 9 + 42 = 21 May + 42 =
        # Thursday 2 July 2026.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 30)),
                      extend(D(2026, 5, 5))], D(2026, 5, 5), D(2026, 7, 2), id="suspension-and-extension"),
        # Both suspensions (9 + 6 = 15 days) and the extension: 27 May + 42 = Wednesday 8 July 2026.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 30)),
                      hold(D(2026, 4, 1)), resume(D(2026, 4, 8), Cause.ON_HOLD), extend(D(2026, 4, 10))],
                     D(2026, 4, 10), D(2026, 7, 8), id="two-suspensions-and-extension"),
        # Reopened: a second START on Tuesday 1 September 2026 starts a fresh term; the old suspension and
        # extension belong to the old term. 1 September + 56 = Tuesday 27 October 2026.
        pytest.param([start(D(2026, 3, 2)), suspend(D(2026, 3, 10)), resume(D(2026, 3, 20)),
                      extend(D(2026, 4, 20)), start(D(2026, 9, 1))], D(2026, 9, 1), D(2026, 10, 27),
                     id="reopen-resets"),
        # A suspension still open when the claim is reopened is not carried into the new term.
        pytest.param([start(D(2026, 3, 2)), hold(D(2026, 3, 10)), start(D(2026, 9, 1))], D(2026, 10, 1),
                     D(2026, 10, 27), id="reopen-drops-open-suspension"),
        # After reopening, new suspensions count: 8 -> 15 September (9 .. 14 September, 6 days): 27 October
        # + 6 = Monday 2 November 2026.
        pytest.param([start(D(2026, 3, 2)), extend(D(2026, 4, 20)), start(D(2026, 9, 1)),
                      suspend(D(2026, 9, 8)), resume(D(2026, 9, 15))], D(2026, 9, 20), D(2026, 11, 2),
                     id="reopen-then-suspension"),
        # Submitted Friday 30 October 2026: + 56 = Friday 25 December -> Boxing Day Saturday, Sunday ->
        # Monday 28 December 2026.
        pytest.param([start(D(2026, 10, 30))], D(2026, 10, 30), D(2026, 12, 28), id="onto-christmas"),
        # Submitted Tuesday 20 October 2026 (-> Tuesday 15 December) and suspended 2 -> 13 November
        # (3 .. 12 November, 10 days): 15 December + 10 = Friday 25 December -> Monday 28 December.
        pytest.param([start(D(2026, 10, 20)), suspend(D(2026, 11, 2)), resume(D(2026, 11, 13))],
                     D(2026, 11, 13), D(2026, 12, 28), id="suspension-rolls-over-christmas"),
        # One day less: suspended 2 -> 12 November (3 .. 11 November, 9 days): 15 December + 9 = Thursday
        # 24 December, Christmas Eve: not moved.
        pytest.param([start(D(2026, 10, 20)), suspend(D(2026, 11, 2)), resume(D(2026, 11, 12))],
                     D(2026, 11, 12), D(2026, 12, 24), id="suspension-onto-christmas-eve"),
        # Submitted Thursday 29 October 2026: + 56 = Thursday 24 December, Christmas Eve: not moved.
        pytest.param([start(D(2026, 10, 29))], D(2026, 10, 29), D(2026, 12, 24), id="onto-christmas-eve"),
        # Submitted Friday 6 November 2026: + 56 = Friday 1 January 2027 -> Monday 4 January 2027.
        pytest.param([start(D(2026, 11, 6))], D(2026, 11, 6), D(2027, 1, 4), id="onto-new-year"),
        # A RESUME without a suspension is ignored, and a second SUSPEND while one is open does not restart
        # it: suspended 20 -> 30 March = 21 .. 29 March, 9 days -> Thursday 21 May.
        pytest.param([start(SUBMITTED), resume(D(2026, 3, 19)), suspend(D(2026, 3, 20)),
                      suspend(D(2026, 3, 25)), resume(D(2026, 3, 30))], D(2026, 4, 1), D(2026, 5, 21),
                     id="stray-resume-and-double-suspend-ignored"),
        # A hold (Awb 4:15 lid 2a) overlapping an info request: 20 -> 30 March (info) and 25 March -> 3 April
        # (hold) cover 21 March .. 2 April once: 13 days -> 12 May + 13 = Monday 25 May, Whit Monday ->
        # Tuesday 26 May.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20)), hold(D(2026, 3, 25)), resume(D(2026, 3, 30)),
                      resume(D(2026, 4, 3), cause=Cause.ON_HOLD)], D(2026, 4, 10), D(2026, 5, 26),
                     id="hold-overlapping-info-request-counts-days-once"),
        # A hold placed after the reply term lapsed still suspends: info 20 March with reply by 17 April
        # (21 March .. 17 April = 28 days), hold 20 April -> 30 April (21 .. 29 April = 9 days): 37 days ->
        # 12 May + 37 = Thursday 18 June.
        pytest.param([start(SUBMITTED), suspend(D(2026, 3, 20), due=D(2026, 4, 17)), hold(D(2026, 4, 20)),
                      resume(D(2026, 4, 30), cause=Cause.ON_HOLD)], D(2026, 5, 5), D(2026, 6, 18),
                     id="hold-after-lapsed-reply-term"),
        # Events that do not move the decision term: a zienswijze term, a safety visit, a notice of default.
        pytest.param([start(SUBMITTED), (K.REPLY_TERM, D(2026, 4, 1), {"due_date": D(2026, 4, 15)}),
                      (K.SAFETY_VISIT, D(2026, 3, 18), {}), (K.DEFAULT_NOTICE, D(2026, 5, 20), {})],
                     D(2026, 5, 20), BASE_DUE, id="other-events-do-not-move-the-term"),
    ],
)
def test_decision_due(specs, as_of, expected):
    clock = deadlines.decision_clock(build(*specs), as_of=as_of)
    assert clock.due == expected


def test_suspension_moves_due_by_the_suspended_days():
    # Info requested Friday 20 March, answered 10 days later on Monday 30 March: 21 .. 29 March are
    # suspended, so the due date moves by 9 days.
    asked, answered = D(2026, 3, 20), D(2026, 3, 30)
    before = deadlines.decision_clock(build(start(SUBMITTED)), as_of=asked).due
    events = build(start(SUBMITTED), suspend(asked), resume(answered))
    after = deadlines.decision_clock(events, as_of=answered).due
    assert moved_by(asked, answered) == 9
    assert (after - before).days == 9
    assert (before, after) == (BASE_DUE, D(2026, 5, 21))


@pytest.mark.parametrize(
    ("answered", "days"),
    [
        # Same day and next day: nothing suspended.
        pytest.param(D(2026, 3, 20), 0, id="same-day"),
        pytest.param(D(2026, 3, 21), 0, id="next-day"),
        # Two days later: only 21 March.
        pytest.param(D(2026, 3, 22), 1, id="two-days-later"),
        # 20 March -> 30 March: 21 .. 29 March.
        pytest.param(D(2026, 3, 30), 9, id="ten-days-later"),
    ],
)
def test_suspension_days_of_a_completed_request(answered, days):
    clock = deadlines.decision_clock(build(start(SUBMITTED), suspend(D(2026, 3, 20)), resume(answered)),
                                     as_of=D(2026, 4, 20))
    assert clock.suspensions[0].days(D(2026, 4, 20)) == days == moved_by(D(2026, 3, 20), answered)
    # 12 May, 12 May, 13 May and 21 May 2026 are working days: nothing to roll.
    assert clock.due == BASE_DUE + dt.timedelta(days=days)


def test_order_of_the_events_given_does_not_matter():
    specs = [start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 30)), hold(D(2026, 4, 1)),
             resume(D(2026, 4, 8), Cause.ON_HOLD), extend(D(2026, 4, 10))]
    events = build(*specs)
    shuffled = [events[i] for i in (5, 2, 0, 4, 1, 3)]
    # 9 + 6 suspended days and 6 weeks: 12 May + 15 + 42 = Wednesday 8 July 2026.
    assert deadlines.decision_clock(shuffled, as_of=D(2026, 4, 10)).due == D(2026, 7, 8)


def test_no_start_no_due():
    clock = deadlines.decision_clock(build(suspend(D(2026, 3, 20))), as_of=D(2026, 4, 1))
    assert clock.started_on is None
    assert clock.due is None
    assert clock.days_left(D(2026, 4, 1)) is None


def test_clock_reports_suspensions_extension_and_days_left():
    specs = [start(SUBMITTED), suspend(D(2026, 3, 20)), resume(D(2026, 3, 30)), hold(D(2026, 4, 1)),
             resume(D(2026, 4, 8), Cause.ON_HOLD), extend(D(2026, 4, 10)),
             (K.DEFAULT_NOTICE, D(2026, 7, 14), {})]
    clock = deadlines.decision_clock(build(*specs), as_of=D(2026, 7, 1))
    assert clock.started_on == SUBMITTED
    # 12 May + 9 + 6 + 42 = Wednesday 8 July 2026.
    assert clock.due == D(2026, 7, 8)
    assert [(s.start, s.end, s.cause) for s in clock.suspensions] == [
        (D(2026, 3, 20), D(2026, 3, 30), Cause.INFO_REQUEST),
        (D(2026, 4, 1), D(2026, 4, 8), Cause.ON_HOLD),
    ]
    # 21 .. 29 March and 2 .. 7 April.
    assert [s.days(D(2026, 7, 1)) for s in clock.suspensions] == [9, 6]
    assert clock.suspensions[1].reason == "Aangehouden op verzoek van de aanvrager"
    assert (clock.extension_weeks, clock.extension_reason) == (6, "Het deskundigenrapport is nog niet klaar")
    assert clock.suspended is False
    assert clock.default_notice_on == D(2026, 7, 14)
    # Wednesday 1 July -> Wednesday 8 July: 7 days left; after the due date the number is negative.
    assert clock.days_left(D(2026, 7, 1)) == 7
    assert clock.days_left(D(2026, 7, 13)) == -5


def test_open_suspension_is_reported_as_suspended():
    # On hold since Wednesday 1 April; on Wednesday 8 April it has lasted 2 .. 8 April, 7 days, counted as if
    # it ended tomorrow (9 April: 9 - 1 - 1 = 7).
    clock = deadlines.decision_clock(build(start(SUBMITTED), hold(D(2026, 4, 1))), as_of=D(2026, 4, 8))
    assert clock.suspended is True
    assert clock.suspensions[0].end is None
    assert clock.suspensions[0].runs_again_on(D(2026, 4, 8)) == D(2026, 4, 9)
    assert clock.suspensions[0].days(D(2026, 4, 8)) == 7


def test_decision_term_is_read_from_settings(settings):
    # The terms are data: with a 6-week decision term, 17 March + 42 days = Tuesday 28 April 2026.
    settings.MIJNSCHADE_TERMS = {**settings.MIJNSCHADE_TERMS, "decision_weeks": 6}
    assert deadlines.decision_clock(build(start(SUBMITTED)), as_of=SUBMITTED).due == D(2026, 4, 28)


# --- an info request whose reply term lapses unused (Awb 4:15 lid 1 onder a) ---------------------------------

# Info requested Friday 20 March 2026 with the 28-day reply term: the last day to reply is Friday 17 April.
ASKED, REPLY_BY = D(2026, 3, 20), D(2026, 4, 17)
# Never answered: suspended 21 March .. 17 April = 28 days (17 April - 20 March), the clock runs again on
# Saturday 18 April: 12 May + 28 = Tuesday 9 June 2026.
LAPSED_DUE = D(2026, 6, 9)


def test_suspension_knows_when_the_clock_runs_again():
    lapsing = deadlines.Suspension(ASKED, None, Cause.INFO_REQUEST, "Foto's", reply_by=REPLY_BY)
    assert lapsing.lapse_day() == D(2026, 4, 18)
    assert lapsing.runs_again_on(D(2026, 4, 1)) == D(2026, 4, 18)
    assert [lapsing.is_open(day) for day in (ASKED, REPLY_BY, D(2026, 4, 18))] == [True, True, False]
    assert [lapsing.days(day) for day in (ASKED, D(2026, 4, 1), REPLY_BY, D(2026, 4, 18), D(2026, 9, 1))] == [
        0, 12, 28, 28, 28]
    # Answered before the reply term ended: the day of the answer (Monday 30 March).
    answered = deadlines.Suspension(ASKED, D(2026, 3, 30), Cause.INFO_REQUEST, "Foto's", reply_by=REPLY_BY)
    assert answered.runs_again_on(D(2026, 9, 1)) == D(2026, 3, 30)
    assert answered.is_open(D(2026, 3, 25)) is False
    assert answered.days(D(2026, 9, 1)) == 9
    # A hold has no reply term: it runs on until it is resumed.
    held = deadlines.Suspension(D(2026, 4, 1), None, Cause.ON_HOLD, "Uitstel")
    assert held.lapse_day() is None
    assert held.runs_again_on(D(2026, 9, 1)) == D(2026, 9, 2)
    assert held.is_open(D(2026, 9, 1)) is True


@pytest.mark.parametrize(
    ("as_of", "due", "suspended"),
    [
        # The day of the request: nothing suspended yet, but the clock stands still.
        pytest.param(ASKED, BASE_DUE, True, id="day-of-request"),
        # Saturday 21 March: 1 day -> Wednesday 13 May.
        pytest.param(D(2026, 3, 21), D(2026, 5, 13), True, id="next-day"),
        # Friday 10 April: 21 March .. 10 April = 21 days -> Tuesday 2 June.
        pytest.param(D(2026, 4, 10), D(2026, 6, 2), True, id="within-the-reply-term"),
        # Friday 17 April, the last day to reply: 28 days -> Tuesday 9 June; still suspended.
        pytest.param(REPLY_BY, LAPSED_DUE, True, id="last-reply-day"),
        # Saturday 18 April: the reply term has lapsed; the clock runs again and the date stays 9 June.
        pytest.param(D(2026, 4, 18), LAPSED_DUE, False, id="day-after-the-last-reply-day"),
        pytest.param(D(2026, 5, 13), LAPSED_DUE, False, id="weeks-later"),
        pytest.param(D(2026, 9, 1), LAPSED_DUE, False, id="months-later"),
    ],
)
def test_unanswered_info_request_stops_moving_the_due_date(as_of, due, suspended):
    clock = deadlines.decision_clock(build(start(SUBMITTED), suspend(ASKED, due=REPLY_BY)), as_of=as_of)
    assert clock.due == due
    assert clock.suspended is suspended
    assert clock.suspensions[0].end is None


@pytest.mark.parametrize(
    ("answered", "expected"),
    [
        # Answered on the last day, Friday 17 April: suspended 21 March .. 16 April = 27 days ->
        # 12 May + 27 = Monday 8 June 2026.
        pytest.param(REPLY_BY, D(2026, 6, 8), id="answered-on-the-last-day"),
        # Answered a day late, Saturday 18 April: the term had lapsed; 28 days -> Tuesday 9 June.
        pytest.param(D(2026, 4, 18), LAPSED_DUE, id="answered-a-day-late"),
        # Answered much later, Monday 1 June: the suspension ended with the reply term; still 9 June.
        pytest.param(D(2026, 6, 1), LAPSED_DUE, id="answered-weeks-late"),
    ],
)
def test_late_answer_does_not_extend_the_suspension(answered, expected):
    events = build(start(SUBMITTED), suspend(ASKED, due=REPLY_BY), resume(answered))
    clock = deadlines.decision_clock(events, as_of=D(2026, 9, 1))
    assert clock.due == expected
    assert clock.suspended is False


def test_lapsed_reply_term_rolled_by_the_atw():
    # Submitted Monday 2 March 2026 (+ 56 = Monday 27 April, Koningsdag -> due Tuesday 28 April). Info asked
    # Friday 6 March: 6 March + 28 = Good Friday 3 April -> last reply day Tuesday 7 April. Never answered:
    # suspended 7 March .. 7 April = 32 days. Counted on the unrolled end: 27 April + 32 = Friday 29 May.
    reply_by = deadlines.reply_due(D(2026, 3, 6))
    assert reply_by == D(2026, 4, 7)
    events = build(start(D(2026, 3, 2)), suspend(D(2026, 3, 6), due=reply_by))
    assert deadlines.decision_clock(events, as_of=D(2026, 4, 7)).suspended is True
    clock = deadlines.decision_clock(events, as_of=D(2026, 4, 8))
    assert (clock.due, clock.suspended) == (D(2026, 5, 29), False)


def test_hold_without_reply_term_keeps_moving():
    # A hold (no due date on its SUSPEND) has no reply term to lapse: on Tuesday 1 September 2026 it has
    # lasted 2 April .. 1 September = 29 + 31 + 30 + 31 + 31 + 1 = 153 days: 12 May + 153 = Monday
    # 12 October 2026.
    events = build(start(SUBMITTED), hold(D(2026, 4, 1)))
    clock = deadlines.decision_clock(events, as_of=D(2026, 9, 1))
    assert clock.suspended is True
    assert clock.suspensions[0].days(D(2026, 9, 1)) == 153
    assert clock.due == D(2026, 10, 12)


# --- objection window (Awb 6:7, 6:8) ----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("sent_on", "expected"),
    [
        # Sent Monday 1 June 2026: the window runs Tuesday 2 June .. Monday 13 July 2026.
        pytest.param(D(2026, 6, 1), D(2026, 7, 13), id="sent-1-june"),
        # Six weeks keep the weekday, so only a Saturday dispatch (e.g. via the portal) ends on a Saturday:
        # sent Saturday 6 June 2026 -> Saturday 18 July -> Monday 20 July.
        pytest.param(D(2026, 6, 6), D(2026, 7, 20), id="lands-on-saturday"),
        # Sent Monday 23 November 2026: + 42 days = Monday 4 January 2027, a working day.
        pytest.param(D(2026, 11, 23), D(2027, 1, 4), id="sent-23-november"),
        # Sent Saturday 14 November 2026: + 42 = Saturday 26 December (Boxing Day) -> Monday 28 December.
        pytest.param(D(2026, 11, 14), D(2026, 12, 28), id="lands-on-26-december"),
        # Sent Friday 13 November 2026: + 42 = Friday 25 December -> Monday 28 December.
        pytest.param(D(2026, 11, 13), D(2026, 12, 28), id="lands-on-christmas"),
        # Sent Thursday 12 November 2026: + 42 = Thursday 24 December, Christmas Eve: not moved.
        pytest.param(D(2026, 11, 12), D(2026, 12, 24), id="lands-on-christmas-eve"),
        # Sent Friday 20 February 2026: + 42 = Good Friday 3 April -> Tuesday 7 April 2026.
        pytest.param(D(2026, 2, 20), D(2026, 4, 7), id="lands-on-good-friday"),
        # Sent Monday 16 March 2026: + 42 = Koningsdag Monday 27 April -> Tuesday 28 April.
        pytest.param(D(2026, 3, 16), D(2026, 4, 28), id="lands-on-koningsdag"),
        # Sent Thursday 2 April 2026: + 42 = Ascension 14 May -> decree Friday 15 May -> Monday 18 May.
        pytest.param(D(2026, 4, 2), D(2026, 5, 18), id="lands-on-ascension"),
        # Sent Friday 21 November 2025: + 42 = Friday 2 January 2026 (royal decree) -> Monday 5 January.
        pytest.param(D(2025, 11, 21), D(2026, 1, 5), id="lands-on-2-january-2026"),
    ],
)
def test_objection_due(sent_on, expected):
    assert deadlines.objection_due(sent_on) == expected


# --- decision on the objection (Awb 7:10) ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("window_end", "expected"),
    [
        # Window ended Monday 13 July 2026: + 84 days = Monday 5 October 2026.
        pytest.param(D(2026, 7, 13), D(2026, 10, 5), id="window-13-july"),
        # Window ended Monday 28 December 2026: + 84 = Monday 22 March 2027.
        pytest.param(D(2026, 12, 28), D(2027, 3, 22), id="window-28-december"),
        # Window ended Monday 4 January 2027: + 84 = Monday 29 March 2027 = Easter Monday (Easter 2027 is
        # 28 March) -> Tuesday 30 March 2027.
        pytest.param(D(2027, 1, 4), D(2027, 3, 30), id="lands-on-easter-monday-2027"),
    ],
)
def test_objection_decision_due(window_end, expected):
    assert deadlines.objection_decision_due(window_end) == expected


def test_objection_decision_counts_from_the_rolled_window_end():
    # Decision sent Saturday 14 November 2026: window ends (rolled) Monday 28 December 2026; the 12 weeks
    # count from there: Monday 22 March 2027 (not from Saturday 26 December, which would give 20 March).
    assert deadlines.objection_decision_due(deadlines.objection_due(D(2026, 11, 14))) == D(2027, 3, 22)


# --- reply to an info request (28 days) and zienswijze (14 days) --------------------------------------------

@pytest.mark.parametrize(
    ("asked_on", "days", "expected"),
    [
        # Asked Friday 20 March 2026: + 28 = Friday 17 April 2026.
        pytest.param(D(2026, 3, 20), None, D(2026, 4, 17), id="default-28-days"),
        # Asked Friday 6 March 2026: + 28 = Good Friday 3 April -> Tuesday 7 April.
        pytest.param(D(2026, 3, 6), None, D(2026, 4, 7), id="28-days-onto-good-friday"),
        # Asked Monday 9 March 2026: + 28 = Easter Monday 6 April -> Tuesday 7 April.
        pytest.param(D(2026, 3, 9), None, D(2026, 4, 7), id="28-days-onto-easter-monday"),
        # A shorter term chosen by the caseworker: Friday 20 March + 14 = Friday 3 April (Good Friday) ->
        # Tuesday 7 April.
        pytest.param(D(2026, 3, 20), 14, D(2026, 4, 7), id="14-days-chosen"),
    ],
)
def test_reply_due(asked_on, days, expected):
    assert deadlines.reply_due(asked_on, days) == expected


@pytest.mark.parametrize(
    ("sent_on", "expected"),
    [
        # Advice sent Wednesday 22 April 2026: + 14 = Wednesday 6 May 2026.
        pytest.param(D(2026, 4, 22), D(2026, 5, 6), id="plain"),
        # Sent Monday 13 April 2026: + 14 = Koningsdag Monday 27 April -> Tuesday 28 April.
        pytest.param(D(2026, 4, 13), D(2026, 4, 28), id="onto-koningsdag"),
        # Sent Thursday 30 April 2026: + 14 = Ascension 14 May -> Monday 18 May.
        pytest.param(D(2026, 4, 30), D(2026, 5, 18), id="onto-ascension"),
        # Sent Tuesday 21 April 2026: + 14 = Tuesday 5 May -> Wednesday 6 May.
        pytest.param(D(2026, 4, 21), D(2026, 5, 6), id="onto-5-may"),
    ],
)
def test_response_due(sent_on, expected):
    assert deadlines.response_due(sent_on) == expected


# --- urgent safety visit (48 hours) ------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("reported_at", "expected"),
    [
        # Monday 1 June 2026 09:30 UTC -> Wednesday 3 June 09:30 UTC.
        pytest.param(dt.datetime(2026, 6, 1, 9, 30, tzinfo=UTC), dt.datetime(2026, 6, 3, 9, 30, tzinfo=UTC),
                     id="plain"),
        # Hours are not rolled by the Atw: Thursday 24 December 2026 15:00 UTC -> Saturday 26 December
        # 15:00 UTC, on Boxing Day.
        pytest.param(dt.datetime(2026, 12, 24, 15, 0, tzinfo=UTC),
                     dt.datetime(2026, 12, 26, 15, 0, tzinfo=UTC), id="not-rolled-over-christmas"),
        # Across the spring clock change (Sunday 29 March 2026, 02:00 CET -> 03:00 CEST), given in UTC:
        # Saturday 28 March 09:00 UTC (10:00 CET) -> Monday 30 March 09:00 UTC (11:00 CEST).
        pytest.param(dt.datetime(2026, 3, 28, 9, 0, tzinfo=UTC), dt.datetime(2026, 3, 30, 9, 0, tzinfo=UTC),
                     id="dst-given-in-utc"),
    ],
)
def test_safety_visit_due(reported_at, expected):
    assert deadlines.safety_visit_due(reported_at) == expected


@pytest.mark.parametrize(
    ("reported_at", "local_due"),
    [
        # Saturday 28 March 2026 10:00 CET (09:00 UTC): 48 real hours later is Monday 30 March 09:00 UTC,
        # 11:00 CEST (the clocks went forward on Sunday 29 March).
        pytest.param(dt.datetime(2026, 3, 28, 10, 0, tzinfo=AMS), dt.datetime(2026, 3, 30, 11, 0),
                     id="spring"),
        # Saturday 24 October 2026 10:00 CEST (08:00 UTC): 48 real hours later is Monday 26 October 08:00
        # UTC, 09:00 CET (the clocks went back on Sunday 25 October).
        pytest.param(dt.datetime(2026, 10, 24, 10, 0, tzinfo=AMS), dt.datetime(2026, 10, 26, 9, 0),
                     id="autumn"),
        # No change in between: Monday 1 June 2026 10:00 CEST -> Wednesday 3 June 10:00 CEST.
        pytest.param(dt.datetime(2026, 6, 1, 10, 0, tzinfo=AMS), dt.datetime(2026, 6, 3, 10, 0),
                     id="summer"),
    ],
)
def test_safety_visit_due_is_48_real_hours_in_local_time(reported_at, local_due):
    due = deadlines.safety_visit_due(reported_at)
    assert due.astimezone(UTC) - reported_at.astimezone(UTC) == dt.timedelta(hours=48)
    assert due.astimezone(AMS).replace(tzinfo=None) == local_due


def test_safety_visit_due_under_the_frozen_clock_is_48_real_hours_utc_input():
    # What production passes: timezone.now() is UTC-aware.
    at = dt.datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    with timeutil.frozen(at):
        due = deadlines.safety_visit_due(timeutil.now())
    assert due - at == dt.timedelta(hours=48)


# --- through the services, on the database -----------------------------------------------------------------

User = get_user_model()


def _user(username: str, *groups: str):
    user = User.objects.create_user(username=username, password="x", email=f"{username}@example.nl")
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def people(db):
    resident = _user("bewoner", "resident")
    coordinator = _user("coordinator", "coordinator")
    caseworker = _user("zaakbegeleider", "caseworker")
    person = Person.objects.create(name="A. Bewoner", email="bewoner@example.nl", user=resident)
    return {"resident": resident, "coordinator": coordinator, "caseworker": caseworker, "person": person}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    """A moment on `day` in Europe/Amsterdam (timeutil.frozen makes naive datetimes local)."""
    return dt.datetime(day.year, day.month, day.day, hour, 0)


def _fresh(claim: Claim) -> Claim:
    return Claim.objects.get(pk=claim.pk)


@pytest.fixture
def draft(people):
    home = Property.objects.create(postcode="6411AB", house_number=12, street="Akerstraat", town="Heerlen",
                                   municipality="Heerlen")
    assert home.in_mining_area
    with timeutil.frozen(_at(D(2026, 3, 16))):
        claim = claim_create_draft(property=home, applicant=people["person"], filed_by=people["resident"])
    DamageItem.objects.create(claim=claim, location="Voorgevel", kind=DamageKind.CRACK,
                              description="Trapscheur boven het keukenraam")
    return claim


LATE_REPORT = "Het deskundigenrapport is later klaar."


def _step(claim, name, actor, day, **data):
    with timeutil.frozen(_at(day)):
        return claim_transition(claim=claim, name=name, actor=actor, **data)


@pytest.fixture
def in_intake(draft, people):
    """Submitted Tuesday 17 March 2026 (due Tuesday 12 May), intake started Wednesday 18 March."""
    claim = _step(draft, "submit", people["resident"], D(2026, 3, 17))
    return _step(claim, "start_intake", people["coordinator"], D(2026, 3, 18),
                 caseworker=people["caseworker"])


def test_submit_sets_the_decision_due(draft, people):
    claim = _step(draft, "submit", people["resident"], D(2026, 3, 17))
    claim = _fresh(claim)
    assert claim.status == State.SUBMITTED
    # Tuesday 17 March + 8 weeks = Tuesday 12 May 2026.
    assert claim.decision_due == BASE_DUE
    assert claim.clock_suspended is False
    start_event = claim.clock_events.get()
    assert (start_event.kind, start_event.on_date) == (K.START, SUBMITTED)


def test_submit_on_2_march_rolls_over_koningsdag(draft, people):
    # Monday 2 March 2026 + 8 weeks = Koningsdag Monday 27 April -> Tuesday 28 April.
    claim = _fresh(_step(draft, "submit", people["resident"], D(2026, 3, 2)))
    assert claim.decision_due == D(2026, 4, 28)


def test_submit_late_evening_counts_in_amsterdam(draft, people):
    # 23:30 UTC on Tuesday 17 March is 00:30 on Wednesday 18 March in Amsterdam: the term starts on the
    # 18th, + 8 weeks = Wednesday 13 May 2026.
    with timeutil.frozen(dt.datetime(2026, 3, 17, 23, 30, tzinfo=UTC)):
        claim = claim_transition(claim=draft, name="submit", actor=people["resident"])
    claim = _fresh(claim)
    assert claim.clock_events.get().on_date == D(2026, 3, 18)
    assert claim.decision_due == D(2026, 5, 13)


def test_info_request_hold_and_extension_through_the_services(in_intake, people):
    caseworker = people["caseworker"]
    claim = _fresh(in_intake)
    assert claim.decision_due == BASE_DUE

    # Friday 20 March: info requested. Nothing is suspended yet on the day itself; reply due 20 March + 28 =
    # Friday 17 April.
    claim = _step(claim, "request_info", caseworker, D(2026, 3, 20), reason="Stuur foto's van de scheuren.")
    claim = _fresh(claim)
    assert claim.status == State.INFO_REQUESTED
    assert claim.clock_suspended is True
    assert claim.reply_due == D(2026, 4, 17)
    assert claim.decision_due == BASE_DUE

    # Monday 30 March, 10 days later: the info arrives; 21 .. 29 March suspended, due 12 May + 9 = Thursday
    # 21 May 2026.
    claim = _step(claim, "receive_info", caseworker, D(2026, 3, 30))
    claim = _fresh(claim)
    assert claim.status == State.INTAKE
    assert claim.clock_suspended is False
    assert claim.reply_due is None
    assert moved_by(D(2026, 3, 20), D(2026, 3, 30)) == 9
    assert claim.decision_due == D(2026, 5, 21)

    # On hold Wednesday 1 April, resumed Wednesday 8 April (2 .. 7 April, 6 days): 21 May + 6 = Wednesday
    # 27 May 2026.
    claim = _step(claim, "hold", caseworker, D(2026, 4, 1), reason="De aanvrager vraagt om uitstel.")
    claim = _fresh(claim)
    assert claim.status == State.ON_HOLD
    assert claim.clock_suspended is True
    claim = _step(claim, "resume", caseworker, D(2026, 4, 8))
    claim = _fresh(claim)
    assert claim.status == State.INTAKE
    assert claim.clock_suspended is False
    assert moved_by(D(2026, 4, 1), D(2026, 4, 8)) == 6
    assert claim.decision_due == D(2026, 5, 27)

    # Friday 10 April: extended by 6 weeks (Awb 4:14): 27 May + 42 = Wednesday 8 July 2026.
    with timeutil.frozen(_at(D(2026, 4, 10))):
        claim_extend_term(claim=claim, actor=caseworker, weeks=6, reason=LATE_REPORT)
    claim = _fresh(claim)
    assert claim.decision_due == D(2026, 7, 8)
    extension = claim.clock_events.get(kind=K.EXTEND)
    assert (extension.weeks, extension.on_date) == (6, D(2026, 4, 10))

    # A second extension is refused: the term may be extended once.
    with timeutil.frozen(_at(D(2026, 4, 20))), pytest.raises(TransitionRefused) as refused:
        claim_extend_term(claim=claim, actor=caseworker, weeks=2, reason="Nog meer tijd nodig.")
    assert refused.value.code == "already_extended"
    assert _fresh(claim).decision_due == D(2026, 7, 8)
    assert claim.clock_events.filter(kind=K.EXTEND).count() == 1


@pytest.fixture
def in_intake_too(people):
    """A second claim, on another home, submitted and in intake on the same days as `in_intake`."""
    home = Property.objects.create(postcode="6411CD", house_number=3, street="Geleenstraat", town="Heerlen",
                                   municipality="Heerlen")
    with timeutil.frozen(_at(D(2026, 3, 16))):
        claim = claim_create_draft(property=home, applicant=people["person"], filed_by=people["resident"])
    DamageItem.objects.create(claim=claim, location="Keuken", kind=DamageKind.CRACK,
                              description="Scheur boven de deur")
    claim = _step(claim, "submit", people["resident"], D(2026, 3, 17))
    return _step(claim, "start_intake", people["coordinator"], D(2026, 3, 18), caseworker=people["caseworker"])


@pytest.fixture
def due_7_july(in_intake, people):
    """A claim in intake whose decision is due Tuesday 7 July 2026 (12 May + 2 weeks on hold + 6 weeks)."""
    caseworker = people["caseworker"]
    claim = _step(in_intake, "hold", caseworker, D(2026, 4, 1), reason="De aanvrager vraagt om uitstel.")
    # Held 1 -> 16 April: suspended 2 .. 15 April = 14 days: 12 May + 14 = Tuesday 26 May.
    claim = _step(claim, "resume", caseworker, D(2026, 4, 16))
    assert _fresh(claim).decision_due == D(2026, 5, 26)
    with timeutil.frozen(_at(D(2026, 4, 20))):
        claim_extend_term(claim=claim, actor=caseworker, weeks=6, reason=LATE_REPORT)
    claim = _fresh(claim)
    # 26 May + 42 days = Tuesday 7 July 2026.
    assert claim.decision_due == D(2026, 7, 7)
    return claim


@pytest.mark.parametrize(
    ("today", "received_on", "code"),
    [
        # Received long before the due date (Tuesday 7 July 2026).
        pytest.param(D(2026, 6, 1), D(2026, 6, 1), "too_early", id="weeks-before"),
        # Received on the last day of the term itself: the term has not yet lapsed.
        pytest.param(D(2026, 7, 7), D(2026, 7, 7), "too_early", id="on-the-due-date"),
        # A date of receipt in the future is refused.
        pytest.param(D(2026, 7, 8), D(2026, 7, 9), "future", id="future-date"),
    ],
)
def test_default_notice_refused(due_7_july, people, today, received_on, code):
    with timeutil.frozen(_at(today)), pytest.raises(TransitionRefused) as refused:
        claim_record_default_notice(claim=due_7_july, actor=people["caseworker"], received_on=received_on)
    assert refused.value.code == code
    assert not due_7_july.clock_events.filter(kind=K.DEFAULT_NOTICE).exists()


def test_default_notice_accepted_after_the_due_date(due_7_july, people):
    # Received Wednesday 8 July 2026, the day after the last day (Tuesday 7 July).
    with timeutil.frozen(_at(D(2026, 7, 13))):
        claim_record_default_notice(claim=due_7_july, actor=people["caseworker"], received_on=D(2026, 7, 8),
                                    reason="Brief van de aanvrager")
    notice = due_7_july.clock_events.get(kind=K.DEFAULT_NOTICE)
    assert notice.on_date == D(2026, 7, 8)
    clock = deadlines.decision_clock(due_7_july.clock_events.all(), as_of=D(2026, 7, 13))
    assert clock.default_notice_on == D(2026, 7, 8)
    # Penalty from Thursday 23 July (8 July + 15); by Monday 3 August that is 12 days = 12 x 23 = 276.
    days = deadlines.penalty_days(notice.on_date, until=D(2026, 8, 3))
    assert days == 12
    assert deadlines.penalty_amount(days) == 276


@pytest.mark.parametrize(
    ("today", "weeks", "code"),
    [
        # Weeks outside 1 .. decision_weeks (8) are refused.
        pytest.param(D(2026, 4, 1), 0, "invalid_weeks", id="zero-weeks"),
        pytest.param(D(2026, 4, 1), 9, "invalid_weeks", id="nine-weeks"),
        # After the term has lapsed (due Tuesday 12 May 2026) an extension is no longer possible (4:14(3):
        # the applicant is told within the term).
        pytest.param(D(2026, 5, 13), 6, "term_lapsed", id="after-the-term"),
    ],
)
def test_extension_refused(in_intake, people, today, weeks, code):
    with timeutil.frozen(_at(today)), pytest.raises(TransitionRefused) as refused:
        claim_extend_term(claim=in_intake, actor=people["caseworker"], weeks=weeks, reason="Reden")
    assert refused.value.code == code


def test_extension_on_the_last_day_is_allowed(in_intake, people):
    # Tuesday 12 May 2026 is still within the term: 12 May + 6 weeks = Tuesday 23 June.
    with timeutil.frozen(_at(BASE_DUE)):
        claim_extend_term(claim=in_intake, actor=people["caseworker"], weeks=6, reason="Reden")
    assert _fresh(in_intake).decision_due == D(2026, 6, 23)


def test_extension_needs_a_reason(in_intake, people):
    with timeutil.frozen(_at(D(2026, 4, 1))), pytest.raises(TransitionRefused) as refused:
        claim_extend_term(claim=in_intake, actor=people["caseworker"], weeks=6, reason="  ")
    assert refused.value.code == "reason_required"


@pytest.fixture
def waiting_for_info(in_intake, people):
    """Info requested Friday 20 March 2026 (reply term to Friday 17 April), never answered. The stored
    decision_due is the one computed on 20 March: Tuesday 12 May."""
    claim = _step(in_intake, "request_info", people["caseworker"], D(2026, 3, 20), reason="Stuur foto's.")
    claim = _fresh(claim)
    assert claim.decision_due == BASE_DUE
    return claim


def test_default_notice_with_a_stale_stored_date_is_premature(waiting_for_info, people):
    # The stored date still says Tuesday 12 May. But the reply term (21 March .. 17 April) lapsed unused, so
    # 28 days were suspended and the term runs to 12 May + 28 = Tuesday 9 June: on Wednesday 13 May a notice
    # of default is premature.
    with timeutil.frozen(_at(D(2026, 5, 13))), pytest.raises(TransitionRefused) as refused:
        claim_record_default_notice(claim=waiting_for_info, actor=people["caseworker"],
                                    received_on=D(2026, 5, 13))
    assert refused.value.code == "too_early"
    assert not waiting_for_info.clock_events.filter(kind=K.DEFAULT_NOTICE).exists()


@pytest.mark.parametrize(
    ("received_on", "accepted"),
    [
        # Tuesday 9 June 2026 is the last day of the term (12 May + 28 suspended days): still too early.
        pytest.param(LAPSED_DUE, False, id="on-the-last-day"),
        # Wednesday 10 June: the term has lapsed.
        pytest.param(D(2026, 6, 10), True, id="the-day-after"),
    ],
)
def test_default_notice_after_a_lapsed_reply_term(waiting_for_info, people, received_on, accepted):
    with timeutil.frozen(_at(D(2026, 6, 10))):
        if accepted:
            claim_record_default_notice(claim=waiting_for_info, actor=people["caseworker"],
                                        received_on=received_on)
        else:
            with pytest.raises(TransitionRefused) as refused:
                claim_record_default_notice(claim=waiting_for_info, actor=people["caseworker"],
                                            received_on=received_on)
            assert refused.value.code == "too_early"
    claim = _fresh(waiting_for_info)
    assert claim.clock_events.filter(kind=K.DEFAULT_NOTICE).exists() is accepted
    if accepted:
        # Recording the notice stored the current date: the clock no longer runs.
        assert (claim.decision_due, claim.clock_suspended) == (LAPSED_DUE, False)


def test_default_notice_during_an_open_hold_is_premature(in_intake, people):
    # On hold since Wednesday 1 April (no reply term), stored date 12 May. On Wednesday 13 May the hold has
    # lasted 2 April .. 13 May = 42 days: the term runs to 12 May + 42 = Tuesday 23 June.
    claim = _step(in_intake, "hold", people["caseworker"], D(2026, 4, 1), reason="De aanvrager vraagt om uitstel.")
    assert _fresh(claim).decision_due == BASE_DUE
    with timeutil.frozen(_at(D(2026, 5, 13))), pytest.raises(TransitionRefused) as refused:
        claim_record_default_notice(claim=claim, actor=people["caseworker"], received_on=D(2026, 5, 13))
    assert refused.value.code == "too_early"


def test_extension_with_a_stale_stored_date_is_allowed(waiting_for_info, people):
    # The stored date (12 May) looks lapsed on Wednesday 13 May, but the term runs to 9 June (28 days of the
    # lapsed reply term). Extended by 6 weeks: 12 May + 28 + 42 = 12 May + 70 = Tuesday 21 July 2026.
    with timeutil.frozen(_at(D(2026, 5, 13))):
        claim_extend_term(claim=waiting_for_info, actor=people["caseworker"], weeks=6, reason="Reden")
    claim = _fresh(waiting_for_info)
    assert (claim.decision_due, claim.clock_suspended) == (D(2026, 7, 21), False)
    assert claim.clock_events.get(kind=K.EXTEND).on_date == D(2026, 5, 13)


def test_extension_during_an_open_info_request(waiting_for_info, people):
    # Friday 10 April, within the reply term: 21 March .. 10 April = 21 days so far. Extended by 6 weeks:
    # 12 May + 21 + 42 = 12 May + 63 = Tuesday 14 July 2026; the clock is still suspended, so the stored
    # date goes on moving until the reply term lapses: then 12 May + 28 + 42 = Tuesday 21 July.
    with timeutil.frozen(_at(D(2026, 4, 10))):
        claim_extend_term(claim=waiting_for_info, actor=people["caseworker"], weeks=6, reason="Reden")
    claim = _fresh(waiting_for_info)
    assert (claim.decision_due, claim.clock_suspended) == (D(2026, 7, 14), True)
    with timeutil.frozen(_at(D(2026, 4, 20))):
        assert deadlines.refresh_suspended() == 1
    claim = _fresh(claim)
    assert (claim.decision_due, claim.clock_suspended) == (D(2026, 7, 21), False)


# --- refresh_suspended: the daily move of stored dates (beat) -------------------------------------------------

def test_refresh_suspended_moves_the_stored_date_of_a_claim_waiting_for_info(waiting_for_info, in_intake_too,
                                                                             people):
    other = in_intake_too
    assert (_fresh(other).decision_due, _fresh(other).clock_suspended) == (BASE_DUE, False)
    # Friday 10 April: 21 March .. 10 April = 21 days: 12 May + 21 = Tuesday 2 June, still suspended.
    with timeutil.frozen(_at(D(2026, 4, 10), hour=5)):
        assert deadlines.refresh_suspended() == 1
    claim = _fresh(waiting_for_info)
    assert (claim.decision_due, claim.clock_suspended) == (D(2026, 6, 2), True)
    # Friday 17 April, the last reply day: 28 days -> Tuesday 9 June, still suspended.
    with timeutil.frozen(_at(REPLY_BY, hour=5)):
        assert deadlines.refresh_suspended() == 1
    claim = _fresh(claim)
    assert (claim.decision_due, claim.clock_suspended) == (LAPSED_DUE, True)
    # Saturday 18 April: the reply term has lapsed; 9 June stays and the clock is no longer suspended.
    with timeutil.frozen(_at(D(2026, 4, 18), hour=5)):
        assert deadlines.refresh_suspended() == 1
    claim = _fresh(claim)
    assert (claim.decision_due, claim.clock_suspended) == (LAPSED_DUE, False)
    # From then on the claim is no longer picked up; the claim that was never suspended was never touched.
    with timeutil.frozen(_at(D(2026, 5, 1), hour=5)):
        assert deadlines.refresh_suspended() == 0
    assert _fresh(claim).decision_due == LAPSED_DUE
    assert (_fresh(other).decision_due, _fresh(other).clock_suspended) == (BASE_DUE, False)


def test_refresh_suspended_in_small_batches(in_intake, in_intake_too, people):
    # Two claims on hold since Wednesday 1 April; on Wednesday 8 April (2 .. 8 April, 7 days) both move to
    # 12 May + 7 = Tuesday 19 May, also when read one at a time.
    for claim in (in_intake, in_intake_too):
        _step(claim, "hold", people["caseworker"], D(2026, 4, 1), reason="De aanvrager vraagt om uitstel.")
    with timeutil.frozen(_at(D(2026, 4, 8), hour=5)):
        assert deadlines.refresh_suspended(batch=1) == 2
    assert [(_fresh(c).decision_due, _fresh(c).clock_suspended) for c in (in_intake, in_intake_too)] == [
        (D(2026, 5, 19), True), (D(2026, 5, 19), True)]


# --- the home: Property.full_clean() sets the mining-area flag ---------------------------------------------

@pytest.mark.parametrize(
    ("postcode", "municipality", "stale_flag", "expected"),
    [
        # Heerlen is one of the ten municipalities of the mining damage area.
        pytest.param("6411AB", "Heerlen", False, True, id="heerlen"),
        # Maastricht is not, even with a stale flag set on the unsaved object.
        pytest.param("6211AB", "Maastricht", True, False, id="maastricht"),
    ],
)
def test_property_full_clean_sets_the_mining_area_flag(postcode, municipality, stale_flag, expected):
    home = Property(postcode=postcode, house_number=5, street="Markt", town=municipality,
                    municipality=municipality, in_mining_area=stale_flag)
    home.full_clean()  # validates the property_mining_area_flag constraint after clean()
    assert home.in_mining_area is expected
    home.save()
    assert Property.objects.get(pk=home.pk).in_mining_area is expected


def test_property_moved_to_another_municipality_is_cleaned():
    home = Property.objects.create(postcode="6411AB", house_number=7, street="Akerstraat", town="Heerlen",
                                   municipality="Heerlen")
    assert home.in_mining_area is True
    home.municipality = home.town = "Maastricht"
    home.full_clean()
    assert home.in_mining_area is False


def test_a_second_notice_of_default_is_refused_and_the_first_stands(due_7_july, people):
    with timeutil.frozen(_at(D(2026, 7, 13))):
        claim_record_default_notice(claim=due_7_july, actor=people["caseworker"], received_on=D(2026, 7, 8))
        with pytest.raises(TransitionRefused) as refused:
            claim_record_default_notice(claim=due_7_july, actor=people["caseworker"], received_on=D(2026, 7, 10))
    assert refused.value.code == "already_noticed"
    assert list(due_7_july.clock_events.filter(kind=K.DEFAULT_NOTICE).values_list("on_date", flat=True)) == [
        D(2026, 7, 8)]
