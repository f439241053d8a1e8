"""Payments and the SEPA files for the bank, as finance handles them in its pages (casework/views/finance.py),
and a claim's payment as its residents see it in the portal (claims/views/portal.py).

Finance only, as the pages (403 for anyone else): the payments list and detail (`payments_visible_to`),
recording a payment (`payment_record`), approving it (`payment_approve`: four eyes, 403 for who recorded it),
cancelling it (`payment_cancel`), and the files (`batch_create`, the stored pain.001, `batch_mark_paid`).
A claim's payments: finance sees them all; a resident who may see the claim in the portal sees its current
payment (IBAN in full only for an owner, `is_owner`); anyone else who may see the claim gets 403.
"""

import django_filters
from django.db.models import Prefetch
from django.http import HttpResponse
from django.urls import path, re_path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.filters import OrderingFilter
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.services import payments as pay
from claims import roles as R
from claims.errors import TransitionRefused
from claims.models import Payment, PaymentBatch
from claims.selectors import claims_as_resident
from claims.services.portal import current_payment, is_owner
from claims.views.portal import PAYMENT_STATES

from ..exceptions import refusal_response
from ..lookups import REFERENCE, visible_claim
from ..serializers.payments import (
    FINANCE,
    OWNER,
    PARTY,
    BatchCreateSerializer,
    BatchDetailSerializer,
    BatchSerializer,
    PaymentCancelSerializer,
    PaymentRecordSerializer,
    PaymentSerializer,
)

FINANCE_ONLY = _("Alleen medewerkers van Financiën mogen betalingen zien en behandelen.")
# Refusals of payment_record about one value sent: 400 on that field (the rest is 409 for the step).
RECORD_FIELDS = {"invalid_iban": "iban", "holder_required": "account_holder", "holder_too_long": "account_holder",
                 "holder_not_latin": "account_holder"}
BATCH_FIELDS = {"date_past": "execution_date", "date_far": "execution_date"}


class IsFinance(BasePermission):
    message = FINANCE_ONLY

    def has_permission(self, request, view) -> bool:
        return R.has_role(request.user, R.FINANCE)


class FinanceView:
    """The pages' `role_required(FINANCE)`; representations with the IBAN in full."""

    permission_classes = [IsAuthenticated, IsFinance]

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "payment_view": FINANCE}


def finance_payments(user):
    return pay.payments_visible_to(user).select_related("claim", "claim__applicant", "recorded_by", "approved_by")


def finance_payment(request, pk: int) -> Payment:
    payment = finance_payments(request.user).filter(pk=pk).first()
    if payment is None:
        raise NotFound()
    return payment


def batches():
    return PaymentBatch.objects.defer("xml").select_related("created_by", "paid_by")


def batch_detail(request, pk: int) -> PaymentBatch:
    """One file with the payments in it that this caller may see (one query for the payments)."""
    rows = Prefetch("payments", queryset=finance_payments(request.user).order_by("pk"), to_attr="visible_payments")
    batch = batches().prefetch_related(rows).filter(pk=pk).first()
    if batch is None:
        raise NotFound()
    return batch


# --- payments ---------------------------------------------------------------------------------------------------

class PaymentFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=Payment.Status.choices)
    claim = django_filters.CharFilter(field_name="claim__reference", help_text="A claim's reference.")
    batch = django_filters.NumberFilter(field_name="batch_id", help_text="The id of a SEPA file.")

    class Meta:
        model = Payment
        fields = []


class PaymentList(FinanceView, generics.ListAPIView):
    serializer_class = PaymentSerializer
    filterset_class = PaymentFilter
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["created_at", "approved_at", "paid_at", "amount", "status"]
    ordering = ["-created_at", "-id"]

    def get_queryset(self):
        return finance_payments(self.request.user)


class PaymentDetail(FinanceView, generics.RetrieveAPIView):
    serializer_class = PaymentSerializer

    def get_object(self):
        return finance_payment(self.request, self.kwargs["pk"])


class PaymentApprove(FinanceView, generics.GenericAPIView):
    serializer_class = PaymentSerializer

    @extend_schema(request=None, responses={200: PaymentSerializer})
    def post(self, request, pk: int):
        payment = finance_payment(request, pk)
        pay.payment_approve(payment=payment, actor=request.user)  # four eyes: 403; not now: 409
        return Response(self.get_serializer(finance_payment(request, pk)).data)


class PaymentCancel(FinanceView, generics.GenericAPIView):
    serializer_class = PaymentSerializer

    @extend_schema(request=PaymentCancelSerializer, responses={200: PaymentSerializer})
    def post(self, request, pk: int):
        payment = finance_payment(request, pk)
        data = PaymentCancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        pay.payment_cancel(payment=payment, actor=request.user, reason=data.validated_data["reason"])
        return Response(self.get_serializer(finance_payment(request, pk)).data)


# --- one claim's payments ---------------------------------------------------------------------------------------

