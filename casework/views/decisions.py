"""The decision maker's pages: the queue at /besluiten/ and, per claim, the advice and the decision form at
/besluiten/<reference>/. Parse, call casework.services.decisions, redirect to the queue (PRG).

Only decision makers open these pages (anyone else: 403; not logged in: the login page). A claim they may not
see is a 404. Four eyes: who advised on a claim as a commission member (fired `advise`) sees it in the queue
without a link, and on its page reads the advice but cannot decide (a POST gets 403).

The queue runs a fixed number of queries whatever the number of claims (one for the count, one for the page).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from claims import roles as R
from claims.access import role_required
from claims.access_log import Action, access_record
from claims.deadlines import decision_clock
from claims.errors import NOT_NOW, TransitionForbidden, TransitionRefused
from claims.models import Claim, ClaimTransition, ClockEventKind, DocumentKind, Message, Outcome
from claims.permissions import breaks_four_eyes, four_eyes_barred, may_fire
from claims.progress import euro
from claims.selectors import claims_visible_to
from claims.states import State
from claims.timeutil import local_date, today

from ..amounts import ZERO, route_for
from ..forms.decisions import DecisionForm
from ..models import CommissionAdvice, Decision, Route
from ..services.decisions import decision_make, decision_total, newest_advice
from ..timeline import timeline_for
from .caseload import page_number
from .dossier import penalty_for, suspension_rows
from .once import sent_once

decision_maker_required = role_required(R.DECISION_MAKER)
PER_PAGE = 50
ROUTE_LABELS = dict(Route.choices)


# --- reads -------------------------------------------------------------------------------------------------------

def decision_queue(user) -> QuerySet[Claim]:
    """Claims awaiting a decision that this user may see: urgent first, then the oldest advice. Each row knows
    when the commission advised, the advised total, and whether this user advised on it (four eyes)."""
    advise = ClaimTransition.objects.filter(claim=OuterRef("pk"), name="advise")
    advice = CommissionAdvice.objects.filter(claim=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        claims_visible_to(user).filter(status=State.DECISION_PENDING)
        .select_related("property")
        .annotate(advised_at=Subquery(advise.order_by("-created_at", "-pk").values("created_at")[:1]),
                  advised_total=Subquery(advice.values("total")[:1]),
                  advised_by_me=four_eyes_barred(user, "decide"))
        .order_by("-urgent", F("advised_at").asc(nulls_last=True), "pk")
    )


def decorate(claims, *, on: dt.date) -> list[Claim]:
    rows = list(claims)
    for claim in rows:
        claim.days_since_advice = (on - local_date(claim.advised_at)).days if claim.advised_at else None
        claim.advised_total_text = euro(claim.advised_total) if claim.advised_total is not None else ""
        claim.size_class = ROUTE_LABELS[route_for(claim.advised_total)] if claim.advised_total is not None else ""
    return rows


@dataclass(frozen=True)
class Totals:
    """The decision's total as the form now stands: the items, the advice's allowances, the size class."""

    complete: bool
    rejected: bool
    items_total: Decimal = ZERO
    inspection_allowance: Decimal = ZERO
    statutory_interest: Decimal = ZERO
    total: Decimal = ZERO

    @property
    def route_label(self) -> str:
        return ROUTE_LABELS[route_for(self.total)]

    def text(self, name: str) -> str:
        return euro(getattr(self, name))

    @property
    def items_total_text(self) -> str:
        return self.text("items_total")

    @property
    def inspection_allowance_text(self) -> str:
        return self.text("inspection_allowance")

    @property
    def statutory_interest_text(self) -> str:
        return self.text("statutory_interest")

    @property
    def total_text(self) -> str:
        return self.text("total")


def totals_for(form: DecisionForm, advice: CommissionAdvice | None) -> Totals:
    amounts = form.amounts()
    rejected = form.chosen_outcome() == Outcome.REJECTED
    if any(amount is None for amount in amounts):
        return Totals(complete=False, rejected=rejected)
    items_total = sum(amounts, ZERO)
    outcome = Outcome.REJECTED if rejected else Outcome.GRANTED
    return Totals(
        complete=True, rejected=rejected, items_total=ZERO if rejected else items_total,
        inspection_allowance=ZERO if rejected or advice is None else advice.inspection_allowance,
        statutory_interest=ZERO if rejected or advice is None else advice.statutory_interest,
        total=decision_total(outcome=outcome, items_total=items_total, advice=advice),
    )


# --- the queue ---------------------------------------------------------------------------------------------------

@decision_maker_required
@never_cache
@require_safe
def decisions_queue(request):
    on = today()
    page = Paginator(decision_queue(request.user), PER_PAGE).get_page(page_number(request.GET.get("page")))
    page.object_list = decorate(page.object_list, on=on)
    return render(request, "casework/decisions/queue.html", {"page": page, "claims": page.object_list})


# --- one claim ---------------------------------------------------------------------------------------------------

def forbidden(request, claim: Claim, message):
    return render(request, "casework/decisions/forbidden.html", {"claim": claim, "message": message}, status=403)


def claim_context(request, claim: Claim, advice: CommissionAdvice | None) -> dict:
    """Everything the decision maker reads before deciding: the advice, the damage, the documents, the
    zienswijze, the terms and the history. A fixed number of queries, whatever the size of the claim."""
    day = today()
    history = timeline_for(claim)
    clock = decision_clock(history.clock_events, as_of=day)
    documents = list(claim.documents.select_related("damage_item", "uploaded_by").order_by("-created_at", "-pk"))
    photos: dict[int, int] = {}
    for document in documents:
        if document.damage_item_id:
            photos[document.damage_item_id] = photos.get(document.damage_item_id, 0) + 1
    items = list(claim.damage_items.order_by("position", "pk"))
    for item in items:
        item.photo_count = photos.get(item.pk, 0)
        item.repair_cost_text = euro(item.repair_cost) if item.repair_cost is not None else ""
    if advice is not None:
        for row in advice.items.all():
            row.amount_text = euro(row.amount)
        advice.items_total_text = euro(advice.items_total)
        advice.inspection_allowance_text = euro(advice.inspection_allowance)
        advice.statutory_interest_text = euro(advice.statutory_interest)
        advice.total_text = euro(advice.total)
        advice.size_class = ROUTE_LABELS[route_for(advice.total)]
    return {
        "claim": claim,
        "today": day,
        "advice": advice,
        "items": items,
        "documents": documents,
        "responses": history.messages_of(Message.Kind.RESPONSE),
        "response_documents": [d for d in documents if d.kind == DocumentKind.RESPONSE],
        "timeline": history.entries,
        "clock": clock,
        "days_left": clock.days_left(day),
        "days_late": max(0, -(clock.days_left(day) or 0)),
        "suspensions": suspension_rows(clock, on=day),
        "penalty": penalty_for(claim, clock, on=day),
        "safety_visits": [e for e in history.clock_events if e.kind == ClockEventKind.SAFETY_VISIT],
        "inspection": None,
        "may_work": False,
    }


def _load(request, reference: str) -> Claim | None:
    """The claim, or None when this user has just decided it (a page sent again after it was done)."""
    visible = claims_visible_to(request.user).select_related("property", "applicant", "caseworker", "expert")
    claim = visible.filter(reference=reference).first()
    if claim is not None:
        return claim
    decided_by_me = Decision.objects.filter(claim__reference=reference, kind=Decision.Kind.FIRST,
                                            decided_by=request.user)
    if decided_by_me.exists():
        return None
    raise Http404


def _decide(request, claim: Claim, form: DecisionForm) -> tuple[object | None, int]:
    """Runs the posted decision once: (redirect, 0) when done; else (None, status) to show the form again, or
    (403 page, 0)."""
    if not form.is_valid():
        return None, 400
    data = form.cleaned_data
    try:
        with sent_once(request, form) as first:
            if first:
                decision = decision_make(claim=claim, actor=request.user, outcome=data["outcome"],
                                         items=form.service_items(), reasoning=data["reasoning"])
                messages.success(request, _("Het besluit over zaak %(reference)s is genomen: %(outcome)s, "
                                            "%(total)s. De aanvrager krijgt een brief.") % {
                    "reference": claim.reference, "outcome": Outcome(decision.outcome).label,
                    "total": euro(decision.total)})
    except TransitionForbidden as refusal:
        return forbidden(request, claim, refusal.message), 0
    except TransitionRefused as refusal:
        form.add_error(None, refusal.message)
        return None, refusal.status_code
    return redirect("casework:decisions_queue"), 0


@decision_maker_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def decision_claim(request, reference: str):
    claim = _load(request, reference)
    if claim is None:
        messages.info(request, _("U hebt over deze zaak al besloten."))
        return redirect("casework:decisions_queue")
    if claim.status != State.DECISION_PENDING:
        return render(request, "casework/decisions/not_now.html", {
            "claim": claim, "message": NOT_NOW.format(state=State(claim.status).label)}, status=409)
    user = request.user
    may_decide = may_fire(user, "decide", claim)
    if request.method == "POST" and not may_decide:
        return forbidden(request, claim, _("U hebt over deze zaak geadviseerd. Een collega moet besluiten."))
    advice = newest_advice(claim)
    context = claim_context(request, claim, advice)
    if request.method != "POST":
        access_record(request=request, claim=claim, action=Action.DOSSIER_OPENED)
    status = 200
    form = None
    if may_decide and advice is not None:
        items = context["items"]
        form = DecisionForm(request.POST if request.method == "POST" else None, items=items, advice=advice)
        if request.method == "POST":
            if "preview" in request.POST:
                status = 200 if form.is_valid() else 400
            else:
                done, status = _decide(request, claim, form)
                if done is not None:
                    return done
    elif request.method == "POST":
        return render(request, "casework/decisions/not_now.html", {"claim": claim, "message": _(
            "Er is nog geen advies van de commissie. Zonder advies kunt u niet besluiten.")}, status=409)
    context.update(
        form=form,
        rows=form.item_rows() if form is not None else [],
        totals=totals_for(form, advice) if form is not None else None,
        may_decide=may_decide,
        advised_by_me=not may_decide and breaks_four_eyes(user, "decide", claim),
    )
    return render(request, "casework/decisions/claim.html", context, status=status)
