"""Steps of the lifecycle through the API: POST /claims/{reference}/transitions/{name}/ fires one step, GET
/claims/{reference}/transitions/ reads the claim's history of steps.

A step goes the same way as in the pages, through the same service, after the same checks:
1. the claim must be visible (`visible_claim`: else 404); an unknown step name is a 404 too;
2. the caller must be allowed to take the step on this claim (`permissions.ensure`: else 403);
3. the data the step needs is checked (400, a message per field);
4. the page's own service runs; a step that cannot happen now is a 409, a refusal about one value a 400.
Which service depends on who fires the step, as it does in the pages:
- the staff dossier's steps (casework/views/dossier_actions.py `_run_step`): `claim_transition`; planning the
  inspection also plans the visit when a time is given, and `receive_info` with the answer keeps it as the
  resident's answer (contact.info_answer_record);
- the decision, the commission's advice and the decision on an objection always use their pages' services
  (decision_make, advice_record, objection_decide), with four eyes and their letters;
- the expert hands in the advice report (multipart, a PDF) through inspection_submit_report;
- a resident party submits the report (report_submit), answers an info request, objects and withdraws through
  the portal's services (claims/services/report.py, portal.py).
Each step has its own operation in the OpenAPI description (`claims_transition_<name>`) with its own body.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.services import contact
from casework.services.commission import advice_record
from casework.services.decisions import decision_make
from casework.services.inspection import inspection_schedule, inspection_submit_report
from casework.services.objections import objection_decide
from casework.views.dossier_actions import newest_inspection
from claims import permissions
from claims import roles as R
from claims.errors import TransitionRefused
from claims.models import Claim, ClaimTransition
from claims.models.claim import TRANSITION_NAMES
from claims.services import claim_transition, portal
from claims.services.report import report_submit
from claims.uploads import UploadRefused

from ..exceptions import refusal_response
from ..lookups import REFERENCE, visible_claim
from ..serializers.claims import ClaimDetailSerializer
from ..serializers.commission import AdviceInSerializer
from ..serializers.decisions import DecisionInSerializer
from ..serializers.objections import ObjectionDecideSerializer
from ..serializers.transitions import (
    TRUTHFUL_NEEDED,
    FileObjectionInput,
    PlanInspectionInput,
    ReceiveInfoInput,
    RecordAdviceInput,
    RecordAdviceUploadInput,
    RequestInfoInput,
    StartIntakeInput,
    StepReasonInput,
    StepRemarkInput,
    SubmitInput,
    TransitionRecordSerializer,
    WithdrawInput,
    reads_full_history,
    reason_message,
)

CLAIM_RELATED = ("property", "applicant", "caseworker", "expert")
PATH_PARAMETERS = [
    OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^MS-\d{4}-\d{6}$",
                     description="The claim's reference, e.g. MS-2026-000123."),
]
UNKNOWN_STEP = _("Deze stap bestaat niet.")
REPORT_NEEDED = _("Kies het adviesrapport.")
REPORT_BY_EXPERT = _("Alleen de deskundige van de zaak levert hier het adviesrapport in. Leg de stap vast zonder "
                     "bestand.")

# Refusals about one value sent: 400 on that field (others: api/exceptions.py FIELD_OF_CODE, else 409).
VISIT_FIELDS = {"invalid_time": "starts_at", "in_past": "starts_at", "day_off": "starts_at",
                "outside_hours": "starts_at", "ends_before_start": "ends_at"}
TEXT_FIELDS = {"text_required": "reason", "text_too_long": "reason"}
ITEM_CODES = ("items_mismatch", "items_required", "invalid_plausibility", "invalid_amount", "no_means_zero",
              "invalid_percentage", "rejected_has_amount", "grant_needs_amount", "unknown_item", "item_twice",
              "item_missing", "no_items", "amount_required", "percentage_required", "plausibility_required",
              "amount_for_no", "item_reasoning_required")
ITEM_FIELDS = {code: "items" for code in ITEM_CODES}


def _as_resident(user, claim: Claim) -> bool:
    """The caller acts as a resident party of this claim (the portal), not as staff."""
    return R.RESIDENT in R.roles_of(user) and permissions.is_party(user, claim)


def _as_expert(user, claim: Claim) -> bool:
    return R.EXPERT in R.roles_of(user) and claim.expert_id == user.pk


def _require_reason(name: str, data: dict) -> None:
    """Staff steps whose dossier form asks a reason (the schema says optional: a resident may leave it out)."""
    if not data["reason"].strip():
        raise ValidationError({"reason": [reason_message(name)]})


# --- what each step runs, by who fires it ----------------------------------------------------------------------

def _step(name: str) -> Callable:
    """The dossier's plain step: `claim_transition` with the reason or remark."""

    def run(request, claim: Claim, data: dict) -> None:
        claim_transition(claim=claim, name=name, actor=request.user, reason=data["reason"])

    return run


