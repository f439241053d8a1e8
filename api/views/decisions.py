"""Decisions through the API: a claim's decisions (on the application and on objections) with their items, the
decision maker's decision on the commission's advice, and the decision maker's queue.

The same rules as the pages (casework/views/decisions.py): only decision makers decide, on a claim awaiting a
decision (409 otherwise), never on a claim they advised on (four eyes, 403), and only once the commission has
advised (409). `decision_make` does the work: the `decide` step, the Decision with its items, the letter.

Who reads decisions: the staff whose pages show them (decision makers, case guides, coordinators), and the
resident what the portal shows (no names of staff, no advice). Experts see no amounts, the desk and finance
have their own pages: 403.
"""

from django.db.models import Prefetch
from django.urls import re_path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.models import Decision, DecisionItem
from casework.services.decisions import NO_ADVICE, decision_make, newest_advice
from casework.views.decisions import decision_queue
from claims import roles as R
from claims.errors import NOT_NOW, TransitionForbidden, TransitionRefused
from claims.models import Claim
from claims.permissions import may_fire
from claims.states import State

from ..exceptions import refused
from ..lookups import REFERENCE, visible_claim
from ..serializers.decisions import DecisionInSerializer, DecisionQueueRowSerializer, DecisionSerializer

STAFF_READERS = frozenset({R.DECISION_MAKER, R.CASEWORKER, R.COORDINATOR})
# Refusals of decision_make about one part of what was sent: 400 on that part.
FIELD_OF_CODE = {
    "invalid_outcome": "outcome",
    "reason_required": "reasoning",
    "items_mismatch": "items",
    "invalid_plausibility": "items",
    "invalid_amount": "items",
    "invalid_percentage": "items",
    "no_means_zero": "items",
    "rejected_has_amount": "items",
    "grant_needs_amount": "items",
}


# --- shared with the commission's and the objections' endpoints ------------------------------------------------

def reader_view(user, staff_roles: frozenset[str], *, resident_reads: bool) -> str:
    """How this caller reads a claim's advice, decisions or objections: "staff", "resident" (what the portal
    shows), or refused with 403."""
    held = R.roles_of(user)
    if user.is_superuser or held & staff_roles:
        return "staff"
    if resident_reads and R.RESIDENT in held:
        return "resident"
    raise PermissionDenied(_("Deze gegevens staan niet op uw pagina's. U mag ze niet inzien."))


def damage_items_of(claim: Claim) -> dict:
    """The claim's damage items by id, for the item inputs (one query)."""
    return {item.pk: item for item in claim.damage_items.order_by("position", "pk")}


def validated(serializer_class, request, **context):
    serializer = serializer_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def decisions_of(claim: Claim):
    items = DecisionItem.objects.select_related("damage_item").order_by("damage_item__position", "pk")
    return (Decision.objects.filter(claim=claim).select_related("decided_by")
            .prefetch_related(Prefetch("items", queryset=items)).order_by("-created_at", "-pk"))


# --- a claim's decisions -----------------------------------------------------------------------------------------

class DecisionList(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses={200: DecisionSerializer(many=True)},
                   description="The claim's decisions, newest first (a few at most: not paged).")
    def get(self, request, reference: str):
        claim = visible_claim(request, reference)
        view = reader_view(request.user, STAFF_READERS, resident_reads=True)
        context = {"request": request, "resident_view": view == "resident"}
        return Response(DecisionSerializer(decisions_of(claim), many=True, context=context).data)

    @extend_schema(request=DecisionInSerializer, responses={201: DecisionSerializer},
                   description="The decision on the commission's advice (decision makers; four eyes: not who "
                               "advised). Moves the claim to `decided` and schedules the decision letter.")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        user = request.user
        if not R.has_role(user, R.DECISION_MAKER):
            raise PermissionDenied(_("Alleen een besluitvormer neemt een besluit."))
        if claim.status != State.DECISION_PENDING:
            raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
        if not may_fire(user, "decide", claim):
            raise TransitionForbidden(_("U hebt over deze zaak geadviseerd. Een collega moet besluiten."),
                                      code="four_eyes")
        advice = newest_advice(claim)
        if advice is None:
            raise TransitionRefused(NO_ADVICE, code="no_advice")
        data = validated(DecisionInSerializer, request, damage_items=damage_items_of(claim))
        try:
            decision = decision_make(claim=claim, actor=user, outcome=data["outcome"], items=data["items"],
                                     reasoning=data["reasoning"])
        except TransitionRefused as refusal:
            return refused(refusal, FIELD_OF_CODE)
        decision = decisions_of(claim).get(pk=decision.pk)
        return Response(DecisionSerializer(decision, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


# --- the queue ---------------------------------------------------------------------------------------------------

class IsDecisionMaker(BasePermission):
    message = _("Alleen besluitvormers hebben deze lijst.")

    def has_permission(self, request, view) -> bool:
        return R.has_role(request.user, R.DECISION_MAKER)


class DecisionQueue(generics.ListAPIView):
    """Claims awaiting a decision, as the decision maker's page lists them: urgent first, then the oldest advice.
    A claim the caller advised on is listed with `advised_by_me` (a colleague decides)."""

    serializer_class = DecisionQueueRowSerializer
    permission_classes = [IsAuthenticated, IsDecisionMaker]
    filter_backends = []

    def get_queryset(self):
        return decision_queue(self.request.user)


urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/decisions/$", DecisionList.as_view(), name="decision_list"),
    re_path(r"^decision-queue/$", DecisionQueue.as_view(), name="decision_queue"),
]
