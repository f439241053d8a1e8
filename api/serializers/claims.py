"""The claim as the API shows it. Amounts are left out for experts, as on their pages."""

from django_fsm import can_proceed
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import roles
from claims.models import Claim, Outcome
from claims.models.claim import TRANSITION_NAMES
from claims.permissions import may_fire
from claims.services.lifecycle import ruled_out

from .common import PersonRefSerializer, PropertyRefSerializer, StaffRefSerializer

AMOUNT_FIELDS = ("claimed_amount", "awarded_amount", "paid_amount")


class ClaimListSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    property = PropertyRefSerializer(read_only=True)
    applicant = PersonRefSerializer(read_only=True)
    caseworker = StaffRefSerializer(read_only=True, allow_null=True)
    expert = StaffRefSerializer(read_only=True, allow_null=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:claim_detail", lookup_field="reference")
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True,
                                      help_text="Empty until there is a decision.")
    claimed_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    awarded_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True)
    paid_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True,
                                           help_text="Null for experts: they see no amounts, as on their pages.")

    class Meta:
        model = Claim
        fields = [
            "reference", "url", "status", "status_label", "channel", "urgent", "priority", "property", "applicant",
            "caseworker", "expert", "created_at", "updated_at", "submitted_at", "decided_at", "closed_at",
            "decision_due", "clock_suspended", "reply_due", "objection_due", "objection_decision_due",
            "safety_visit_due", "outcome", *AMOUNT_FIELDS,
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        user = self.context["request"].user
        if roles.roles_of(user) == {roles.EXPERT} and not user.is_superuser:
            for name in AMOUNT_FIELDS:
                data[name] = None
        return data


class ClaimDetailSerializer(ClaimListSerializer):
    transitions_allowed = serializers.SerializerMethodField(
        help_text="The steps the caller may take now: POST /claims/{reference}/transitions/{name}/.")

    class Meta(ClaimListSerializer.Meta):
        fields = [*ClaimListSerializer.Meta.fields, "description", "owner_occupied", "in_owners_association",
                  "priority_reason", "transitions_allowed"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=TRANSITION_NAMES)))
    def get_transitions_allowed(self, claim: Claim) -> list[str]:
        user = self.context["request"].user
        possible = [name for name in TRANSITION_NAMES if can_proceed(getattr(claim, name), check_conditions=False)]
        return [name for name in possible if may_fire(user, name, claim) and not ruled_out(claim, name)]
