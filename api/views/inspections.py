"""Inspections (schade-opnames) through the API: the expert firm's software reads its appointments, records the
visit and hands in the advice report; the case guide plans the visit and chooses another expert; the resident
reads the appointment, gets it as a calendar file and may object to the expert.

The same rules as the pages, through the same services (casework.services.inspection, claims.services.portal):
- who sees which inspection: staff who open the dossier (case guides, coordinators) all of them; the expert
  only their own, and only while they are the claim's expert (claims_visible_to: a replaced expert gets a
  404); the resident only the current one while the claim waits for the visit, as the portal shows it.
  Other roles see no inspections on their pages: 403.
- planning and another expert: `may_work_on` (the dossier's work forms); the visit and the report: the claim's
  expert (their inspection page); the objection: a resident party (the portal).
Damage item findings and photos are at /damage-items/."""

from django.http import HttpResponse
from django.urls import re_path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.services.inspection import (
    DAY_ENDS,
    DAY_STARTS,
    inspection_record_visit,
    inspection_replace_expert,
    inspection_schedule,
    inspection_submit_report,
)
from casework.views.dossier import is_dossier_user
from claims import roles as R
from claims.calendar_ics import inspection_ics
from claims.errors import TransitionRefused
from claims.models import Claim, Inspection, Message
from claims.permissions import is_party, may_work_on
from claims.selectors import claims_visible_to
from claims.services import portal
from claims.uploads import UploadRefused
from claims.views.portal import appointment_of

from ..exceptions import refusal_response
from ..lookups import REFERENCE, visible_claim
from ..serializers.claims import ClaimDetailSerializer
from ..serializers.inspections import (
    EXPERT,
    RESIDENT,
    STAFF,
    ExpertObjectionReceivedSerializer,
    ExpertObjectionSerializer,
    ExpertReplacementSerializer,
    InspectionSerializer,
    ReportUploadSerializer,
    ScheduleSerializer,
    VisitSerializer,
)

INSPECTION_ID = r"(?P<id>\d+)"
PATH_PARAMETERS = [
    OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=r"^MS-\d{4}-\d{6}$",
                     description="The claim's reference, e.g. MS-2026-000123."),
]
INSPECTION_PARAMETERS = [*PATH_PARAMETERS, OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH,
                                                            description="The inspection's id.")]
NO_INSPECTIONS = _("U kunt de schade-opnames van deze zaak niet inzien.")
NOT_YOURS = _("U mag dit bij deze zaak niet doen.")

# Refusals of the services that are about one value sent: 400 on that field.
TIME_REFUSALS = {"invalid_time", "in_past", "ends_before_start", "day_off", "outside_hours"}
VISIT_REFUSALS = {"invalid_time", "in_future", "before_chosen"}
TEXT_REFUSALS = {"text_required", "text_too_long"}


# --- who is asking, and which inspections they see -------------------------------------------------------------

def audience_of(user, claim: Claim) -> str | None:
    """Which page's view of the inspections this caller gets; None: no page shows them the inspections."""
    if is_dossier_user(user):
        return STAFF
    held = R.roles_of(user)
    if R.EXPERT in held and claim.expert_id == user.pk:
        return EXPERT
    if R.RESIDENT in held and is_party(user, claim):
        return RESIDENT
    return None


def inspections_for(audience: str, user, claim: Claim):
    """The claim's inspections this audience sees, newest first."""
    mine = Inspection.objects.filter(claim=claim).select_related("expert").order_by("-created_at", "-pk")
    if audience == STAFF:
        return mine
    if audience == EXPERT:
        # As the expert's pages: their own, never one they were replaced on.
        return mine.filter(expert=user).exclude(status=Inspection.Status.REPLACED)
    # The resident: the current inspection while the claim waits for the visit, as the portal shows it.
    current = portal.current_inspection(claim) if portal.in_inspection(claim) else None
    if current is None or current.status not in portal.EXPERT_OBJECTION_STATES:
        return mine.none()
    return mine.filter(pk=current.pk)


def open_expert_objections(audience: str, claim: Claim) -> list[Message]:
    """The resident's objections to the expert not yet handled, newest first: one query for the whole list."""
    if audience == EXPERT:
        return []
    return list(Message.objects.filter(claim=claim, kind=Message.Kind.EXPERT_OBJECTION, handled_at__isnull=True)
                .order_by("-created_at", "-pk"))


