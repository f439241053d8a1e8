"""Aggregate figures about the claims, for the coordinators' dashboard (casework.dashboard) and the public page
/cijfers/. Each function is one aggregate query, whatever the number of claims; none returns personal data.

Definitions (also on the pages):
- A claim counts from the moment it was submitted (`submitted_at`); drafts never count.
- The decision is the first step into a decision state (`decide`, or `declare_not_admissible`: both end the
  first-instance procedure with an Awb decision, claims.states.DECISION_STATES). A claim that comes back later
  (an objection and its decision, or `reopen` after closing) keeps the time to that FIRST decision; decisions on
  objections are counted separately (casework.dashboard), so a reopened claim is never counted twice.
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
from django.db import connection
from django.db.models import Count, DateField, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate, TruncWeek

from .models import Claim, ClaimTransition, ClockEvent, ClockEventKind
from .states import DECISION_STATES, OPEN_STATES, State

S = State
ZERO = Decimal("0.00")
WEEKS = 26
# The claims still being worked on: the clock runs or is held, an objection runs, or the award is being paid.
IN_PROGRESS_STATES = (*OPEN_STATES, S.ON_HOLD, S.OBJECTION, S.SETTLEMENT)
# How long past the deadline: (label key, first day over, last day over or None).
OVERDUE_BANDS = (("0_2", 1, 14), ("2_8", 15, 56), ("8_plus", 57, None))
SUSPENDING_CAUSES = (ClockEvent.Cause.INFO_REQUEST, ClockEvent.Cause.ON_HOLD)


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


# --- work in progress ----------------------------------------------------------------------------------------

def per_state(*, scope: Scope = ALL) -> dict[str, int]:
    """The number of submitted claims in each state (every state but draft, zeros included)."""
    rows = submitted(scope=scope).values("status").annotate(n=Count("pk")).order_by()
    counts = {row["status"]: row["n"] for row in rows}
    return {state: counts.get(state, 0) for state in S.values if state != S.DRAFT}


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


# One row per claim with a decision: calendar days and suspended days up to the first decision. PostgreSQL;
# `{scope}` is the WHERE clause of the filters.
_DURATIONS_SQL = """
WITH firsts AS (
    SELECT t.claim_id, MIN(t.created_at) AS decided_at
    FROM claims_claimtransition t WHERE t.to_state = ANY(%s) GROUP BY t.claim_id
), decided AS (
    SELECT c.id, (c.submitted_at AT TIME ZONE %s)::date AS start_day, (f.decided_at AT TIME ZONE %s)::date AS end_day
    FROM claims_claim c JOIN firsts f ON f.claim_id = c.id {join}
    WHERE c.submitted_at IS NOT NULL {scope}
), suspended AS (
    SELECT d.id, SUM(GREATEST(0, LEAST(
        COALESCE((SELECT MIN(r.on_date) FROM claims_clockevent r WHERE r.claim_id = e.claim_id AND r.kind = 'resume'
                  AND (r.cause = e.cause OR r.cause = '') AND r.on_date >= e.on_date), d.end_day + 1),
        COALESCE(e.due_date + 1, d.end_day + 1),
        d.end_day + 1) - e.on_date - 1)) AS days
    FROM decided d JOIN claims_clockevent e ON e.claim_id = d.id
    WHERE e.kind = 'suspend' AND e.cause = ANY(%s) AND e.on_date <= d.end_day
    GROUP BY d.id
)
SELECT d.end_day - d.start_day AS calendar, d.end_day - d.start_day - COALESCE(s.days, 0) AS awb
FROM decided d LEFT JOIN suspended s ON s.id = d.id
"""


_JOIN_PROPERTY = "JOIN claims_property p ON p.id = c.property_id"


def _scope_sql(scope: Scope) -> tuple[str, list]:
    """The WHERE clause of the filters (the property is joined only when a municipality is asked for)."""
    sql, params = "", []
    if scope.municipality:
        sql, params = sql + " AND p.municipality = %s", [*params, scope.municipality]
    if scope.channel:
        sql, params = sql + " AND c.channel = %s", [*params, scope.channel]
    return sql, params


def decision_times(*, scope: Scope = ALL) -> DecisionTimes:
    """Median and 90th percentile of the days from submission to the first decision: one query."""
    if connection.vendor == "postgresql":
        return _decision_times_postgresql(scope)
    return decision_times_python(scope=scope)


def _decision_times_postgresql(scope: Scope) -> DecisionTimes:
    scope_sql, scope_params = _scope_sql(scope)
    tz = settings.TIME_ZONE
    durations = _DURATIONS_SQL.format(scope=scope_sql, join=_JOIN_PROPERTY if scope.municipality else "")
    sql = ("SELECT COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY calendar), "
           "percentile_cont(0.9) WITHIN GROUP (ORDER BY calendar), percentile_cont(0.5) WITHIN GROUP (ORDER BY awb), "
           "percentile_cont(0.9) WITHIN GROUP (ORDER BY awb) FROM (" + durations + ") x")
    params = [[str(state) for state in DECISION_STATES], tz, tz, *scope_params, [str(c) for c in SUSPENDING_CAUSES]]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, median, p90, median_awb, p90_awb = cursor.fetchone()
    return DecisionTimes(count, _float(median), _float(p90), _float(median_awb), _float(p90_awb))


def _float(value) -> float | None:
    return None if value is None else float(value)


def decision_times_python(*, scope: Scope = ALL) -> DecisionTimes:
    """The same figures without PostgreSQL (SQLite for `make run`): two queries, the arithmetic in Python."""
    firsts = Subquery(ClaimTransition.objects.filter(claim=OuterRef("pk"), to_state__in=DECISION_STATES)
                      .order_by("created_at", "pk").values("created_at")[:1])
    claims = {pk: (_local_day(start), _local_day(end)) for pk, start, end in
              submitted(scope=scope).annotate(first_decision=firsts).filter(first_decision__isnull=False)
              .values_list("pk", "submitted_at", "first_decision")}
    events = (ClockEvent.objects.filter(claim__in=submitted(scope=scope), kind__in=(ClockEventKind.SUSPEND,
                                                                                   ClockEventKind.RESUME))
              .order_by("claim_id", "on_date", "pk").values_list("claim_id", "kind", "cause", "on_date", "due_date"))
    suspended: dict[int, int] = {}
    requests: list[tuple] = []
    resumes: dict[int, list[tuple]] = {}
    for claim_id, kind, cause, on_date, due_date in events:
        if claim_id not in claims:
            continue
        if kind == ClockEventKind.SUSPEND and cause in SUSPENDING_CAUSES:
            requests.append((claim_id, cause, on_date, due_date))
        elif kind == ClockEventKind.RESUME:
            resumes.setdefault(claim_id, []).append((cause, on_date))
    for claim_id, cause, on_date, due_date in requests:
        end_day = claims[claim_id][1]
        if on_date > end_day:
            continue
        stop = end_day + dt.timedelta(days=1)
        resumed = [day for c, day in resumes.get(claim_id, []) if c in (cause, "") and day >= on_date]
        candidates = [stop, *resumed[:1], *([due_date + dt.timedelta(days=1)] if due_date else [])]
        suspended[claim_id] = suspended.get(claim_id, 0) + max(0, (min(candidates) - on_date).days - 1)
    calendar = [float((end - start).days) for start, end in claims.values()]
    awb = [float((end - start).days - suspended.get(pk, 0)) for pk, (start, end) in claims.items()]
    return DecisionTimes(len(calendar), percentile(calendar, 0.5), percentile(calendar, 0.9),
                         percentile(awb, 0.5), percentile(awb, 0.9))


def _local_day(moment: dt.datetime) -> dt.date:
    return moment.astimezone(zone()).date()


# --- overdue -------------------------------------------------------------------------------------------------

def overdue(*, as_of: dt.date, scope: Scope = ALL) -> dict[str, int]:
    """Claims past their deadline, by how long: the decision deadline while the clock runs or is held, the
    deadline of the decision on the objection while an objection runs."""
    deciding = Q(status__in=OPEN_STATES)
    objecting = Q(status=S.OBJECTION)

    def band(first: int, last: int | None) -> Q:
        def one(field: str) -> Q:
            q = Q(**{field + "__lte": as_of - dt.timedelta(days=first)})
            if last is not None:
                q &= Q(**{field + "__gte": as_of - dt.timedelta(days=last)})
            return q
        return (deciding & one("decision_due")) | (objecting & one("objection_decision_due"))

    counts = submitted(scope=scope).aggregate(**{
        key: Count("pk", filter=band(first, last)) for key, first, last in OVERDUE_BANDS
    })
    return {key: counts[key] for key, _first, _last in OVERDUE_BANDS}


# --- urgent claims and the 48-hour visit ---------------------------------------------------------------------

def urgent_record(*, now: dt.datetime, scope: Scope = ALL) -> dict[str, int]:
    """Acutely unsafe homes: the safety visit on time (on or before the day of its 48-hour deadline: the visit is
    stored by its date), late, or still to come (in time, or already late)."""
    first_visit = Subquery(ClockEvent.objects.filter(claim=OuterRef("pk"), kind=ClockEventKind.SAFETY_VISIT)
                           .order_by("on_date", "pk").values("on_date")[:1])
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

def amounts(*, scope: Scope = ALL) -> dict:
    """Claims with a decision, by current outcome, the amount awarded now (after any objection) and the amount
    paid out."""
    decided = Q(decided_at__isnull=False)
    result = submitted(scope=scope).aggregate(
        decided=Count("pk", filter=decided),
        granted=Count("pk", filter=decided & Q(outcome="granted")),
        partly_granted=Count("pk", filter=decided & Q(outcome="partly_granted")),
        rejected=Count("pk", filter=decided & Q(outcome="rejected")),
        not_admissible=Count("pk", filter=decided & Q(outcome="not_admissible")),
        awarded=Sum("awarded_amount", filter=decided),
        paid=Sum("paid_amount"),
    )
    result["awarded"] = cents(result["awarded"])
    result["paid"] = cents(result["paid"])
    return result


def cents(value: Decimal | None) -> Decimal:
    # SQLite sums decimals without their places: the same 9500.00 on every database.
    return (value or ZERO).quantize(ZERO)


# --- per municipality ----------------------------------------------------------------------------------------

def per_municipality(*, scope: Scope = ALL) -> list[dict]:
    """Per municipality: claims submitted, in progress, decided (first decision made) and the amount awarded."""
    rows = (submitted(scope=scope).values("property__municipality")
            .annotate(submitted=Count("pk"), in_progress=Count("pk", filter=Q(status__in=IN_PROGRESS_STATES)),
                      decided=Count("pk", filter=Q(decided_at__isnull=False)),
                      awarded=Sum("awarded_amount", filter=Q(decided_at__isnull=False)))
            .order_by("property__municipality"))
    return [{"municipality": row["property__municipality"], "submitted": row["submitted"],
             "in_progress": row["in_progress"], "decided": row["decided"], "awarded": cents(row["awarded"])}
            for row in rows]


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
    """The public figures: totals only, small groups suppressed. Five queries on PostgreSQL."""
    states = per_state()
    times = decision_times()
    money = submitted().aggregate(awarded=Sum("awarded_amount", filter=Q(decided_at__isnull=False)),
                                  paid=Sum("paid_amount"))
    rows = [{"municipality": row["municipality"],
             "cells": [suppressed(row[name]) for name in ("submitted", "in_progress", "decided")]}
            for row in per_municipality()]
    return Headlines(
        as_of=as_of, weekly=weekly_intake(as_of=as_of), submitted=sum(states.values()),
        in_progress=in_progress(states), times=times if times.count >= SMALL else None,
        awarded=cents(money["awarded"]), paid=cents(money["paid"]), municipalities=rows,
    )
