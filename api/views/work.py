"""The guide's and the coordinator's work on claims through the API, with the gates of the pages and their
services (casework/views/dossier_actions.py WORK, casework/views/team.py):

- reassign one claim or many: the coordinator (casework.assignment); answers 200 with the claim(s);
- extend the decision term once (answers 200 with the claim: its new due date) and record a notice of
  default: who works on the claim (claims/services/clock.py);
- record the safety visit to an urgent claim: its guide, a coordinator or its expert
  (casework/services/safety.py);
- absences of case guides and their substitutes: the coordinator (casework/services/absence.py).
A claim the caller cannot see is a 404; one they see but may not do this to, 403; a step that cannot happen
now (extended before, not urgent, closed), 409.
"""

from django.urls import path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from casework.assignment import claim_reassign, claims_reassign
from casework.selectors import current_absences, is_coordinator
from casework.services.absence import AbsenceRefused, absence_end, absence_record
from casework.services.safety import claim_record_safety_visit, may_record_safety_visit
from casework.views.dossier import is_dossier_user
from claims.errors import TransitionRefused
from claims.models import Absence, Claim, ClockEventKind
from claims.permissions import may_work_on
from claims.selectors import claims_visible_to
from claims.services import claim_extend_term, claim_record_default_notice
from claims.timeutil import today

from ..exceptions import refusal_response, refused
from ..lookups import REFERENCE, visible_claim
from ..serializers.claims import ClaimDetailSerializer, ClaimListSerializer
from ..serializers.work import (
    AbsenceInputSerializer,
    AbsenceSerializer,
    BulkReassignInputSerializer,
    ClockEventSerializer,
    DefaultNoticeInputSerializer,
    ExtensionInputSerializer,
    ReassignInputSerializer,
    SafetyVisitInputSerializer,
)

CLAIM_RELATED = ("property", "applicant", "caseworker", "expert")
# Refusals of these services that concern one value sent: 400 on that field (the rest stay 409 or 403).
REASSIGN_FIELDS = {"invalid_caseworker": "to_guide", "reason_required": "reason"}
EXTENSION_FIELDS = {"invalid_weeks": "weeks", "reason_required": "reason"}
DEFAULT_NOTICE_FIELDS = {"future": "received_on"}
SAFETY_FIELDS = {"future": "visited_at", "before_report": "visited_at", "reason_required": "findings"}
# Absence refusals about the value typed are bad data; those about other absences are a conflict (409).
ABSENCE_CONFLICTS = {"overlap", "substitute_absent", "is_substitute"}