class ClaimPaymentList(generics.ListAPIView):
    """GET: finance sees all of the claim's payments; a resident of the claim its current payment, as the portal
    shows it. POST: finance records the payment of what is still open of the award."""

    serializer_class = PaymentSerializer
    filter_backends = []

    def get_queryset(self):
        user = self.request.user
        claim = visible_claim(self.request, self.kwargs["reference"])
        if R.has_role(user, R.FINANCE):
            self.payment_view = FINANCE
            return finance_payments(user).filter(claim=claim).order_by("-created_at", "-pk")
        if claims_as_resident(user).filter(pk=claim.pk).exists():
            self.payment_view = OWNER if is_owner(user, claim) else PARTY
            current = current_payment(claim) if claim.status in PAYMENT_STATES else None
            shown = Payment.objects.select_related("claim", "claim__applicant")
            return shown.filter(pk=current.pk) if current is not None else shown.none()
        raise PermissionDenied(_("U mag de betalingen van deze zaak niet zien."))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "payment_view": getattr(self, "payment_view", PARTY)}

    @extend_schema(request=PaymentRecordSerializer, responses={201: PaymentSerializer})
    def post(self, request, reference: str):
        claim = visible_claim(request, reference)
        if not R.has_role(request.user, R.FINANCE):
            raise PermissionDenied(FINANCE_ONLY)
        data = PaymentRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            payment = pay.payment_record(claim=claim, actor=request.user, iban=data.validated_data["iban"],
                                         account_holder=data.validated_data["account_holder"])
        except TransitionRefused as refusal:
            if refusal.code in RECORD_FIELDS:
                return refusal_response(refusal, field=RECORD_FIELDS[refusal.code])
            raise
        self.payment_view = FINANCE
        return Response(self.get_serializer(finance_payment(request, payment.pk)).data,
                        status=status.HTTP_201_CREATED)


# --- SEPA files -------------------------------------------------------------------------------------------------

class BatchList(FinanceView, generics.ListAPIView):
    serializer_class = BatchSerializer
    filter_backends = []

    def get_queryset(self):
        return batches().order_by("-created_at", "-pk")

    @extend_schema(request=BatchCreateSerializer, responses={201: BatchDetailSerializer})
    def post(self, request):
        data = BatchCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            batch = pay.batch_create(actor=request.user, execution_date=data.validated_data["execution_date"])
        except TransitionRefused as refusal:
            if refusal.code in BATCH_FIELDS:
                return refusal_response(refusal, field=BATCH_FIELDS[refusal.code])
            raise  # nothing approved to put in a file: 409
        detail = BatchDetailSerializer(batch_detail(request, batch.pk), context=self.get_serializer_context())
        return Response(detail.data, status=status.HTTP_201_CREATED)


class BatchDetail(FinanceView, generics.RetrieveAPIView):
    serializer_class = BatchDetailSerializer

    def get_object(self):
        return batch_detail(self.request, self.kwargs["pk"])


class BatchPaid(FinanceView, generics.GenericAPIView):
    """The bank carried out the file. A second time changes nothing (as the page)."""

    serializer_class = BatchDetailSerializer

    @extend_schema(request=None, responses={200: BatchDetailSerializer})
    def post(self, request, pk: int):
        batch = batch_detail(request, pk)
        pay.batch_mark_paid(batch=batch, actor=request.user)
        return Response(self.get_serializer(batch_detail(request, pk)).data)


class XmlRenderer(BaseRenderer):
    """Lets a client ask for the file with `Accept: application/xml`; the view hands over the stored bytes."""

    media_type = "application/xml"
    format = "xml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class BatchFile(FinanceView, APIView):
    """The stored pain.001.001.03, byte for byte the same at every download."""

    renderer_classes = [XmlRenderer, JSONRenderer]

    @extend_schema(operation_id="payment_batches_sepa_retrieve",
                   parameters=[OpenApiParameter("format", exclude=True)],
                   responses={(200, "application/xml"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        batch = PaymentBatch.objects.only("pk", "message_id", "xml").filter(pk=pk).first()
        if batch is None:
            raise NotFound()
        response = HttpResponse(pay.batch_file(batch), content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{batch.message_id}.xml"'
        response["X-Content-Type-Options"] = "nosniff"
        return response

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # Errors keep their one shape in JSON, whatever the client asked for the file.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return response


urlpatterns = [
    path("payments/", PaymentList.as_view(), name="payment_list"),
    path("payments/<int:pk>/", PaymentDetail.as_view(), name="payment_detail"),
    path("payments/<int:pk>/approve/", PaymentApprove.as_view(), name="payment_approve"),
    path("payments/<int:pk>/cancel/", PaymentCancel.as_view(), name="payment_cancel"),
    re_path(rf"^claims/{REFERENCE}/payments/$", ClaimPaymentList.as_view(), name="claim_payment_list"),
    path("payment-batches/", BatchList.as_view(), name="payment_batch_list"),
    path("payment-batches/<int:pk>/", BatchDetail.as_view(), name="payment_batch_detail"),
    path("payment-batches/<int:pk>/sepa.xml", BatchFile.as_view(), name="payment_batch_file"),
    path("payment-batches/<int:pk>/paid/", BatchPaid.as_view(), name="payment_batch_paid"),
]
