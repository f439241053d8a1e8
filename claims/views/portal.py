"""The resident portal (/mijn/): my claims, where each one stands, what happens next and by when, and the
few things a resident can do. Parse, call claims/services/portal.py, show.

Every claim comes from `claims_as_resident(request.user)`: another resident's claim, or a guessed reference,
is a 404 on every page and every action. Only Message rows and the resident-safe account of transitions
(claims/progress.py) are shown; internal notes and reasons never reach these pages.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from .. import progress
from ..access import resident_required
from ..contacts import contact_for
from ..deadlines import decision_clock
from ..errors import TransitionRefused
from ..forms.portal import (
    AnswerForm,
    CallbackForm,
    ExpertObjectionForm,
    MessageForm,
    ObjectionForm,
    ResponseForm,
    WithdrawForm,
)
from ..letter_content import general_phone
from ..models import Claim, DocumentKind, Inspection, Letter, LetterKind
from ..permissions import is_party, may_fire
from ..selectors import claims_as_resident
from ..services import portal as service
from ..states import WITHDRAWABLE_STATES, State
from ..timeutil import local_date, today
from .documents import advice_report_released

# --- lookups ---------------------------------------------------------------------------------------------

def _claim(request, reference: str) -> Claim:
    visible = claims_as_resident(request.user).select_related("property", "caseworker")
    return get_object_or_404(visible, reference=reference)


def resident_documents(claim: Claim):
    """Documents a resident may download besides the letters: what residents sent in (online or as papers at
    the desk), letters stored without a Letter row, and the advice report once it was sent to them (the
    download rule of claims/views/documents.py). Never expert or staff working files."""
    rule = (Q(uploaded_by__person__isnull=False) | Q(kind=DocumentKind.SCAN)
            | Q(kind=DocumentKind.LETTER, letter__isnull=True))
    if advice_report_released(claim):
        rule |= Q(kind=DocumentKind.ADVICE_REPORT)
    return claim.documents.filter(rule).order_by("created_at", "pk")


def advice_reports(claim: Claim) -> list:
    """The advice report(s) the resident may read now, newest first (a revised advice adds one)."""
    if not advice_report_released(claim):
        return []
    return list(claim.documents.filter(kind=DocumentKind.ADVICE_REPORT).order_by("-created_at", "-pk"))


def appointment_of(claim: Claim, inspection: Inspection | None) -> Inspection | None:
    """The planned visit while the claim waits for it: not on hold (the visit waits too), not after a withdrawal,
    not once the visit is done."""
    if (inspection is not None and claim.status == State.INSPECTION and inspection.status == Inspection.Status.PLANNED
            and inspection.visited_at is None):
        return inspection
    return None


_UNKNOWN = object()
# A payment can exist once money is awarded; it stays on the page after the claim is closed.
PAYMENT_STATES = frozenset({State.DECIDED, State.OBJECTION, State.SETTLEMENT, State.CLOSED})


@dataclass(frozen=True)
class Actions:
    """What the resident can do on this claim right now."""

    answer: bool = False
    response: bool = False
    objection: bool = False
    objection_late: bool = False
    withdraw: bool = False
    callback: bool = False
    message: bool = False
    expert_objection: bool = False

    @property
    def any_step(self) -> bool:
        return self.answer or self.response or self.objection or self.withdraw


def open_actions(user, claim: Claim, *, inspection=_UNKNOWN, transitions=None) -> Actions:
    """`transitions` (the claim's, oldest first) saves a query when the caller has them already."""
    state = claim.status
    party = state != State.DRAFT and is_party(user, claim)
    expert_objection = False
    if party and service.in_inspection(claim):
        if inspection is _UNKNOWN:
            inspection = service.current_inspection(claim)
        expert_objection = service.expert_objection_open(claim, inspection)
    return Actions(
        answer=state == State.INFO_REQUESTED and may_fire(user, "receive_info", claim),
        response=party and service.response_open(claim),
        objection=(state in service.OBJECTION_STATES and may_fire(user, "file_objection", claim)
                   and service.objection_open(claim, transitions)),
        objection_late=service.objection_late(claim),
        withdraw=state in WITHDRAWABLE_STATES and may_fire(user, "withdraw", claim),
        callback=party,
        message=party,
        expert_objection=expert_objection,
    )


def _posted(request):
    return request.POST if request.method == "POST" else None


def _uploaded(request):
    return request.FILES if request.method == "POST" else None


def _to_claim(claim: Claim):
    return redirect("claims:portal_claim", reference=claim.reference)


def _not_now(request, claim: Claim):
    messages.info(request, _("Deze stap kan nu niet bij uw melding. Hieronder ziet u wat u nu wel kunt doen."))
    return _to_claim(claim)


def _contact(claim: Claim) -> dict:
    """Who to call: the case guide, their named substitute while they are away, or (before a guide is
    assigned) the general number."""
    contact = contact_for(claim)
    away = contact is not None and bool(contact.substitute_for)
    guide = claim.caseworker
    return {
        "contact": contact,
        "contact_until": contact.away_until if away else None,
        "guide_email": guide.email if guide and not away else "",
        "general_phone": general_phone(),  # the one general number, as in the letters
    }


# --- the list ----------------------------------------------------------------------------------------------

@resident_required
@never_cache
@require_safe
def portal(request):
    day = today()
    claims = claims_as_resident(request.user).select_related("property").order_by("-created_at", "-pk")
    rows = [{"claim": claim, "status": progress.status(claim, today=day)} for claim in claims]
    rows.sort(key=lambda row: not row["status"].waiting_on_you)  # what waits on you first, then newest first
    return render(request, "claims/portal/list.html", {"rows": rows})


# --- one claim ---------------------------------------------------------------------------------------------

def _inspection_context(request, claim: Claim, transitions) -> dict:
    """The visit (expert, when, where) and the resident's right to object to the expert."""
    if not service.in_inspection(claim):
        return {"current_inspection": None, "inspection": None, "appointment": None, "expert_objection": None,
                "actions": open_actions(request.user, claim, inspection=None, transitions=transitions)}
    inspection = service.current_inspection(claim)
    shown = inspection if inspection is not None and inspection.status in service.EXPERT_OBJECTION_STATES else None
    objection = service.expert_objection_of(shown) if shown is not None else None
    return {
        "current_inspection": inspection,
        "inspection": shown,
        "expert_name": (inspection.expert.get_full_name().strip() or inspection.expert.get_username())
        if shown else "",
        "appointment": appointment_of(claim, inspection),
        "expert_objection": objection,
        "expert_objection_on": local_date(objection.created_at) if objection else None,
        "actions": open_actions(request.user, claim, inspection=inspection, transitions=transitions),
    }


def _newest(letters, *kinds) -> Letter | None:
    """The newest letter of these kinds (the list is oldest first)."""
    return next((letter for letter in reversed(letters) if letter.kind in kinds), None)


def _decision_context(request, claim: Claim, transitions, letters) -> dict:
    """The decision in a summary box with its letter, the objection and what became of it, and the payment.
    Only claims rows: the decision's route and items come from the letter's context, not from casework."""
    decision = progress.decision_summary(
        claim, transitions=transitions, letter=_newest(letters, LetterKind.DECISION, LetterKind.NOT_ADMISSIBLE))
    objection = progress.objection_summary(
        claim, transitions=transitions, received_letter=_newest(letters, LetterKind.OBJECTION_RECEIVED),
        letter=_newest(letters, LetterKind.OBJECTION_DECISION))
    payment = service.current_payment(claim) if claim.status in PAYMENT_STATES else None
    return {
        "decision": decision,
        "objection": objection,
        "payment": progress.payment_view(payment, owner=service.is_owner(request.user, claim),
                                         paid_amount=claim.paid_amount) if payment else None,
        "payment_letter": _newest(letters, LetterKind.PAYMENT),
        # The route of the decision that counts now: after a well-founded objection, the new one.
        "route": ((objection.route if objection and objection.decided and objection.well_founded else "")
                  or (decision.route if decision else "")),
    }


def _claim_context(request, claim: Claim) -> dict:
    day = today()
    transitions = list(claim.transitions.all())
    clock = decision_clock(claim.clock_events.all(), as_of=day)
    letters = list(claim.letters.select_related("document").order_by("created_at", "pk"))
    visit = _inspection_context(request, claim, transitions)
    decided = _decision_context(request, claim, transitions, letters)
    documents = list(resident_documents(claim))
    return {
        **visit,
        **decided,
        "claim": claim,
        "status": progress.status(claim, transitions=transitions, clock=clock, today=day,
                                  inspection=visit["current_inspection"], route=decided["route"]),
        "steps": progress.timeline(claim, transitions),
        "deadline": progress.decision_deadline(claim, clock, today=day),
        "outcome": progress.outcome_text(claim),
        "letters": letters,
        "letters_pending": any(letter.status != Letter.Status.READY for letter in letters),
        "documents": documents,
        "advice_reports": sorted((d for d in documents if d.kind == DocumentKind.ADVICE_REPORT),
                                 key=lambda d: (d.created_at, d.pk), reverse=True),
        "messages_list": list(claim.messages.select_related("author__person").order_by("created_at", "pk")),
        "today": day,
        **_contact(claim),
    }


@resident_required
@never_cache
@require_safe
def portal_claim(request, reference: str):
    claim = _claim(request, reference)
    context = _claim_context(request, claim)
    context["message_form"] = MessageForm()
    return render(request, "claims/portal/claim.html", context)


# --- actions with files: store what is good at once, act only when nothing was refused -------------------

def _carry_kept(form, kept) -> None:
    """After a refused file the page shows again; the files already stored travel along as hidden ids.
    Only the data changes: the errors found stay as they were."""
    data = form.data.copy()
    data[form.add_prefix("kept")] = form.kept_value(kept)
    form.data = data


def _store_posted_files(request, claim: Claim, form, *, kind: str, title: str = ""):
    """(documents kept so far, refused files) for a posted form; files are stored even when the text still
    has an error, so the resident never has to pick them again."""
    kept = list(form.cleaned_data.get("kept") or [])
    stored, refused = service.portal_store_files(claim=claim, actor=request.user,
                                                 files=form.cleaned_data.get("files") or [], kind=kind, title=title)
    return kept + stored, refused


def _action_page(request, claim: Claim, template: str, context: dict, *, status: int = 200):
    form = context.get("form")
    if form is not None and form.is_bound and form.errors:
        status = 400
    return render(request, f"claims/portal/{template}", {
        "claim": claim, "actions": open_actions(request.user, claim), **_contact(claim), **context,
    }, status=status)


@resident_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_answer(request, reference: str):
    claim = _claim(request, reference)
    if not open_actions(request.user, claim).answer:
        return _not_now(request, claim)
    kept_from = claim.documents.filter(uploaded_by=request.user, kind=DocumentKind.OTHER)
    form = AnswerForm(_posted(request), _uploaded(request), kept_from=kept_from)
    kept, refused = [], []
    if request.method == "POST":
        valid = form.is_valid()
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Aanvulling")
        kept, refused = _store_posted_files(request, claim, form, kind=DocumentKind.OTHER, title=title)
        if valid and not refused:
            try:
                service.info_request_answer(claim=claim, actor=request.user, body=form.cleaned_data["body"],
                                            documents=kept)
            except TransitionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Dank u wel. Wij hebben uw aanvulling ontvangen. De termijn voor ons "
                                            "besluit loopt weer. Uw zaakbegeleider gaat verder met uw melding."))
                return _to_claim(claim)
        _carry_kept(form, kept)
    asked = claim.transitions.filter(name="request_info").order_by("-created_at", "-pk").first()
    return _action_page(request, claim, "answer.html", {
        "form": form, "kept": kept, "refused": refused, "question": asked.reason if asked else "",
        "reply_due": claim.reply_due, "late": claim.reply_due is not None and today() > claim.reply_due,
    })


