"""Aggregate figures about the claims, for the coordinators' dashboard (casework.dashboard) and the public page
/cijfers/. Each function is one aggregate query, whatever the number of claims; none returns personal data.

Definitions (also on the pages):
- A claim counts from the moment it was submitted (`submitted_at`); drafts never count.
- The decision is the first step into a decision state (`decide`, or `declare_not_admissible`: both end the
  first-instance procedure with an Awb decision, claims.states.DECISION_STATES). A claim that comes back later
  (an objection and its decision, or `reopen` after closing) keeps the time to that FIRST decision; decisions on
  objections are counted separately (casework.dashboard), so a reopened claim is never counted twice.
- The first decision is stored on the claim when it is taken (`first_decided_at`, and the suspended days before
  it in `first_decision_suspended_days`: claims.services.lifecycle), so these figures need not read the history.
- Calendar days: from the day of submission to the day of the first decision (Europe/Amsterdam).
  Awb days: the same, minus the days the clock was suspended (Awb 4:15: an info request, or a hold at the
  resident's request) before that decision, counted as claims.deadlines does: from the day after the request up
  to the day the clock ran again (the resume, or the day after the reply term lapsed). Overlapping suspensions of
  the two causes (a hold during an info request) count twice here: rare, and it only shortens the Awb time.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BooleanField, Count, DateField, ExpressionWrapper, F, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncWeek

from . import deadlines
from .models import Claim, ClaimTransition, ClockEvent, ClockEventKind
from .states import OPEN_STATES, State

S = State
ZERO = Decimal("0.00")
WEEKS = 26
# The claims still being worked on: the clock runs or is held, an objection runs, or the award is being paid.
IN_PROGRESS_STATES = (*OPEN_STATES, S.ON_HOLD, S.OBJECTION, S.SETTLEMENT)
# How long past the deadline: (label key, first day over, last day over or None).
OVERDUE_BANDS = (("0_2", 1, 14), ("2_8", 15, 56), ("8_plus", 57, None))


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class Scope:
    """The dashboard's filters: a municipality and an intake channel; empty means all."""

    municipality: str = ""
    channel: str = ""

    def q(self, prefix: str = "") -> Q:
        q = Q()
        if self.municipality:
            q &= Q(**{prefix + "property__municipality": self.municipality})
        if self.channel:
            q &= Q(**{prefix + "channel": self.channel})
        return q


ALL = Scope()


def submitted(*, scope: Scope = ALL) -> QuerySet:
    return Claim.objects.filter(scope.q(), submitted_at__isnull=False)


# --- new claims per week -----------------------------------------------------------------------------------

def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def weekly_intake(*, as_of: dt.date, scope: Scope = ALL, weeks: int = WEEKS) -> list[tuple[dt.date, int]]:
    """(Monday, number of claims submitted that week) for the last `weeks` weeks up to and including this one."""
    first = week_start(as_of) - dt.timedelta(weeks=weeks - 1)
    since = dt.datetime.combine(first, dt.time.min, tzinfo=zone())
    rows = (submitted(scope=scope).filter(submitted_at__gte=since)
            .annotate(week=TruncWeek("submitted_at", output_field=DateField(), tzinfo=zone()))
            .values("week").annotate(n=Count("pk")).order_by())
    counts = {row["week"]: row["n"] for row in rows}
    return [(first + dt.timedelta(weeks=i), counts.get(first + dt.timedelta(weeks=i), 0)) for i in range(weeks)]


# --- states, overdue, outcomes and amounts, per municipality ------------------------------------------------

@dataclass(frozen=True)
class Totals:
    states: dict[str, int]  # every state but draft, zeros included
    overdue: dict[str, int]  # by OVERDUE_BANDS key
    amounts: dict  # decided, by outcome, awarded and paid
    municipalities: list[dict]  # per municipality: submitted, in progress, decided, awarded


def totals(*, as_of: dt.date, scope: Scope = ALL) -> Totals:
    """The counts of the submitted claims by state, overdue band, outcome and municipality, and their amounts:
    one query that reads every claim once and groups them (a few hundred groups whatever their number); the sums
    are made here. Four queries that each read all 250,000 claims took twice as long (issue 8)."""
    rows = list(_groups(as_of=as_of, scope=scope))
    return Totals(states=_states(rows), overdue=_overdue(rows), amounts=_amounts(rows),
                  municipalities=_municipalities(rows))


