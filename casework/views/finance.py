"""Finance at /financien/: claims ready for payment, payments to approve (four eyes), the SEPA file for the bank
and reporting it paid. Parse, call casework.services.payments, redirect (PRG).

Only finance opens these pages (anyone else: 403; not logged in: the login page). A claim, payment or file that
finance may not see is a 404. A form that is not filled in well comes back with its errors (400), a refusal of
the service with its message (409), a four-eyes refusal as a 403 page. Each form carries a one-time token: sent
twice, it does its work once. IBANs are shown in full here, to finance; everywhere else they are masked.

The start page runs a fixed number of queries whatever the number of claims, payments and files."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from claims import roles as R
from claims.access import role_required
from claims.access_log import Action, access_record
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Payment, PaymentBatch
from claims.progress import euro
from claims.selectors import claims_visible_to

from .. import iban as ibans
from ..forms.finance import BatchCreateForm, BatchPaidForm, ConfirmForm, PaymentCancelForm, PaymentRecordForm
from ..models import Route
from ..services import payments as pay
from .caseload import page_number
from .once import sent_once

PER_PAGE = 50
BATCHES_SHOWN = 20
finance_required = role_required(R.FINANCE)
ROUTE_LABELS = dict(Route.choices)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _home(anchor: str = ""):
    url = reverse("casework:finance_home")
    return redirect(f"{url}#{anchor}" if anchor else url)


def _forbidden(request, message):
    return render(request, "casework/finance/forbidden.html", {"message": message}, status=403)


def _run(request, form, run, done):
    """(response, None) when done, sent before, or forbidden; (None, status) to show the form again: 400 with its
    errors, 409 with the service's refusal."""
    if not form.is_valid():
        return None, 400
    try:
        with sent_once(request, form) as first:
            if first:
                messages.success(request, run())
    except TransitionForbidden as refusal:
        return _forbidden(request, refusal.message), None
    except TransitionRefused as refusal:
        form.add_error(None, refusal.message)
        return None, refusal.status_code
    return done(), None


def _with_route(claim):
    route = getattr(claim, "decision_route", None) or pay.route_for_amount(claim.awarded_amount)
    claim.route = route
    claim.route_label = ROUTE_LABELS.get(route, "")
    claim.open_amount = claim.awarded_amount - claim.paid_amount
    return claim


def _with_iban(payments: list) -> list:
    for payment in payments:
        payment.iban_full = ibans.formatted(payment.iban)
    return payments


def _payments(user):
    return pay.payments_visible_to(user).select_related("claim", "claim__applicant", "recorded_by", "approved_by")


# --- the start page ---------------------------------------------------------------------------------------------

def _home_context(request, batch_form=None) -> dict:
    user = request.user
    page = Paginator(pay.claims_ready_for_payment(user), PER_PAGE).get_page(page_number(request.GET.get("pagina")))
    ready = [_with_route(claim) for claim in page.object_list]
    recorded = _with_iban(list(_payments(user).filter(status=Payment.Status.RECORDED).order_by("created_at", "pk")))
    for payment in recorded:
        payment.own = payment.recorded_by_id == user.pk
        payment.form = ConfirmForm()
    approved = _with_iban(list(_payments(user).filter(status=Payment.Status.APPROVED, batch__isnull=True)
                               .order_by("approved_at", "pk")))
    batches = list(PaymentBatch.objects.defer("xml").select_related("created_by", "paid_by")
                   .order_by("-created_at", "-pk")[:BATCHES_SHOWN])
    return {
        "page": page, "ready": ready, "recorded": recorded, "approved": approved, "batches": batches,
        "approved_total": sum((p.amount for p in approved), start=pay.ZERO),
        "batch_form": batch_form or BatchCreateForm(),
    }


@finance_required
@never_cache
@require_safe
def finance_home(request):
    return render(request, "casework/finance/home.html", _home_context(request))


# --- one claim: record the payment ------------------------------------------------------------------------------

