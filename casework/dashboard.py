"""The figures of the coordinators' dashboard (/werk/overzicht/): claims.figures (shared with the public page
/cijfers/) plus the objections, which live in casework. A fixed number of aggregate queries whatever the number of
claims; nothing in here names a person or a claim.

Objections: every Objection row counts once, by its outcome (open, well-founded, unfounded). A reopened claim
(decided, objection, decision on the objection) keeps its time to the FIRST decision in claims.figures, and its
decision on the objection is counted here, so nothing is counted twice."""

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from claims import figures
from claims.charts import days
from claims.figures import OVERDUE_BANDS, Scope
from claims.states import State

from .models import Objection


def objections(*, scope: Scope = figures.ALL) -> dict[str, int]:
    return Objection.objects.filter(scope.q("claim__")).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(outcome="")),
        well_founded=Count("pk", filter=Q(outcome=Objection.Outcome.WELL_FOUNDED)),
        unfounded=Count("pk", filter=Q(outcome=Objection.Outcome.UNFOUNDED)),
        late=Count("pk", filter=Q(late=True)),
    )


# At 250,000 claims the figures take about half a second to count (issue 8 asks 150 ms; most of it is reading
# every claim with its home, for the municipality): they are kept for ten minutes per filter and day, and the
# page says when they were counted. Without Redis every visit counts them again.
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Dashboard:
    computed_at: dt.datetime
    as_of: dt.date
    scope: Scope
    weekly: list[tuple[dt.date, int]]
    states: dict[str, int]
    times: figures.DecisionTimes
    overdue: dict[str, int]
    urgent: dict[str, int]
    objections: dict[str, int]
    amounts: dict
    municipalities: list[dict]
    reopened: int

    @property
    def in_progress(self) -> int:
        return figures.in_progress(self.states)


def dashboard(*, now: dt.datetime, as_of: dt.date, scope: Scope = figures.ALL) -> Dashboard:
    """Every figure of the page: six queries, whatever the data."""
    totals = figures.totals(as_of=as_of, scope=scope)
    return Dashboard(
        computed_at=now, as_of=as_of, scope=scope,
        weekly=figures.weekly_intake(as_of=as_of, scope=scope),
        states=totals.states,
        times=figures.decision_times(scope=scope),
        overdue=totals.overdue,
        urgent=figures.urgent_record(now=now, scope=scope),
        objections=objections(scope=scope),
        amounts=totals.amounts,
        municipalities=totals.municipalities,
        reopened=figures.reopened(scope=scope),
    )


def cache_key(*, as_of: dt.date, scope: Scope) -> str:
    return f"dashboard:v1:{as_of.isoformat()}:{scope.municipality}:{scope.channel}"


def dashboard_cached(*, now: dt.datetime, as_of: dt.date, scope: Scope = figures.ALL) -> Dashboard:
    """The figures as counted at most CACHE_SECONDS ago (counted now if not)."""
    if CACHE_SECONDS <= 0:
        return dashboard(now=now, as_of=as_of, scope=scope)
    board = cache.get(cache_key(as_of=as_of, scope=scope))
    return board if board is not None else recount(now=now, as_of=as_of, scope=scope)


def recount(*, now: dt.datetime, as_of: dt.date, scope: Scope = figures.ALL) -> Dashboard:
    """Counts the figures and keeps them CACHE_SECONDS. The worker does this for the whole area every few minutes
    (casework.tasks.recount_dashboard), so the page a coordinator opens first never waits for the count
    (a quarter to half a second at 250,000 claims, issue 8)."""
    board = dashboard(now=now, as_of=as_of, scope=scope)
    cache.set(cache_key(as_of=as_of, scope=scope), board, CACHE_SECONDS)
    return board


def overdue_labels() -> dict[str, str]:
    return {"0_2": _("0 tot 2 weken"), "2_8": _("2 tot 8 weken"), "8_plus": _("8 weken of meer")}


def csv_rows(board: Dashboard) -> list[tuple[str, str, str]]:
    """All the figures as (section, item, value) rows: the CSV download."""
    rows: list[tuple[str, str, str]] = [
        (_("Filter"), _("Gemeente"), board.scope.municipality or _("Alle")),
        (_("Filter"), _("Kanaal"), board.scope.channel or _("Alle")),
        (_("Filter"), _("Peildatum"), board.as_of.isoformat()),
        (_("Filter"), _("Geteld om"), board.computed_at.isoformat(timespec="minutes")),
    ]
    section = _("Nieuwe meldingen per week")
    rows += [(section, monday.isoformat(), str(count)) for monday, count in board.weekly]
    section = _("Zaken per status")
    rows += [(section, str(State(state).label), str(count)) for state, count in board.states.items()]
    rows.append((section, _("In behandeling"), str(board.in_progress)))
    section = _("Tijd tot het eerste besluit (dagen)")
    times = board.times
    rows += [
        (section, _("Aantal besluiten"), str(times.count)),
        (section, _("Mediaan, kalenderdagen"), days(times.median_days)),
        (section, _("90e percentiel, kalenderdagen"), days(times.p90_days)),
        (section, _("Mediaan, zonder opschorting"), days(times.median_awb_days)),
        (section, _("90e percentiel, zonder opschorting"), days(times.p90_awb_days)),
    ]
    section = _("Termijn verstreken")
    labels = overdue_labels()
    rows += [(section, labels[key], str(board.overdue[key])) for key, _first, _last in OVERDUE_BANDS]
    section = _("Acuut onveilig")
    urgent = board.urgent
    rows += [
        (section, _("Totaal"), str(urgent["total"])),
        (section, _("Bezoek binnen 48 uur"), str(urgent["on_time"])),
        (section, _("Bezoek te laat"), str(urgent["late"])),
        (section, _("Nog geen bezoek, termijn loopt"), str(urgent["waiting"])),
        (section, _("Nog geen bezoek, termijn verstreken"), str(urgent["missed"])),
    ]
    section = _("Bezwaren")
    objection = board.objections
    rows += [
        (section, _("Totaal"), str(objection["total"])),
        (section, _("In behandeling"), str(objection["open"])),
        (section, _("Gegrond"), str(objection["well_founded"])),
        (section, _("Ongegrond"), str(objection["unfounded"])),
        (section, _("Te laat ingediend"), str(objection["late"])),
        (section, _("Heropende zaken"), str(board.reopened)),
    ]
    section = _("Besluiten en bedragen")
    money = board.amounts
    rows += [
        (section, _("Zaken met een besluit"), str(money["decided"])),
        (section, _("Toegekend"), str(money["granted"])),
        (section, _("Gedeeltelijk toegekend"), str(money["partly_granted"])),
        (section, _("Afgewezen"), str(money["rejected"])),
        (section, _("Buiten behandeling"), str(money["not_admissible"])),
        (section, _("Bedrag toegekend (euro)"), str(money["awarded"])),
        (section, _("Bedrag uitbetaald (euro)"), str(money["paid"])),
    ]
    section = _("Per gemeente")
    for row in board.municipalities:
        name = row["municipality"]
        rows += [
            (section, f"{name}: " + _("ingediend"), str(row["submitted"])),
            (section, f"{name}: " + _("in behandeling"), str(row["in_progress"])),
            (section, f"{name}: " + _("besloten"), str(row["decided"])),
            (section, f"{name}: " + _("toegekend (euro)"), str(row["awarded"])),
        ]
    return rows
