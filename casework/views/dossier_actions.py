"""Everything staff change from the dossier: the steps (transitions) and the work on the claim (notes, calls,
messages, a zienswijze received on paper, the extension and the notice of default, reassignment, planning the
visit and replacing the expert). Parse, call the service, redirect to the dossier (PRG).

Each action has its own page: GET shows the form, POST runs it. A form that is not filled in well comes back
with its errors (400), a refusal of the service with its message (409), both with everything that was typed.
A step or piece of work the user may not do gets a 403 page; a claim they may not see a 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_fsm import can_proceed

from claims.errors import NOT_NOW, TransitionForbidden, TransitionRefused
from claims.models import Claim, Inspection
from claims.permissions import may_fire, may_work_on
from claims.progress import long_date
from claims.services import claim_extend_term, claim_record_default_notice, claim_transition
from claims.states import State

from ..assignment import claim_reassign
from ..forms.dossier import STEP_FORMS, work_form
from ..services import contact
from ..services.inspection import inspection_replace_expert, inspection_schedule
from ..services.safety import claim_record_safety_visit, may_record_safety_visit
from ..timeline import TRANSITION_LABELS, person_name
from .dossier import dossier_claim, may_reassign, staff_only
from .once import sent_once

# What the person should know before taking some steps.
STEP_INTROS = {
    "request_info": gettext_lazy("De aanvrager krijgt een brief met uw vraag. Zolang de reactietermijn loopt, staat "
                                 "de beslistermijn stil (artikel 4:15 Awb)."),
    "declare_not_admissible": gettext_lazy("Dit is een besluit: de aanvrager krijgt een brief met de reden en kan "
                                           "binnen 6 weken bezwaar maken."),
    "plan_inspection": gettext_lazy("De aanvrager mag binnen 2 weken bezwaar maken tegen de deskundige. Plant u het "
                                    "bezoek nu, dan krijgt de aanvrager de afspraak in een brief."),
    "send_advice": gettext_lazy("De aanvrager krijgt het conceptadvies en heeft 2 weken om te reageren."),
    "withdraw": gettext_lazy("Doe dit alleen als de aanvrager zelf heeft gevraagd om de melding in te trekken."),
    "hold": gettext_lazy("Doe dit alleen op verzoek van de aanvrager. De beslistermijn staat stil tot u de "
                         "behandeling hervat."),
}


def _posted(request):
    return request.POST if request.method == "POST" else None


def to_dossier(claim: Claim, anchor: str = ""):
    url = reverse("casework:dossier", kwargs={"reference": claim.reference})
    return redirect(f"{url}#{anchor}" if anchor else url)


def forbidden(request, claim: Claim, message=None):
    message = message or _("U mag dit bij deze zaak niet doen. U kunt de zaak wel lezen.")
    return render(request, "casework/dossier/forbidden.html", {"claim": claim, "message": message}, status=403)


def handle_post(request, claim: Claim, form, run: Callable[[], str], *, anchor: str = ""):
    """Runs a posted form: (redirect to the dossier, None) when done or sent before; else (None, status) to show
    the form again: 400 with its errors, 409 with the service's refusal; or (403 page, None). The service runs
    once however often the same page is sent (casework/views/once.py)."""
    if not form.is_valid():
        return None, 400
    try:
        with sent_once(request, form) as first:
            if first:
                messages.success(request, run())
    except TransitionForbidden as refusal:
        return forbidden(request, claim, refusal.message), None
    except TransitionRefused as refusal:
        form.add_error(None, refusal.message)
        return None, refusal.status_code
    return to_dossier(claim, anchor), None


def newest_inspection(claim: Claim) -> Inspection | None:
    return (claim.inspections.exclude(status=Inspection.Status.REPLACED).select_related("expert")
            .order_by("-created_at", "-pk").first())


# --- steps ------------------------------------------------------------------------------------------------------

def _run_step(request, claim: Claim, name: str, form) -> str:
    """Fires the step; returns the success message."""
    actor = request.user
    kwargs = form.service_kwargs()
    label = TRANSITION_LABELS[name]
    if name == "receive_info" and kwargs.get("reason"):
        contact.info_answer_record(claim=claim, actor=actor, body=kwargs["reason"])
        return _("Het antwoord van de aanvrager is vastgelegd. De beslistermijn loopt weer.")
    if name == "plan_inspection":
        starts_at, ends_at = form.cleaned_data.get("starts_at"), form.cleaned_data.get("ends_at")
        with transaction.atomic():  # the expert and the visit together, or neither
            claim = claim_transition(claim=claim, name=name, actor=actor, **kwargs)
            if starts_at:
                inspection_schedule(inspection=newest_inspection(claim), actor=actor, starts_at=starts_at,
                                    ends_at=ends_at)
        done = _("De deskundige is gekozen: %(name)s.") % {"name": person_name(kwargs["expert"])}
        if starts_at:
            done += " " + _("Het bezoek is gepland op %(date)s.") % {"date": long_date(starts_at.date())}
        return done
    claim_transition(claim=claim, name=name, actor=actor, **kwargs)
    return _("Gelukt: %(step)s.") % {"step": label}


@staff_only
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_step(request, reference: str, name: str):
    if name not in STEP_FORMS:
        raise Http404
    claim = dossier_claim(request, reference)
    if not may_fire(request.user, name, claim):
        return forbidden(request, claim, _("U mag deze stap bij deze zaak niet zetten."))
    form = STEP_FORMS[name](_posted(request))
    status, not_now = 200, ""
    if request.method == "POST":
        done, status = handle_post(request, claim, form, lambda: _run_step(request, claim, name, form))
        if done is not None:
            return done
    elif not can_proceed(getattr(claim, name), check_conditions=False):
        not_now, status = NOT_NOW.format(state=State(claim.status).label), 409
    return render(request, "casework/dossier/step.html", {
        "claim": claim, "form": form, "name": name, "title": TRANSITION_LABELS[name], "not_now": not_now,
        "intro": STEP_INTROS.get(name, ""),
    }, status=status)


# --- work on the claim ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Work:
    slug: str  # the last part of the address
    title: Any  # the page's heading (lazy text)
    submit: Any  # the button
    run: Callable[[Any, Claim, Any], str]  # (request, claim, form) -> success message
    allowed: Callable[[Any, Claim], bool] = may_work_on
    anchor: str = ""
    intro: Any = ""
    form_kwargs: Callable[[Claim], dict] = lambda claim: {}


def _note(request, claim, form) -> str:
    contact.note_add(claim=claim, actor=request.user, body=form.cleaned_data["body"])
    return _("De notitie is opgeslagen.")


def _call(request, claim, form) -> str:
    data = form.cleaned_data
    contact.call_record(claim=claim, actor=request.user, direction=data["direction"], spoke_with=data["spoke_with"],
                        body=data["body"])
    return _("Het telefoongesprek is vastgelegd.")


def _message(request, claim, form) -> str:
    contact.message_send(claim=claim, actor=request.user, body=form.cleaned_data["body"])
    return _("Het bericht is verstuurd. De aanvrager ziet het in Mijnschade.")


def _response(request, claim, form) -> str:
    contact.response_record(claim=claim, actor=request.user, body=form.cleaned_data["body"],
                            received_on=form.cleaned_data["received_on"])
    return _("De zienswijze is vastgelegd. Kies nu: het advies laten aanpassen of naar de commissie sturen.")


def _extend(request, claim, form) -> str:
    claim = claim_extend_term(claim=claim, actor=request.user, weeks=form.cleaned_data["weeks"],
                              reason=form.cleaned_data["reason"])
    return _("De beslistermijn is verdaagd tot %(date)s. De aanvrager krijgt een brief.") % {
        "date": long_date(claim.decision_due)}


def _default(request, claim, form) -> str:
    claim_record_default_notice(claim=claim, actor=request.user, received_on=form.cleaned_data["received_on"],
                                reason=form.cleaned_data["reason"])
    return _("De ingebrekestelling is vastgelegd. De dwangsom staat bij de termijnen.")


def _reassign(request, claim, form) -> str:
    data = form.cleaned_data
    claim = claim_reassign(claim=claim, to_guide=data["to_guide"], actor=request.user, reason=data["reason"],
                           handover=data["handover"])
    return _("De zaak is overgedragen aan %(name)s.") % {"name": person_name(data["to_guide"])}


def _schedule(request, claim, form) -> str:
    inspection = newest_inspection(claim)
    if claim.status != State.INSPECTION or inspection is None:
        raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
    starts_at = form.cleaned_data["starts_at"]
    inspection_schedule(inspection=inspection, actor=request.user, starts_at=starts_at,
                        ends_at=form.cleaned_data["ends_at"])
    return _("Het bezoek is gepland op %(date)s.") % {"date": long_date(starts_at.date())}


def _replace(request, claim, form) -> str:
    expert = form.cleaned_data["expert"]
    inspection_replace_expert(claim=claim, actor=request.user, expert=expert, reason=form.cleaned_data["reason"])
    return _("Er is een andere deskundige gekozen: %(name)s.") % {"name": person_name(expert)}


def _safety(request, claim, form) -> str:
    claim_record_safety_visit(claim=claim, actor=request.user, visited_at=form.cleaned_data["visited_at"],
                              findings=form.cleaned_data["findings"])
    return _("Het veiligheidsbezoek is vastgelegd.")


def _current_expert(claim: Claim):
    inspection = newest_inspection(claim)
    return inspection.expert_id if inspection else claim.expert_id


WORK: dict[str, Work] = {
    "note": Work("notitie", gettext_lazy("Notitie maken"), gettext_lazy("Notitie opslaan"), _note, anchor="tijdlijn"),
    "call": Work("gesprek", gettext_lazy("Telefoongesprek vastleggen"), gettext_lazy("Gesprek vastleggen"), _call,
                 anchor="tijdlijn"),
    "message": Work("bericht", gettext_lazy("Bericht aan de aanvrager"), gettext_lazy("Bericht versturen"), _message,
                    anchor="tijdlijn"),
    "response": Work("zienswijze", gettext_lazy("Zienswijze vastleggen"), gettext_lazy("Zienswijze vastleggen"),
                     _response, anchor="tijdlijn",
                     intro=gettext_lazy("Kwam de reactie op het conceptadvies op papier of aan de telefoon? Leg "
                                        "hem hier vast. De aanvrager ziet hem in Mijnschade.")),
    "extend": Work("verdagen", gettext_lazy("Beslistermijn verdagen"), gettext_lazy("Termijn verdagen"), _extend,
                   anchor="termijnen",
                   intro=gettext_lazy("De beslistermijn kan één keer worden verdaagd (artikel 4:14 Awb). De "
                                      "aanvrager krijgt een brief met de reden en de nieuwe datum.")),
    "default": Work("ingebrekestelling", gettext_lazy("Ingebrekestelling vastleggen"),
                    gettext_lazy("Ingebrekestelling vastleggen"), _default, anchor="termijnen",
                    intro=gettext_lazy("Heeft de aanvrager ons in gebreke gesteld omdat de beslistermijn voorbij is? "
                                       "Twee weken later begint de dwangsom te lopen (artikel 4:17 Awb).")),
    "reassign": Work("overdragen", gettext_lazy("Zaak overdragen"), gettext_lazy("Zaak overdragen"),
                     _reassign, allowed=may_reassign, anchor="overdracht",
                     form_kwargs=lambda claim: {"current": claim.caseworker_id}),
    "visit": Work("opname/plannen", gettext_lazy("Bezoek plannen"), gettext_lazy("Bezoek plannen"), _schedule,
                  anchor="opname",
                  intro=gettext_lazy("De aanvrager en de deskundige krijgen de afspraak. Een nieuwe tijd vervangt "
                                     "de oude afspraak.")),
    "safety": Work("veiligheidsbezoek", gettext_lazy("Veiligheidsbezoek vastleggen"),
                   gettext_lazy("Bezoek vastleggen"), _safety,
                   allowed=lambda user, claim: claim.urgent and may_record_safety_visit(user, claim),
                   anchor="termijnen",
                   intro=gettext_lazy("Bij een acuut onveilige situatie moet er binnen 48 uur iemand langs. Leg het "
                                      "bezoek hier vast; dan stopt de waarschuwing aan de coördinator.")),
    "replace": Work("opname/deskundige", gettext_lazy("Andere deskundige kiezen"),
                    gettext_lazy("Deskundige vervangen"),
                    _replace, anchor="opname", form_kwargs=lambda claim: {"current": _current_expert(claim)}),
}


@staff_only
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def dossier_work(request, reference: str, work: str):
    spec = WORK[work]
    claim = dossier_claim(request, reference)
    if not spec.allowed(request.user, claim):
        return forbidden(request, claim)
    form = work_form(work, _posted(request), **spec.form_kwargs(claim))
    status = 200
    if request.method == "POST":
        done, status = handle_post(request, claim, form, lambda: spec.run(request, claim, form), anchor=spec.anchor)
        if done is not None:
            return done
    return render(request, "casework/dossier/work.html", {
        "claim": claim, "form": form, "work": work, "spec": spec,
        "action_url": reverse(f"casework:dossier_{work}", kwargs={"reference": claim.reference}),
    }, status=status)