@finance_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def finance_claim(request, reference: str):
    claim = get_object_or_404(claims_visible_to(request.user).select_related("applicant", "property"),
                              reference=reference)
    claim_payments = _with_iban(list(claim.payments.select_related("recorded_by", "approved_by", "batch")
                                     .order_by("-created_at", "-pk")))
    route = pay.route_of(claim)
    live = any(p.status in pay.LIVE for p in claim_payments)
    not_payable = pay.why_not_payable(claim, route=route, has_live_payment=live)
    form = PaymentRecordForm(_posted(request), initial={"account_holder": claim.applicant.name})
    if request.method != "POST":
        access_record(request=request, claim=claim, action=Action.DOSSIER_OPENED)
    status = 200
    if request.method == "POST":  # also when not payable: the same page sent twice must say "done once", not 409
        def run() -> str:
            payment = pay.payment_record(claim=claim, actor=request.user, iban=form.cleaned_data["iban"],
                                         account_holder=form.cleaned_data["account_holder"])
            return _("De betaling van %(amount)s voor zaak %(reference)s is vastgelegd. Een collega keurt hem "
                     "goed.") % {"amount": euro(payment.amount), "reference": claim.reference}

        done, status = _run(request, form, run, lambda: _home("goedkeuren"))
        if done is not None:
            return done
    return render(request, "casework/finance/claim.html", {
        "claim": claim, "payments": claim_payments, "route": route, "route_label": ROUTE_LABELS.get(route, ""),
        "open_amount": claim.awarded_amount - claim.paid_amount, "not_payable": not_payable, "form": form,
    }, status=status)


# --- one payment: approve or cancel -----------------------------------------------------------------------------

@finance_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def finance_payment_approve(request, pk: int):
    payment = get_object_or_404(_payments(request.user), pk=pk)
    form = ConfirmForm(_posted(request))
    own = payment.recorded_by_id == request.user.pk
    status = 200
    if request.method == "POST":
        def run() -> str:
            pay.payment_approve(payment=payment, actor=request.user)
            return _("De betaling voor zaak %(reference)s is goedgekeurd.") % {"reference": payment.claim.reference}

        done, status = _run(request, form, run, lambda: _home("goedkeuren"))
        if done is not None:
            return done
    return render(request, "casework/finance/approve.html",
                  {"payment": payment, "form": form, "own": own, "iban": ibans.formatted(payment.iban)},
                  status=status)


@finance_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def finance_payment_cancel(request, pk: int):
    payment = get_object_or_404(_payments(request.user), pk=pk)
    form = PaymentCancelForm(_posted(request))
    status = 200
    if request.method == "POST":
        def run() -> str:
            pay.payment_cancel(payment=payment, actor=request.user, reason=form.cleaned_data["reason"])
            return _("De betaling voor zaak %(reference)s is geannuleerd.") % {"reference": payment.claim.reference}

        done, status = _run(request, form, run, lambda: _home())
        if done is not None:
            return done
    return render(request, "casework/finance/cancel.html",
                  {"payment": payment, "form": form, "iban": ibans.formatted(payment.iban)}, status=status)


# --- the SEPA file ------------------------------------------------------------------------------------------------

@finance_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def finance_batch_create(request):
    form = BatchCreateForm(_posted(request))
    status = 200
    if request.method == "POST":
        made = {}

        def run() -> str:
            batch = made["batch"] = pay.batch_create(actor=request.user,
                                                     execution_date=form.cleaned_data["execution_date"])
            return ngettext(
                "Betaalbestand %(id)s is gemaakt: %(count)d betaling, samen %(total)s. Download het en lever het "
                "aan bij de bank.",
                "Betaalbestand %(id)s is gemaakt: %(count)d betalingen, samen %(total)s. Download het en lever het "
                "aan bij de bank.",
                batch.count,
            ) % {"id": batch.message_id, "count": batch.count, "total": euro(batch.total)}

        def done():
            if "batch" in made:
                return redirect("casework:finance_batch", pk=made["batch"].pk)
            return _home("betaalbestanden")  # sent twice: the first made the file

        response, status = _run(request, form, run, done)
        if response is not None:
            return response
    return render(request, "casework/finance/home.html", _home_context(request, batch_form=form), status=status)


def _batch(pk: int) -> PaymentBatch:
    return get_object_or_404(PaymentBatch.objects.select_related("created_by", "paid_by"), pk=pk)


@finance_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def finance_batch(request, pk: int):
    batch = _batch(pk)
    form = BatchPaidForm(_posted(request))
    status = 200
    if request.method == "POST":
        def run() -> str:
            if batch.paid_at is not None:
                return _("Dit betaalbestand was al als betaald gemeld.")
            pay.batch_mark_paid(batch=batch, actor=request.user)
            return _("Betaalbestand %(id)s is als betaald gemeld. De aanvragers krijgen een brief.") % {
                "id": batch.message_id}

        done, status = _run(request, form, run, lambda: redirect("casework:finance_batch", pk=batch.pk))
        if done is not None:
            return done
    rows = _with_iban(list(batch.payments.select_related("claim").order_by("pk")))
    return render(request, "casework/finance/batch.html", {
        "batch": batch, "payments": rows, "form": form,
    }, status=status)


@finance_required
@never_cache
@require_safe
def finance_batch_xml(request, pk: int):
    batch = get_object_or_404(PaymentBatch.objects.only("pk", "message_id", "xml"), pk=pk)
    response = HttpResponse(pay.batch_file(batch), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xml"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
