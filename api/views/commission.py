"""The commission's work through the API (its secretariat works without the pages): a member's declaration of (no)
conflict of interest, the claim's advices, recording the advice (which fires `advise`), and the member's queue.

The same rules as the pages (casework/views/commission.py), in the same order: only commission members declare
and advise (403); a claim they stepped aside from is out of their sight (404), as is one no longer in review; a
member advises only after declaring no conflict (409) and only on a claim in review (409); then the data (400);
then casework.services.commission decides.

Who reads the advices: commission members, decision makers (their decision page shows the advice), case guides
and coordinators. Residents read the commission's view in the decision letter, not here; experts see no
amounts; desk and finance have their own pages: 403.
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

from casework.models import CommissionAdvice, ItemAdvice
from casework.services.commission import advice_record, commission_queue_for, declaration_of, review_declare
from claims import roles as R
from claims.errors import NOT_NOW, TransitionRefused
from claims.models import Claim
from claims.states import State

from ..lookups import REFERENCE, visible_claim
from ..serializers.commission import (
    AdviceInSerializer,
    CommissionAdviceSerializer,
    CommissionQueueRowSerializer,
    DeclarationInSerializer,
    DeclarationSerializer,
)
from .decisions import damage_items_of, reader_view, refused, validated

ADVICE_READERS = frozenset({R.COMMISSION, R.DECISION_MAKER, R.CASEWORKER, R.COORDINATOR})
DECLARATION_FIELDS = {
    "ground_required": "ground",
    "explanation_required": "explanation",
    "text_too_long": "explanation",
}
# Refusals of advice_record about what was sent: 400 on that part (the messages name the damage item).
ADVICE_FIELDS = {
    "text_required": "reasoning",
    "text_too_long": "items",
    "unknown_item": "items",
    "item_twice": "items",
    "item_missing": "items",
    "no_items": "items",
    "plausibility_required": "items",
    "amount_required": "items",
    "invalid_amount": "items",
    "amount_for_no": "items",
    "percentage_required": "items",
    "item_reasoning_required": "items",
}
NOT_DECLARED = _("Verklaar eerst dat u geen belangenconflict hebt bij deze zaak.")


def _ensure_member(user) -> None:
    if not R.has_role(user, R.COMMISSION):
        raise PermissionDenied(_("Alleen commissieleden doen dit."))


def advices_of(claim: Claim):
    items = ItemAdvice.objects.select_related("damage_item").order_by("damage_item__position", "pk")
    return (CommissionAdvice.objects.filter(claim=claim).select_related("member")
            .prefetch_related(Prefetch("items", queryset=items)).order_by("-created_at", "-pk"))


class CommissionDeclaration(APIView):
    @extend_schema(request=DeclarationInSerializer, responses={201: DeclarationSerializer},
                   description="A commission member declares, once per claim, whether they have a conflict of "
                               "interest. With a conflict they step aside: the claim leaves their sight (404).")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        _ensure_member(request.user)
        data = validated(DeclarationInSerializer, request)
        try:
            declaration = review_declare(claim=claim, member=request.user, **data)
        except TransitionRefused as refusal:
            return refused(refusal, DECLARATION_FIELDS)
        return Response(DeclarationSerializer(declaration, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class CommissionAdviceList(APIView):
    parser_classes = [JSONParser]

    @extend_schema(responses={200: CommissionAdviceSerializer(many=True)},
                   description="The commission's advices on the claim with the advice per damage item, newest "
                               "first (a few at most: not paged).")
    def get(self, request, reference: str):
        claim = visible_claim(request, reference)
        reader_view(request.user, ADVICE_READERS, resident_reads=False)
        return Response(CommissionAdviceSerializer(advices_of(claim), many=True, context={"request": request}).data)

    @extend_schema(request=AdviceInSerializer, responses={201: CommissionAdviceSerializer},
                   description="The advice of a member who declared no conflict: per damage item, with the general "
                               "reasoning. Statutory interest is computed. Moves the claim to `decision_pending`.")
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        user = request.user
        _ensure_member(user)
        if claim.status != State.COMMISSION_REVIEW:
            raise TransitionRefused(NOT_NOW.format(state=State(claim.status).label), code="not_now")
        if declaration_of(user, claim) is None:
            raise TransitionRefused(NOT_DECLARED, code="not_declared")
        data = validated(AdviceInSerializer, request, damage_items=damage_items_of(claim))
        try:
            advice = advice_record(claim=claim, member=user, items=data["items"], reasoning=data["reasoning"],
                                   inspection_allowance=data["inspection_allowance"])
        except TransitionRefused as refusal:
            return refused(refusal, ADVICE_FIELDS)
        advice = advices_of(claim).get(pk=advice.pk)
        return Response(CommissionAdviceSerializer(advice, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class IsCommissionMember(BasePermission):
    message = _("Alleen commissieleden hebben deze lijst.")

    def has_permission(self, request, view) -> bool:
        return R.has_role(request.user, R.COMMISSION)


class CommissionQueue(generics.ListAPIView):
    """The claims in commission review this member may see (never one they stepped aside from): urgent first,
    then the one that waited longest, with whether the member declared already."""

    serializer_class = CommissionQueueRowSerializer
    permission_classes = [IsAuthenticated, IsCommissionMember]
    filter_backends = []

    def get_queryset(self):
        return commission_queue_for(self.request.user)


urlpatterns = [
    re_path(rf"^claims/{REFERENCE}/commission/declaration/$", CommissionDeclaration.as_view(),
            name="commission_declaration"),
    re_path(rf"^claims/{REFERENCE}/commission-advice/$", CommissionAdviceList.as_view(),
            name="commission_advice_list"),
    re_path(r"^commission-queue/$", CommissionQueue.as_view(), name="commission_queue"),
]
