"""The desk (loket): look up a resident, file a claim on their behalf, add scans and print the receipt.

The activation code for a resident without an account is shown once, on the receipt right after filing. It
travels from the POST to the receipt in a signed, short-lived cookie scoped to that claim's pages, never in
the database (the session is stored there); the receipt page deletes it when it shows the code.
"""

import secrets
from urllib.parse import urlencode

from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ..access import desk_required
from ..accounts import AccountRefused
from ..errors import TransitionRefused
from ..forms.desk import DeskClaimForm, DeskSearchForm, ScanForm
from ..selectors_desk import activation_code_expiry, desk_claim_detail, desk_recent_claims, desk_search
from ..services.desk import DeskRefused, desk_attach_scans, desk_file_claim, desk_issue_activation_code

CODE_COOKIE_MAX_AGE = 15 * 60  # seconds: long enough to reach the printer, short on a shared desk PC
# What was typed in a search that found no one is carried to the new-claim form, so nothing is typed twice.
CARRIED_TO_NEW = ("name", "postcode", "house_number", "addition")
FORM_TOKEN_SECONDS = 60 * 60  # a form page sent twice within the hour files one claim


# --- the activation code's one trip from the filing to the receipt ---------------------------------------


def _code_cookie(reference: str) -> str:
    return f"desk_code_{reference}"


def _code_salt(request, reference: str) -> str:
    # Bound to user and claim: another login on the same PC cannot read it, nor can it be moved to a claim.
    return f"claims.desk.activation:{request.user.pk}:{reference}"


def _hand_over_code(request, response, reference: str, code: str) -> None:
    response.set_signed_cookie(
        _code_cookie(reference), code, salt=_code_salt(request, reference), max_age=CODE_COOKIE_MAX_AGE,
        path=reverse("claims:desk_claim", kwargs={"reference": reference}),
        secure=request.is_secure(), httponly=True, samesite="Strict",
    )


def _read_code(request, reference: str) -> str | None:
    return request.get_signed_cookie(_code_cookie(reference), default=None, salt=_code_salt(request, reference),
                                     max_age=CODE_COOKIE_MAX_AGE)


def _forget_code(request, response, reference: str) -> None:
    if _code_cookie(reference) in request.COOKIES:
        response.delete_cookie(_code_cookie(reference),
                               path=reverse("claims:desk_claim", kwargs={"reference": reference}),
                               samesite="Strict")


# --- pages --------------------------------------------------------------------------------------------


@desk_required
@never_cache
@require_GET
def desk(request):
    form = DeskSearchForm(request.GET or None)
    results, carried = None, {}
    if form.is_valid():
        results = desk_search(user=request.user, query=form.query())
        carried = {key: form.cleaned_data[key] for key in CARRIED_TO_NEW if form.cleaned_data[key]}
    new_url = reverse("claims:desk_new") + (f"?{urlencode(carried)}" if carried else "")
    return render(request, "claims/desk/search.html", {
        "form": form, "results": results, "new_url": new_url, "recent": desk_recent_claims(request.user),
    })