def _submit(request, claim, data) -> None:
    if _as_resident(request.user, claim):  # the report's last page: the statement, then send
        if not data["truthful"]:
            raise ValidationError({"truthful": [TRUTHFUL_NEEDED]})
        report_submit(claim=claim, actor=request.user)
    else:
        claim_transition(claim=claim, name="submit", actor=request.user, reason=data["reason"])


def _start_intake(request, claim, data) -> None:
    claim_transition(claim=claim, name="start_intake", actor=request.user, reason=data["reason"],
                     caseworker=data["caseworker"])


def _request_info(request, claim, data) -> None:
    claim_transition(claim=claim, name="request_info", actor=request.user, reason=data["reason"],
                     reply_days=data["reply_days"])


def _receive_info(request, claim, data) -> None:
    actor = request.user
    if _as_resident(actor, claim):
        portal.info_request_answer(claim=claim, actor=actor, body=data["reason"])
    elif data["reason"].strip():
        contact.info_answer_record(claim=claim, actor=actor, body=data["reason"])
    else:
        claim_transition(claim=claim, name="receive_info", actor=actor)


def _plan_inspection(request, claim, data) -> None:
    actor, starts_at = request.user, data["starts_at"]
    with transaction.atomic():  # the expert and the visit together, or neither (as the dossier)
        claim = claim_transition(claim=claim, name="plan_inspection", actor=actor, reason=data["reason"],
                                 expert=data["expert"], **({"planned_for": starts_at} if starts_at else {}))
        if starts_at:
            inspection_schedule(inspection=newest_inspection(claim), actor=actor, starts_at=starts_at,
                                ends_at=data["ends_at"])


def _record_advice(request, claim, data) -> None:
    report = data.get("report")
    if _as_expert(request.user, claim):  # the expert's page: the report ends the inspection
        if report is None:
            raise ValidationError({"report": [REPORT_NEEDED]})
        inspection_submit_report(claim=claim, actor=request.user, upload=report, reason=data["reason"])
    elif report is not None:
        raise ValidationError({"report": [REPORT_BY_EXPERT]})
    else:
        claim_transition(claim=claim, name="record_advice", actor=request.user, reason=data["reason"])


def _advise(request, claim, data) -> None:
    advice_record(claim=claim, member=request.user, items=list(data["items"]), reasoning=data["reasoning"],
                  inspection_allowance=data["inspection_allowance"])


def _decide(request, claim, data) -> None:
    decision_make(claim=claim, actor=request.user, outcome=data["outcome"], items=list(data["items"]),
                  reasoning=data["reasoning"])


def _file_objection(request, claim, data) -> None:
    actor = request.user
    if _as_resident(actor, claim):
        # The portal asks why it is late only once the window has passed.
        late_excuse = data["late_excuse"] if portal.objection_late(claim) else ""
        portal.objection_file(claim=claim, actor=actor, grounds=data["reason"], late_excuse=late_excuse)
    else:
        claim_transition(claim=claim, name="file_objection", actor=actor, reason=data["reason"],
                         late_excuse=data["late_excuse"])


def _decide_objection(request, claim, data) -> None:
    items = list(data["items"]) if data.get("items") else None
    objection_decide(claim=claim, actor=request.user, well_founded=data["well_founded"], items=items,
                     reasoning=data["reasoning"])


def _withdraw(request, claim, data) -> None:
    if _as_resident(request.user, claim):
        portal.withdrawal_file(claim=claim, actor=request.user, reason=data["reason"])
    else:
        _require_reason("withdraw", data)
        claim_transition(claim=claim, name="withdraw", actor=request.user, reason=data["reason"])


