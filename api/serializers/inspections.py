"""The inspection (schade-opname) as the API shows it, and what a client sends to plan it, record the visit,
hand in the advice report, choose another expert or object to the expert.

Each caller sees the fields its pages show (see api/views/inspections.py for who is which audience):
- staff (the dossier): everything;
- the expert (their inspection page): the appointment, the visit and the state; not the objection term, the
  day they were chosen or the report's document;
- the resident (the portal): the expert's name, the appointment while it is still to come (not while the claim
  is on hold), the visit, the term to object and their own objection; never the report.
Hidden fields are null, so the shape is the same for everyone."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import roles as R
from claims.models import Inspection, Message
from claims.states import State
from claims.timeutil import local_date
from claims.views.portal import appointment_of

from .common import MomentField, StaffRefSerializer

User = get_user_model()

STAFF = "staff"
EXPERT = "expert"
RESIDENT = "resident"

# What each audience may not see (null in the representation).
HIDDEN = {
    STAFF: frozenset(),
    EXPERT: frozenset({"chosen_on", "objection_due", "report", "expert_objection_on"}),
    RESIDENT: frozenset({"chosen_on", "report"}),
}


def open_objection_of(inspection: Inspection, objections: list[Message]) -> Message | None:
    """The resident's open objection to this inspection's expert, from the claim's open objections (newest first):
    the rule of claims.services.portal.expert_objection_of, on rows read once for the whole list."""
    return next((m for m in objections if m.created_at >= inspection.created_at), None)


class InspectionSerializer(serializers.ModelSerializer):
    expert = StaffRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    chosen_on = serializers.DateField(read_only=True, allow_null=True, help_text="Staff only.")
    objection_due = serializers.DateField(
        read_only=True, allow_null=True,
        help_text="The last day the resident may object to the expert. Staff and the resident.")
    starts_at = serializers.DateTimeField(
        read_only=True, allow_null=True,
        help_text="The planned visit. The resident sees it only while the visit is still to come.")
    ends_at = serializers.DateTimeField(read_only=True, allow_null=True)
    visited_at = serializers.DateTimeField(read_only=True, allow_null=True)
    report = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True,
        help_text="The advice report's document id (GET /documents/{id}/). Staff only.")
    expert_objection_on = serializers.SerializerMethodField(
        help_text="The day the resident's objection to this expert came in, while it is not yet handled. "
                  "Staff and the resident.")

    class Meta:
        model = Inspection
        fields = ["id", "expert", "status", "status_label", "chosen_on", "objection_due", "starts_at", "ends_at",
                  "visited_at", "report", "expert_objection_on"]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_expert_objection_on(self, inspection: Inspection) -> dt.date | None:
        objection = open_objection_of(inspection, self.context.get("objections", []))
        return local_date(objection.created_at) if objection else None

    def to_representation(self, inspection):
        data = super().to_representation(inspection)
        audience = self.context["audience"]
        for name in HIDDEN[audience]:
            data[name] = None
        if audience == RESIDENT:
            claim = self.context["claim"]
            if appointment_of(claim, inspection) is None:
                data["starts_at"] = data["ends_at"] = None
            if claim.status == State.ON_HOLD:  # the portal says to call about the visit, nothing more
                data["visited_at"] = None
        return data


class ScheduleSerializer(serializers.Serializer):
    starts_at = MomentField(help_text="Start of the visit: a working day in the future, from 08:00 (Europe/Amsterdam).")
    ends_at = MomentField(help_text="End of the visit: the same day, at the latest 18:00.")


class VisitSerializer(serializers.Serializer):
    visited_at = MomentField(help_text="When the expert was at the home; not in the future.")


class ReportUploadSerializer(serializers.Serializer):
    report = serializers.FileField(help_text="The advice report as a PDF.",
                                   error_messages={"required": _("Kies het adviesrapport.")})
    reason = serializers.CharField(allow_blank=True, max_length=2000, default="",
                                   help_text="A note for the claim's history; a standard text when left out.")


class ExpertReplacementSerializer(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True, groups__name=R.EXPERT),
        help_text="The user id of the new expert (an active expert, not the current one).",
        error_messages={"required": _("Kies een deskundige."), "null": _("Kies een deskundige."),
                        "does_not_exist": _("Kies een deskundige uit de lijst."),
                        "incorrect_type": _("Kies een deskundige uit de lijst.")})
    reason = serializers.CharField(max_length=2000, help_text="Why another expert, e.g. the resident's objection.",
                                   error_messages={"blank": _("Geef een reden op.")})


class ExpertObjectionSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=10000, help_text="Why the resident objects to the chosen expert.",
        error_messages={"blank": _("Schrijf op waarom u bezwaar hebt tegen de deskundige.")})


class ExpertObjectionReceivedSerializer(serializers.ModelSerializer):
    received_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = Message
        fields = ["id", "received_at", "body"]
        read_only_fields = fields
