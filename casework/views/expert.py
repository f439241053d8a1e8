"""The expert's pages at /deskundige/: their inspections, and per inspection the findings, photos and report.

An expert sees a claim only while they are its expert (`claims_visible_to`: claim.expert == user), and of it
only what the visit needs: the address, the resident's name and phone, the damage and its photos. Never
amounts, e-mail addresses, notes, letters or other claims."""

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from casework.forms.expert import AddItemForm, FindingsForm, PhotoForm, ReportForm, VisitForm
from casework.services.inspection import (
    damage_item_add_by_expert,
    damage_item_record_findings,
    damage_photo_add,
    inspection_record_visit,
    inspection_submit_report,
)
from claims import roles as R
from claims.access import role_required
from claims.access_log import Action, access_record
from claims.calendar_ics import EXPERT, inspection_ics
from claims.contacts import contact_for
from claims.errors import TransitionRefused
from claims.models import Claim, DamageItem, Document, DocumentKind, Inspection, Verdict
from claims.selectors import claims_visible_to
from claims.states import State
from claims.timeutil import now
from claims.uploads import UploadRefused

from .once import sent_once

expert_required = role_required(R.EXPERT)
Status = Inspection.Status
OPEN = (Status.CHOSEN, Status.PLANNED)
RECENT_DAYS = 90
RECENT_LIMIT = 20


# --- reads --------------------------------------------------------------------------------------------


def assigned_claims(user) -> QuerySet[Claim]:
    """The claims this user inspects now; `claims_visible_to` first, so nothing else ever slips in."""
    return claims_visible_to(user).filter(expert=user)


def expert_inspections(user) -> tuple[QuerySet[Inspection], QuerySet[Inspection]]:
    """(open, recently done) inspections of this expert, each one query whatever their number."""
    mine = (Inspection.objects.filter(expert=user, claim__in=assigned_claims(user))
            .select_related("claim", "claim__property"))
    open_ = (mine.filter(status__in=OPEN, claim__status=State.INSPECTION)
             .order_by(F("starts_at").asc(nulls_last=True), "claim__reference"))
    # updated_at is stamped by the real clock (auto_now), so it is compared with the real clock.
    done = (mine.filter(status=Status.DONE, updated_at__gte=timezone.now() - dt.timedelta(days=RECENT_DAYS))
            .order_by("-updated_at", "-pk")[:RECENT_LIMIT])
    return open_, done


def _load(user, reference: str) -> tuple[Claim, Inspection]:
    claim = get_object_or_404(assigned_claims(user).select_related("property", "applicant"), reference=reference)
    inspection = (Inspection.objects.filter(claim=claim, expert=user).exclude(status=Status.REPLACED)
                  .order_by("-created_at", "-pk").first())
    if inspection is None:
        raise Http404
    inspection.claim = claim
    return claim, inspection


def _editable(claim: Claim, inspection: Inspection) -> bool:
    return claim.status == State.INSPECTION and inspection.status in OPEN


def _anchor(key) -> str:
    """Where on the page the form with errors is, so the message at the top can lead there."""
    if isinstance(key, tuple):
        return f"item-{key[1]}"
    return {"add": "add-title", "visit": "visit", "report": "report-title"}[key]


def _visit_guess(inspection: Inspection) -> dt.datetime | None:
    """What the visit form starts with: the recorded visit, else the appointment once it has begun."""
    if inspection.visited_at is not None:
        return inspection.visited_at
    if inspection.starts_at is not None and inspection.starts_at <= now():
        return inspection.starts_at
    return None


def _page_url(claim: Claim, anchor: str = "") -> str:
    url = reverse("casework:expert_inspection", kwargs={"reference": claim.reference})
    return f"{url}#{anchor}" if anchor else url


def _page(request, claim: Claim, inspection: Inspection, *, bound: dict | None = None, status: int = 200):
    """The inspection page; `bound` holds the one form that was sent and has errors, by its key."""
    bound = bound or {}
    photos = Document.objects.filter(kind=DocumentKind.PHOTO).order_by("created_at", "pk")
    items = list(claim.damage_items.order_by("position", "pk").prefetch_related(Prefetch("documents", photos)))
    editable = _editable(claim, inspection)
    for item in items:
        item.photos = list(item.documents.all())
        if editable:
            item.findings_form = bound.get(("findings", item.pk)) or FindingsForm.for_item(item)
            item.photo_form = bound.get(("photo", item.pk)) or PhotoForm(prefix=f"photo{item.pk}")
    missing = [item for item in items
               if not item.expert_verdict or (item.expert_verdict != Verdict.NO and item.repair_cost is None)]
    context = {
        "claim": claim,
        "inspection": inspection,
        "home": claim.property,
        "resident": claim.applicant,
        "items": items,
        "other_photos": list(photos.filter(claim=claim, damage_item__isnull=True)),
        "editable": editable,
        "missing": missing,
        "contact": contact_for(claim),
        "has_errors": bool(bound),
        "error_anchor": _anchor(next(iter(bound))) if bound else "",
        # A form refused because the page is read-only now is not shown again: its message goes on top.
        "refusals": [] if editable else [error for form in bound.values() for error in form.non_field_errors()],
    }
    if editable:
        context.update(
            add_form=bound.get("add") or AddItemForm(),
            visit_form=bound.get("visit") or VisitForm(initial={"visited_at": _visit_guess(inspection)}),
            report_form=bound.get("report") or ReportForm(),
        )
    return render(request, "casework/expert/inspection.html", context, status=status)


