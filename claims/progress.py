"""Where a claim stands, in plain words: the resident's eight steps, what happens next and by when.

Pure functions over the claim, its transitions and its decision clock. They run no queries of their own
(the caller passes the transitions and the clock), so a list of claims costs no extra queries; only
`termijnen.add_working_days` reads the holiday table, which it caches per process.

Only resident-safe facts leave this module: the reason of a transition is shown only where it was written
for the resident (the question of an info request, the reason of a not-admissible decision or of a
decision). Every other reason is an internal note and never appears.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import termijnen
from .deadlines import DecisionClock
from .models import Claim, ClaimTransition, ClockEvent, DamageKind, Inspection, Letter, Outcome, Payment
from .states import OPEN_STATES, State

S = State
GUIDE_WORKING_DAYS = 5  # the promise on the receipt: a fixed case guide within five working days

# The resident's steps, in order (DESIGN.md lifecycle folded into what a resident recognises).
STEPS: tuple[tuple[str, str], ...] = (
    ("received", gettext_lazy("Melding ontvangen")),
    ("guide", gettext_lazy("Zaakbegeleider")),
    ("inspection", gettext_lazy("Schade-opname")),
    ("advice", gettext_lazy("Adviesrapport")),
    ("response", gettext_lazy("Zienswijze")),
    ("commission", gettext_lazy("Commissie")),
    ("decision", gettext_lazy("Besluit")),
    ("settlement", gettext_lazy("Uitbetaling of herstel")),
)
STEP_KEYS = tuple(key for key, _label in STEPS)
STEP_OF_STATE: dict[str, str] = {
    S.SUBMITTED: "received",
    S.INTAKE: "guide",
    S.INFO_REQUESTED: "guide",
    S.INSPECTION: "inspection",
    S.ADVICE_DRAFT: "advice",
    S.RESPONSE_PERIOD: "response",
    S.COMMISSION_REVIEW: "commission",
    S.DECISION_PENDING: "decision",
    S.DECIDED: "decision",
    S.OBJECTION: "decision",
    S.NOT_ADMISSIBLE: "decision",
    S.SETTLEMENT: "settlement",
}
# The marks a step on the timeline can have.
DONE, CURRENT, UPCOMING, SKIPPED = "done", "current", "upcoming", "skipped"

# Transitions whose reason was written for the resident (everything else is internal).
RESIDENT_FACING_REASONS = frozenset({"request_info", "declare_not_admissible", "decide"})


def long_date(day: dt.date | None) -> str:
    """'vrijdag 17 april 2026' in the active language."""
    return date_format(day, "l j F Y") if day else ""


def euro(amount: Decimal | int | str) -> str:
    """'€ 4.250,00' in Dutch, '€4,250.00' in English (GLOSSARY.md)."""
    grouped = f"{Decimal(amount):,.2f}"
    if (translation.get_language() or "nl").startswith("en"):
        return f"€{grouped}"
    return "€ " + grouped.replace(",", " ").replace(".", ",").replace(" ", ".")


# --- the status box ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    """What the status box and the list say about one claim."""

    state: str
    title: str  # where the claim stands, in plain words
    meaning: str  # what that means for you
    detail: str = ""  # resident-facing text of the step (the question asked, the reason given)
    action: str = ""  # what you can do now ("" when nothing)
    action_due: dt.date | None = None
    waiting_on_you: bool = False  # the claim cannot go on without you
    asked: str = ""  # one line for the list: what is asked of you or open to you, with its date
    next_step: str = ""
    next_when: str = ""
    next_due: dt.date | None = None
    final: bool = False


def status(claim: Claim, *, transitions: Sequence[ClaimTransition] = (), clock: DecisionClock | None = None,
           today: dt.date, inspection: Inspection | None = None, route: str = "") -> Status:
    """The plain-words status of a claim. Without `clock` the stored `decision_due` is used (lists). With
    `inspection` (the current one, see claims.services.portal.current_inspection) the appointment is told;
    with `route` (from the decision letter, see `decision_summary`) how the award is paid or repaired."""
    decision_due = clock.due if clock is not None else claim.decision_due
    if claim.status == S.INSPECTION:
        return _inspection(claim, transitions=list(transitions), decision_due=decision_due, today=today,
                           inspection=inspection)
    if claim.status in (S.DECIDED, S.SETTLEMENT):
        builder = _decided if claim.status == S.DECIDED else _settlement
        return builder(claim, transitions=list(transitions), decision_due=decision_due, today=today, route=route)
    builder = _BUILDERS[claim.status]
    return builder(claim, transitions=list(transitions), decision_due=decision_due, today=today)


def _last(transitions: Sequence[ClaimTransition], name: str) -> ClaimTransition | None:
    return next((t for t in reversed(transitions) if t.name == name), None)


def _by(due: dt.date | None) -> str:
    return _("Uiterlijk %(date)s.") % {"date": long_date(due)} if due else ""


def _within_term(decision_due: dt.date | None) -> str:
    if decision_due is None:
        return _("Binnen de beslistermijn.")
    return _("Binnen de beslistermijn. U krijgt ons besluit uiterlijk %(date)s.") % {"date": long_date(decision_due)}


def _draft(claim, *, transitions, decision_due, today) -> Status:
    return Status(
        state=claim.status,
        title=_("Nog niet verstuurd"),
        meaning=_("U bent een melding begonnen, maar u hebt hem nog niet verstuurd. "
                  "Wij kunnen pas beginnen als wij uw melding hebben."),
        action=_("Maak uw melding af en verstuur hem."),
        waiting_on_you=True,
        asked=_("Uw melding is nog niet verstuurd. Maak hem af en verstuur hem."),
        next_step=_("Wij ontvangen uw melding en sturen u een ontvangstbevestiging."),
    )


def _submitted(claim, *, transitions, decision_due, today) -> Status:
    received = timezone.localtime(claim.submitted_at).date() if claim.submitted_at else today
    guide_by = termijnen.add_working_days(received, GUIDE_WORKING_DAYS)
    return Status(
        state=claim.status,
        title=_("Wij hebben uw melding ontvangen"),
        meaning=_("Wij zoeken een vaste zaakbegeleider voor u. Die helpt u bij elke stap."),
        next_step=_("U krijgt een vaste zaakbegeleider."),
        next_due=guide_by,
        next_when=_("Binnen 5 werkdagen: uiterlijk %(date)s.") % {"date": long_date(guide_by)},
    )


def _intake(claim, *, transitions, decision_due, today) -> Status:
    return Status(
        state=claim.status,
        title=_("Uw zaakbegeleider bekijkt uw melding"),
        meaning=_("Uw zaakbegeleider kijkt of uw melding compleet is en of hij onder de regeling valt. "
                  "Mist er iets? Dan vragen wij het u."),
        next_step=_("Een deskundige komt bij u langs om de schade te bekijken. U hoort vooraf wanneer."),
        next_due=decision_due,
        next_when=_within_term(decision_due),
    )


def _info_requested(claim, *, transitions, decision_due, today) -> Status:
    asked = _last(transitions, "request_info")
    due = claim.reply_due
    late = due is not None and today > due
    if due is None:
        asked_line = _("Wij wachten op uw aanvulling.")
    elif late:
        asked_line = _("Wij wachten op uw aanvulling. Die had er uiterlijk %(date)s moeten zijn. "
                       "Stuur hem zo snel mogelijk.") % {"date": long_date(due)}
    else:
        asked_line = _("Wij wachten op uw aanvulling, uiterlijk %(date)s.") % {"date": long_date(due)}
    return Status(
        state=claim.status,
        title=_("Wij wachten op informatie van u"),
        meaning=_("Wij hebben meer informatie van u nodig om verder te kunnen. Zolang wij wachten, staat de "
                  "termijn voor ons besluit stil. Ons besluit komt dan later."),
        detail=asked.reason if asked else "",
        action=_("Stuur ons de informatie die wij vragen. Dat kan hier online, per post of aan het loket."),
        action_due=due,
        waiting_on_you=True,
        asked=asked_line,
        next_step=_("U stuurt ons uw antwoord. Daarna gaat uw zaakbegeleider verder met uw melding."),
        next_due=due,
        next_when=(_("Uw antwoord moet er uiterlijk %(date)s zijn.") % {"date": long_date(due)}) if due else "",
    )


def _inspection(claim, *, transitions, decision_due, today, inspection: Inspection | None = None) -> Status:
    meaning = _("Een onafhankelijke deskundige komt bij u thuis en bekijkt de schade.")
    if inspection is not None:
        planned = inspection.starts_at if inspection.status == Inspection.Status.PLANNED else None
        visited = inspection.status == Inspection.Status.DONE or inspection.visited_at is not None
    else:  # without the inspection at hand (lists): what planning the inspection recorded, if anything
        planned, visited = _planned_visit(_last(transitions, "plan_inspection")), False
    if visited or (planned is not None and timezone.localtime(planned).date() < today):
        meaning += " " + _("De deskundige is bij u geweest.")
    elif planned is not None:
        meaning += " " + _("De deskundige komt op %(date)s om %(time)s uur.") % {
            "date": long_date(timezone.localtime(planned).date()),
            "time": date_format(timezone.localtime(planned), "H:i"),
        }
    else:
        meaning += " " + _("Wij plannen nu de afspraak met de deskundige. U krijgt een brief met de datum en de tijd.")
    return Status(
        state=claim.status,
        title=_("Een deskundige bekijkt de schade"),
        meaning=meaning,
        next_step=_("De deskundige schrijft een adviesrapport over de schade."),
        next_due=decision_due,
        next_when=_within_term(decision_due),
    )


def _planned_visit(transition: ClaimTransition | None) -> dt.datetime | None:
    value = (transition.data or {}).get("planned_for") if transition is not None else None
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _advice_draft(claim, *, transitions, decision_due, today) -> Status:
    return Status(
        state=claim.status,
        title=_("De deskundige heeft een adviesrapport geschreven"),
        meaning=_("Uw zaakbegeleider controleert het adviesrapport. Daarna krijgt u het rapport om te lezen. "
                  "U vindt het dan ook op deze pagina."),
        next_step=_("U krijgt het conceptadvies. U mag erop reageren."),
        next_due=decision_due,
        next_when=_within_term(decision_due),
    )


def _response_period(claim, *, transitions, decision_due, today) -> Status:
    due = claim.reply_due
    open_now = due is not None and today <= due
    meaning = _("U hebt het conceptadvies gekregen. Het adviesrapport van de deskundige staat op deze pagina. "
                "Lees het rustig. Bent u het er niet mee eens, of mist er iets? Dan kunt u reageren. Dat heet een "
                "zienswijze. Reageren hoeft niet.")
    if not open_now:
        meaning = _("De tijd om te reageren op het conceptadvies is voorbij. Uw zaakbegeleider stuurt uw "
                    "dossier nu naar de commissie.")
    return Status(
        state=claim.status,
        title=_("U kunt reageren op het conceptadvies") if open_now else _("Uw zaakbegeleider rondt het advies af"),
        meaning=meaning,
        action=_("Stuur uw reactie op het conceptadvies. Dat hoeft niet.") if open_now else "",
        action_due=due if open_now else None,
        asked=(_("U kunt reageren op het conceptadvies tot en met %(date)s.") % {"date": long_date(due)})
        if open_now else "",
        next_step=_("Uw dossier gaat naar de Commissie Mijnbouwschade. Die geeft advies over uw schade."),
        next_due=due if open_now else decision_due,
        next_when=(_("Na uw reactie, of na %(date)s.") % {"date": long_date(due)}) if open_now
        else _within_term(decision_due),
    )


def _commission_review(claim, *, transitions, decision_due, today) -> Status:
    return Status(
        state=claim.status,
        title=_("De Commissie Mijnbouwschade bekijkt uw dossier"),
        meaning=_("De commissie bekijkt uw dossier: de schade, het adviesrapport van de deskundige en uw reactie. "
                  "Zij kijkt per schade of die door de mijnbouw komt, en wat het herstel kost. Daarover geeft zij "
                  "ons advies. U hoeft nu niets te doen."),
        next_step=_("Wij nemen een besluit over uw schade. U krijgt het besluit in een brief."),
        next_due=decision_due,
        next_when=_by(decision_due),
    )


def _decision_pending(claim, *, transitions, decision_due, today) -> Status:
    return Status(
        state=claim.status,
        title=_("Wij bereiden het besluit voor"),
        meaning=_("De commissie heeft ons advies gegeven. Nu neemt een medewerker van I3ML het besluit. Dat is "
                  "altijd iemand anders dan wie het advies gaf. U hoeft nu niets te doen."),
        next_step=_("U krijgt ons besluit in een brief. U ziet het besluit dan ook op deze pagina."),
        next_due=decision_due,
        next_when=_by(decision_due),
    )


def outcome_text(claim: Claim) -> str:
    if claim.outcome == Outcome.GRANTED:
        return _("Wij kennen u %(amount)s toe.") % {"amount": euro(claim.awarded_amount)}
    if claim.outcome == Outcome.PARTLY_GRANTED:
        return _("Wij kennen u een deel toe: %(amount)s.") % {"amount": euro(claim.awarded_amount)}
    if claim.outcome == Outcome.REJECTED:
        return _("Wij kennen u geen vergoeding toe.")
    return ""


def objection_used(transitions: Sequence[ClaimTransition]) -> bool:
    """The resident already objected to the current decision: after a decision on an objection the next step
    is the court (beroep), not a second objection. A new decision (after reopening) opens a new window."""
    last = next((t.name for t in reversed(transitions) if t.name in _DECISION_STEPS), None)
    return last == "file_objection"


_DECISION_STEPS = frozenset({"decide", "declare_not_admissible", "file_objection"})


def _objection_window(claim: Claim, today: dt.date) -> tuple[str, str, dt.date | None]:
    """(action, asked line, due) for a decision that can be objected to."""
    due = claim.objection_due
    if due is not None and today > due:
        return (_("De termijn voor bezwaar is voorbij. Bezwaar maken kan nog, als u uitlegt waarom u te laat "
                  "bent."), "", None)
    action = _("Bent u het niet eens met het besluit? Dan kunt u bezwaar maken.")
    asked = (_("U kunt bezwaar maken tot en met %(date)s.") % {"date": long_date(due)}) if due else ""
    return action, asked, due


def _route_next(route: str) -> str:
    """What happens with an award, by route; without a known route the general promise."""
    if route == "money":
        return _("Wij maken het bedrag over op uw bankrekening. U hoeft daarvoor niets te doen.")
    if route == "middle":
        return _("U mag kiezen: geld op uw bankrekening, of herstel van de schade. Wij nemen contact met u op.")
    if route == "repair":
        return _("Wij regelen het herstel door een aannemer of met een bouwdepot. Wij nemen contact met u op.")
    return _("Wij regelen de uitbetaling of het herstel van uw huis.")


def _decided(claim, *, transitions, decision_due, today, route: str = "") -> Status:
    decided = _last(transitions, "decide")
    action, asked, due = _objection_window(claim, today)
    next_step = _route_next(route) if claim.has_award() else _("Maakt u geen bezwaar? Dan sluiten wij uw dossier.")
    next_when = (_("Bezwaar maken kan tot en met %(date)s.") % {"date": long_date(due)}) if due else ""
    return Status(
        state=claim.status,
        title=_("Wij hebben een besluit genomen"),
        meaning=" ".join(filter(None, [outcome_text(claim), _("U leest alles in de brief met het besluit.")])),
        detail=decided.reason if decided else "",
        action=action,
        action_due=due,
        asked=asked,
        next_step=next_step,
        next_due=due,
        next_when=next_when,
    )


def objection_received_on(transitions: Sequence[ClaimTransition]) -> dt.date | None:
    filed = _last(transitions, "file_objection")
    return timezone.localtime(filed.created_at).date() if filed else None


def _objection(claim, *, transitions, decision_due, today) -> Status:
    due = claim.objection_decision_due
    received = objection_received_on(transitions)
    meaning = _("Iemand die uw eerste besluit niet heeft genomen, kijkt opnieuw naar uw schade en naar ons "
                "besluit. Misschien nodigen wij u uit om uw bezwaar uit te leggen in een gesprek. Dat heet een "
                "hoorzitting. U krijgt dan eerst een uitnodiging.")
    if received is not None:
        meaning = _("Uw bezwaar is ontvangen op %(date)s.") % {"date": long_date(received)} + " " + meaning
    return Status(
        state=claim.status,
        title=_("Wij behandelen uw bezwaar"),
        meaning=meaning,
        next_step=_("U krijgt onze beslissing op uw bezwaar in een brief."),
        next_due=due,
        next_when=_by(due),
    )


def _settlement(claim, *, transitions, decision_due, today, route: str = "") -> Status:
    amount = euro(claim.awarded_amount)
    if route == "money":
        meaning = _("Wij betalen u %(amount)s. Wij maken het geld over op uw bankrekening.") % {"amount": amount}
    elif route == "middle":
        meaning = _("Wij hebben u %(amount)s toegekend. U mag kiezen: wij maken het geld over, of wij laten de "
                    "schade herstellen. Uw zaakbegeleider bespreekt het met u.") % {"amount": amount}
    elif route == "repair":
        meaning = _("Wij hebben u %(amount)s toegekend. Dat geld is voor het herstel van uw huis: door een "
                    "aannemer, of met een bouwdepot. Een bouwdepot is geld dat apart staat voor het herstel. "
                    "Uw zaakbegeleider bespreekt het met u.") % {"amount": amount}
    else:
        meaning = _("Wij hebben u %(amount)s toegekend. Wij regelen nu de betaling of het herstel van uw huis.") % {
            "amount": amount}
    # Paying the undisputed part does not take away the right to object (only on the page: lists pass no history).
    action, asked, due = ("", "", None)
    if transitions and not objection_used(transitions):
        action, asked, due = _objection_window(claim, today)
    return Status(
        state=claim.status,
        title=_("Wij regelen de uitbetaling of het herstel"),
        meaning=meaning,
        action=action,
        action_due=due,
        asked=asked,
        next_step=_("Is het geld betaald of de schade hersteld? Dan sluiten wij uw melding af. U krijgt daarover "
                    "bericht."),
        next_when=_("Uw zaakbegeleider houdt u op de hoogte."),
    )


def _closed(claim, *, transitions, decision_due, today) -> Status:
    meaning = _("Wij hebben uw melding helemaal afgehandeld. U hoeft niets meer te doen.")
    if claim.paid_amount > 0:
        meaning += " " + _("Wij hebben u %(amount)s betaald.") % {"amount": euro(claim.paid_amount)}
    meaning += " " + _("Ziet u nieuwe schade? Dan kunt u een nieuwe melding doen.")
    return Status(
        state=claim.status,
        title=_("Uw melding is afgerond"),
        meaning=meaning,
        final=True,
    )


def _not_admissible(claim, *, transitions, decision_due, today) -> Status:
    declared = _last(transitions, "declare_not_admissible")
    action, asked, due = _objection_window(claim, today)
    return Status(
        state=claim.status,
        title=_("Wij behandelen uw melding niet"),
        meaning=_("Wij hebben besloten uw melding niet te behandelen. De reden staat hieronder en in de brief."),
        detail=declared.reason if declared else "",
        action=action,
        action_due=due,
        asked=asked,
        next_step=_("Maakt u geen bezwaar? Dan is uw melding hiermee afgesloten."),
        next_due=due,
        next_when=(_("Bezwaar maken kan tot en met %(date)s.") % {"date": long_date(due)}) if due else "",
        final=True,
    )


def _withdrawn(claim, *, transitions, decision_due, today) -> Status:
    return Status(
        state=claim.status,
        title=_("U hebt uw melding ingetrokken"),
        meaning=_("Wij behandelen uw melding niet meer. Ziet u later toch schade? Dan kunt u een nieuwe "
                  "melding doen."),
        final=True,
    )


def _on_hold(claim, *, transitions, decision_due, today) -> Status:
    return Status(
        state=claim.status,
        title=_("Uw melding ligt stil op uw verzoek"),
        meaning=_("U hebt gevraagd om even te wachten. Zolang uw melding stilligt, staat ook de termijn voor "
                  "ons besluit stil."),
        action=_("Kunnen wij weer verder? Laat het uw zaakbegeleider weten. Bel of stuur een bericht."),
        next_step=_("Wij gaan verder met uw melding zodra u dat vraagt."),
        next_when=_("Dat bepaalt u zelf."),
    )


_BUILDERS = {
    S.DRAFT: _draft,
    S.SUBMITTED: _submitted,
    S.INTAKE: _intake,
    S.INFO_REQUESTED: _info_requested,
    S.INSPECTION: _inspection,
    S.ADVICE_DRAFT: _advice_draft,
    S.RESPONSE_PERIOD: _response_period,
    S.COMMISSION_REVIEW: _commission_review,
    S.DECISION_PENDING: _decision_pending,
    S.DECIDED: _decided,
    S.OBJECTION: _objection,
    S.SETTLEMENT: _settlement,
    S.CLOSED: _closed,
    S.NOT_ADMISSIBLE: _not_admissible,
    S.WITHDRAWN: _withdrawn,
    S.ON_HOLD: _on_hold,
}


# --- the timeline -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """Something that happened, told to the resident. `detail` is only ever text written for them."""

    on: dt.date
    text: str
    detail: str = ""


@dataclass(frozen=True)
class TimelineStep:
    key: str
    label: str
    mark: str  # DONE, CURRENT, UPCOMING or SKIPPED
    reached_on: dt.date | None = None
    events: tuple[Event, ...] = field(default=())

    @property
    def is_current(self) -> bool:
        return self.mark == CURRENT


def event_for(transition: ClaimTransition) -> Event:
    """The resident-safe account of one transition: never an internal reason."""
    on = timezone.localtime(transition.created_at).date()
    data = transition.data or {}
    name = transition.name
    detail = transition.reason if name in RESIDENT_FACING_REASONS else ""
    if name == "plan_inspection":
        planned = _planned_visit(transition)
        text = _("Wij hebben een deskundige gevraagd om de schade te bekijken.")
        if planned is not None:
            text += " " + _("Afspraak: %(date)s om %(time)s uur.") % {
                "date": long_date(timezone.localtime(planned).date()),
                "time": date_format(timezone.localtime(planned), "H:i"),
            }
        return Event(on, text)
    if name == "decide":
        outcome = {
            Outcome.GRANTED: _("toegekend"), Outcome.PARTLY_GRANTED: _("gedeeltelijk toegekend"),
            Outcome.REJECTED: _("afgewezen"),
        }.get(data.get("outcome"), "")
        text = _("Wij hebben een besluit genomen: %(outcome)s.") % {"outcome": outcome} if outcome \
            else _("Wij hebben een besluit genomen.")
        amount = data.get("awarded_amount")
        if amount and Decimal(amount) > 0:
            text += " " + _("Bedrag: %(amount)s.") % {"amount": euro(amount)}
        return Event(on, text, detail)
    if name == "decide_objection":
        text = _("Wij hebben beslist op uw bezwaar: uw bezwaar is gegrond.") if data.get("well_founded") \
            else _("Wij hebben beslist op uw bezwaar: uw bezwaar is ongegrond.")
        amount = data.get("awarded_amount")
        if data.get("well_founded") and amount is not None:
            text += " " + _("Bedrag: %(amount)s.") % {"amount": euro(amount)}
        return Event(on, text)
    if name == "file_objection" and data.get("late"):
        return Event(on, _("Wij hebben uw bezwaar ontvangen, na de bezwaartermijn."))
    return Event(on, str(EVENT_TEXTS.get(name, gettext_lazy("Uw melding is een stap verder."))), detail)


EVENT_TEXTS = {
    "submit": gettext_lazy("Wij hebben uw melding ontvangen."),
    "start_intake": gettext_lazy("U hebt een vaste zaakbegeleider gekregen."),
    "request_info": gettext_lazy("Wij hebben u om meer informatie gevraagd."),
    "receive_info": gettext_lazy("Wij hebben uw aanvulling ontvangen."),
    "declare_not_admissible": gettext_lazy("Wij hebben besloten uw melding niet te behandelen."),
    "record_advice": gettext_lazy("De deskundige heeft het adviesrapport geschreven."),
    "send_advice": gettext_lazy("Wij hebben u het conceptadvies gestuurd."),
    "revise_advice": gettext_lazy("Het advies wordt aangepast. U krijgt een nieuw conceptadvies."),
    "forward_to_commission": gettext_lazy("Wij hebben uw dossier naar de Commissie Mijnbouwschade gestuurd."),
    "advise": gettext_lazy("De commissie heeft ons advies gegeven."),
    "file_objection": gettext_lazy("Wij hebben uw bezwaar ontvangen."),
    "start_settlement": gettext_lazy("Wij zijn begonnen met de uitbetaling of het herstel."),
    "close": gettext_lazy("Uw melding is afgerond."),
    "withdraw": gettext_lazy("Uw melding is ingetrokken."),
    "hold": gettext_lazy("Uw melding ligt stil op uw verzoek."),
    "resume": gettext_lazy("Wij zijn weer verder gegaan met uw melding."),
    "reopen": gettext_lazy("Wij hebben uw melding opnieuw geopend."),
}


def current_step(claim: Claim) -> str | None:
    """The step the claim is at; None for a draft and for a claim that has ended (closed, withdrawn)."""
    if claim.status == S.ON_HOLD:
        return STEP_OF_STATE.get(claim.held_from)
    return STEP_OF_STATE.get(claim.status)


def timeline(claim: Claim, transitions: Iterable[ClaimTransition]) -> list[TimelineStep]:
    """The eight steps, each marked done, current, upcoming or skipped, with what happened in it."""
    events: dict[str, list[Event]] = {key: [] for key in STEP_KEYS}
    visited: set[str] = set()
    last_step = None
    for transition in transitions:
        # A step without its own state (on hold, withdrawn, closed) belongs to the step it happened in.
        step = STEP_OF_STATE.get(transition.to_state) or last_step or STEP_OF_STATE.get(transition.from_state)
        if transition.to_state in STEP_OF_STATE:
            visited.add(STEP_OF_STATE[transition.to_state])
        if step is not None:
            events[step].append(event_for(transition))
            last_step = step

    current = current_step(claim)
    if current is not None:
        here = STEP_KEYS.index(current)
    elif claim.status in (S.CLOSED, S.WITHDRAWN) and visited:
        here = max(STEP_KEYS.index(key) for key in visited) + 1  # everything up to the last step is behind
    else:
        here = -1 if claim.status == S.DRAFT else 0

    # After these states no later step will come (unless an objection changes the decision).
    ended = claim.status in (S.CLOSED, S.WITHDRAWN, S.NOT_ADMISSIBLE) or (
        claim.status == S.DECIDED and not claim.has_award())
    steps = []
    for index, (key, label) in enumerate(STEPS):
        if index < here:
            mark = DONE if key in visited else SKIPPED
        elif index == here and claim.status not in (S.CLOSED, S.WITHDRAWN):
            mark = CURRENT
        else:
            mark = SKIPPED if ended else UPCOMING
        reached = events[key][0].on if events[key] else None
        steps.append(TimelineStep(key=key, label=str(label), mark=mark, reached_on=reached,
                                  events=tuple(events[key])))
    return steps


# --- the legal deadline ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class SuspensionLine:
    text: str  # the cause in plain words, never the internal reason
    start: dt.date
    end: dt.date | None  # None: still running
    days: int


@dataclass(frozen=True)
class Deadline:
    due: dt.date | None
    days_left: int | None
    suspended: bool
    suspensions: tuple[SuspensionLine, ...] = ()
    extension_weeks: int = 0
    extension_reason: str = ""

    @property
    def lapsed(self) -> bool:
        return self.days_left is not None and self.days_left < 0


SUSPENSION_TEXTS = {
    ClockEvent.Cause.INFO_REQUEST: gettext_lazy("Wij wachten op informatie van u"),
    ClockEvent.Cause.ON_HOLD: gettext_lazy("Aangehouden op uw verzoek"),
}


def decision_deadline(claim: Claim, clock: DecisionClock, *, today: dt.date) -> Deadline | None:
    """The decision term while it matters: from submission until the decision. None before and after."""
    if claim.status not in (*OPEN_STATES, S.ON_HOLD) or clock.due is None:
        return None
    lines = tuple(
        SuspensionLine(
            text=str(SUSPENSION_TEXTS.get(s.cause, gettext_lazy("De termijn stond stil"))),
            start=s.start,
            end=None if s.is_open(today) else s.runs_again_on(today),
            days=s.days(today),
        )
        for s in clock.suspensions
    )
    return Deadline(
        due=clock.due,
        days_left=clock.days_left(today),
        suspended=clock.suspended,
        suspensions=lines,
        extension_weeks=clock.extension_weeks,
        extension_reason=clock.extension_reason if clock.extension_weeks else "",
    )


# --- the decision, the objection and the payment, in plain words ------------------------------------------------
#
# What the decision was comes from the history (the `decide` step keeps outcome and amount); how it is paid
# (the route), per damage item, and the reasoning come from the letter the resident received: its `context`
# is the snapshot the letter was written from (claims/letters.py), so the page and the letter say the same.

DECIDED_STATES = frozenset({S.DECIDED, S.NOT_ADMISSIBLE, S.OBJECTION, S.SETTLEMENT, S.CLOSED})
PLAUSIBILITY_TEXTS = {
    "yes": gettext_lazy("Ja"),
    "partly": gettext_lazy("Voor een deel"),
    "no": gettext_lazy("Nee"),
}
ROUTE_TEXTS = {
    "money": gettext_lazy("U krijgt het bedrag in geld. Wij maken het over op uw bankrekening."),
    "middle": gettext_lazy("U mag kiezen: u krijgt het bedrag in geld op uw bankrekening, of wij laten de schade "
                           "herstellen door een aannemer."),
    "repair": gettext_lazy("Uw schade wordt hersteld. Dat doet een aannemer. Of u krijgt een bouwdepot: dat is geld "
                           "dat apart staat en dat alleen voor het herstel is."),
}


@dataclass(frozen=True)
class ItemLine:
    """One damage item of a decision, as the letter lists it."""

    position: str
    location: str
    kind: str
    plausible: str  # caused by mining? "Ja", "Voor een deel (60%)", "Nee"
    amount: str  # written out: "€ 1.250,00" ("" when the letter names none)


@dataclass(frozen=True)
class DecisionSummary:
    outcome: str  # granted, partly_granted, rejected, not_admissible
    total: Decimal
    headline: str  # "U krijgt € 4.250,00." / "Wij wijzen uw aanvraag af."
    explanation: str
    decided_on: dt.date | None
    route: str = ""
    route_text: str = ""
    reasoning: str = ""
    items: tuple[ItemLine, ...] = ()
    extras: tuple[tuple[str, str], ...] = ()  # what the total holds besides the items (allowance, interest)
    letter: Letter | None = None

    @property
    def total_text(self) -> str:
        return euro(self.total)


@dataclass(frozen=True)
class ObjectionSummary:
    received_on: dt.date | None
    late: bool
    decision_due: dt.date | None  # while we still decide: the 12-week date (Awb 7:10)
    received_letter: Letter | None = None
    decided_on: dt.date | None = None
    well_founded: bool = False
    headline: str = ""
    explanation: str = ""
    total: Decimal | None = None
    route: str = ""
    route_text: str = ""
    reasoning: str = ""
    items: tuple[ItemLine, ...] = ()
    extras: tuple[tuple[str, str], ...] = ()
    appeal_due: dt.date | None = None  # the last day to go to court (beroep), as the letter says
    letter: Letter | None = None

    @property
    def decided(self) -> bool:
        return self.decided_on is not None

    @property
    def total_text(self) -> str:
        return _euro_or_blank(self.total)


def _amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def _context(letter: Letter | None) -> dict:
    context = letter.context if letter is not None else None
    return context if isinstance(context, dict) else {}


def _items(context: dict) -> tuple[ItemLine, ...]:
    lines = []
    for item in context.get("items") or ():
        if not isinstance(item, dict):
            continue
        plausibility = item.get("plausibility", "")
        plausible = str(PLAUSIBILITY_TEXTS.get(plausibility, ""))
        if plausibility == "partly" and item.get("percentage"):
            plausible = _("Voor een deel (%(percentage)s%%)") % {"percentage": item["percentage"]}
        kind = item.get("kind", "")
        lines.append(ItemLine(
            position=str(item.get("position", "")),
            location=str(item.get("location", "")),
            kind=str(DamageKind(kind).label) if kind in DamageKind.values else str(kind or ""),
            plausible=plausible,
            amount=_euro_or_blank(_amount(item.get("amount"))),
        ))
    return tuple(lines)


EXTRA_TEXTS = (
    ("inspection_allowance", gettext_lazy("Vergoeding voor de schade-opname bij u thuis")),
    ("statutory_interest", gettext_lazy("Wettelijke rente")),
    ("other_amount", gettext_lazy("Andere kosten die wij vergoeden")),
)


def _extras(context: dict) -> tuple[tuple[str, str], ...]:
    """The lines of the total besides the damage items, as the letter lists them: (label, amount written out)."""
    lines = []
    for key, label in EXTRA_TEXTS:
        amount = _amount(context.get(key))
        if amount:
            lines.append((str(label), euro(amount)))
    return tuple(lines)


def _euro_or_blank(amount: Decimal | None) -> str:
    return euro(amount) if amount is not None else ""


def _iso_date(value) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _route_text(route: str, total: Decimal | None) -> str:
    return str(ROUTE_TEXTS[route]) if route in ROUTE_TEXTS and total else ""


def _on(transition: ClaimTransition | None) -> dt.date | None:
    return timezone.localtime(transition.created_at).date() if transition is not None else None


def _last_of(transitions: Sequence[ClaimTransition], names) -> ClaimTransition | None:
    return next((t for t in reversed(transitions) if t.name in names), None)


def _first_decision_words(outcome: str, total: Decimal) -> tuple[str, str]:
    if outcome == Outcome.GRANTED:
        return (_("U krijgt %(amount)s.") % {"amount": euro(total)},
                _("Wij kennen uw aanvraag toe. Per schade staat hieronder wat u krijgt."))
    if outcome == Outcome.PARTLY_GRANTED:
        return (_("U krijgt %(amount)s.") % {"amount": euro(total)},
                _("Wij kennen een deel van uw aanvraag toe. Niet alle schade komt volgens ons door de mijnbouw. "
                  "Per schade staat hieronder wat u krijgt."))
    if outcome == Outcome.NOT_ADMISSIBLE:
        return (_("Wij behandelen uw aanvraag niet."),
                _("U krijgt geen vergoeding. De reden staat in de brief met het besluit."))
    return (_("Wij wijzen uw aanvraag af."),
            _("U krijgt geen vergoeding. Waarom niet, leest u in de brief met het besluit."))


def decision_summary(claim: Claim, *, transitions: Sequence[ClaimTransition],
                     letter: Letter | None = None) -> DecisionSummary | None:
    """The first decision on the application (or the not-admissible decision), while it is the current one.
    `letter` is the newest decision (or not-admissible) letter; its context adds route, items and reasoning."""
    if claim.status not in DECIDED_STATES:
        return None
    step = _last_of(transitions, ("decide", "declare_not_admissible"))
    if step is None and claim.decided_at is None:
        return None
    data = (step.data or {}) if step is not None else {}
    if step is not None and step.name == "declare_not_admissible":
        outcome, total = Outcome.NOT_ADMISSIBLE, Decimal("0.00")
    else:
        outcome = data.get("outcome") or claim.outcome
        total = _amount(data.get("awarded_amount"))
        if total is None:  # no amount in the history: the claim's own, unless an objection changed it since
            total = claim.awarded_amount
    context = _context(letter)
    route = str(context.get("route") or "")
    headline, explanation = _first_decision_words(outcome, total)
    reasoning = str(context.get("reasoning") or "")
    if not reasoning and step is not None and step.name in RESIDENT_FACING_REASONS:
        reasoning = step.reason
    return DecisionSummary(
        outcome=outcome, total=total, headline=headline, explanation=explanation,
        decided_on=_on(step) or (timezone.localtime(claim.decided_at).date() if claim.decided_at else None),
        route=route, route_text=_route_text(route, total), reasoning=reasoning, items=_items(context),
        extras=_extras(context), letter=letter,
    )


def objection_summary(claim: Claim, *, transitions: Sequence[ClaimTransition], received_letter: Letter | None = None,
                      letter: Letter | None = None) -> ObjectionSummary | None:
    """The resident's objection to the current decision: received when, decided by when, and once decided the
    outcome (from the `decide_objection` step) with route, items and reasoning from the letter."""
    if claim.status not in DECIDED_STATES or not objection_used(transitions):
        return None
    filed = _last(transitions, "file_objection")
    decided = next((t for t in reversed(transitions) if t.name == "decide_objection"
                    and (t.created_at, t.pk) > (filed.created_at, filed.pk)), None)
    summary = ObjectionSummary(
        received_on=_on(filed),
        late=bool((filed.data or {}).get("late")),
        decision_due=claim.objection_decision_due if decided is None else None,
        received_letter=received_letter,
    )
    if decided is None:
        return summary
    data = decided.data or {}
    well_founded = bool(data.get("well_founded"))
    context = _context(letter)
    # The amount that counts now: a well-founded objection may set a new one; else the decision's stays.
    total = _amount(data.get("awarded_amount")) if well_founded else None
    if total is None:
        total = _amount(context.get("total")) if well_founded else None
    if total is None:
        total = claim.awarded_amount
    if well_founded:
        headline = _("Uw bezwaar is gegrond. Wij hebben ons besluit veranderd.")
        explanation = (_("U krijgt nu %(amount)s.") % {"amount": euro(total)}) if total \
            else _("U krijgt geen vergoeding.")
    else:
        headline = _("Uw bezwaar is ongegrond. Ons besluit blijft zoals het was.")
        explanation = (_("U krijgt %(amount)s, zoals in ons besluit stond.") % {"amount": euro(total)}) if total \
            else _("U krijgt geen vergoeding.")
    route = str(context.get("route") or "")
    return ObjectionSummary(
        received_on=summary.received_on, late=summary.late, decision_due=None, received_letter=received_letter,
        decided_on=_on(decided), well_founded=well_founded, headline=headline, explanation=explanation,
        total=total, route=route, route_text=_route_text(route, total),
        reasoning=str(context.get("reasoning") or ""), items=_items(context), extras=_extras(context),
        appeal_due=_iso_date(context.get("appeal_due_on")), letter=letter,
    )


@dataclass(frozen=True)
class PaymentView:
    """A payment as the resident sees it. `iban` is the full number only for an owner (DESIGN.md: IBANs are
    shown only to finance and the owner); a representative sees it masked."""

    paid: bool
    title: str
    text: str
    amount: Decimal
    paid_on: dt.date | None
    iban: str
    masked: bool
    account_holder: str
    paid_total: str = ""  # what the claim has been paid in all, written out ("" when nothing yet)

    @property
    def amount_text(self) -> str:
        return euro(self.amount)


def payment_view(payment: Payment, *, owner: bool, paid_amount: Decimal = Decimal("0.00")) -> PaymentView:
    """`paid_amount`: what the claim has been paid in all (Claim.paid_amount)."""
    paid = payment.status == Payment.Status.PAID
    paid_on = timezone.localtime(payment.paid_at).date() if paid and payment.paid_at else None
    amount = euro(payment.amount)
    if paid:
        title = (_("Betaald op %(date)s") % {"date": long_date(paid_on)}) if paid_on else _("Betaald")
        text = _("Wij hebben %(amount)s overgemaakt. Het kan een paar dagen duren voordat u het geld op uw "
                 "rekening ziet.") % {"amount": amount}
    elif payment.status == Payment.Status.EXPORTED:
        title = _("Wordt betaald")
        text = _("Wij hebben de betaling van %(amount)s naar de bank gestuurd. U krijgt een brief als het geld "
                 "is overgemaakt.") % {"amount": amount}
    else:
        title = _("Wordt betaald")
        text = _("Wij bereiden de betaling van %(amount)s voor. U krijgt een brief als het geld is "
                 "overgemaakt.") % {"amount": amount}
    return PaymentView(
        paid=paid, title=title, text=text, amount=payment.amount, paid_on=paid_on,
        iban=_grouped(payment.iban) if owner else payment.iban_masked, masked=not owner,
        account_holder=payment.account_holder if owner else "",
        paid_total=euro(paid_amount) if paid_amount > 0 else "",
    )


def _grouped(iban: str) -> str:
    compact = "".join(iban.split()).upper()
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))