@resident_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_response(request, reference: str):
    claim = _claim(request, reference)
    if claim.status != State.RESPONSE_PERIOD or not is_party(request.user, claim):
        return _not_now(request, claim)
    is_open = service.response_open(claim)
    kept_from = claim.documents.filter(uploaded_by=request.user, kind=DocumentKind.RESPONSE)
    form = ResponseForm(_posted(request), _uploaded(request), kept_from=kept_from)
    kept, refused = [], []
    if request.method == "POST":
        valid = form.is_valid()
        if is_open:
            kept, refused = _store_posted_files(request, claim, form, kind=DocumentKind.RESPONSE)
        if valid and not refused:
            try:
                service.response_submit(claim=claim, actor=request.user, body=form.cleaned_data["body"],
                                        documents=kept)
            except TransitionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Dank u wel. Wij hebben uw zienswijze ontvangen. Uw zaakbegeleider "
                                            "leest hem en laat u weten wat er mee gebeurt."))
                return _to_claim(claim)
        _carry_kept(form, kept)
    return _action_page(request, claim, "response.html", {
        "form": form, "kept": kept, "refused": refused, "is_open": is_open, "reply_due": claim.reply_due,
        "advice_reports": advice_reports(claim),
    })


@resident_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_objection(request, reference: str):
    claim = _claim(request, reference)
    actions = open_actions(request.user, claim)
    if not actions.objection:
        if claim.status in service.OBJECTION_STATES and service.objection_used(claim):
            messages.info(request, service.OBJECTION_USED)  # the next step is the court, not a second objection
            return _to_claim(claim)
        return _not_now(request, claim)
    kept_from = claim.documents.filter(uploaded_by=request.user, kind=DocumentKind.OBJECTION)
    form = ObjectionForm(_posted(request), _uploaded(request), kept_from=kept_from, late=actions.objection_late)
    kept, refused = [], []
    if request.method == "POST":
        valid = form.is_valid()
        kept, refused = _store_posted_files(request, claim, form, kind=DocumentKind.OBJECTION)
        if valid and not refused:
            try:
                claim = service.objection_file(claim=claim, actor=request.user, grounds=form.cleaned_data["grounds"],
                                               late_excuse=form.cleaned_data.get("late_excuse", ""), documents=kept)
            except TransitionRefused as refusal:
                form.add_error(None, refusal.message)
            else:
                done = _("Wij hebben uw bezwaar ontvangen.")
                if claim.objection_decision_due:
                    done += " " + _("Wij beslissen uiterlijk %(date)s op uw bezwaar.") % {
                        "date": progress.long_date(claim.objection_decision_due)}
                messages.success(request, done)
                return _to_claim(claim)
        _carry_kept(form, kept)
    return _action_page(request, claim, "objection.html", {
        "form": form, "kept": kept, "refused": refused, "late": actions.objection_late,
        "objection_due": claim.objection_due, "outcome": progress.outcome_text(claim),
    })


