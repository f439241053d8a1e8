"""Objections (bezwaar) through the API: the claim's objections, the resident filing one (as in the portal, with
optional files), the handler's work (take it on, the hearing, the decision on it), and the objections queue.

The same rules as the pages:
- filing (claims/views/portal.py `portal_objection`): only the resident of the claim (the case guide records a
  paper objection with the `file_objection` transition instead), only while the portal offers it (409), with the
  reason it is late after the window (400); files are stored each on its own before the objection, and a
  refused file is a 400 that names it while the others stay stored (send their ids as `kept` next time);
- handling (casework/views/objections.py): decision makers only (403), never who decided or advised on the claim
  (four eyes, 403), on the claim's open objection while the claim is in `objection` (409).

Residents read what their portal shows (no handler, no hearing); decision makers, case guides and coordinators
read everything; other roles 403.
"""

from django.urls import re_path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.models import Objection
from casework.services.objections import (
    NO_OBJECTION,
    may_handle,
    objection_decide,
    objection_hearing,
    objection_queue,
    objection_take,
    open_objection,
)
from claims import roles as R
from claims.errors import FORBIDDEN, NOT_NOW, TransitionForbidden, TransitionRefused
from claims.models import Claim, DocumentKind
from claims.permissions import is_party
from claims.services import portal
from claims.states import State
from claims.views.portal import open_actions

from ..exceptions import refused
from ..lookups import REFERENCE, visible_claim
from ..serializers.decisions import DecisionSerializer
from ..serializers.objections import (
    HearingInSerializer,
    ObjectionDecideSerializer,
    ObjectionFileSerializer,
    ObjectionQueueRowSerializer,
    ObjectionSerializer,
    ObjectionUploadSerializer,
)
from .decisions import damage_items_of, decisions_of, reader_view, validated

STAFF_READERS = frozenset({R.DECISION_MAKER, R.CASEWORKER, R.COORDINATOR})
FILE_FIELDS = {"text_required": "grounds", "text_too_long": "grounds", "reason_required": "grounds",
               "objection_late": "late_excuse"}
HEARING_FIELDS = {"hearing_at_required": "hearing_at", "invalid_hearing_kind": "hearing_kind", "hearing_ahead": "notes"}
DECIDE_FIELDS = {
    "reason_required": "reasoning",
    "items_required": "items",
    "items_mismatch": "items",
    "invalid_plausibility": "items",
    "invalid_amount": "items",
    "invalid_percentage": "items",
    "no_means_zero": "items",
}
OBJECTION_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The objection's id.")
FOUR_EYES = _("U hebt eerder over deze zaak besloten of geadviseerd. Een collega behandelt het bezwaar (vier ogen).")


def objections_of(claim: Claim) -> list[Objection]:
    rows = list(Objection.objects.filter(claim=claim).select_related("handler").order_by("-created_at", "-pk"))
    for row in rows:
        row.claim = claim  # the term is the claim's: no query per row
    return rows


def _shown(objection: Objection, claim: Claim, request, *, resident: bool = False) -> dict:
    objection.claim = claim
    return ObjectionSerializer(objection, context={"request": request, "resident_view": resident}).data


# --- the claim's objections, and filing one ----------------------------------------------------------------------

class ObjectionList(APIView):
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses={200: ObjectionSerializer(many=True)},
                   description="The claim's objections, newest first (a few at most: not paged).")
    def get(self, request, reference: str):
        claim = visible_claim(request, reference)
        view = reader_view(request.user, STAFF_READERS, resident_reads=True)
        context = {"request": request, "resident_view": view == "resident"}
        return Response(ObjectionSerializer(objections_of(claim), many=True, context=context).data)

    @extend_schema(request={"application/json": ObjectionFileSerializer,
                            "multipart/form-data": ObjectionUploadSerializer},
                   responses={201: ObjectionSerializer},
                   description="The resident objects to the decision (Awb 6:7): once per decision, after the "
                               "6-week window only with `late_excuse`. Files: send multipart/form-data.")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        user = request.user
        if not R.has_role(user, R.RESIDENT):
            raise PermissionDenied(_("Hier maakt de aanvrager bezwaar. Een bezwaar op papier legt de "
                                     "zaakbegeleider vast met de stap file_objection."))
        if not is_party(user, claim):
            raise TransitionForbidden(FORBIDDEN, code="forbidden")
        actions = open_actions(user, claim)
        if not actions.objection:
            if claim.status in portal.OBJECTION_STATES and portal.objection_used(claim):
                raise TransitionRefused(portal.OBJECTION_USED, code="objection_twice")
            raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
        uploading = request.content_type.startswith("multipart/")
        data = validated(ObjectionUploadSerializer if uploading else ObjectionFileSerializer, request,
                         late=actions.objection_late)
        documents = self._kept(claim, user, data.get("kept") or [])
        stored, refusals = portal.portal_store_files(claim=claim, actor=user, files=data.get("files") or [],
                                                     kind=DocumentKind.OBJECTION)
        documents += stored
        if refusals:
            errors = {"files": [f"{refusal.name}: {refusal.message}" for refusal in refusals]}
            if documents:
                errors["kept"] = [_("Deze bestanden zijn wel bewaard. Stuur hun nummers mee in ‘kept’: %(ids)s.")
                                  % {"ids": ", ".join(str(document.pk) for document in documents)}]
            raise ValidationError(errors)
        try:
            claim = portal.objection_file(claim=claim, actor=user, grounds=data["grounds"],
                                          late_excuse=data.get("late_excuse", ""), documents=documents)
        except TransitionRefused as refusal:
            return refused(refusal, FILE_FIELDS)
        objection = objections_of(claim)[0]
        return Response(_shown(objection, claim, request, resident=True), status=status.HTTP_201_CREATED)

    @staticmethod
    def _kept(claim: Claim, user, ids: list[int]) -> list:
        """Files this resident stored for an objection on this claim in an earlier try (as the portal's form)."""
        if not ids:
            return []
        documents = list(claim.documents.filter(uploaded_by=user, kind=DocumentKind.OBJECTION, pk__in=ids)
                         .order_by("pk"))
        if len(documents) != len(set(ids)):
            raise ValidationError({"kept": [_("Een van deze bestanden is niet van u bij deze zaak.")]})
        return documents


