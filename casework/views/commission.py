"""The commission's pages at /commissie/: the queue, and per claim first the declaration of (no) conflict of
interest, then the read-only review dossier with the advice form. Parse, call casework.services.commission, show.

Only commission members get in (anyone else 403, anonymous visitors the login page). A claim the member may not
see (not in commission review, or one they stepped aside from) is a 404, as for a claim that does not exist.
The advice is checked on a confirmation page that shows the totals the server computed (no JavaScript needed);
recording it moves the claim to the decision maker and the member back to the queue.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
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
from claims.deadlines import decision_clock
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Claim, ClaimTransition, ClockEventKind, DocumentKind, Message, Recusal
from claims.progress import euro
from claims.timeutil import local_date, today

from ..forms.commission import AdviceForms, DeclarationForm
from ..models import Plausibility
from ..services.commission import (
    advice_record,
    advice_totals,
    amount_setting,
    commission_claims,
    commission_queue_for,
    declaration_of,
    interest_days,
    review_declare,
)
from ..timeline import timeline_for
from .caseload import page_number
from .dossier import penalty_for, suspension_rows
from .once import sent_once

PER_PAGE = 50
commission_required = role_required(R.COMMISSION)


def _visible(request):
    return commission_claims(request.user).select_related("property", "applicant", "caseworker", "expert")


def _claim_or_404(request, reference: str) -> Claim:
    return get_object_or_404(_visible(request), reference=reference)


def _claim_url(claim: Claim) -> str:
    return reverse("casework:commission_claim", kwargs={"reference": claim.reference})


# --- the queue -----------------------------------------------------------------------------------------------

@commission_required
@never_cache
@require_safe
def commission_queue(request):
    on = today()
    page = Paginator(commission_queue_for(request.user), PER_PAGE).get_page(page_number(request.GET.get("page")))
    rows = list(page.object_list)
    for claim in rows:
        claim.days_waiting = (on - local_date(claim.forwarded_at)).days if claim.forwarded_at else None
    page.object_list = rows
    return render(request, "casework/commission/queue.html", {"page": page, "today": on})


# --- one claim: declaration first, then the review ----------------------------------------------------------

def _declaration_page(request, claim: Claim, form: DeclarationForm, *, status: int = 200):
    return render(request, "casework/commission/declare.html", {
        "claim": claim, "form": form, "co_applicants": list(claim.co_applicants.all()),
    }, status=status)


def _split_documents(claim: Claim) -> dict:
    """One query for every document of the claim, sorted into what the review shows where."""
    documents = list(claim.documents.select_related("uploaded_by").order_by("created_at", "pk"))
    photos: dict[int, list] = {}
    split = {"advice_reports": [], "response_documents": [], "loose_photos": [], "other_documents": []}
    for document in documents:
        if document.kind == DocumentKind.PHOTO and document.damage_item_id:
            photos.setdefault(document.damage_item_id, []).append(document)
        elif document.kind == DocumentKind.PHOTO:
            split["loose_photos"].append(document)
        elif document.kind == DocumentKind.ADVICE_REPORT:
            split["advice_reports"].append(document)
        elif document.kind == DocumentKind.RESPONSE:
            split["response_documents"].append(document)
        elif document.kind != DocumentKind.LETTER:  # letters are in the timeline, each with its link
            split["other_documents"].append(document)
    split["photos_by_item"] = photos
    return split


def _review_page(request, claim: Claim, forms: AdviceForms | None = None, *, items=None, status: int = 200):
    on = today()
    items = items if items is not None else list(claim.damage_items.order_by("position", "pk"))
    if forms is None:
        forms = AdviceForms(items)
    documents = _split_documents(claim)
    for item in items:
        item.photos = documents["photos_by_item"].get(item.pk, [])
        item.repair_cost_text = euro(item.repair_cost) if item.repair_cost is not None else ""
    history = timeline_for(claim)
    clock = decision_clock(history.clock_events, as_of=on)
    days_left = clock.days_left(on)
    return render(request, "casework/commission/claim.html", {
        "claim": claim,
        "today": on,
        "items": items,
        "forms": forms,
        "form": forms.general,
        **documents,
        "responses": [m for m in history.messages_of(Message.Kind.RESPONSE) if m.direction == Message.Direction.IN],
        # The commission is part of the process, not of I3ML's own work: no internal notes or reassignments.
        "timeline": [entry for entry in history.entries if not entry.internal],
        "clock": clock,
        "days_left": days_left,
        "days_late": max(0, -(days_left or 0)),
        "suspensions": suspension_rows(clock, on=on),
        "penalty": penalty_for(claim, clock, on=on),
        "safety_visits": [e for e in history.clock_events if e.kind == ClockEventKind.SAFETY_VISIT],
        "may_work": False,
        "allowance_text": euro(amount_setting("inspection_allowance")),
        "interest_rate_percent": amount_setting("statutory_interest_rate") * 100,
        "interest_days": interest_days(claim.decision_due, on=on),
    }, status=status)


@commission_required
@never_cache
@require_safe
def commission_claim(request, reference: str):
    claim = _claim_or_404(request, reference)
    if declaration_of(request.user, claim) is None:
        return _declaration_page(request, claim, DeclarationForm())
    access_record(request=request, claim=claim, action=Action.DOSSIER_OPENED)
    return _review_page(request, claim)


@commission_required
@never_cache
@require_POST
def commission_declare(request, reference: str):
    claim = _visible(request).filter(reference=reference).first()
    if claim is None:
        if Recusal.objects.filter(member=request.user, claim__reference=reference).exists():
            # Sent twice after declaring a conflict: the member knows the claim; it is simply no longer theirs.
            messages.info(request, _("U hebt bij deze zaak een belangenconflict gemeld. U doet niet mee."))
            return redirect("casework:commission_queue")
        raise Http404
    form = DeclarationForm(request.POST)
    if not form.is_valid():
        return _declaration_page(request, claim, form, status=400)
    declaration = None
    try:
        with sent_once(request, form) as first:
            if first:
                declaration = review_declare(claim=claim, member=request.user, **form.service_kwargs())
    except TransitionForbidden:
        raise PermissionDenied from None
    except TransitionRefused as refused:
        if refused.code == "already_declared":
            messages.info(request, refused.message)
            return redirect(_claim_url(claim))
        form.add_error(None, refused.message)
        return _declaration_page(request, claim, form, status=refused.status_code)
    if declaration is not None and declaration.has_conflict:
        messages.success(request, _("U hebt een belangenconflict gemeld bij zaak %(reference)s. U doet niet mee aan "
                                    "deze zaak; een ander commissielid neemt hem op.") % {"reference": claim.reference})
        return redirect("casework:commission_queue")
    if declaration is not None:
        messages.success(request, _("U hebt verklaard dat u geen belangenconflict hebt. U kunt de zaak nu bekijken."))
    return redirect(_claim_url(claim))


@commission_required
@never_cache
@require_POST
def commission_advise(request, reference: str):
    claim = _visible(request).filter(reference=reference).first()
    if claim is None:
        if ClaimTransition.objects.filter(claim__reference=reference, name="advise", actor=request.user).exists():
            # Sent twice: the first one recorded the advice and the claim moved on to the decision maker.
            messages.info(request, _("Dit formulier was al verstuurd. Het advies is één keer vastgelegd."))
            return redirect("casework:commission_queue")
        raise Http404
    if declaration_of(request.user, claim) is None:
        messages.error(request, _("Verklaar eerst dat u geen belangenconflict hebt bij deze zaak."))
        return redirect(_claim_url(claim))
    items = list(claim.damage_items.order_by("position", "pk"))
    forms = AdviceForms(items, request.POST)
    if not forms.is_valid():
        return _review_page(request, claim, forms, items=items, status=400)
    action = request.POST.get("action", "check")
    if action == "change":
        return _review_page(request, claim, forms, items=items)
    if action != "record":
        return _confirmation_page(request, claim, forms, items)
    try:
        with sent_once(request, forms.general) as first:
            if first:
                advice = advice_record(claim=claim, member=request.user, **forms.service_kwargs())
                messages.success(request, _("Het advies over zaak %(reference)s is vastgelegd: %(total)s. De zaak "
                                            "gaat nu naar de besluitvormer.")
                                 % {"reference": claim.reference, "total": euro(advice.total)})
    except TransitionForbidden:
        raise PermissionDenied from None
    except TransitionRefused as refused:
        forms.general.add_error(None, refused.message)
        return _review_page(request, claim, forms, items=items, status=refused.status_code)
    return redirect("casework:commission_queue")


def _confirmation_page(request, claim: Claim, forms: AdviceForms, items):
    totals = advice_totals(claim=claim, items_total=forms.items_total,
                           inspection_allowance=forms.general.cleaned_data["inspection_allowance"], on=today())
    rows = [{"item": item, "plausibility": Plausibility(form.cleaned_data["plausibility"]).label,
             "percentage": form.cleaned_data["percentage"], "amount": euro(form.cleaned_data["amount"]),
             "reasoning": form.cleaned_data["reasoning"]}
            for item, form in zip(items, forms.items, strict=True)]
    return render(request, "casework/commission/confirm.html", {
        "claim": claim, "forms": forms, "form": forms.general, "rows": rows, "totals": totals,
        "items_total_text": euro(totals.items_total), "allowance_text": euro(totals.inspection_allowance),
        "interest_text": euro(totals.statutory_interest), "total_text": euro(totals.total),
    })