# --- actions without files -----------------------------------------------------------------------------------

@resident_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_withdraw(request, reference: str):
    claim = _claim(request, reference)
    if not open_actions(request.user, claim).withdraw:
        return _not_now(request, claim)
    form = WithdrawForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            service.withdrawal_file(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
        except TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Uw melding is ingetrokken. Wij behandelen hem niet meer."))
            return _to_claim(claim)
    return _action_page(request, claim, "withdraw.html", {"form": form})


@resident_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_callback(request, reference: str):
    claim = _claim(request, reference)
    if not open_actions(request.user, claim).callback:
        return _not_now(request, claim)
    letters = list(claim.letters.filter(status=Letter.Status.READY).order_by("-created_at", "-pk"))
    person = getattr(request.user, "person", None)
    form = CallbackForm(_posted(request), letters=letters, initial={"phone": person.phone if person else ""})
    if form.is_bound and form.is_valid():
        try:
            service.callback_request(claim=claim, actor=request.user, phone=form.cleaned_data["phone"],
                                     letter=form.letter(), question=form.cleaned_data["question"])
        except TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            phone = form.cleaned_data["phone"]
            if claim.caseworker_id:
                done = _("Wij hebben uw verzoek ontvangen. Uw zaakbegeleider belt u binnen 2 werkdagen terug op "
                         "%(phone)s.") % {"phone": phone}
            else:
                done = _("Wij hebben uw verzoek ontvangen. Wij bellen u binnen 2 werkdagen terug op %(phone)s.") % {
                    "phone": phone}
            messages.success(request, done)
            return _to_claim(claim)
    return _action_page(request, claim, "callback.html", {"form": form})


@resident_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_message(request, reference: str):
    claim = _claim(request, reference)
    if not open_actions(request.user, claim).message:
        return _not_now(request, claim)
    form = MessageForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            service.message_send(claim=claim, actor=request.user, body=form.cleaned_data["body"])
        except TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Uw bericht is verstuurd. Uw zaakbegeleider leest het en antwoordt u zo "
                                        "snel mogelijk."))
            return _to_claim(claim)  # to the top, where the confirmation shows
    return _action_page(request, claim, "message.html", {"form": form})


