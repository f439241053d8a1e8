"""Decisions as the API shows and takes them: a decision with its items, the decision form's input, the rows of the
decision maker's queue, and the parts the commission's advice and the objections share (a damage item by id,
and an item input whose messages name the damage item they are about).

Residents read what their portal shows (the letter's content): no decision maker's name and no advice id.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.amounts import route_for
from casework.models import Decision, DecisionItem, Plausibility, Route
from claims.models import DamageItem, Outcome
from claims.timeutil import local_date, today

from .common import StaffRefSerializer

TEXT_MAX = 10000  # as the pages' text fields (casework/forms/dossier.py MAX_TEXT)
OUTCOME_CHOICES = [(o.value, o.label) for o in (Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REJECTED)]
NOT_OURS = _("Dit schadepunt hoort niet bij deze zaak.")


def amount_field(**kwargs) -> serializers.DecimalField:
    """Money as a string with two decimals ("1250.00"), zero or more, fitting the columns (12 digits)."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


def item_label(item: DamageItem) -> str:
    return str(_("Schadepunt %(position)s (%(location)s)") % {"position": item.position, "location": item.location})


class DamageItemRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = DamageItem
        fields = ["id", "position", "location", "kind"]
        read_only_fields = fields


# --- input per damage item ---------------------------------------------------------------------------------------

class NamedItemSerializer(serializers.Serializer):
    """One damage item in an advice or a decision. The view puts the claim's damage items in the context
    (`damage_items`: id → DamageItem); an id of another claim is refused here, and every message about an item
    starts with its number and place, so a client sees which item is meant."""

    damage_item = serializers.IntegerField(min_value=1, help_text="The damage item's id (of this claim).")
    plausibility = serializers.ChoiceField(choices=Plausibility.choices)

    def _own(self) -> dict[int, DamageItem]:
        return self.context.get("damage_items", {})

    def validate_damage_item(self, value: int) -> DamageItem:
        item = self._own().get(value)
        if item is None:
            raise serializers.ValidationError(NOT_OURS, code="unknown_item")
        return item

    def run_validation(self, data=serializers.empty):
        try:
            return super().run_validation(data)
        except serializers.ValidationError as error:
            item = self._given(data)
            if item is None or not isinstance(error.detail, dict):
                raise
            label = item_label(item)
            raise serializers.ValidationError({
                field: [f"{label}: {message}" for message in messages] if isinstance(messages, list) else messages
                for field, messages in error.detail.items()
            }) from None

    def _given(self, data) -> DamageItem | None:
        try:
            return self._own().get(int(data.get("damage_item")))
        except (AttributeError, TypeError, ValueError):
            return None

    def validate(self, data):
        self.check_item(data)
        return data

    def check_item(self, data) -> None:
        """The rules per item the page's form checks; each subclass adds its own."""


class DecisionItemInSerializer(NamedItemSerializer):
    percentage = serializers.IntegerField(min_value=1, max_value=99, required=False, allow_null=True,
                                          help_text="For partly: the share caused by mining, 1 to 99.")
    amount = amount_field(min_value=0)
    reasoning = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                                      help_text="Text for the letter; empty: the commission's reasoning.")

    def check_item(self, data) -> None:
        if data["plausibility"] == Plausibility.NO and data["amount"] != 0:
            raise serializers.ValidationError(
                {"amount": _("Komt de schade niet door mijnbouw, dan is het bedrag nul.")}, code="no_means_zero")
        if data["plausibility"] == Plausibility.PARTLY and data.get("percentage") is None:
            raise serializers.ValidationError(
                {"percentage": _("Vul bij ‘gedeeltelijk’ een percentage in.")}, code="required")
        if data["plausibility"] != Plausibility.PARTLY:
            data["percentage"] = None


class DecisionInSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=OUTCOME_CHOICES)
    items = DecisionItemInSerializer(many=True, help_text="Every damage item of the claim exactly once.")
    reasoning = serializers.CharField(max_length=TEXT_MAX, help_text="The reasoning; it goes into the letter.")


# --- output ------------------------------------------------------------------------------------------------------

class DecisionItemSerializer(serializers.ModelSerializer):
    damage_item = DamageItemRefSerializer(read_only=True)
    amount = amount_field(read_only=True)

    class Meta:
        model = DecisionItem
        fields = ["damage_item", "plausibility", "amount"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices, read_only=True)
    outcome_label = serializers.SerializerMethodField()
    total = amount_field(read_only=True)
    route = serializers.ChoiceField(choices=Route.choices, read_only=True)
    decided_by = StaffRefSerializer(read_only=True, allow_null=True,
                                    help_text="Null for residents: their portal names no one.")
    advice = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                help_text="The commission's advice it rests on (staff only).")
    items = DecisionItemSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "kind", "outcome", "outcome_label", "total", "route", "reasoning", "decided_by", "advice",
                  "created_at", "items"]
        read_only_fields = fields

    def get_outcome_label(self, decision: Decision) -> str:
        return str(Outcome(decision.outcome).label) if decision.outcome in Outcome.values else decision.outcome

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("resident_view"):
            data["decided_by"] = None
            data["advice"] = None
        return data


# --- the decision maker's queue ------------------------------------------------------------------------------------

class DecisionQueueRowSerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:claim_detail", lookup_field="reference")
    urgent = serializers.BooleanField(read_only=True)
    priority = serializers.BooleanField(read_only=True)
    municipality = serializers.CharField(source="property.municipality", read_only=True)
    decision_due = serializers.DateField(read_only=True, allow_null=True)
    advised_at = serializers.DateTimeField(read_only=True, allow_null=True)
    days_since_advice = serializers.SerializerMethodField()
    advised_total = amount_field(read_only=True, allow_null=True)
    route = serializers.SerializerMethodField(help_text="The route the advised total falls in.")
    advised_by_me = serializers.BooleanField(
        read_only=True, help_text="Four eyes: true when the caller advised on it, so a colleague decides.")

    def get_days_since_advice(self, claim) -> int | None:
        return (today() - local_date(claim.advised_at)).days if claim.advised_at else None

    @extend_schema_field(serializers.ChoiceField(choices=Route.choices, allow_null=True))
    def get_route(self, claim) -> str | None:
        return route_for(claim.advised_total) if claim.advised_total is not None else None