@dataclass(frozen=True)
class Step:
    serializer: type
    run: Callable
    summary: str
    description: str
    fields: dict[str, str] = field(default_factory=dict)  # refusal code → the field it is about
    upload: type | None = None  # the multipart body, for a step that takes a file
    items: bool = False  # the body names the claim's damage items


STEPS: dict[str, Step] = {
    "submit": Step(SubmitInput, _submit, "Submit the claim (draft → submitted)",
                   "The resident sends their online report (with `truthful`: true; the applicant themself); the "
                   "desk or a coordinator submits a draft. Starts the decision term and the receipt letter."),
    "start_intake": Step(StartIntakeInput, _start_intake, "Assign a case guide (submitted → intake)",
                         "Coordinator."),
    "request_info": Step(RequestInfoInput, _request_info, "Ask the resident for information (intake → "
                         "info_requested)", "Case guide or coordinator. The question goes into a letter; the "
                         "decision term stands still until the answer comes (Awb 4:15)."),
    "receive_info": Step(ReceiveInfoInput, _receive_info, "The information came in (info_requested → intake)",
                         "The resident answers (`reason`), or the case guide records an answer that came on paper "
                         "or by phone. The decision term runs again.", fields=TEXT_FIELDS),
    "declare_not_admissible": Step(StepReasonInput, _step("declare_not_admissible"), "Not admissible (intake or "
                                   "info_requested → not_admissible)", "Case guide or coordinator. A decision: "
                                   "the reason goes into the letter; the resident may object."),
    "plan_inspection": Step(PlanInspectionInput, _plan_inspection, "Choose the expert (intake → inspection)",
                            "Case guide or coordinator. With `starts_at` and `ends_at` the visit is planned at "
                            "once and the resident gets the appointment letter.", fields=VISIT_FIELDS),
    "record_advice": Step(RecordAdviceInput, _record_advice, "The advice report came in (inspection → "
                          "advice_draft)", "The claim's expert hands in the report as a PDF (multipart/form-data, "
                          "after a verdict on every damage item); a case guide or coordinator records the step "
                          "without a file.", upload=RecordAdviceUploadInput),
    "send_advice": Step(StepRemarkInput, _step("send_advice"), "Send the draft advice (advice_draft → "
                        "response_period)", "Case guide or coordinator. The resident has 2 weeks to respond."),
    "revise_advice": Step(StepReasonInput, _step("revise_advice"), "Have the advice revised (response_period → "
                          "advice_draft)", "Case guide or coordinator, after the resident's response."),
    "forward_to_commission": Step(StepRemarkInput, _step("forward_to_commission"), "Forward to the commission "
                                  "(response_period → commission_review)", "Case guide or coordinator."),
    "advise": Step(AdviceInSerializer, _advise, "Record the commission's advice (commission_review → "
                   "decision_pending)", "A commission member who declared no conflict of interest: per damage "
                   "item the plausibility, amount and reasoning.", fields={"text_required": "reasoning",
                                                                          **ITEM_FIELDS}, items=True),
    "decide": Step(DecisionInSerializer, _decide, "Decide (decision_pending → decided)",
                   "A decision maker who did not advise on the claim (four eyes), on the commission's advice; "
                   "the decision letter follows.", fields={"invalid_outcome": "outcome",
                                                          "reason_required": "reasoning", **ITEM_FIELDS},
                   items=True),
    "file_objection": Step(FileObjectionInput, _file_objection, "Object to the decision (→ objection)",
                           "The resident, or the case guide for an objection that came on paper. After the "
                           "6-week window only with `late_excuse`.", fields=TEXT_FIELDS),
    "decide_objection": Step(ObjectionDecideSerializer, _decide_objection, "Decide on the objection (objection → "
                             "settlement or closed)", "A decision maker who neither decided nor advised on the "
                             "claim; well-founded with the new amounts per damage item.",
                             fields={"reason_required": "reasoning", **ITEM_FIELDS}, items=True),
    "start_settlement": Step(StepRemarkInput, _step("start_settlement"), "Start payment or repair (decided → "
                             "settlement)", "Finance or coordinator; only with an award."),
    "close": Step(StepRemarkInput, _step("close"), "Close the claim (decided or settlement → closed)",
                  "Finance, case guide or coordinator; not while the objection window runs."),
    "withdraw": Step(WithdrawInput, _withdraw, "Withdraw the claim (→ withdrawn)",
                     "The resident (a reason is optional), or the case guide on the resident's request (with the "
                     "reason)."),
    "hold": Step(StepReasonInput, _step("hold"), "Put on hold (→ on_hold)", "Case guide or coordinator, at the "
                 "resident's request; the decision term stands still."),
    "resume": Step(StepRemarkInput, _step("resume"), "Resume (on_hold → the state it left)", "Case guide or "
                   "coordinator."),
    "reopen": Step(StepReasonInput, _step("reopen"), "Reopen (closed → intake)", "Coordinator, for new facts; a new "
                   "decision term starts."),
}
assert set(STEPS) == set(TRANSITION_NAMES)


