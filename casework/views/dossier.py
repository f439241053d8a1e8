"""The staff dossier at /werk/zaken/<reference>/: everything about one claim on one page, and the steps and
work this user may do on it now. Parse, read, show; every change is posted to casework/views/dossier_actions.py.

Who sees it: case guides and coordinators for whom `claims_visible_to` holds the claim. Team colleagues read
only (no buttons, no forms). Everyone else gets a 404, as for a claim that does not exist.

The page runs a fixed number of queries whatever the size of the database or of the claim's history: one
per source of the timeline (casework/timeline.py), one each for damage items, documents, inspections and
co-owners, and a few fixed ones for the contact, the permissions and the choice lists of the forms.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_fsm import can_proceed

from claims import deadlines, roles, termijnen
from claims.access_log import Action, access_record
from claims.contacts import contact_for
from claims.deadlines import DecisionClock, decision_clock
from claims.models import Claim, ClockEvent, ClockEventKind, DamageItem, Inspection, Message
from claims.models.claim import TRANSITION_NAMES
from claims.permissions import may_fire, may_work_on
from claims.progress import euro
from claims.selectors import claims_visible_to
from claims.services.lifecycle import ruled_out
from claims.states import FINAL_STATES, OPEN_STATES, State
from claims.templatetags.labels import day_text, display
from claims.timeutil import local_date, today

from ..forms.dossier import work_form
from ..selectors import is_coordinator
from ..timeline import TRANSITION_LABELS, timeline_for

DOSSIER_ROLES = (roles.CASEWORKER, roles.COORDINATOR)


# --- access ----------------------------------------------------------------------------------------------------

def is_dossier_user(user) -> bool:
    return user.is_superuser or roles.has_role(user, *DOSSIER_ROLES)


def staff_only(view):
    """Logged in (else the login page) as a case guide or coordinator (else 404: nothing is given away)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_dossier_user(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def dossier_claim(request, reference: str) -> Claim:
    visible = claims_visible_to(request.user).select_related("property", "applicant", "caseworker", "expert")
    return get_object_or_404(visible, reference=reference)


def may_reassign(user, claim: Claim) -> bool:
    open_claim = claim.status not in (State.DRAFT, *FINAL_STATES)
    return open_claim and (user.is_superuser or roles.has_role(user, roles.COORDINATOR))


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    primary: bool = False


# Steps that stop or turn back the usual course: offered, but never as the main button.
SIDE_STEPS = frozenset({"withdraw", "hold", "declare_not_admissible", "revise_advice", "file_objection"})


def available_steps(user, claim: Claim) -> list[Step]:
    """Exactly the steps this user may take on this claim now: the lifecycle allows it and so do the rules.
    The usual next step comes first as the main button; stopping or turning back comes after."""
    names = [name for name in TRANSITION_NAMES
             if can_proceed(getattr(claim, name), check_conditions=False) and may_fire(user, name, claim)
             and not ruled_out(claim, name)]
    ordered = [n for n in names if n not in SIDE_STEPS] + [n for n in names if n in SIDE_STEPS]
    return [Step(name, str(TRANSITION_LABELS[name]), primary=(index == 0 and name not in SIDE_STEPS))
            for index, name in enumerate(ordered)]


# --- deadlines as staff see them --------------------------------------------------------------------------------

@dataclass(frozen=True)
class SuspensionRow:
    cause: str
    reason: str
    start: dt.date
    end: dt.date | None  # the day the clock ran again; None while it still stands still
    days: int
    reply_by: dt.date | None


@dataclass(frozen=True)
class Penalty:
    """Awb 4:17: a notice of default was received; the penalty runs after two weeks, up to 42 days."""

    notice_on: dt.date
    starts_on: dt.date
    days: int
    amount: Decimal
    max_days: int
    max_amount: Decimal
    running: bool

    @property
    def amount_text(self) -> str:
        return euro(self.amount)

    @property
    def max_amount_text(self) -> str:
        return euro(self.max_amount)


def suspension_rows(clock: DecisionClock, *, on: dt.date) -> list[SuspensionRow]:
    causes = dict(ClockEvent.Cause.choices)
    return [
        SuspensionRow(cause=str(causes.get(s.cause, s.cause or "")), reason=s.reason, start=s.start,
                      end=None if s.is_open(on) else s.runs_again_on(on), days=s.days(on), reply_by=s.reply_by)
        for s in clock.suspensions
    ]


def penalty_for(claim: Claim, clock: DecisionClock, *, on: dt.date) -> Penalty | None:
    notice_on = clock.default_notice_on
    if notice_on is None:
        return None
    until = local_date(claim.decided_at) if claim.decided_at else on
    days = deadlines.penalty_days(notice_on, until=until)
    starts_on = termijnen.term_end(notice_on, days=deadlines.PENALTY_GRACE_DAYS) + dt.timedelta(days=1)
    return Penalty(
        notice_on=notice_on, starts_on=starts_on, days=days, amount=deadlines.penalty_amount(days),
        max_days=deadlines.PENALTY_MAX_DAYS, max_amount=deadlines.penalty_amount(deadlines.PENALTY_MAX_DAYS),
        running=claim.decided_at is None and days < deadlines.PENALTY_MAX_DAYS,
    )


def may_extend(claim: Claim, events: list[ClockEvent]) -> bool:
    return claim.status in OPEN_STATES and not any(e.kind == ClockEventKind.EXTEND for e in events)


def may_record_default(claim: Claim, clock: DecisionClock, *, on: dt.date) -> bool:
    lapsed = clock.due is not None and on > clock.due
    return claim.status in (*OPEN_STATES, State.ON_HOLD) and lapsed and clock.default_notice_on is None


# --- the page ----------------------------------------------------------------------------------------------------

# Work forms without a choice list from the database: empty, their fields' HTML depends only on the language and
# the initial values, so it is rendered once per process (widget templates were a third of the page's rendering).
READY_MADE_FORMS = frozenset({"note", "call", "message", "response", "extend", "default", "visit"})


@lru_cache(maxsize=256)
def _visible_fields_html(work: str, language: str | None, initial: tuple) -> str:
    return render_to_string("casework/dossier/_visible_fields.html", {"form": work_form(work, initial=dict(initial))})


def shown_form(work: str, **kwargs):
    """An empty work form for the dossier; its hidden fields (the fresh token) are rendered with each page."""
    form = work_form(work, **kwargs)
    if work in READY_MADE_FORMS:
        form.visible_html = _visible_fields_html(work, get_language(), tuple(sorted(form.initial.items())))
    return form


def item_texts(item: DamageItem, *, photo_count: int) -> None:
    """The texts of one damage item's row, made here rather than by template tags in the loop: a claim has up to
    40 items, and a translation tag per row cost more than the rest of the row. Same msgids as the tags had."""
    item.photo_count = photo_count
    item.kind_text = display(item, "kind")
    noticed_on = item.noticed_on
    item.noticed_text = gettext("gezien sinds %(date)s") % {"date": day_text(noticed_on)} if noticed_on else ""
    item.photos_text = (ngettext("%(count)s bestand", "%(count)s bestanden", photo_count) % {"count": photo_count}
                        if photo_count else "")
    item.has_findings = bool(item.expert_verdict or item.measurements or item.expert_notes
                             or item.repair_cost is not None)
    item.repair_cost_text = euro(item.repair_cost) if item.repair_cost is not None else ""
    item.awarded_text = euro(item.awarded_amount) if item.awarded_amount is not None else ""


def dossier_context(request, claim: Claim) -> dict:
    user = request.user
    day = today()
    history = timeline_for(claim)
    clock = decision_clock(history.clock_events, as_of=day)
    documents = list(claim.documents.select_related("damage_item", "uploaded_by").order_by("-created_at", "-pk"))
    photos: dict[int, int] = {}
    for document in documents:
        if document.damage_item_id:
            photos[document.damage_item_id] = photos.get(document.damage_item_id, 0) + 1
    items = list(claim.damage_items.all())
    for item in items:
        item_texts(item, photo_count=photos.get(item.pk, 0))
    inspections = list(claim.inspections.select_related("expert").order_by("-created_at", "-pk"))
    current = next((i for i in inspections if i.status != Inspection.Status.REPLACED), None)
    works = may_work_on(user, claim)
    context = {
        "claim": claim,
        "today": day,
        "timeline": history.entries,
        "handover": history.handover,
        "expert_objections": history.messages_of(Message.Kind.EXPERT_OBJECTION),
        "clock": clock,
        "days_left": clock.days_left(day),
        "days_late": max(0, -(clock.days_left(day) or 0)),
        "suspensions": suspension_rows(clock, on=day),
        "penalty": penalty_for(claim, clock, on=day),
        "items": items,
        "documents": documents,
        "inspections": inspections,
        "inspection": current,
        "co_applicants": list(claim.co_applicants.all()),
        "contact": contact_for(claim, on=day),
        "steps": available_steps(user, claim),
        "may_work": works,
        "may_see_access_log": is_coordinator(user),
        "read_only": not works,
        "safety_visits": [e for e in history.clock_events if e.kind == ClockEventKind.SAFETY_VISIT],
    }
    if works:
        context.update(
            note_form=shown_form("note"),
            call_form=shown_form("call"),
            message_form=shown_form("message") if claim.status != State.DRAFT else None,
            response_form=shown_form("response") if claim.status == State.RESPONSE_PERIOD else None,
            extend_form=shown_form("extend") if may_extend(claim, history.clock_events) else None,
            default_form=shown_form("default") if may_record_default(claim, clock, on=day) else None,
        )
        if claim.status == State.INSPECTION and current is not None:
            context.update(schedule_form=shown_form("visit"),
                           replace_form=shown_form("replace", current=current.expert_id))
    if may_reassign(user, claim):
        context["reassign_form"] = shown_form("reassign", current=claim.caseworker_id)
    return context


@staff_only
@never_cache
@require_safe
def dossier(request, reference: str):
    claim = dossier_claim(request, reference)
    access_record(request=request, claim=claim, action=Action.DOSSIER_OPENED)
    return render(request, "casework/dossier/dossier.html", dossier_context(request, claim))