def ensure_coordinator(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied(_("Alleen een coördinator mag dit doen."))


def ensure_works_on(user, claim: Claim) -> None:
    """The dossier's own work (casework/views/dossier_actions.py): staff who work on the claim; team
    colleagues only read."""
    if not (is_dossier_user(user) and may_work_on(user, claim)):
        raise PermissionDenied(_("U mag dit bij deze zaak niet doen. U kunt de zaak wel lezen."))


def claim_response(request, claim: Claim) -> Response:
    fresh = Claim.objects.select_related(*CLAIM_RELATED).get(pk=claim.pk)
    return Response(ClaimDetailSerializer(fresh, context={"request": request}).data)


def clock_event_created(event) -> Response:
    return Response(ClockEventSerializer(event).data, status=status.HTTP_201_CREATED)


# --- reassignment ----------------------------------------------------------------------------------------------

class ClaimReassign(generics.GenericAPIView):
    serializer_class = ReassignInputSerializer

    @extend_schema(request=ReassignInputSerializer, responses={200: ClaimDetailSerializer},
                   description="The coordinator gives the claim to another case guide, with a reason and an "
                               "optional handover note. A claim still waiting for a guide goes into intake with "
                               "them. Not for drafts and finished claims (409). Answers with the claim.")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        ensure_coordinator(request.user)
        data = ReassignInputSerializer(data=request.data, context={"current": claim.caseworker_id})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            claim = claim_reassign(claim=claim, to_guide=values["to_guide"], actor=request.user,
                                   reason=values["reason"], handover=values["handover"])
        except TransitionRefused as refusal:
            return refused(refusal, REASSIGN_FIELDS)
        return claim_response(request, claim)


class ClaimsReassign(generics.GenericAPIView):
    serializer_class = BulkReassignInputSerializer
    filter_backends = []  # answers with the moved claims: no filters, no pages (at most MAX_REFERENCES)
    pagination_class = None

    @extend_schema(request=BulkReassignInputSerializer, responses={200: ClaimListSerializer(many=True)},
                   operation_id="claims_reassign_many",
                   description="The coordinator gives many claims to one case guide: all or none. A claim that "
                               "cannot move stops the batch (409, its reference named). Answers with the claims.")
    def post(self, request):
        ensure_coordinator(request.user)
        data = BulkReassignInputSerializer(data=request.data, context={"claims": claims_visible_to(request.user)})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            moved = claims_reassign(references=values["references"], to_guide=values["to_guide"],
                                    actor=request.user, reason=values["reason"], handover=values["handover"])
        except TransitionRefused as refusal:
            return refused(refusal, REASSIGN_FIELDS)
        claims = (Claim.objects.filter(pk__in=[claim.pk for claim in moved]).select_related(*CLAIM_RELATED)
                  .order_by("reference"))
        return Response(ClaimListSerializer(claims, many=True, context={"request": request}).data)


# --- the clock ---------------------------------------------------------------------------------------------------

class ClaimExtension(generics.GenericAPIView):
    serializer_class = ExtensionInputSerializer

    @extend_schema(request=ExtensionInputSerializer, responses={200: ClaimDetailSerializer},
                   description="Extends the decision term once (Awb 4:14), before it lapses; the resident gets a "
                               "letter with the reason and the new date. Who works on the claim only. Answers "
                               "with the claim and its new decision_due.")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        ensure_works_on(request.user, claim)
        data = ExtensionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            claim = claim_extend_term(claim=claim, actor=request.user, weeks=data.validated_data["weeks"],
                                      reason=data.validated_data["reason"])
        except TransitionRefused as refusal:
            return refused(refusal, EXTENSION_FIELDS)
        return claim_response(request, claim)


class DefaultNotice(generics.GenericAPIView):
    serializer_class = DefaultNoticeInputSerializer

    @extend_schema(request=DefaultNoticeInputSerializer, responses={201: ClockEventSerializer},
                   description="Records a notice of default (ingebrekestelling, Awb 4:17) received after the "
                               "decision date; the penalty runs two weeks later. Who works on the claim only.")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        ensure_works_on(request.user, claim)
        data = DefaultNoticeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            claim = claim_record_default_notice(claim=claim, actor=request.user,
                                                received_on=data.validated_data["received_on"],
                                                reason=data.validated_data["reason"])
        except TransitionRefused as refusal:
            return refused(refusal, DEFAULT_NOTICE_FIELDS)
        event = (claim.clock_events.filter(kind=ClockEventKind.DEFAULT_NOTICE, actor=request.user)
                 .select_related("actor").order_by("-pk").first())
        return clock_event_created(event)


class SafetyVisit(generics.GenericAPIView):
    serializer_class = SafetyVisitInputSerializer

    @extend_schema(request=SafetyVisitInputSerializer, responses={201: ClockEventSerializer},
                   description="Records the safety visit to an acutely unsafe home (urgent claims only, else 409); "
                               "it stops the coordinators' alert. The claim's guide or substitute, a coordinator, "
                               "or the claim's expert.")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        if not may_record_safety_visit(request.user, claim):
            raise PermissionDenied(_("U mag dit bij deze zaak niet doen."))
        data = SafetyVisitInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            event = claim_record_safety_visit(claim=claim, actor=request.user,
                                              visited_at=data.validated_data["visited_at"],
                                              findings=data.validated_data["findings"])
        except TransitionRefused as refusal:
            return refused(refusal, SAFETY_FIELDS)
        return clock_event_created(event)


# --- absences ----------------------------------------------------------------------------------------------------

class AbsenceList(generics.ListAPIView):
    """The coordinator's list of absences that have not ended (the current ones first), as on the team page."""

    serializer_class = AbsenceSerializer
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Absence.objects.none()
        ensure_coordinator(self.request.user)
        return current_absences(on=today()).select_related("created_by")

    @extend_schema(request=AbsenceInputSerializer, responses={201: AbsenceSerializer},
                   description="Records that a case guide is away and who stands in: the substitute works on their "
                               "claims and residents see the substitute's name. Coordinator only.")
    def post(self, request):
        ensure_coordinator(request.user)
        data = AbsenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            absence = absence_record(user=values["user"], substitute=values["substitute"],
                                     starts_on=values["starts_on"], ends_on=values["ends_on"],
                                     reason=values["reason"], actor=request.user)
        except AbsenceRefused as refusal:
            return refusal_response(refusal, field=None if refusal.code in ABSENCE_CONFLICTS else refusal.field)
        return Response(AbsenceSerializer(absence).data, status=status.HTTP_201_CREATED)


class AbsenceEnd(generics.GenericAPIView):
    serializer_class = AbsenceSerializer

    @extend_schema(request=None, responses={
        200: AbsenceSerializer,
        204: OpenApiResponse(description="The absence had not begun: it is cancelled (deleted)."),
    }, description="The guide is back today: a running absence ends yesterday (200, the absence); one that has not "
                   "begun is cancelled (204); one that ended already stays as it was (200). Coordinator only.")
    def post(self, request, pk: int):
        ensure_coordinator(request.user)
        absence = Absence.objects.filter(pk=pk).first()
        if absence is None:
            raise NotFound()
        try:
            ended = absence_end(absence=absence, actor=request.user)
        except Absence.DoesNotExist as gone:  # cancelled at the same moment by someone else
            raise NotFound() from gone
        if ended is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        ended = Absence.objects.select_related("user", "substitute", "created_by").get(pk=ended.pk)
        return Response(AbsenceSerializer(ended).data)


urlpatterns = [
    path("claims/reassign/", ClaimsReassign.as_view(), name="claims_reassign"),
    re_path(rf"^claims/{REFERENCE}/reassign/$", ClaimReassign.as_view(), name="claim_reassign"),
    re_path(rf"^claims/{REFERENCE}/extension/$", ClaimExtension.as_view(), name="claim_extension"),
    re_path(rf"^claims/{REFERENCE}/default-notices/$", DefaultNotice.as_view(), name="default_notice"),
    re_path(rf"^claims/{REFERENCE}/safety-visits/$", SafetyVisit.as_view(), name="safety_visit"),
    path("absences/", AbsenceList.as_view(), name="absence_list"),
    path("absences/<int:pk>/end/", AbsenceEnd.as_view(), name="absence_end"),
]