# --- the views ---------------------------------------------------------------------------------------------------

class FireTransition(APIView):
    """One step; the subclass made per step name below says which."""

    transition = ""
    parser_classes = [JSONParser]

    def post(self, request, reference: str, name: str):
        claim = visible_claim(request, reference)
        permissions.ensure(request.user, self.transition, claim)  # 403 before anything is read
        step = STEPS[self.transition]
        context = {"request": request, "step": self.transition, "as_resident": _as_resident(request.user, claim)}
        if step.items:
            context["damage_items"] = {item.pk: item for item in claim.damage_items.all()}
        body = step.upload if step.upload is not None and request.content_type.startswith("multipart/") \
            else step.serializer
        serializer = body(data=request.data, context=context)
        serializer.is_valid(raise_exception=True)
        try:
            step.run(request, claim, serializer.validated_data)
        except UploadRefused as refusal:
            return refusal_response(refusal, field="report")
        except TransitionRefused as refusal:  # forbidden (403), not now (409), or about one value (400)
            return refusal_response(refusal, field=step.fields.get(refusal.code))
        claim = Claim.objects.select_related(*CLAIM_RELATED).get(pk=claim.pk)
        return Response(ClaimDetailSerializer(claim, context={"request": request}).data)


def _fire_view(name: str, step: Step):
    attrs = {"transition": name, "__doc__": step.description, "__module__": __name__}
    request = step.serializer
    if step.upload is not None:
        attrs["parser_classes"] = [JSONParser, MultiPartParser]
        request = {"application/json": step.serializer, "multipart/form-data": step.upload}
    view = type("".join(part.title() for part in name.split("_")) + "Transition", (FireTransition,), attrs)
    schema = extend_schema(operation_id=f"claims_transition_{name}", summary=step.summary,
                           description=step.description, parameters=PATH_PARAMETERS, request=request,
                           responses={200: ClaimDetailSerializer})
    return extend_schema_view(post=schema)(view)


class UnknownTransition(APIView):
    """Any other name under transitions/: a 404 in the API's error shape (after the claim's own 404)."""

    @extend_schema(exclude=True)
    def post(self, request, reference: str, name: str):
        visible_claim(request, reference)
        raise NotFound(UNKNOWN_STEP)


@extend_schema_view(get=extend_schema(parameters=PATH_PARAMETERS, operation_id="claims_transitions_list",
                                     summary="The claim's history of steps, oldest first"))
class ClaimHistory(generics.ListAPIView):
    """Every step taken on the claim, oldest first. Residents (and other roles whose pages show no staff
    timeline) read the reason only where it was written for the resident, and not who took the step."""

    serializer_class = TransitionRecordSerializer
    filter_backends = []

    def get_queryset(self):
        claim = visible_claim(self.request, self.kwargs["reference"])
        return ClaimTransition.objects.filter(claim=claim).select_related("actor").order_by("created_at", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "full_history": reads_full_history(self.request.user)}


urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/transitions/$", ClaimHistory.as_view(), name="claim_history"),
    *(re_path(rf"^claims/{REFERENCE}/transitions/{name}/$", _fire_view(name, step).as_view(), {"name": name},
              name="claim_transition") for name, step in STEPS.items()),
    re_path(rf"^claims/{REFERENCE}/transitions/(?P<name>[^/]+)/$", UnknownTransition.as_view(),
            name="claim_transition_unknown"),
]