def _groups(*, as_of: dt.date, scope: Scope) -> QuerySet:
    decided = ExpressionWrapper(Q(decided_at__isnull=False), output_field=BooleanField())
    bands = {"overdue_" + key: Count("pk", filter=overdue_band(as_of, first, last))
             for key, first, last in OVERDUE_BANDS}
    return (submitted(scope=scope).annotate(decided=decided)
            .values("property__municipality", "status", "outcome", "decided")
            .annotate(n=Count("pk"), awarded=Sum("awarded_amount"), paid=Sum("paid_amount"), **bands)
            .order_by())


def _states(rows: list[dict]) -> dict[str, int]:
    counts = {state: 0 for state in S.values if state != S.DRAFT}
    for row in rows:
        counts[row["status"]] += row["n"]
    return counts


def in_progress(states: dict[str, int]) -> int:
    return sum(states[state] for state in IN_PROGRESS_STATES)


# --- time to the first decision ------------------------------------------------------------------------------

@dataclass(frozen=True)
class DecisionTimes:
    count: int
    median_days: float | None
    p90_days: float | None
    median_awb_days: float | None
    p90_awb_days: float | None


def percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the nearest ranks: the same as PostgreSQL's percentile_cont."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def decision_times(*, scope: Scope = ALL) -> DecisionTimes:
    """Median and 90th percentile of the days from submission to the first decision: one query. It reads the
    day counts stored on the claim at its first decision (claims.services.lifecycle), not the history (a second at
    250,000 claims, issue 8), and counts the claims per (calendar days, suspended days): a few thousand rows at
    most whatever the number of claims, from the index claim_first_decision alone when nothing is filtered. The
    percentiles are taken here from those counts."""
    rows = (submitted(scope=scope).filter(first_decided_at__isnull=False)
            .values_list("first_decision_days", "first_decision_suspended_days")
            .annotate(n=Count("*")).order_by())
    calendar: dict[int, int] = {}
    awb: dict[int, int] = {}
    for days, suspended, count in rows:
        calendar[days] = calendar.get(days, 0) + count
        awb[days - suspended] = awb.get(days - suspended, 0) + count
    return DecisionTimes(sum(calendar.values()), percentile_of_counts(calendar, 0.5),
                         percentile_of_counts(calendar, 0.9), percentile_of_counts(awb, 0.5),
                         percentile_of_counts(awb, 0.9))


def percentile_of_counts(counts: dict[int, int], fraction: float) -> float | None:
    """`percentile` of the values given as {value: how often}: the same result without listing each one."""
    total = sum(counts.values())
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = math.floor(position), math.ceil(position)
    ordered = sorted(counts.items())
    return _at_rank(ordered, low) + (_at_rank(ordered, high) - _at_rank(ordered, low)) * (position - low)


def _at_rank(ordered: list[tuple[int, int]], rank: int) -> float:
    """The value at `rank` (from 0) of the sorted values, given as sorted (value, how often) pairs."""
    seen = 0
    for value, count in ordered:
        seen += count
        if rank < seen:
            return float(value)
    raise IndexError(rank)


def suspended_days(events, end_day: dt.date) -> int:
    """The days the clock was suspended up to a decision on `end_day`, from clock events as (kind, cause, on_date,
    due_date): the Awb rule of claims.deadlines, so the dashboard's Awb days are the legal clock's (a day two
    suspensions share counts once). For rows read without their models (tests, the scale seed's check)."""
    start = ClockEvent(kind=ClockEventKind.START, on_date=dt.date.min)  # the rule counts from the term's start
    clock = deadlines.decision_clock(
        [start, *(ClockEvent(kind=kind, cause=cause, on_date=on_date, due_date=due_date)
                  for kind, cause, on_date, due_date in events)], as_of=end_day)
    return deadlines.suspended_days(clock.suspensions, as_of=end_day)


# --- overdue -------------------------------------------------------------------------------------------------

def overdue_band(as_of: dt.date, first: int, last: int | None) -> Q:
    """Claims past their deadline by `first` to `last` days: the decision deadline while the clock runs or is
    held, the deadline of the decision on the objection while an objection runs."""
    def one(field: str) -> Q:
        q = Q(**{field + "__lte": as_of - dt.timedelta(days=first)})
        if last is not None:
            q &= Q(**{field + "__gte": as_of - dt.timedelta(days=last)})
        return q
    return (Q(status__in=OPEN_STATES) & one("decision_due")) | (Q(status=S.OBJECTION) & one("objection_decision_due"))


def _overdue(rows: list[dict]) -> dict[str, int]:
    return {key: sum(row["overdue_" + key] for row in rows) for key, _first, _last in OVERDUE_BANDS}


