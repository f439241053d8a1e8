"""The guide's and the coordinator's work on claims through the API: what a client sends to reassign, extend
the term, record a notice of default or a safety visit, and record or end an absence; and how a clock event
and an absence are shown. The forms of the pages (casework/forms) ask the same."""

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.forms.caseload import MAX_REFERENCES
from casework.selectors import guides
from claims.models import Absence, ClockEvent
from claims.services.portal import MAX_TEXT

from .common import MomentField, StaffRefSerializer

REFERENCE = re.compile(r"MS-\d{4}-\d{6}")


def guide_field(**kwargs) -> serializers.PrimaryKeyRelatedField:
    """An active case guide by user id; anyone else is "not in the list", as in the pages' choice."""
    return serializers.PrimaryKeyRelatedField(
        queryset=guides(), error_messages={"does_not_exist": _("Kies een actieve zaakbegeleider."),
                                           "incorrect_type": _("Kies een actieve zaakbegeleider.")},
        **kwargs)


# --- reassignment ----------------------------------------------------------------------------------------------

class ReassignInputSerializer(serializers.Serializer):
    to_guide = guide_field(help_text="The user id of the new case guide (an active guide, not the current one).")
    reason = serializers.CharField(max_length=MAX_TEXT, help_text="Why the claim changes hands (kept).")
    handover = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="",
                                     help_text="What the new guide should know first; shown on top of the dossier.")

    def validate_to_guide(self, guide):
        if guide.pk == self.context.get("current"):
            raise serializers.ValidationError(_("Kies een andere zaakbegeleider dan de huidige."))
        return guide


class BulkReassignInputSerializer(serializers.Serializer):
    references = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, max_length=MAX_REFERENCES,
        help_text=f"The claims to move (at most {MAX_REFERENCES}); all move or none.")
    to_guide = guide_field(help_text="The user id of the new case guide.")
    reason = serializers.CharField(max_length=500, help_text="Why the claims change hands (kept on each).")
    handover = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")

    def validate_references(self, value: list[str]) -> list[str]:
        references = list(dict.fromkeys(item.strip().upper() for item in value if item.strip()))
        if not references:
            raise serializers.ValidationError(_("Kies ten minste één zaak."))
        malformed = [ref for ref in references if not REFERENCE.fullmatch(ref)]
        visible = self.context["claims"]
        found = set(visible.filter(reference__in=[r for r in references if r not in malformed])
                    .values_list("reference", flat=True))
        unknown = [ref for ref in references if ref not in found]
        if unknown:
            shown = ", ".join("".join(ch for ch in ref if ch.isprintable())[:20] for ref in unknown[:10])
            raise serializers.ValidationError(_("Deze zaak kennen wij niet: %(references)s.")
                                              % {"references": shown})
        return references


# --- the clock: extension, notice of default, safety visit ------------------------------------------------------

class ExtensionInputSerializer(serializers.Serializer):
    weeks = serializers.IntegerField(
        min_value=1, max_value=52, required=False,
        help_text="How many weeks longer; the term allows at most the decision term (default: the setting).")
    reason = serializers.CharField(max_length=MAX_TEXT, help_text="Why; it goes into the letter to the resident.")

    def validate(self, data):
        data.setdefault("weeks", settings.MIJNSCHADE_TERMS["extension_weeks"])
        return data


class DefaultNoticeInputSerializer(serializers.Serializer):
    received_on = serializers.DateField(help_text="The day the notice of default (ingebrekestelling) came in.")
    reason = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class SafetyVisitInputSerializer(serializers.Serializer):
    visited_at = MomentField(help_text="When the visit took place (not in the future); without an "
                                                     "offset it is read as Europe/Amsterdam.")
    findings = serializers.CharField(max_length=MAX_TEXT, help_text="What was seen and done.")


class ClockEventSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    actor = StaffRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ClockEvent
        fields = ["id", "kind", "kind_label", "on_date", "reason", "actor", "created_at"]
        read_only_fields = fields


# --- absences ----------------------------------------------------------------------------------------------------

class AbsenceSerializer(serializers.ModelSerializer):
    user = StaffRefSerializer(read_only=True)
    substitute = StaffRefSerializer(read_only=True)
    created_by = StaffRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Absence
        fields = ["id", "user", "substitute", "starts_on", "ends_on", "reason", "created_by", "created_at"]
        read_only_fields = fields


class AbsenceInputSerializer(serializers.Serializer):
    user = guide_field(help_text="The user id of the guide who is away.")
    substitute = guide_field(help_text="The user id of the guide who stands in.")
    starts_on = serializers.DateField(help_text="The first day away (today or later).")
    ends_on = serializers.DateField(help_text="The last day away.")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text="E.g. 'verlof'. No medical details.")
