"""The commission's part as the API shows and takes it: a member's declaration of (no) conflict of interest, the
advice per damage item (input as the page's form, output with the totals the server computed), and the rows of
the commission's queue. The rules themselves live in casework.services.commission."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.amounts import route_for
from casework.models import CommissionAdvice, ItemAdvice, Plausibility, ReviewDeclaration, Route
from casework.services.commission import EXPLANATION_MAX
from claims.models import Recusal
from claims.timeutil import local_date, today

from .common import StaffRefSerializer
from .decisions import TEXT_MAX, DamageItemRefSerializer, NamedItemSerializer, amount_field

# --- the declaration ---------------------------------------------------------------------------------------------


class DeclarationInSerializer(serializers.Serializer):
    has_conflict = serializers.BooleanField(help_text="True: the member steps aside and loses sight of the claim.")
    ground = serializers.ChoiceField(choices=Recusal.Ground.choices, required=False, allow_blank=True,
                                     help_text="With a conflict: what kind of conflict.")
    explanation = serializers.CharField(required=False, allow_blank=True, max_length=EXPLANATION_MAX,
                                        help_text="Needed for the ground ‘other’.")

    def validate(self, data):
        if not data["has_conflict"]:
            return {"has_conflict": False, "ground": "", "explanation": ""}
        if not data.get("ground"):
            raise serializers.ValidationError({"ground": _("Kies wat voor belangenconflict u hebt.")},
                                              code="required")
        explanation = (data.get("explanation") or "").strip()
        if data["ground"] == Recusal.Ground.OTHER and not explanation:
            raise serializers.ValidationError({"explanation": _("Schrijf op wat het belangenconflict is.")},
                                              code="required")
        return {"has_conflict": True, "ground": data["ground"], "explanation": explanation}


class DeclarationSerializer(serializers.ModelSerializer):
    claim = serializers.CharField(source="claim.reference", read_only=True)
    member = StaffRefSerializer(read_only=True)

    class Meta:
        model = ReviewDeclaration
        fields = ["id", "claim", "member", "has_conflict", "declared_at"]
        read_only_fields = fields


# --- the advice: input -------------------------------------------------------------------------------------------

class ItemAdviceInSerializer(NamedItemSerializer):
    """As the page's form per item: a percentage only with partly; an amount with yes and partly; with no the
    amount is 0 (or left out)."""

    percentage = serializers.IntegerField(min_value=1, max_value=99, required=False, allow_null=True,
                                          help_text="For partly: the share caused by mining, 1 to 99.")
    amount = amount_field(min_value=0, required=False, allow_null=True,
                          help_text="Needed for yes and partly; 0 or left out for no.")
    reasoning = serializers.CharField(max_length=TEXT_MAX)

    def check_item(self, data) -> None:
        plausibility, amount = data["plausibility"], data.get("amount")
        if plausibility == Plausibility.PARTLY and data.get("percentage") is None:
            raise serializers.ValidationError(
                {"percentage": _("Vul bij ‘gedeeltelijk’ een percentage in van 1 tot en met 99.")}, code="required")
        if plausibility == Plausibility.NO:
            if amount:
                raise serializers.ValidationError({"amount": _("Bij ‘nee’ is het bedrag 0.")}, code="amount_for_no")
            data["amount"] = Decimal("0.00")
        elif amount is None:
            raise serializers.ValidationError({"amount": _("Vul het bedrag in.")}, code="required")
        if plausibility != Plausibility.PARTLY:
            data["percentage"] = None  # a percentage only means something with partly


class AdviceInSerializer(serializers.Serializer):
    items = ItemAdviceInSerializer(many=True, help_text="Every damage item of the claim exactly once.")
    reasoning = serializers.CharField(max_length=TEXT_MAX, help_text="The general reasoning.")
    inspection_allowance = serializers.BooleanField(
        default=False, help_text="Grant the allowance for the inspection visit (settings.MIJNSCHADE_AMOUNTS).")


# --- the advice: output ------------------------------------------------------------------------------------------

class ItemAdviceSerializer(serializers.ModelSerializer):
    damage_item = DamageItemRefSerializer(read_only=True)
    amount = amount_field(read_only=True)

    class Meta:
        model = ItemAdvice
        fields = ["damage_item", "plausibility", "percentage", "amount", "reasoning"]
        read_only_fields = fields


class CommissionAdviceSerializer(serializers.ModelSerializer):
    member = StaffRefSerializer(read_only=True)
    items_total = amount_field(read_only=True)
    inspection_allowance = amount_field(read_only=True)
    statutory_interest = amount_field(read_only=True, help_text="Computed, never typed: rate × days late.")
    total = amount_field(read_only=True)
    route = serializers.SerializerMethodField(help_text="The route the advised total falls in.")
    items = ItemAdviceSerializer(many=True, read_only=True)

    class Meta:
        model = CommissionAdvice
        fields = ["id", "member", "reasoning", "items_total", "inspection_allowance", "statutory_interest", "total",
                  "route", "created_at", "items"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Route.choices))
    def get_route(self, advice: CommissionAdvice) -> str:
        return route_for(advice.total)


# --- the commission's queue --------------------------------------------------------------------------------------

class CommissionQueueRowSerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:claim_detail", lookup_field="reference")
    urgent = serializers.BooleanField(read_only=True)
    municipality = serializers.CharField(source="property.municipality", read_only=True)
    item_count = serializers.IntegerField(read_only=True, help_text="Damage items to advise on.")
    forwarded_at = serializers.DateTimeField(read_only=True, allow_null=True,
                                             help_text="When the case guide sent it to the commission.")
    days_waiting = serializers.SerializerMethodField()
    decision_due = serializers.DateField(read_only=True, allow_null=True)
    declared = serializers.BooleanField(read_only=True,
                                        help_text="The caller declared no conflict of interest and may advise.")

    def get_days_waiting(self, claim) -> int | None:
        return (today() - local_date(claim.forwarded_at)).days if claim.forwarded_at else None
