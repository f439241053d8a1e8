"""The dossier's timeline for staff: every transition, letter, note, call, handover, message, reassignment and
clock event of one claim, newest first.

One query per source, whatever the number of entries (no query per row): each source is read with the
people it names joined in. The rows are returned as well, so the dossier page reuses them (the handover
note, the expert objections, the decision clock) instead of reading them again.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import Claim, ClaimTransition, ClockEvent, Letter, Message
from claims.states import State
from claims.templatetags.labels import day_text, display, moment_text

from .models import Note, Reassignment

# Sources, in the order they appear when two entries share a moment (a step before what it caused).
TRANSITION, CLOCK, LETTER, REASSIGNMENT, NOTE, MESSAGE = "transition", "clock", "letter", "reassignment", "note", \
    "message"
_RANK = {TRANSITION: 0, CLOCK: 1, LETTER: 2, REASSIGNMENT: 3, NOTE: 4, MESSAGE: 5}

# The staff's name for each step (the button, the form's title and the timeline line).
TRANSITION_LABELS = {
    "submit": gettext_lazy("Melding indienen"),
    "start_intake": gettext_lazy("Zaakbegeleider toewijzen"),
    "request_info": gettext_lazy("Informatie opvragen"),
    "receive_info": gettext_lazy("Aanvulling ontvangen"),
    "declare_not_admissible": gettext_lazy("Buiten behandeling stellen"),
    "plan_inspection": gettext_lazy("Deskundige kiezen"),
    "record_advice": gettext_lazy("Adviesrapport ontvangen"),
    "send_advice": gettext_lazy("Conceptadvies versturen"),
    "revise_advice": gettext_lazy("Advies laten aanpassen"),
    "forward_to_commission": gettext_lazy("Naar de commissie sturen"),
    "advise": gettext_lazy("Advies van de commissie vastleggen"),
    "decide": gettext_lazy("Besluit nemen"),
    "file_objection": gettext_lazy("Bezwaar vastleggen"),
    "decide_objection": gettext_lazy("Beslissen op bezwaar"),
    "start_settlement": gettext_lazy("Uitbetaling of herstel starten"),
    "close": gettext_lazy("Zaak afsluiten"),
    "withdraw": gettext_lazy("Intrekken namens de aanvrager"),
    "hold": gettext_lazy("Aanhouden op verzoek van de aanvrager"),
    "resume": gettext_lazy("Behandeling hervatten"),
    "reopen": gettext_lazy("Zaak heropenen"),
}


# What happened, in the timeline.
TRANSITION_DONE = {
    "submit": gettext_lazy("Melding ingediend"),
    "start_intake": gettext_lazy("Zaakbegeleider toegewezen"),
    "request_info": gettext_lazy("Informatie opgevraagd"),
    "receive_info": gettext_lazy("Aanvulling ontvangen"),
    "declare_not_admissible": gettext_lazy("Buiten behandeling gesteld"),
    "plan_inspection": gettext_lazy("Deskundige gekozen"),
    "record_advice": gettext_lazy("Adviesrapport ontvangen"),
    "send_advice": gettext_lazy("Conceptadvies verstuurd"),
    "revise_advice": gettext_lazy("Advies gaat terug voor aanpassing"),
    "forward_to_commission": gettext_lazy("Naar de commissie gestuurd"),
    "advise": gettext_lazy("Advies van de commissie vastgelegd"),
    "decide": gettext_lazy("Besluit genomen"),
    "file_objection": gettext_lazy("Bezwaar ontvangen"),
    "decide_objection": gettext_lazy("Beslist op bezwaar"),
    "start_settlement": gettext_lazy("Uitbetaling of herstel gestart"),
    "close": gettext_lazy("Zaak afgesloten"),
    "withdraw": gettext_lazy("Melding ingetrokken"),
    "hold": gettext_lazy("Zaak aangehouden"),
    "resume": gettext_lazy("Behandeling hervat"),
    "reopen": gettext_lazy("Zaak heropend"),
}


def person_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or user.get_username()


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: dt.datetime
    source: str  # TRANSITION, CLOCK, LETTER, REASSIGNMENT, NOTE, MESSAGE
    title: str
    body: str = ""
    by: str = ""  # who did it; "" for the system or the resident
    details: tuple[str, ...] = ()
    link_url: str = ""
    link_label: str = ""
    kind: str = ""  # the source's own kind (note/call/handover, message kind, clock kind, step name)
    internal: bool = False  # never shown to the resident (notes, calls, handovers, reassignments)
    pk: int = 0

    @property
    def sort_key(self) -> tuple:
        return (self.at, _RANK[self.source], self.pk)

    @property
    def at_iso(self) -> str:
        """The moment in local time, as the template filter date:'c' writes it."""
        return _local(self.at).isoformat()

    @property
    def at_text(self) -> str:
        """'7 januari 2026, 09:30', as the template filter date:"j F Y, H:i" writes it, at a fraction of the cost."""
        return moment_text(_local(self.at), sep=",")


@dataclass
class Timeline:
    entries: list[Entry] = field(default_factory=list)
    transitions: list[ClaimTransition] = field(default_factory=list)
    clock_events: list[ClockEvent] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    reassignments: list[Reassignment] = field(default_factory=list)

    @property
    def handover(self) -> Note | None:
        """The newest handover note: what the guide who has the claim now should read first."""
        return next((n for n in self.notes if n.kind == Note.Kind.HANDOVER), None)

    def messages_of(self, kind: str) -> list[Message]:
        return [m for m in self.messages if m.kind == kind]


def _state_label(code: str) -> str:
    return str(State(code).label) if code in State.values else code


def _transition(row: ClaimTransition) -> Entry:
    label = TRANSITION_DONE.get(row.name, row.name)
    details = [_("Van ‘%(from)s’ naar ‘%(to)s’") % {"from": _state_label(row.from_state),
                                                   "to": _state_label(row.to_state)}]
    if row.actor_id is None:
        details.append(_("Gedaan door het systeem"))
    return Entry(at=row.created_at, source=TRANSITION, title=str(label), body=row.reason, by=person_name(row.actor),
                 details=tuple(details), kind=row.name, pk=row.pk)


def _clock(row: ClockEvent) -> Entry:
    details = [_("Datum: %(date)s") % {"date": day_text(row.on_date)}]
    if row.cause:
        details.append(display(row, "cause"))
    if row.due_date:
        details.append(_("Uiterlijk: %(date)s") % {"date": day_text(row.due_date)})
    if row.weeks:
        details.append(_("%(weeks)s weken") % {"weeks": row.weeks})
    return Entry(at=row.created_at, source=CLOCK, title=display(row, "kind"), body=row.reason,
                 by=person_name(row.actor), details=tuple(details), kind=row.kind, pk=row.pk)


def _letter(row: Letter) -> Entry:
    url = reverse("claims:document_download", args=[row.document_id]) if row.document_id else ""
    details = (display(row, "status"),) if not row.document_id else ()
    return Entry(at=row.created_at, source=LETTER, title=_("Brief: %(kind)s") % {"kind": display(row, "kind")},
                 details=details, link_url=url, link_label=_("Brief (pdf) openen") if url else "", kind=row.kind,
                 pk=row.pk)


def _note(row: Note) -> Entry:
    details = []
    if row.kind == Note.Kind.CALL:
        details.append(display(row, "direction"))
        if row.spoke_with:
            details.append(_("Gesproken met: %(name)s") % {"name": row.spoke_with})
    return Entry(at=row.created_at, source=NOTE, title=display(row, "kind"), body=row.body,
                 by=person_name(row.author), details=tuple(details), kind=row.kind, internal=True, pk=row.pk)


def _message(row: Message) -> Entry:
    if row.direction == Message.Direction.OUT:
        title = _("Bericht aan de aanvrager")
    else:
        title = _("Van de aanvrager: %(kind)s") % {"kind": display(row, "kind")}
    details = []
    if row.phone:
        details.append(_("Telefoonnummer: %(phone)s") % {"phone": row.phone})
    if row.direction == Message.Direction.IN and row.author_id is not None and not hasattr(row.author, "person"):
        details.append(_("Vastgelegd door %(name)s") % {"name": person_name(row.author)})
    by = person_name(row.author) if row.direction == Message.Direction.OUT else ""
    return Entry(at=row.created_at, source=MESSAGE, title=title, body=row.body, by=by, details=tuple(details),
                 kind=row.kind, pk=row.pk)


def _reassignment(row: Reassignment) -> Entry:
    title = _("Overgedragen aan %(to)s") % {"to": person_name(row.to_guide)}
    details = (_("Was: %(from)s") % {"from": person_name(row.from_guide)},) if row.from_guide_id else ()
    return Entry(at=row.created_at, source=REASSIGNMENT, title=title, body=row.reason, by=person_name(row.actor),
                 details=details, internal=True, pk=row.pk)


def _local(at: dt.datetime) -> dt.datetime:
    return localtime(at) if is_aware(at) else at  # as the template filters: a naive time stays as it is


def timeline_for(claim: Claim) -> Timeline:
    """Six queries, one per source, for any number of entries."""
    transitions = list(ClaimTransition.objects.filter(claim=claim).select_related("actor").order_by("created_at", "pk"))
    clock_events = list(ClockEvent.objects.filter(claim=claim).select_related("actor").order_by("on_date", "pk"))
    letters = list(Letter.objects.filter(claim=claim).order_by("-created_at", "-pk"))
    notes = list(Note.objects.filter(claim=claim).select_related("author").order_by("-created_at", "-pk"))
    messages = list(Message.objects.filter(claim=claim).select_related("author__person")
                    .order_by("-created_at", "-pk"))
    reassignments = list(Reassignment.objects.filter(claim=claim)
                         .select_related("from_guide", "to_guide", "actor").order_by("-created_at", "-pk"))
    entries = [
        *map(_transition, transitions), *map(_clock, clock_events), *map(_letter, letters), *map(_note, notes),
        *map(_message, messages), *map(_reassignment, reassignments),
    ]
    entries.sort(key=lambda e: e.sort_key, reverse=True)
    return Timeline(entries=entries, transitions=transitions, clock_events=clock_events, letters=letters,
                    notes=notes, messages=messages, reassignments=reassignments)
