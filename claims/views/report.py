"""The online damage report (/melden/): one question group per page; residents can stop and resume.

Views parse the form, call a service from claims/services/report.py and show the result. Every claim is
looked up through `claims_visible_to`, then narrowed to the resident's own drafts: anything else is a 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from .. import roles
from ..access import resident_required
from ..errors import TransitionRefused
from ..forms.report import (
    NO,
    YES,
    AddressForm,
    DamageItemForm,
    OwnershipForm,
    RepresentativeForm,
    SafetyForm,
    StatementForm,
    co_owner_formset,
)
from ..models import Claim, DamageItem, Person
from ..selectors import claims_visible_to
from ..services import report as service
from ..services.report import REPORT_STEPS, report_resume_step
from ..states import State

STEP_TITLES = {
    "woning": gettext_lazy("Uw huis"),
    "eigendom": gettext_lazy("Eigenaar"),
    "gemachtigde": gettext_lazy("Gemachtigde"),
    "schade": gettext_lazy("De schade"),
    "veiligheid": gettext_lazy("Veiligheid"),
    "controle": gettext_lazy("Controleren en versturen"),
}
NEXT, LATER = "next", "later"
BACK_TO_CHECK = "controle"  # ?terug=controle: after a change from the check page, go back there


def _posted(request):
    # Not `request.POST or None`: an empty POST (say, the box left unticked) must still be checked.
    return request.POST if request.method == "POST" else None


def _uploaded(request):
    return request.FILES if request.method == "POST" else None


# --- lookups -------------------------------------------------------------------------------------------

def _person(request) -> Person | None:
    return Person.objects.filter(user=request.user).first()


def _claim(request, reference: str) -> Claim:
    """The resident's own claim by reference; another person's claim, or a guessed one, is a 404."""
    person = _person(request)
    if person is None:
        raise Http404
    return get_object_or_404(
        claims_visible_to(request.user).filter(applicant=person).select_related("property", "applicant"),
        reference=reference,
    )


def _step_url(claim: Claim, step: str) -> str:
    return reverse("claims:report_step", kwargs={"reference": claim.reference, "step": step})


def _reachable(claim: Claim | None, step: str) -> bool:
    """A step can be opened once every step before it was saved (no skipping the damage items)."""
    resume = report_resume_step(claim) if claim is not None else REPORT_STEPS[0]
    return REPORT_STEPS.index(step) <= REPORT_STEPS.index(resume)


def _progress(claim: Claim | None, current: str) -> list[dict]:
    saved = REPORT_STEPS.index(claim.report_step) if claim is not None and claim.report_step in REPORT_STEPS else -1
    return [
        {
            "slug": step, "number": number, "title": STEP_TITLES[step], "current": step == current,
            "done": index <= saved and step != "controle",
            "url": _step_url(claim, step) if claim is not None and _reachable(claim, step) else "",
        }
        for number, (index, step) in enumerate(enumerate(REPORT_STEPS), start=1)
    ]


def _page(request, claim: Claim | None, step: str, template: str, context: dict, status: int = 200):
    index = REPORT_STEPS.index(step)
    back_to_check = request.GET.get("terug") == BACK_TO_CHECK or request.POST.get("terug") == BACK_TO_CHECK
    context = {
        "claim": claim, "step": step, "step_title": STEP_TITLES[step], "step_number": index + 1,
        "step_count": len(REPORT_STEPS), "progress": _progress(claim, step),
        "previous_url": _step_url(claim, REPORT_STEPS[index - 1]) if claim is not None and index else "",
        "back_to_check": back_to_check and claim is not None and _reachable(claim, "controle"),
        **context,
    }
    return render(request, f"claims/report/{template}", context, status=status)


def _after_save(request, claim: Claim, step: str):
    """Where 'Opslaan en verder' or 'Opslaan en later verder' leads."""
    if request.POST.get("action") == LATER:
        messages.success(request, _("Uw melding is bewaard. U kunt later verder gaan via ‘Schade melden’."))
        return redirect("claims:report_start")
    if request.POST.get("terug") == BACK_TO_CHECK and _reachable(claim, "controle"):
        return redirect(_step_url(claim, "controle"))
    return redirect(_step_url(claim, REPORT_STEPS[REPORT_STEPS.index(step) + 1]))


def _refused(request, claim: Claim, refused: TransitionRefused):
    """A step that could not be saved: a sent report goes to its done page, anything else shows why."""
    if refused.code == "not_draft":
        return redirect("claims:report_done", reference=claim.reference)
    messages.error(request, refused.message)
    return None


# --- the start page ------------------------------------------------------------------------------------

@require_http_methods(["GET", "HEAD"])
def report_start(request):
    user = request.user
    person = _person(request) if user.is_authenticated else None
    is_resident = roles.has_role(user, roles.RESIDENT)
    drafts = []
    if is_resident and person is not None:
        drafts = [
            {"claim": claim, "resume_url": _step_url(claim, report_resume_step(claim)),
             "resume_title": STEP_TITLES[report_resume_step(claim)]}
            for claim in claims_visible_to(user).filter(status=State.DRAFT, applicant=person)
            .select_related("property").order_by("-updated_at", "-pk")
        ]
    return render(request, "claims/report/start.html", {
        "is_resident": is_resident, "person": person, "drafts": drafts,
        "staff_only": user.is_authenticated and not is_resident and roles.has_role(user, *roles.STAFF_ROLES),
    })


# --- step 1 for a new report: no draft exists until the address is saved ------------------------------

@resident_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_new(request):
    if _person(request) is None:
        messages.error(request, service.NO_PERSON)
        return redirect("claims:report_start")
    form = AddressForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        claim = service.report_start(actor=request.user, address=form.address())
        return _after_save(request, claim, "woning")
    return _page(request, None, "woning", "address.html", {"form": form, "form_action": reverse("claims:report_new")})


# --- the steps of a draft ------------------------------------------------------------------------------

def _address_step(request, claim: Claim):
    form = AddressForm(_posted(request), initial=AddressForm.initial_for(claim.property))
    if request.method == "POST" and form.is_valid():
        service.report_save_property(claim=claim, actor=request.user, address=form.address())
        return _after_save(request, claim, "woning")
    return _page(request, claim, "woning", "address.html", {"form": form, "form_action": request.path})


def _ownership_step(request, claim: Claim):
    people = list(claim.co_applicants.filter(user__isnull=True).order_by("pk"))
    form = OwnershipForm(_posted(request), initial=OwnershipForm.initial_for(claim))
    formset = co_owner_formset(data=_posted(request), people=people)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        service.report_save_ownership(
            claim=claim, actor=request.user, owner_occupied=form.cleaned_data["owner_occupied"] == YES,
            in_owners_association=form.cleaned_data["in_owners_association"] == YES,
            co_owners=formset.co_owners(),
        )
        return _after_save(request, claim, "eigendom")
    return _page(request, claim, "eigendom", "ownership.html", {"form": form, "formset": formset})


def _representative_step(request, claim: Claim):
    mandate = service.report_representative(claim)
    initial = {}
    if mandate is not None:
        rep = mandate.representative
        initial = {"name": rep.name, "email": rep.email, "phone": rep.phone}
    form = RepresentativeForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        service.report_save_representative(claim=claim, actor=request.user, **form.cleaned_data)
        return _after_save(request, claim, "gemachtigde")
    return _page(request, claim, "gemachtigde", "representative.html", {"form": form})


def _damage_step(request, claim: Claim):
    form = DamageItemForm(_posted(request), _uploaded(request))
    if request.method == "POST":
        action = request.POST.get("action")
        # A filled-in item is added whichever button was pressed; an empty form only counts for 'add'.
        if action == "add" or form.has_changed():
            if not form.is_valid():
                return _damage_page(request, claim, form)
            item = service.report_add_damage_item(claim=claim, actor=request.user, **form.item_data())
            refused = service.report_attach_photos(item=item, actor=request.user, photos=form.cleaned_data["photos"])
            _tell_photos(request, item, stored=len(form.cleaned_data["photos"]) - len(refused), refused=refused)
            if refused:  # the resident tries the refused photos again on the item's own page
                return redirect("claims:report_damage_item", reference=claim.reference, item_id=item.pk)
            if action == "add":
                back = "?terug=controle" if request.POST.get("terug") == BACK_TO_CHECK else ""
                return redirect(_step_url(claim, "schade") + back + "#schadelijst")
        if action == LATER:
            # Stopping here keeps the items; the resident comes back to this list, not past it.
            messages.success(request, _("Uw melding is bewaard. U kunt later verder gaan via ‘Schade melden’."))
            return redirect("claims:report_start")
        if action == NEXT:
            try:
                service.report_finish_damage(claim=claim, actor=request.user)
            except TransitionRefused as refused:
                if refused.code == "not_draft":
                    raise
                return _damage_page(request, claim, DamageItemForm(), errors=[refused.message])
            return _after_save(request, claim, "schade")
        return redirect(_step_url(claim, "schade"))
    return _damage_page(request, claim, form)


def _damage_page(request, claim: Claim, form, *, errors=()):
    items = list(claim.damage_items.prefetch_related("documents").order_by("position", "pk"))
    return _page(request, claim, "schade", "damage.html",
                 {"form": form, "items": items, "step_errors": errors})


def _tell_photos(request, item: DamageItem, *, stored: int, refused: list) -> None:
    if refused:
        for file in refused:
            messages.error(request, _("De foto ‘%(name)s’ is niet opgeslagen. %(reason)s")
                           % {"name": file.name, "reason": file.message})
        messages.warning(request, _("De schade ‘%(location)s’ is wel bewaard. Voeg de foto hieronder opnieuw toe, "
                                    "of ga verder zonder deze foto.") % {"location": item.location})
    elif stored:
        messages.success(request, ngettext("De schade ‘%(location)s’ is bewaard, met %(count)d foto.",
                                           "De schade ‘%(location)s’ is bewaard, met %(count)d foto's.", stored)
                         % {"location": item.location, "count": stored})
    else:
        messages.success(request, _("De schade ‘%(location)s’ is bewaard.") % {"location": item.location})


def _safety_step(request, claim: Claim):
    saved = claim.report_step in REPORT_STEPS and REPORT_STEPS.index(claim.report_step) >= REPORT_STEPS.index(
        "veiligheid")
    initial = {"unsafe": YES if claim.urgent else NO} if saved or claim.urgent else {}
    form = SafetyForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        service.report_save_safety(claim=claim, actor=request.user, urgent=form.cleaned_data["unsafe"] == YES)
        return _after_save(request, claim, "veiligheid")
    return _page(request, claim, "veiligheid", "safety.html", {"form": form})


def _check_step(request, claim: Claim):
    form = StatementForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            service.report_submit(claim=claim, actor=request.user)
        except TransitionRefused as refused:
            if refused.code == "not_draft":
                return redirect("claims:report_done", reference=claim.reference)
            form.add_error(None, refused.message)
        else:
            return redirect("claims:report_done", reference=claim.reference)
    return _page(request, claim, "controle", "check.html", {
        "form": form, "summary": _summary(claim),
    })


def _summary(claim: Claim) -> dict:
    mandate = service.report_representative(claim)
    return {
        "property": claim.property,
        "co_owners": list(claim.co_applicants.order_by("pk")),
        "representative": mandate.representative if mandate else None,
        "items": list(claim.damage_items.prefetch_related("documents").order_by("position", "pk")),
    }


STEP_VIEWS = {
    "woning": _address_step,
    "eigendom": _ownership_step,
    "gemachtigde": _representative_step,
    "schade": _damage_step,
    "veiligheid": _safety_step,
    "controle": _check_step,
}


@resident_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_step(request, reference: str, step: str):
    claim = _claim(request, reference)
    if claim.status != State.DRAFT:
        return redirect("claims:report_done", reference=claim.reference)
    if not _reachable(claim, step):
        return redirect(_step_url(claim, report_resume_step(claim)))
    try:
        return STEP_VIEWS[step](request, claim)
    except TransitionRefused as refused:
        return _refused(request, claim, refused) or redirect(_step_url(claim, step))


# --- one damage item: change it, add photos, or remove it ----------------------------------------------

def _item(request, reference: str, item_id: int) -> tuple[Claim, DamageItem]:
    claim = _claim(request, reference)
    return claim, get_object_or_404(claim.damage_items.all(), pk=item_id)


@resident_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_damage_item(request, reference: str, item_id: int):
    claim, item = _item(request, reference, item_id)
    if claim.status != State.DRAFT:
        return redirect("claims:report_done", reference=claim.reference)
    photos = list(item.documents.order_by("pk"))
    form = DamageItemForm(_posted(request), _uploaded(request),
                          initial=DamageItemForm.initial_for(item), photos_stored=len(photos))
    if request.method == "POST" and form.is_valid():
        try:
            item = service.report_update_damage_item(item=item, actor=request.user, **form.item_data())
            refused = service.report_attach_photos(item=item, actor=request.user, photos=form.cleaned_data["photos"])
        except TransitionRefused as refused_step:
            return _refused(request, claim, refused_step) or redirect(request.path)
        _tell_photos(request, item, stored=len(form.cleaned_data["photos"]) - len(refused), refused=refused)
        if refused:
            return redirect(request.path)
        return redirect(_step_url(claim, "schade") + "#schadelijst")
    return _page(request, claim, "schade", "damage_item.html", {"form": form, "item": item, "photos": photos})


@resident_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_damage_remove(request, reference: str, item_id: int):
    claim, item = _item(request, reference, item_id)
    if claim.status != State.DRAFT:
        return redirect("claims:report_done", reference=claim.reference)
    if request.method == "POST":
        try:
            service.report_remove_damage_item(item=item, actor=request.user)
        except TransitionRefused as refused:
            return _refused(request, claim, refused) or redirect(_step_url(claim, "schade"))
        messages.success(request, _("De schade ‘%(location)s’ is verwijderd.") % {"location": item.location})
        return redirect(_step_url(claim, "schade"))
    return _page(request, claim, "schade", "damage_remove.html",
                 {"item": item, "has_photos": item.documents.exists()})


# --- sent ----------------------------------------------------------------------------------------------

@resident_required
@require_http_methods(["GET", "HEAD"])
def report_done(request, reference: str):
    claim = _claim(request, reference)
    if claim.status == State.DRAFT:
        return redirect(_step_url(claim, report_resume_step(claim)))
    return render(request, "claims/report/done.html", {"claim": claim})