@desk_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def desk_new(request):
    if request.method != "POST":
        initial = {key: request.GET[key] for key in ("person_id", "property_id", *CARRIED_TO_NEW)
                   if request.GET.get(key)}
        return _new_page(request, DeskClaimForm(initial={**initial, "form_token": secrets.token_hex(16)}))

    form = DeskClaimForm(request.POST, request.FILES)
    if not form.is_valid():
        return _new_page(request, form)
    token_key = f"desk-form:{request.user.pk}:{form.cleaned_data['form_token']}"
    if form.cleaned_data["form_token"] and not cache.add(token_key, "", timeout=FORM_TOKEN_SECONDS):
        # The same page sent twice (a double click, a reload): show what the first one filed.
        filed = cache.get(token_key)
        if filed:
            messages.info(request, _("Deze melding was al ingediend."))
            return redirect("claims:desk_claim", reference=filed)
        form.add_error(None, _("Deze melding wordt al verwerkt. Wacht even en kijk dan bij de bewoner."))
        return _new_page(request, form)
    picked = form.picked_person
    replaces_code = picked is not None and picked.user_id is None and activation_code_expiry(picked) is not None
    try:
        filing = desk_file_claim(
            actor=request.user,
            person=form.picked_person, new_person=form.person_input(),
            property=form.picked_property, new_property=form.property_input(),
            channel=form.cleaned_data["channel"], owner_occupied=form.owner_occupied_answer(),
            in_owners_association=form.in_owners_association_answer(), urgent=form.cleaned_data["urgent"],
            description=form.cleaned_data["description"].strip(), damage_items=form.damage_inputs(),
        )
    except (DeskRefused, TransitionRefused, AccountRefused) as refused:
        cache.delete(token_key)  # nothing was filed: the page may be sent again
        form.add_error(None, refused.message)
        return _new_page(request, form)

    claim = filing.claim
    if form.cleaned_data["form_token"]:
        cache.set(token_key, claim.reference, timeout=FORM_TOKEN_SECONDS)
    messages.success(request, _("De melding %(reference)s is ingediend.") % {"reference": claim.reference})
    if form.property_input() is not None and not filing.property_created:
        messages.info(request, _("Dit adres was al bekend. De melding hoort bij die woning."))
    _report_scans(request, desk_attach_scans(claim=claim, files=form.cleaned_data["scans"], actor=request.user),
                  tried=len(form.cleaned_data["scans"]))
    response = redirect("claims:desk_receipt", reference=claim.reference)
    if filing.activation_code:
        _hand_over_code(request, response, claim.reference, filing.activation_code)
        if replaces_code:
            messages.info(request, _("De bewoner had al een activeringscode. Die werkt niet meer: geef de nieuwe mee."))
    return response


def _new_page(request, form):
    return render(request, "claims/desk/new.html", {"form": form}, status=400 if form.errors else 200)


def _report_scans(request, refusals, *, tried: int) -> None:
    stored = tried - len(refusals)
    if stored:
        messages.success(request, ngettext("%(count)s scan is opgeslagen.", "%(count)s scans zijn opgeslagen.",
                                           stored) % {"count": stored})
    for refusal in refusals:
        messages.error(request, _(
            "Het bestand ‘%(name)s’ is niet opgeslagen. %(reason)s "
            "Scan het papier opnieuw en voeg het toe op de pagina van de melding."
        ) % {"name": refusal.file_name, "reason": refusal.message})


@desk_required
@never_cache
@require_GET
def desk_claim(request, reference: str):
    claim = get_object_or_404(desk_claim_detail(request.user, reference))
    return _claim_page(request, claim, ScanForm())


def _claim_page(request, claim, scan_form, status: int = 200):
    return render(request, "claims/desk/claim.html", {"claim": claim, "scan_form": scan_form}, status=status)


@desk_required
@require_POST
def desk_scan(request, reference: str):
    claim = get_object_or_404(desk_claim_detail(request.user, reference))
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        return _claim_page(request, claim, form, status=400)
    files = form.cleaned_data["scans"]
    _report_scans(request, desk_attach_scans(claim=claim, files=files, actor=request.user), tried=len(files))
    return redirect("claims:desk_claim", reference=claim.reference)


@desk_required
@require_POST
def desk_activation(request, reference: str):
    claim = get_object_or_404(desk_claim_detail(request.user, reference))
    try:
        code = desk_issue_activation_code(claim=claim, actor=request.user)
    except (DeskRefused, AccountRefused) as refused:
        messages.error(request, refused.message)
        return redirect("claims:desk_claim", reference=claim.reference)
    messages.success(request, _("Er is een nieuwe activeringscode gemaakt. De vorige code werkt niet meer."))
    response = redirect("claims:desk_receipt", reference=claim.reference)
    _hand_over_code(request, response, claim.reference, code)
    return response


@desk_required
@never_cache
@require_GET
def desk_receipt(request, reference: str):
    claim = get_object_or_404(desk_claim_detail(request.user, reference))
    code = _read_code(request, claim.reference)
    context = {"claim": claim}
    if code and claim.applicant.user_id is None:  # activated in the meantime: the code is of no use
        context.update(activation_code=code, code_expires_at=activation_code_expiry(claim.applicant))
    response = render(request, "claims/desk/receipt.html", context)
    _forget_code(request, response, claim.reference)  # shown once: a reload or reprint has no code
    return response
