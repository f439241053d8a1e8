"""Objections (bezwaar) as the API shows and takes them: the objection with its status, hearing and outcome; what
a resident sends to file one (with optional files, as in the portal); the handler's hearing and decision; the
rows of the objections queue.

Residents read what their portal shows: when it came in, whether it was late, by when we decide, the outcome.
Who handles it and the hearing are the institute's work (the portal does not show them): null for residents.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from casework.attention import DUE_SOON, OVERDUE, due_soon_limit
from casework.models import Objection
from casework.views.objections import term_for
from claims.timeutil import today

from .common import StaffRefSerializer
from .decisions import TEXT_MAX, DecisionItemInSerializer

MAX_FILES = 10  # as the portal's form (claims/forms/portal.py)
RECEIVED, IN_PROGRESS, DECIDED = "received", "in_progress", "decided"
STATUS_CHOICES = [(RECEIVED, _("Ontvangen")), (IN_PROGRESS, _("In behandeling")), (DECIDED, _("Beslist"))]
STAFF_ONLY = ("handler", "hearing_at", "hearing_kind", "hearing_notes")


class ObjectionSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField(help_text="received, in_progress (someone handles it) or decided.")
    decision_due = serializers.SerializerMethodField(help_text="While open: the last day to decide (Awb 7:10).")
    handler = StaffRefSerializer(read_only=True, allow_null=True, help_text="Null for residents.")
    hearing_at = serializers.DateTimeField(read_only=True, allow_null=True)
    hearing_kind = serializers.ChoiceField(choices=Objection.HearingKind.choices, read_only=True, allow_blank=True,
                                           allow_null=True)
    hearing_notes = serializers.CharField(read_only=True, allow_null=True, help_text="Null for residents.")
    outcome = serializers.ChoiceField(choices=Objection.Outcome.choices, read_only=True, allow_blank=True,
                                      help_text="Empty while open.")
    decision = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True,
                                                  help_text="The decision on the objection (see decisions).")

    class Meta:
        model = Objection
        fields = ["id", "status", "received_on", "late", "grounds", "late_excuse", "decision_due", "handler",
                  "hearing_at", "hearing_kind", "hearing_notes", "outcome", "decision", "created_at"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=STATUS_CHOICES))
    def get_status(self, objection: Objection) -> str:
        if objection.outcome:
            return DECIDED
        return IN_PROGRESS if objection.handler_id else RECEIVED

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_decision_due(self, objection: Objection):
        due = objection.claim.objection_decision_due if not objection.outcome else None
        return due.isoformat() if due else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if self.context.get("resident_view"):
            for name in STAFF_ONLY:
                data[name] = None
        return data


# --- filing (the resident) ---------------------------------------------------------------------------------------

class ObjectionFileSerializer(serializers.Serializer):
    grounds = serializers.CharField(max_length=TEXT_MAX, help_text="Why the resident disagrees with the decision.")
    late_excuse = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                                        help_text="Needed after the 6-week window: why it is late (Awb 6:11).")
    kept = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=MAX_FILES * 3,
                                 help_text="Ids of files already stored by an earlier try that refused another file.")

    def validate(self, data):
        if self.context.get("late") and not (data.get("late_excuse") or "").strip():
            raise serializers.ValidationError(
                {"late_excuse": _("Schrijf op waarom u niet eerder bezwaar kon maken.")}, code="required")
        if not self.context.get("late"):
            data["late_excuse"] = ""  # the portal asks for it only when the window has passed
        return data


class ObjectionUploadSerializer(ObjectionFileSerializer):
    files = serializers.ListField(child=serializers.FileField(), required=False, max_length=MAX_FILES,
                                  help_text="Photos (JPG, PNG, HEIC) or PDFs, at most 10.")


# --- the handler's work ------------------------------------------------------------------------------------------

class HearingInSerializer(serializers.Serializer):
    hearing_at = serializers.DateTimeField()
    hearing_kind = serializers.ChoiceField(choices=Objection.HearingKind.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX,
                                  help_text="What was said; only after the hearing.")


class ObjectionDecideItemSerializer(DecisionItemInSerializer):
    """For an objection a percentage may be left out with partly: the commission's then counts (as the page
    fills it in)."""

    def check_item(self, data) -> None:
        if data["plausibility"] == "no" and data["amount"] != 0:
            raise serializers.ValidationError(
                {"amount": _("Een schadepunt dat niet door mijnbouw komt, krijgt bedrag nul.")}, code="no_means_zero")
        if data["plausibility"] != "partly":
            data["percentage"] = None


class ObjectionDecideSerializer(serializers.Serializer):
    well_founded = serializers.BooleanField(help_text="False: the decision stands; true: a new one with `items`.")
    items = ObjectionDecideItemSerializer(many=True, required=False, allow_null=True,
                                     help_text="Well-founded only: every damage item once, with its new amount; "
                                               "for partly without a percentage the commission's counts.")
    reasoning = serializers.CharField(max_length=TEXT_MAX, help_text="It goes into the letter.")

    def to_internal_value(self, data):
        # Unfounded: the amounts do not count, so whatever was sent there is no reason to refuse (as the page).
        if isinstance(data, dict) and "items" in data and data.get("well_founded") in (False, "false", "False", 0):
            data = {key: value for key, value in data.items() if key != "items"}
        return super().to_internal_value(data)

    def validate(self, data):
        if not data["well_founded"]:
            data["items"] = None
        elif not data.get("items"):
            raise serializers.ValidationError(
                {"items": _("Vul bij een gegrond bezwaar de nieuwe bedragen per schadepunt in.")}, code="required")
        return data


# --- the objections queue ----------------------------------------------------------------------------------------

class QueueObjectionSerializer(serializers.ModelSerializer):
    handler = StaffRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Objection
        fields = ["id", "received_on", "late", "handler"]
        read_only_fields = fields


def term_of(claim):
    """The 12-week term as the queue page shows it (casework/views/objections.py `term_for`)."""
    on = today()
    return term_for(claim.objection_decision_due, on=on, limit=due_soon_limit(on))


class ObjectionQueueRowSerializer(serializers.Serializer):
    reference = serializers.CharField(read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:claim_detail", lookup_field="reference")
    urgent = serializers.BooleanField(read_only=True)
    municipality = serializers.CharField(source="property.municipality", read_only=True)
    decision_due = serializers.DateField(source="objection_decision_due", read_only=True, allow_null=True)
    days_left = serializers.SerializerMethodField(help_text="Days until the term ends; negative when late.")
    level = serializers.SerializerMethodField(help_text="overdue, due_soon (within 10 working days) or empty.")
    objection = serializers.SerializerMethodField()
    excluded = serializers.BooleanField(
        read_only=True, help_text="Four eyes: the caller decided or advised on it, so a colleague handles it.")

    def get_days_left(self, claim) -> int | None:
        return term_of(claim).days_left

    @extend_schema_field(serializers.ChoiceField(choices=[(OVERDUE, OVERDUE), (DUE_SOON, DUE_SOON), ("", "")]))
    def get_level(self, claim) -> str:
        return term_of(claim).level

    @extend_schema_field(QueueObjectionSerializer(allow_null=True))
    def get_objection(self, claim):
        objection = next(iter(claim.open_objections), None)
        return QueueObjectionSerializer(objection).data if objection is not None else None
