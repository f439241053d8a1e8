"""Payments and SEPA files as the API shows them, and what finance sends to record a payment or make a file.

Who sees what is the pages' rule (DESIGN.md: IBANs only to finance and the owner):
- finance sees everything of a payment, the IBAN in full (casework/views/finance.py);
- a resident sees their claim's payment as the portal does (claims/progress.payment_view): the IBAN and the
  account holder in full only when they are an owner themselves; a representative gets the IBAN masked and no
  name. Who recorded or approved it, and the file it went in, stay with finance.
The view says which of the three through the serializer context `payment_view`.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework import iban as ibans
from casework import sepa
from casework.forms.dossier import MAX_TEXT
from claims.models import Payment, PaymentBatch

from .common import PersonRefSerializer, StaffRefSerializer

FINANCE, OWNER, PARTY = "finance", "owner", "party"
FINANCE_ONLY = ("applicant", "recorded_by", "approved_by", "batch", "approved_at")


class PaymentSerializer(serializers.ModelSerializer):
    claim = serializers.SlugRelatedField(slug_field="reference", read_only=True,
                                         help_text="The claim's reference.")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    iban = serializers.SerializerMethodField(
        help_text="In groups of four; masked (country, check digits and the last four) for a representative.")
    iban_masked = serializers.SerializerMethodField(help_text="True when `iban` is masked.")
    account_holder = serializers.CharField(read_only=True, allow_null=True,
                                           help_text="Null for a representative, as in the portal.")
    applicant = PersonRefSerializer(source="claim.applicant", read_only=True, allow_null=True,
                                    help_text="Finance only; null for residents.")
    recorded_by = StaffRefSerializer(read_only=True, allow_null=True, help_text="Finance only; null for residents.")
    approved_by = StaffRefSerializer(read_only=True, allow_null=True)
    batch = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                               help_text="The SEPA file it is in. Finance only.")
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Payment
        fields = ["id", "claim", "applicant", "status", "status_label", "amount", "iban", "iban_masked",
                  "account_holder", "recorded_by", "approved_by", "batch", "created_at", "approved_at", "paid_at"]
        read_only_fields = fields

    def _view(self) -> str:
        return self.context.get("payment_view", PARTY)

    def get_iban(self, payment: Payment) -> str:
        return ibans.mask(payment.iban) if self._view() == PARTY else ibans.formatted(payment.iban)

    def get_iban_masked(self, payment: Payment) -> bool:
        return self._view() == PARTY

    def to_representation(self, instance):
        data = super().to_representation(instance)
        view = self._view()
        if view != FINANCE:
            for name in FINANCE_ONLY:
                data[name] = None
        if view == PARTY:
            data["account_holder"] = None
        return data


class PaymentRecordSerializer(serializers.Serializer):
    """The resident's account; the amount is always what is still open of the award (the service computes it)."""

    iban = serializers.CharField(max_length=50, help_text="For example NL91 ABNA 0417 1643 00; spaces allowed.")
    account_holder = serializers.CharField(max_length=sepa.MAX_NAME,
                                           help_text="The name as the bank knows it; usually the applicant's.")

    def validate_iban(self, value: str) -> str:
        try:
            return ibans.validate(value)
        except DjangoValidationError as error:  # its message is the sentence to show, as in the page's form
            raise serializers.ValidationError(error.messages[0], code=error.code or "invalid") from error

    def validate_account_holder(self, value: str) -> str:
        holder = " ".join(value.split())
        if not sepa.transliterate(holder):
            raise serializers.ValidationError(
                _("Schrijf de naam met gewone letters (a tot z), zoals de bank hem kent."), code="not_latin")
        return holder


class PaymentCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=MAX_TEXT, help_text="Why; it goes into the dossier as an internal note.")


class BatchSerializer(serializers.ModelSerializer):
    created_by = StaffRefSerializer(read_only=True)
    paid_by = StaffRefSerializer(read_only=True, allow_null=True)
    total = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    file_url = serializers.HyperlinkedIdentityField(view_name="api:payment_batch_file",
                                                    help_text="The stored SEPA file (pain.001.001.03).")

    class Meta:
        model = PaymentBatch
        fields = ["id", "message_id", "created_by", "created_at", "execution_date", "count", "total", "paid_at",
                  "paid_by", "file_url"]
        read_only_fields = fields


class BatchDetailSerializer(BatchSerializer):
    payments = PaymentSerializer(source="visible_payments", many=True, read_only=True,
                                 help_text="The payments in the file, as finance sees them.")

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "payments"]
        read_only_fields = fields


class BatchCreateSerializer(serializers.Serializer):
    execution_date = serializers.DateField(
        help_text="The day the bank transfers the money: today or later. A day the banks are closed becomes the "
                  "next day they are open.")