def _handle(request, claim: Claim, inspection: Inspection, key, form, act: Callable[[], tuple[str, str]]):
    """A form posted from the inspection page. With errors, or refused by the service (with its status), the
    page again with that form as it was typed; else `act` runs once (a form sent twice does nothing the second
    time) and returns the success message and where on the page to land."""
    if not form.is_valid():
        return _page(request, claim, inspection, bound={key: form}, status=400)
    anchor = _anchor(key)
    try:
        with sent_once(request, form) as first:
            if first:
                done, anchor = act()
                messages.success(request, done)
    except (TransitionRefused, UploadRefused) as refused:
        form.add_error(None, refused.message)
        return _page(request, claim, inspection, bound={key: form}, status=getattr(refused, "status_code", 400))
    return redirect(_page_url(claim, anchor))


def _item(claim: Claim, pk: int) -> DamageItem:
    return get_object_or_404(DamageItem.objects.filter(claim=claim), pk=pk)


# --- pages --------------------------------------------------------------------------------------------


@expert_required
@never_cache
@require_safe
def expert_home(request):
    open_, done = expert_inspections(request.user)
    return render(request, "casework/expert/home.html", {"open": list(open_), "done": list(done),
                                                         "recent_days": RECENT_DAYS})


@expert_required
@never_cache
@require_safe
def expert_inspection(request, reference: str):
    claim, inspection = _load(request.user, reference)
    access_record(request=request, claim=claim, action=Action.DOSSIER_OPENED)
    return _page(request, claim, inspection)


@expert_required
@never_cache
@require_safe
def expert_ics(request, reference: str):
    claim, inspection = _load(request.user, reference)
    if inspection.starts_at is None or inspection.ends_at is None:
        raise Http404
    response = HttpResponse(inspection_ics(inspection, audience=EXPERT), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="schade-opname-{claim.reference}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@expert_required
@never_cache
@require_POST
def expert_findings(request, reference: str, item: int):
    claim, inspection = _load(request.user, reference)
    damage = _item(claim, item)
    form = FindingsForm.for_item(damage, data=request.POST)

    def act():
        damage_item_record_findings(item=damage, actor=request.user, **form.cleaned_data)
        return _("Schadepunt %(position)s is opgeslagen.") % {"position": damage.position}, f"item-{damage.pk}"

    return _handle(request, claim, inspection, ("findings", damage.pk), form, act)


@expert_required
@never_cache
@require_POST
def expert_photo(request, reference: str, item: int):
    claim, inspection = _load(request.user, reference)
    damage = _item(claim, item)
    form = PhotoForm(request.POST, request.FILES, prefix=f"photo{damage.pk}")

    def act():
        damage_photo_add(item=damage, actor=request.user, upload=form.cleaned_data["photo"])
        return (_("De foto bij schadepunt %(position)s is opgeslagen.") % {"position": damage.position},
                f"item-{damage.pk}")

    return _handle(request, claim, inspection, ("photo", damage.pk), form, act)


@expert_required
@never_cache
@require_POST
def expert_add_item(request, reference: str):
    claim, inspection = _load(request.user, reference)
    form = AddItemForm(request.POST)

    def act():
        added = damage_item_add_by_expert(claim=claim, actor=request.user, **form.cleaned_data)
        return _("Schadepunt %(position)s is toegevoegd.") % {"position": added.position}, f"item-{added.pk}"

    return _handle(request, claim, inspection, "add", form, act)


@expert_required
@never_cache
@require_POST
def expert_visit(request, reference: str):
    claim, inspection = _load(request.user, reference)
    form = VisitForm(request.POST)

    def act():
        inspection_record_visit(inspection=inspection, actor=request.user, visited_at=form.cleaned_data["visited_at"])
        return _("Het bezoek is vastgelegd."), "visit"

    return _handle(request, claim, inspection, "visit", form, act)


@expert_required
@never_cache
@require_POST
def expert_report(request, reference: str):
    claim, inspection = _load(request.user, reference)
    form = ReportForm(request.POST, request.FILES)

    def act():
        inspection_submit_report(claim=claim, actor=request.user, upload=form.cleaned_data["report"])
        return _("Het adviesrapport is ingeleverd. Dank u wel. De zaakbegeleider gaat ermee verder."), ""

    return _handle(request, claim, inspection, "report", form, act)