# --- urgent claims and the 48-hour visit ---------------------------------------------------------------------

def urgent_record(*, now: dt.datetime, scope: Scope = ALL) -> dict[str, int]:
    """Acutely unsafe homes: the safety visit on time (on or before the day of its 48-hour deadline: the visit is
    stored by its date), late, or still to come (in time, or already late)."""
    # The first visit per claim as a grouped MIN, which the counts read from a subquery; a correlated subquery
    # here was repeated inside every count below (four lookups per urgent claim).
    first_visit = Min("clock_events__on_date", filter=Q(clock_events__kind=ClockEventKind.SAFETY_VISIT))
    claims = (submitted(scope=scope).filter(urgent=True, safety_visit_due__isnull=False)
              .annotate(visited_on=first_visit, due_day=TruncDate("safety_visit_due", tzinfo=zone())))
    no_visit = Q(visited_on__isnull=True)
    return claims.aggregate(
        total=Count("pk"),
        on_time=Count("pk", filter=Q(visited_on__lte=F("due_day"))),
        late=Count("pk", filter=Q(visited_on__gt=F("due_day"))),
        waiting=Count("pk", filter=no_visit & Q(safety_visit_due__gte=now)),
        missed=Count("pk", filter=no_visit & Q(safety_visit_due__lt=now)),
    )


# --- amounts -------------------------------------------------------------------------------------------------

def _amounts(rows: list[dict]) -> dict:
    """Claims with a decision, by current outcome, the amount awarded now (after any objection) and the amount
    paid out."""
    decided = [row for row in rows if row["decided"]]
    result = {"decided": sum(row["n"] for row in decided)}
    for outcome in ("granted", "partly_granted", "rejected", "not_admissible"):
        result[outcome] = sum(row["n"] for row in decided if row["outcome"] == outcome)
    result["awarded"] = cents(sum((row["awarded"] or ZERO for row in decided), ZERO))
    result["paid"] = cents(sum((row["paid"] or ZERO for row in rows), ZERO))
    return result


def cents(value: Decimal | None) -> Decimal:
    # SQLite sums decimals without their places: the same 9500.00 on every database.
    return (value or ZERO).quantize(ZERO)


# --- per municipality ----------------------------------------------------------------------------------------

def _municipalities(rows: list[dict]) -> list[dict]:
    """Per municipality: claims submitted, in progress, decided (first decision made) and the amount awarded."""
    names = sorted({row["property__municipality"] for row in rows})
    result = []
    for name in names:
        mine = [row for row in rows if row["property__municipality"] == name]
        decided = [row for row in mine if row["decided"]]
        result.append({"municipality": name, "submitted": sum(row["n"] for row in mine),
                       "in_progress": sum(row["n"] for row in mine if row["status"] in IN_PROGRESS_STATES),
                       "decided": sum(row["n"] for row in decided),
                       "awarded": cents(sum((row["awarded"] or ZERO for row in decided), ZERO))})
    return result


def reopened(*, scope: Scope = ALL) -> int:
    """Claims opened again after closing (`reopen`): their time to the first decision stays as it was."""
    return (ClaimTransition.objects.filter(Q(name="reopen") & scope.q("claim__"))
            .aggregate(n=Count("claim_id", distinct=True))["n"])


# --- the public page /cijfers/ -------------------------------------------------------------------------------

SMALL = 10  # fewer than this is shown as "fewer than 10": a small group could point to a household


def suppressed(count: int) -> int | None:
    """The count, or None when it is below SMALL (the page then says "minder dan 10")."""
    return count if count >= SMALL else None


@dataclass(frozen=True)
class Headlines:
    as_of: dt.date
    weekly: list[tuple[dt.date, int]]
    submitted: int
    in_progress: int
    times: DecisionTimes | None  # None: fewer than SMALL decisions, too few to show
    awarded: Decimal
    paid: Decimal
    municipalities: list[dict]


def headlines(*, as_of: dt.date) -> Headlines:
    """The public figures: totals only, small groups suppressed. Three queries on PostgreSQL."""
    counts = totals(as_of=as_of)
    times = decision_times()
    rows = [{"municipality": row["municipality"],
             "cells": [suppressed(row[name]) for name in ("submitted", "in_progress", "decided")]}
            for row in counts.municipalities]
    return Headlines(
        as_of=as_of, weekly=weekly_intake(as_of=as_of), submitted=sum(counts.states.values()),
        in_progress=in_progress(counts.states), times=times if times.count >= SMALL else None,
        awarded=counts.amounts["awarded"], paid=counts.amounts["paid"], municipalities=rows,
    )