# --- the inspection: the appointment in your calendar, and an objection to the expert --------------------------

@resident_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def portal_expert_objection(request, reference: str):
    claim = _claim(request, reference)
    inspection = service.current_inspection(claim)
    if (not is_party(request.user, claim) or not service.in_inspection(claim)
            or inspection is None or inspection.status not in service.EXPERT_OBJECTION_STATES):
        return _not_now(request, claim)
    earlier = service.expert_objection_of(inspection)
    if earlier is not None:
        messages.info(request, _("Uw bezwaar is ontvangen op %(date)s.") % {
            "date": progress.long_date(local_date(earlier.created_at))})
        return _to_claim(claim)
    is_open = service.expert_objection_open(claim, inspection)
    form = ExpertObjectionForm(_posted(request))
    if form.is_bound and form.is_valid():
        try:
            service.expert_objection_file(claim=claim, actor=request.user, reason=form.cleaned_data["reason"])
        except TransitionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Wij hebben uw bezwaar tegen de deskundige ontvangen. Uw zaakbegeleider "
                                        "bekijkt het en laat u weten wat er gebeurt."))
            return _to_claim(claim)
    return _action_page(request, claim, "expert_objection.html", {
        "form": form, "is_open": is_open, "inspection": inspection,
        "expert_name": inspection.expert.get_full_name().strip() or inspection.expert.get_username(),
        "appointment": appointment_of(claim, inspection),
    })


@login_required
@never_cache
@require_safe
def portal_ics(request, reference: str):
    """The planned visit as a calendar file, for the resident parties of the claim only (anyone else: 404)."""
    from ..calendar_ics import inspection_ics  # written beside the expert's .ics; imported when used

    claim = get_object_or_404(claims_as_resident(request.user), reference=reference)
    inspection = appointment_of(claim, service.current_inspection(claim))
    if inspection is None or inspection.ends_at is None:
        raise Http404
    response = HttpResponse(inspection_ics(inspection, audience="resident"),
                            content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="afspraak-{claim.reference}.ics"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
