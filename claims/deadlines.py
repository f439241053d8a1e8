"""Deadlines (Awb) derived from a claim's ClockEvents. Pure computation plus one `refresh` that stores the
results on the claim so lists can sort and filter on them."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from . import termijnen, timeutil
from .models import Claim, ClockEvent, ClockEventKind

K = ClockEventKind


def terms() -> dict[str, int]:
    return settings.MIJNSCHADE_TERMS


@dataclass(frozen=True)
class Suspension:
    """Awb 4:15: the term is suspended from the day after the request up to (not including) the day the
    application is completed, or until the reply term set for it has lapsed unused."""

    start: dt.date  # the day of the request
    end: dt.date | None  # the day the clock runs again; None: still suspended
    cause: str
    reason: str
    reply_by: dt.date | None = None  # the last day of the reply term, if one was set

    def runs_again_on(self, as_of: dt.date) -> dt.date:
        ends = [day for day in (self.end, self.lapse_day()) if day is not None]
        # While it is still open, the suspension has lasted through today.
        return min(ends) if ends else as_of + dt.timedelta(days=1)

    def lapse_day(self) -> dt.date | None:
        return None if self.reply_by is None else self.reply_by + dt.timedelta(days=1)

    def is_open(self, as_of: dt.date) -> bool:
        return self.end is None and (self.reply_by is None or as_of <= self.reply_by)

    def days(self, as_of: dt.date) -> int:
        return max(0, (min(self.runs_again_on(as_of), as_of + dt.timedelta(days=1)) - self.start).days - 1)


@dataclass(frozen=True)
class DecisionClock:
    """Where the decision term (Awb 4:13) stands."""

    started_on: dt.date | None
    due: dt.date | None
    suspensions: tuple[Suspension, ...] = ()
    extension_weeks: int = 0
    extension_reason: str = ""
    suspended: bool = False
    default_notice_on: dt.date | None = None
    notes: tuple[str, ...] = field(default=())

    def days_left(self, as_of: dt.date) -> int | None:
        return None if self.due is None else (self.due - as_of).days


def decision_clock(events: Iterable[ClockEvent], *, as_of: dt.date) -> DecisionClock:
    """The decision due date: start + term + suspended days + extension, then rolled forward (Atw).

    Suspended days run from the day after the request up to the day the clock runs again (see Suspension);
    while a suspension is open, the due date moves on every day until it ends (Awb 4:15). Suspensions for
    different causes (an info request, and a hold the applicant asked for) may overlap; a day counts once.
    """
    started_on = None
    suspensions: list[Suspension] = []
    open_by_cause: dict[str, ClockEvent] = {}
    extension_weeks, extension_reason = 0, ""
    default_notice_on = None

    def close(event: ClockEvent, end: dt.date) -> None:
        suspensions.append(Suspension(event.on_date, end, event.cause, event.reason, event.due_date))

    for event in sorted(events, key=lambda e: (e.on_date, e.pk or 0)):
        if event.kind == K.START:
            # A reopened claim starts a fresh term; earlier suspensions belong to the old one.
            started_on, suspensions, open_by_cause = event.on_date, [], {}
            extension_weeks, extension_reason, default_notice_on = 0, "", None
        elif event.kind == K.SUSPEND and event.cause not in open_by_cause:
            open_by_cause[event.cause] = event
        elif event.kind == K.RESUME:
            # A resume names its cause; one without (a withdrawal, say) ends every open suspension.
            causes = [event.cause] if event.cause in open_by_cause else ([] if event.cause else list(open_by_cause))
            for cause in causes:
                close(open_by_cause.pop(cause), event.on_date)
        elif event.kind == K.EXTEND:
            extension_weeks, extension_reason = event.weeks or 0, event.reason
        elif event.kind == K.DEFAULT_NOTICE:
            default_notice_on = event.on_date
    suspensions += [Suspension(e.on_date, None, e.cause, e.reason, e.due_date) for e in open_by_cause.values()]
    suspensions.sort(key=lambda s: s.start)
    if started_on is None:
        return DecisionClock(started_on=None, due=None)
    raw_end = started_on + dt.timedelta(weeks=terms()["decision_weeks"] + extension_weeks,
                                        days=suspended_days(suspensions, as_of=as_of))
    return DecisionClock(
        started_on=started_on,
        due=termijnen.roll_forward(raw_end),
        suspensions=tuple(suspensions),
        extension_weeks=extension_weeks,
        extension_reason=extension_reason,
        suspended=any(s.is_open(as_of) for s in suspensions),
        default_notice_on=default_notice_on,
    )


def suspended_days(suspensions: Iterable[Suspension], *, as_of: dt.date) -> int:
    """The number of distinct days on which at least one suspension held the clock."""
    tomorrow = as_of + dt.timedelta(days=1)
    spans = sorted(
        (s.start + dt.timedelta(days=1), min(s.runs_again_on(as_of), tomorrow)) for s in suspensions
    )
    total, covered_until = 0, None
    for first, stop in spans:
        if covered_until is not None and first < covered_until:
            first = covered_until
        if stop > first:
            total += (stop - first).days
            covered_until = stop
    return total


def objection_due(decision_sent_on: dt.date) -> dt.date:
    """Awb 6:7 and 6:8: six weeks, counted from the day after the decision is sent."""
    return termijnen.term_end(decision_sent_on, weeks=terms()["objection_weeks"])


def objection_decision_due(objection_window_end: dt.date) -> dt.date:
    """Awb 7:10: twelve weeks from the day after the objection window ends."""
    return termijnen.term_end(objection_window_end, weeks=terms()["objection_decision_weeks"])


def reply_due(asked_on: dt.date, days: int | None = None) -> dt.date:
    return termijnen.term_end(asked_on, days=days if days is not None else terms()["info_reply_days"])


def response_due(sent_on: dt.date) -> dt.date:
    return termijnen.term_end(sent_on, days=terms()["response_days"])


def expert_objection_due(told_on: dt.date) -> dt.date:
    """The resident may object to the chosen expert within two weeks of being told who it is."""
    return termijnen.term_end(told_on, days=terms()["expert_objection_days"])


def safety_visit_due(reported_at: dt.datetime) -> dt.datetime:
    # In UTC, so 48 hours stay 48 real hours across a change to or from summer time.
    return reported_at.astimezone(dt.UTC) + dt.timedelta(hours=terms()["urgent_visit_hours"])


# --- Awb 4:17: the penalty after a notice of default ------------------------------------------------

PENALTY_BLOCKS = ((14, Decimal(23)), (14, Decimal(35)), (14, Decimal(45)))
PENALTY_MAX_DAYS = 42
PENALTY_GRACE_DAYS = 14


def penalty_days(notice_received_on: dt.date, *, until: dt.date) -> int:
    """Days of penalty up to and including `until`: they start once two weeks have passed after the day
    the notice was received (Awb 4:17 lid 3) and stop at 42. The Atw moves the end of those two weeks (4:17
    lid 1 excludes it only for the 42 days themselves)."""
    grace_ends = termijnen.term_end(notice_received_on, days=PENALTY_GRACE_DAYS)
    first_day = grace_ends + dt.timedelta(days=1)
    return max(0, min(PENALTY_MAX_DAYS, (until - first_day).days + 1))


def penalty_amount(days: int) -> Decimal:
    total, left = Decimal(0), max(0, min(days, PENALTY_MAX_DAYS))
    for block_days, per_day in PENALTY_BLOCKS:
        used = min(left, block_days)
        total += used * per_day
        left -= used
    return total


# --- storing the derived dates on the claim ------------------------------------------------------

def refresh(claim: Claim, *, events: list[ClockEvent] | None = None) -> DecisionClock:
    """Recomputes the stored decision deadline of a claim from its events; the caller saves."""
    if events is None:
        events = list(claim.clock_events.all())
    clock = decision_clock(events, as_of=timeutil.today())
    claim.decision_due = clock.due
    claim.clock_suspended = clock.suspended
    return clock


def refresh_suspended(batch: int = 500) -> int:
    """Moves the stored due date of every claim whose clock is suspended (run daily by beat)."""
    count = 0
    ids = list(Claim.objects.filter(clock_suspended=True).values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        claims = list(Claim.objects.filter(pk__in=ids[start:start + batch]).prefetch_related("clock_events"))
        for claim in claims:
            refresh(claim)
        Claim.objects.bulk_update(claims, ["decision_due", "clock_suspended"])
        count += len(claims)
    return count