class ClaimInspections:
    """The claim of the URL (404 if the caller may not see it) and the caller's view of its inspections."""

    def claim(self) -> Claim:
        if not hasattr(self, "_claim"):
            visible = claims_visible_to(self.request.user).select_related("property", "applicant")
            self._claim = visible_claim(self.request, self.kwargs["reference"], queryset=visible)
        return self._claim

    def audience(self) -> str:
        if not hasattr(self, "_audience"):
            self._audience = audience_of(self.request.user, self.claim())
        if self._audience is None:
            raise PermissionDenied(NO_INSPECTIONS)
        return self._audience

    def inspection(self, audience: str) -> Inspection:
        inspection = inspections_for(audience, self.request.user, self.claim()).filter(pk=self.kwargs["id"]).first()
        if inspection is None:
            raise NotFound()
        inspection.claim = self.claim()
        return inspection

    def shown(self, inspection: Inspection, audience: str) -> dict:
        context = {"request": self.request, "audience": audience, "claim": self.claim(),
                   "objections": open_expert_objections(audience, self.claim())}
        return InspectionSerializer(inspection, context=context).data


def valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- reading ---------------------------------------------------------------------------------------------------

@extend_schema(parameters=PATH_PARAMETERS)
class InspectionList(ClaimInspections, generics.ListAPIView):
    """The claim's inspections the caller may see, newest first."""

    serializer_class = InspectionSerializer
    filter_backends = []

    def get_queryset(self):
        return inspections_for(self.audience(), self.request.user, self.claim())

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "_audience", None):  # not while the schema is generated
            context.update(audience=self._audience, claim=self.claim(),
                           objections=open_expert_objections(self._audience, self.claim()))
        return context


@extend_schema(parameters=INSPECTION_PARAMETERS)
class InspectionDetail(ClaimInspections, generics.RetrieveAPIView):
    serializer_class = InspectionSerializer

    def retrieve(self, request, *args, **kwargs):
        audience = self.audience()
        return Response(self.shown(self.inspection(audience), audience))