# --- the handler's work ------------------------------------------------------------------------------------------

class HandlerAction(APIView):
    """Finds the objection in the visible claim (404) and applies the pages' gates: the role (403), four eyes
    (403), the claim in `objection` with this objection open (409)."""

    def begin(self, request, reference: str, pk: int) -> tuple[Claim, Objection]:
        claim = visible_claim(request, reference)
        objection = Objection.objects.filter(claim=claim, pk=pk).first()
        if objection is None:
            raise NotFound()
        user = request.user
        if not R.has_role(user, R.DECISION_MAKER):
            raise PermissionDenied(_("Alleen een besluitvormer behandelt een bezwaar."))
        if not may_handle(user, claim):
            raise TransitionForbidden(FOUR_EYES, code="four_eyes")
        if claim.status != State.OBJECTION:
            raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
        current = open_objection(claim)
        if current is None or current.pk != objection.pk:
            raise TransitionRefused(NO_OBJECTION, code="no_objection")
        return claim, objection

    def answer(self, request, claim: Claim, objection: Objection) -> Response:
        objection = Objection.objects.select_related("handler").get(pk=objection.pk)
        return Response(_shown(objection, claim, request))


class ObjectionTake(HandlerAction):
    @extend_schema(parameters=[OBJECTION_ID], request=None, responses={200: ObjectionSerializer},
                   description="The caller handles this objection from now on (again: no change).")
    def post(self, request, reference: str, pk: int):
        claim, objection = self.begin(request, reference, pk)
        try:
            objection_take(claim=claim, actor=request.user)
        except TransitionRefused as refusal:
            return refused(refusal, {})
        return self.answer(request, claim, objection)


class ObjectionHearing(HandlerAction):
    parser_classes = [JSONParser]

    @extend_schema(parameters=[OBJECTION_ID], request=HearingInSerializer, responses={200: ObjectionSerializer},
                   description="Plans or moves the hearing (Awb 7:2); afterwards records what was said.")
    def post(self, request, reference: str, pk: int):
        claim, objection = self.begin(request, reference, pk)
        data = validated(HearingInSerializer, request)
        try:
            objection_hearing(claim=claim, actor=request.user, hearing_at=data["hearing_at"], kind=data["hearing_kind"],
                              notes=data.get("notes", ""))
        except TransitionRefused as refusal:
            return refused(refusal, HEARING_FIELDS)
        return self.answer(request, claim, objection)


class ObjectionDecide(HandlerAction):
    parser_classes = [JSONParser]

    @extend_schema(parameters=[OBJECTION_ID], request=ObjectionDecideSerializer, responses={201: DecisionSerializer},
                   description="The decision on the objection: a Decision of kind `objection`, the step "
                               "`decide_objection` (to settlement when something is awarded, else closed), the letter.")
    def post(self, request, reference: str, pk: int):
        claim, _objection = self.begin(request, reference, pk)
        data = validated(ObjectionDecideSerializer, request, damage_items=damage_items_of(claim))
        try:
            decision = objection_decide(claim=claim, actor=request.user, well_founded=data["well_founded"],
                                        items=data["items"], reasoning=data["reasoning"])
        except TransitionRefused as refusal:
            return refused(refusal, DECIDE_FIELDS)
        decision = decisions_of(claim).get(pk=decision.pk)
        return Response(DecisionSerializer(decision, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


# --- the queue ---------------------------------------------------------------------------------------------------

class IsDecisionMaker(BasePermission):
    message = _("Alleen besluitvormers hebben deze lijst.")

    def has_permission(self, request, view) -> bool:
        return R.has_role(request.user, R.DECISION_MAKER)


class ObjectionQueue(generics.ListAPIView):
    """Claims with an objection being handled: the shortest 12-week term first. A claim the caller decided or
    advised on is listed with `excluded` (four eyes: a colleague handles it)."""

    serializer_class = ObjectionQueueRowSerializer
    permission_classes = [IsAuthenticated, IsDecisionMaker]
    filter_backends = []

    def get_queryset(self):
        return objection_queue(self.request.user).select_related("property")


OBJECTION = rf"^claims/{REFERENCE}/objections/(?P<pk>\d+)"
urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/objections/$", ObjectionList.as_view(), name="objection_list"),
    re_path(rf"{OBJECTION}/take/$", ObjectionTake.as_view(), name="objection_take"),
    re_path(rf"{OBJECTION}/hearing/$", ObjectionHearing.as_view(), name="objection_hearing"),
    re_path(rf"{OBJECTION}/decide/$", ObjectionDecide.as_view(), name="objection_decide"),
    re_path(r"^objection-queue/$", ObjectionQueue.as_view(), name="objection_queue"),
]
