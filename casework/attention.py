"""What needs a case guide's attention: one rule for the morning watch and for the live caseload marks.

A claim is *overdue* when its decision term has lapsed, *due soon* when it ends within 10 working days
(weekends and Algemene termijnenwet holidays do not count). While the clock is suspended the stored due
date moves every day, so a suspended claim gets no mark; its reply term is watched instead."""

import datetime as dt

from django.db.models import Case, CharField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from claims.states import OPEN_STATES, State
from claims.termijnen import add_working_days

WATCH_WORKING_DAYS = 10
OVERDUE = "overdue"
DUE_SOON = "due_soon"
LEVEL_LABELS = {OVERDUE: _("Termijn verstreken"), DUE_SOON: _("Binnen 10 werkdagen")}

RESIDENT, EXPERT, COMMISSION, US = "resident", "expert", "commission", "us"
WAITING_ON_LABELS = {
    RESIDENT: _("Aanvrager"),
    EXPERT: _("Deskundige"),
    COMMISSION: _("Commissie"),
    US: _("Wij"),
}
# Whose move it is, by state: the caseload's "wacht op" column.
WAITING_ON = {
    State.SUBMITTED: US,
    State.INTAKE: US,
    State.INFO_REQUESTED: RESIDENT,
    State.INSPECTION: EXPERT,
    State.ADVICE_DRAFT: US,
    State.RESPONSE_PERIOD: RESIDENT,
    State.COMMISSION_REVIEW: COMMISSION,
    State.DECISION_PENDING: US,
    State.ON_HOLD: RESIDENT,
    State.DECIDED: RESIDENT,
    State.OBJECTION: US,
    State.SETTLEMENT: US,
    State.NOT_ADMISSIBLE: RESIDENT,
}


def due_soon_limit(on: dt.date) -> dt.date:
    """The last due date that still counts as "within 10 working days" of `on`."""
    return add_working_days(on, WATCH_WORKING_DAYS)


def running_clock() -> Q:
    return Q(status__in=OPEN_STATES, clock_suspended=False, decision_due__isnull=False)


def level_for(*, status: str, decision_due: dt.date | None, suspended: bool, on: dt.date,
              due_soon_by: dt.date | None = None) -> str | None:
    """`due_soon_by`: `due_soon_limit(on)`, when the caller works it out once for many claims."""
    if status not in OPEN_STATES or suspended or decision_due is None:
        return None
    if decision_due < on:
        return OVERDUE
    if decision_due <= (due_soon_by or due_soon_limit(on)):
        return DUE_SOON
    return None


def with_attention(claims: QuerySet, *, on: dt.date) -> QuerySet:
    """Annotates `attention` (overdue / due_soon / "") with the same rule as `level_for`, in the database."""
    running = running_clock()
    return claims.annotate(
        attention=Case(
            When(running & Q(decision_due__lt=on), then=Value(OVERDUE)),
            When(running & Q(decision_due__lte=due_soon_limit(on)), then=Value(DUE_SOON)),
            default=Value(""),
            output_field=CharField(),
        )
    )


def needs_attention(*, on: dt.date) -> Q:
    """Open claims with a running clock that is overdue or ends within 10 working days."""
    return running_clock() & Q(decision_due__lte=due_soon_limit(on))


def waiting_on(status: str) -> str:
    return WAITING_ON.get(status, "")