class InspectionCalendar(ClaimInspections, APIView):
    """The planned visit as an iCalendar file: the resident's and the expert's, the same files the pages give."""

    def perform_content_negotiation(self, request, force=False):
        """The file goes out as text/calendar whatever the client accepts (the pages do the same); an error is
        JSON, as everywhere in the API, so a calendar client's Accept header never turns it into a 406."""
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(parameters=INSPECTION_PARAMETERS, operation_id="claims_inspections_appointment_ics",
                   responses={(200, "text/calendar"): OpenApiResponse(OpenApiTypes.BINARY,
                                                                       description="An iCalendar file.")})
    def get(self, request, reference: str, id: str):
        claim, audience = self.claim(), self.audience()
        if audience == RESIDENT:
            # The portal's rule: only the visit still to come, not while the claim is on hold.
            inspection = appointment_of(claim, portal.current_inspection(claim))
            filename = f"afspraak-{claim.reference}.ics"
        elif audience == EXPERT:
            # The expert's page: their newest inspection that was not handed to someone else.
            inspection = inspections_for(EXPERT, request.user, claim).first()
            filename = f"schade-opname-{claim.reference}.ics"
        else:
            raise PermissionDenied(_("De agenda-afspraak is er alleen voor de bewoner en de deskundige."))
        if inspection is None or str(inspection.pk) != id or inspection.starts_at is None or inspection.ends_at is None:
            raise NotFound()
        inspection.claim = claim
        response = HttpResponse(inspection_ics(inspection, audience=audience),
                                content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- the case guide: planning the visit, another expert --------------------------------------------------------

def _time_field(refusal: TransitionRefused, starts_at) -> str:
    """Which of the two times a refusal of the planning is about."""
    if refusal.code == "ends_before_start":
        return "ends_at"
    if refusal.code == "outside_hours":
        start = timezone.localtime(starts_at).time()
        return "starts_at" if not DAY_STARTS <= start < DAY_ENDS else "ends_at"
    return "starts_at"


class InspectionSchedule(ClaimInspections, APIView):
    """Plan (or move) the visit. The resident gets the appointment by letter; with the first one the two weeks to
    object to the expert start. The same time sent twice changes nothing."""

    @extend_schema(parameters=INSPECTION_PARAMETERS, request=ScheduleSerializer, responses={200: InspectionSerializer})
    def post(self, request, reference: str, id: str):
        claim = self.claim()
        inspection = self.inspection(self.audience())
        if not may_work_on(request.user, claim):
            raise PermissionDenied(NOT_YOURS)
        data = valid(ScheduleSerializer, request)
        try:
            inspection = inspection_schedule(inspection=inspection, actor=request.user, starts_at=data["starts_at"],
                                             ends_at=data["ends_at"])
        except TransitionRefused as refusal:
            if refusal.code in TIME_REFUSALS:
                return refusal_response(refusal, field=_time_field(refusal, data["starts_at"]))
            raise
        return Response(self.shown(inspection, STAFF))


class ExpertReplacement(ClaimInspections, APIView):
    """Another expert takes over; the old expert loses access to the claim at once."""

    @extend_schema(parameters=PATH_PARAMETERS, request=ExpertReplacementSerializer,
                   responses={201: InspectionSerializer})
    def post(self, request, reference: str):
        claim = self.claim()
        if not may_work_on(request.user, claim):
            raise PermissionDenied(NOT_YOURS)
        data = valid(ExpertReplacementSerializer, request)
        try:
            inspection = inspection_replace_expert(claim=claim, actor=request.user, expert=data["expert"],
                                                   reason=data["reason"])
        except TransitionRefused as refusal:
            if refusal.code in TEXT_REFUSALS:
                return refusal_response(refusal, field="reason")
            if refusal.code in {"invalid_expert", "same_expert"}:
                return refusal_response(refusal, field="expert")
            raise
        return Response(self.shown(inspection, STAFF), status=status.HTTP_201_CREATED)


# --- the expert: the visit and the advice report ---------------------------------------------------------------

class ExpertOnly(ClaimInspections):
    def ensure_expert(self) -> None:
        """Only the claim's expert does this, as on their inspection page (the guide's pages offer neither)."""
        if self.audience() != EXPERT:
            raise PermissionDenied(NOT_YOURS)


class InspectionVisit(ExpertOnly, APIView):
    """The expert records when they were at the home."""

    @extend_schema(parameters=INSPECTION_PARAMETERS, request=VisitSerializer, responses={200: InspectionSerializer})
    def post(self, request, reference: str, id: str):
        inspection = self.inspection(self.audience())
        self.ensure_expert()
        data = valid(VisitSerializer, request)
        try:
            inspection = inspection_record_visit(inspection=inspection, actor=request.user,
                                                 visited_at=data["visited_at"])
        except TransitionRefused as refusal:
            if refusal.code in VISIT_REFUSALS:
                return refusal_response(refusal, field="visited_at")
            raise
        return Response(self.shown(inspection, EXPERT))


class InspectionReport(ExpertOnly, APIView):
    """The expert hands in the advice report (PDF). Every damage item needs a verdict, and a repair cost unless
    the verdict is no; else a 409 names the items. The claim moves to `advice_draft`, all or nothing."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(parameters=PATH_PARAMETERS, request={"multipart/form-data": ReportUploadSerializer},
                   responses={201: ClaimDetailSerializer})
    def post(self, request, reference: str):
        claim = self.claim()
        self.ensure_expert()
        if not inspections_for(EXPERT, request.user, claim).exists():
            raise NotFound()  # as the expert's page: no inspection of theirs on this claim
        data = valid(ReportUploadSerializer, request)
        try:
            claim = inspection_submit_report(claim=claim, actor=request.user, upload=data["report"],
                                             reason=data["reason"])
        except UploadRefused as refusal:
            return refusal_response(refusal, field="report")
        claim = Claim.objects.select_related("property", "applicant", "caseworker", "expert").get(pk=claim.pk)
        return Response(ClaimDetailSerializer(claim, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


# --- the resident: an objection to the expert ------------------------------------------------------------------

class ExpertObjection(ClaimInspections, APIView):
    """The resident objects to the chosen expert, within two weeks of being told who it is. The case guide weighs
    it and may choose another expert."""

    @extend_schema(parameters=PATH_PARAMETERS, request=ExpertObjectionSerializer,
                   responses={201: ExpertObjectionReceivedSerializer})
    def post(self, request, reference: str):
        claim = self.claim()
        portal.ensure_party(request.user, claim)  # 403 for anyone but a resident party, before the data
        data = valid(ExpertObjectionSerializer, request)
        try:
            message = portal.expert_objection_file(claim=claim, actor=request.user, reason=data["reason"])
        except TransitionRefused as refusal:
            if refusal.code in TEXT_REFUSALS:
                return refusal_response(refusal, field="reason")
            raise
        return Response(ExpertObjectionReceivedSerializer(message).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/inspections/$", InspectionList.as_view(), name="inspection_list"),
    re_path(rf"^claims/{REFERENCE}/inspections/{INSPECTION_ID}/$", InspectionDetail.as_view(),
            name="inspection_detail"),
    re_path(rf"^claims/{REFERENCE}/inspections/{INSPECTION_ID}/schedule/$", InspectionSchedule.as_view(),
            name="inspection_schedule"),
    re_path(rf"^claims/{REFERENCE}/inspections/{INSPECTION_ID}/visit/$", InspectionVisit.as_view(),
            name="inspection_visit"),
    re_path(rf"^claims/{REFERENCE}/inspections/{INSPECTION_ID}/appointment\.ics$", InspectionCalendar.as_view(),
            name="inspection_ics"),
    re_path(rf"^claims/{REFERENCE}/inspection-report/$", InspectionReport.as_view(), name="inspection_report"),
    re_path(rf"^claims/{REFERENCE}/expert-replacement/$", ExpertReplacement.as_view(), name="expert_replacement"),
    re_path(rf"^claims/{REFERENCE}/expert-objections/$", ExpertObjection.as_view(), name="expert_objection"),
]
