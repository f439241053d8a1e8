"""Objections (bezwaar) for decision makers at /besluiten/bezwaren/: the queue, and per claim the objection, the
decision it is against, the timeline, and the handler's work: take it on, plan the hearing and record it, decide.

Who: decision makers only (anyone else 403; not logged in: the login page). A claim is found through
`objections_visible_to` (else 404). Who decided or advised on the claim may not handle its objection (four
eyes): the queue shows such a claim without a link, and its pages answer 403.

Each form posts to its own address; with errors the page comes back with the form as typed (400), refused by
the service with its message (409), done: back to the page (PRG), or to the queue once decided. A form sent
twice does its work once (casework/views/once.py).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from claims import roles as R
from claims.access import role_required
from claims.access_log import Action, access_record
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Claim, DamageItem, Letter, Outcome
from claims.progress import euro
from claims.timeutil import today

from ..attention import DUE_SOON, LEVEL_LABELS, OVERDUE, due_soon_limit
from ..forms.objections import DecideForm, HearingForm, TakeForm
from ..models import Decision, ItemAdvice, Objection, Plausibility
from ..services.objections import (
    may_handle,
    objected_decision,
    objection_decide,
    objection_hearing,
    objection_queue,
    objection_take,
    objections_visible_to,
    open_objection,
)
from ..timeline import person_name, timeline_for
from .caseload import page_number
from .once import sent_once

decision_maker_required = role_required(R.DECISION_MAKER)
PER_PAGE = 50


# --- the term ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    """The 12-week term of Awb 7:10 as the pages show it."""

    due: dt.date | None
    days_left: int | None
    level: str  # OVERDUE, DUE_SOON or ""

    @property
    def days_late(self) -> int:
        return -self.days_left if self.days_left is not None and self.days_left < 0 else 0

    @property
    def label(self) -> str:
        return str(LEVEL_LABELS.get(self.level, ""))


def term_for(due: dt.date | None, *, on: dt.date, limit: dt.date) -> Term:
    if due is None:
        return Term(None, None, "")
    level = OVERDUE if due < on else DUE_SOON if due <= limit else ""
    return Term(due, (due - on).days, level)


# --- the queue -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueRow:
    claim: Claim
    objection: Objection | None
    excluded: bool  # four eyes: this user decided or advised on the claim
    term: Term


@decision_maker_required
@never_cache
@require_safe
def objections_queue(request):
    on = today()
    limit = due_soon_limit(on)
    page = Paginator(objection_queue(request.user), PER_PAGE).get_page(page_number(request.GET.get("page")))
    rows = [
        QueueRow(claim=claim, objection=next(iter(claim.open_objections), None), excluded=claim.excluded,
                 term=term_for(claim.objection_decision_due, on=on, limit=limit))
        for claim in page.object_list
    ]
    return render(request, "casework/objections/queue.html", {"page": page, "rows": rows})


# --- one claim -----------------------------------------------------------------------------------------------

def _claim(request, reference: str) -> Claim:
    visible = objections_visible_to(request.user).select_related("property", "applicant", "caseworker")
    return get_object_or_404(visible, reference=reference)


def _forbidden(request, claim: Claim, message=None):
    message = message or _("U hebt eerder over deze zaak besloten of geadviseerd. Een collega behandelt het "
                           "bezwaar (vier ogen).")
    return render(request, "casework/objections/forbidden.html", {"claim": claim, "message": message}, status=403)


def _page_url(claim: Claim, anchor: str = "") -> str:
    url = reverse("casework:objection_claim", kwargs={"reference": claim.reference})
    return f"{url}#{anchor}" if anchor else url


def outcome_label(code: str) -> str:
    return str(Outcome(code).label) if code in Outcome.values else code


def _letter_url(claim: Claim, decision: Decision | None) -> str:
    if decision is None:
        return ""
    letter = Letter.objects.filter(claim=claim, key=f"decision:{decision.pk}").only("document_id").first()
    if letter is None or letter.document_id is None:
        return ""
    return reverse("claims:document_download", args=[letter.document_id])


def _decide_form(claim: Claim, decision: Decision | None, items: list[DamageItem], data=None) -> DecideForm:
    """Starts as decided: per damage item the plausibility and amount of the decision, and the commission's
    percentage for an item decided as "partly"."""
    before = {row.damage_item_id: row for row in decision.items.all()} if decision else {}
    advised = {}
    if decision is not None and decision.advice_id is not None:
        advised = dict(ItemAdvice.objects.filter(advice_id=decision.advice_id, plausibility=Plausibility.PARTLY)
                       .values_list("damage_item_id", "percentage"))
    rows = []
    for item in items:
        row = before.get(item.pk)
        if row is None:
            rows.append((item, "", None, None))
        else:
            partly = row.plausibility == Plausibility.PARTLY
            rows.append((item, row.plausibility, row.amount, advised.get(item.pk) if partly else None))
    return DecideForm(data, items=rows)


def _page(request, claim: Claim, *, bound: dict | None = None, status: int = 200):
    """The objection page; `bound` holds the one form that was sent back with errors, by its key."""
    bound = bound or {}
    user = request.user
    on = today()
    objection = open_objection(claim)
    decision = objected_decision(claim)
    decided_items = list(decision.items.all()) if decision else []
    items = list(claim.damage_items.order_by("position", "pk"))
    before = {row.damage_item_id: row for row in decided_items}
    for item in items:
        row = before.get(item.pk)
        item.before_plausibility = row.get_plausibility_display() if row else ""
        item.before_amount = euro(row.amount) if row else ""
    handler = objection.handler if objection else None
    mine = handler is not None and handler.pk == user.pk
    other = handler is not None and not mine and handler.is_active
    context = {
        "claim": claim,
        "objection": objection,
        "handler_name": person_name(handler) if handler else "",
        "mine": mine,
        "other_handler": other,
        "term": term_for(claim.objection_decision_due, on=on, limit=due_soon_limit(on)),
        "decision": decision,
        "decision_total": euro(decision.total) if decision else "",
        "decision_outcome": outcome_label(decision.outcome) if decision else "",
        "decision_letter_url": _letter_url(claim, decision),
        "items": items,
        "award": euro(claim.awarded_amount or 0),
        "timeline": timeline_for(claim).entries,
        "has_errors": bool(bound),
    }
    if objection is not None and not other:
        if not mine:
            context["take_form"] = bound.get("take") or TakeForm()
        else:
            context["hearing_form"] = bound.get("hearing") or HearingForm.for_objection(objection)
            context["decide_form"] = bound.get("decide") or _decide_form(claim, decision, items)
    return render(request, "casework/objections/claim.html", context, status=status)


@decision_maker_required
@never_cache
@require_safe
def objection_claim(request, reference: str):
    claim = _claim(request, reference)
    if not may_handle(request.user, claim):
        return _forbidden(request, claim)
    access_record(request=request, claim=claim, action=Action.DOSSIER_OPENED)
    return _page(request, claim)


def _handle(request, claim: Claim, key: str, form, act, *, done_url: str):
    """A posted form: errors → the page with the form (400); refused → the page with the message (409);
    forbidden → 403; done (or sent before) → `done_url`."""
    if not form.is_valid():
        return _page(request, claim, bound={key: form}, status=400)
    try:
        with sent_once(request, form) as first:
            if first:
                messages.success(request, act())
    except TransitionForbidden as refusal:
        return _forbidden(request, claim, refusal.message)
    except TransitionRefused as refusal:
        form.add_error(None, refusal.message)
        return _page(request, claim, bound={key: form}, status=refusal.status_code)
    return redirect(done_url)


def _post(view=None, *, once_done: bool = False):
    """POST only, by a decision maker, on a claim they see and may handle (else 404 or 403). With `once_done`, a
    form sent again after this user decided the objection (the claim has left `objection`, so it is no longer
    found) goes back to the queue with "sent before" instead of a 404."""
    if view is None:
        return lambda func: _post(func, once_done=once_done)

    @decision_maker_required
    @never_cache
    @require_POST
    def wrapper(request, reference: str):
        claim = objections_visible_to(request.user).select_related(
            "property", "applicant", "caseworker").filter(reference=reference).first()
        if claim is None:
            if once_done and Decision.objects.filter(claim__reference=reference, kind=Decision.Kind.OBJECTION,
                                                     decided_by=request.user).exists():
                messages.info(request, _("Dit formulier was al verstuurd. Het is één keer verwerkt."))
                return redirect("casework:objections_queue")
            raise Http404
        if not may_handle(request.user, claim):
            return _forbidden(request, claim)
        return view(request, claim)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@_post
def objection_take_view(request, claim: Claim):
    form = TakeForm(request.POST)

    def act() -> str:
        objection_take(claim=claim, actor=request.user)
        return _("U behandelt dit bezwaar.")

    return _handle(request, claim, "take", form, act, done_url=_page_url(claim, "werk"))


@_post
def objection_hearing_view(request, claim: Claim):
    objection = open_objection(claim) or Objection(claim=claim)
    form = HearingForm.for_objection(objection, data=request.POST)

    def act() -> str:
        kwargs = form.service_kwargs()
        objection_hearing(claim=claim, actor=request.user, **kwargs)
        if kwargs["notes"]:
            return _("Het verslag van de hoorzitting is opgeslagen.")
        return _("De hoorzitting is gepland.")

    return _handle(request, claim, "hearing", form, act, done_url=_page_url(claim, "hoorzitting"))


@_post(once_done=True)
def objection_decide_view(request, claim: Claim):
    decision = objected_decision(claim)
    items = list(claim.damage_items.order_by("position", "pk"))
    form = _decide_form(claim, decision, items, data=request.POST)

    def act() -> str:
        kwargs = form.service_kwargs()
        made = objection_decide(claim=claim, actor=request.user, **kwargs)
        claim.refresh_from_db(fields=["status"])
        if kwargs["well_founded"]:
            text = _("Het bezwaar van zaak %(reference)s is gegrond. Het nieuwe bedrag is %(total)s.")
        else:
            text = _("Het bezwaar van zaak %(reference)s is ongegrond. Het besluit blijft staan.")
        return text % {"reference": claim.reference, "total": euro(made.total)} + " " + _(
            "De aanvrager krijgt een brief. De zaak staat nu op ‘%(state)s’.") % {
            "state": claim.get_status_display()}

    return _handle(request, claim, "decide", form, act, done_url=reverse("casework:objections_queue"))

