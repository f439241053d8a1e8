"""The data each step needs when it is fired through POST /claims/{reference}/transitions/{name}/, and a claim's
history of steps (GET /claims/{reference}/transitions/).

The inputs follow the pages' forms: the staff dossier's step forms (casework/forms/dossier.py STEP_FORMS: which
steps need a reason, and the words when it is missing), the resident portal and report, and the expert's report
upload. The decision, the commission's advice and the decision on an objection take the same body as their own
endpoints (api/serializers/decisions.py, commission.py, objections.py).

The history shows a resident only what the portal shows (claims/progress.py): the reason of a step only where it
was written for them (the question of an info request, the reason of a decision), and not who took the step.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from casework.forms.dossier import STEP_FORMS
from claims import roles as R
from claims.forms.report import StatementForm
from claims.models import ClaimTransition
from claims.progress import RESIDENT_FACING_REASONS

from .common import StaffRefSerializer

User = get_user_model()
TEXT_MAX = 10000  # as the pages' text fields
REPLY_DAYS = _("Kies 1 tot 90 dagen.")
TRUTHFUL_NEEDED = StatementForm.base_fields["truthful"].error_messages["required"]
VISIT_INCOMPLETE = _("Vul de begintijd en de eindtijd van het bezoek in, of geen van beide.")
VISIT_ORDER = _("De eindtijd moet na de begintijd liggen.")
# Who reads every step with its reason and who took it: the roles whose pages show the staff timeline (the
# dossier, the commission's review, the decision and objection pages). Everyone else reads what a resident does.
FULL_HISTORY_ROLES = frozenset({R.CASEWORKER, R.COORDINATOR, R.COMMISSION, R.DECISION_MAKER})


def reason_message(name: str):
    """The words the dossier's form for this step uses when its reason is missing."""
    return STEP_FORMS[name].reason_message


def text(*, required: bool = False, help_text: str = "") -> serializers.CharField:
    if required:
        return serializers.CharField(max_length=TEXT_MAX, help_text=help_text)
    return serializers.CharField(max_length=TEXT_MAX, required=False, allow_blank=True, default="",
                                 help_text=help_text)


def staff_member(role: str, *, missing, unknown, help_text: str) -> serializers.PrimaryKeyRelatedField:
    """An active staff member with `role`, by user id, as the dossier's choice lists offer them."""
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True, groups__name=role), help_text=help_text,
        error_messages={"required": missing, "null": missing, "does_not_exist": unknown, "incorrect_type": unknown})


class StepSerializer(serializers.Serializer):
    # The view passes the step's name in the context (`step`): a missing reason gets the words of that step's
    # form. Every subclass has its own docstring, which the OpenAPI description shows.

    reason_required = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("reason")
        step = self.context.get("step")
        if field is not None and self.reason_required and step in STEP_FORMS:
            message = reason_message(step)
            field.error_messages.update({"required": message, "blank": message, "null": message})


class StepRemarkInput(StepSerializer):
    """A step that needs nothing but may carry a remark for the history."""

    reason = text(help_text="A remark for the claim's history (optional).")


class StepReasonInput(StepSerializer):
    """A step that needs its reason (as the dossier's form asks it)."""

    reason_required = True
    reason = text(required=True, help_text="Why this step is taken. Required.")


class SubmitInput(StepSerializer):
    """Sending the report: the resident states it is truthful; staff may add a remark."""

    reason = text(help_text="Staff: a remark for the history (optional).")
    truthful = serializers.BooleanField(
        default=False, help_text="Residents: true to state that everything was filled in truthfully, as the "
                                 "report's last page asks. Required for them.")


class StartIntakeInput(StepSerializer):
    """The case guide the claim gets."""

    caseworker = staff_member(R.CASEWORKER, missing=_("Kies een zaakbegeleider."),
                              unknown=_("Kies een zaakbegeleider uit de lijst."),
                              help_text="The case guide's user id (an active case guide).")
    reason = text(help_text="A remark for the history (optional).")


class RequestInfoInput(StepSerializer):
    """The question to the resident and the days they have to answer."""

    reason_required = True
    reason = text(required=True, help_text="The question: it goes into the letter to the resident and the portal.")
    reply_days = serializers.IntegerField(
        min_value=1, max_value=90, required=False, allow_null=True, default=None,
        error_messages={"min_value": REPLY_DAYS, "max_value": REPLY_DAYS, "invalid": _("Vul een heel getal in.")},
        help_text="Days the resident has to reply, 1 to 90; the setting's default when left out. The decision "
                  "term stands still meanwhile.")


class ReceiveInfoInput(StepSerializer):
    """The answer to the info request."""

    reason = text(help_text="The answer. Resident: your answer (required). Staff: what the resident sent or said "
                            "on paper or by phone; it is kept as the resident's answer. Empty when the answer is in "
                            "the dossier already.")


class PlanInspectionInput(StepSerializer):
    """The expert, and optionally the visit (both times or neither)."""

    expert = staff_member(R.EXPERT, missing=_("Kies een deskundige."), unknown=_("Kies een deskundige uit de lijst."),
                          help_text="The expert's user id (an active expert).")
    starts_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="Optional: plan the visit at once (a working day in the future, 08:00–18:00 Europe/Amsterdam); "
                  "the resident gets the appointment letter. With `ends_at`.")
    ends_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                        help_text="The end of the visit, the same day.")
    reason = text(help_text="A remark for the history (optional).")

    def validate(self, attrs):
        starts_at, ends_at = attrs.get("starts_at"), attrs.get("ends_at")
        if (starts_at is None) != (ends_at is None):
            raise serializers.ValidationError({"ends_at" if ends_at is None else "starts_at": [VISIT_INCOMPLETE]})
        if starts_at is not None and ends_at <= starts_at:
            raise serializers.ValidationError({"ends_at": [VISIT_ORDER]})
        return attrs


class RecordAdviceInput(StepSerializer):
    """The step without a file (case guide or coordinator)."""

    reason = text(help_text="Case guide or coordinator: a remark for the history (optional). The expert hands in "
                            "the report with multipart/form-data.")


class RecordAdviceUploadInput(StepSerializer):
    """The expert's advice report (PDF)."""

    report = serializers.FileField(required=False, help_text="The expert: the advice report as a PDF (required).")
    reason = text(help_text="A note for the history; a standard text when left out.")


class FileObjectionInput(StepSerializer):
    """The grounds of the objection, and why it is late when it is."""

    reason_required = True
    reason = text(required=True, help_text="The grounds: why the resident disagrees with the decision.")
    late_excuse = text(help_text="After the 6-week window: why the objection is late (Awb 6:11). Required then.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.context.get("as_resident"):  # the portal's words
            message = _("Schrijf op waarom u het niet eens bent met het besluit.")
            self.fields["reason"].error_messages.update({"required": message, "blank": message, "null": message})


class WithdrawInput(StepSerializer):
    """Why the claim is withdrawn."""

    reason = text(help_text="Why the claim is withdrawn. Optional for the resident; staff withdraw only on the "
                            "resident's request and say so (required for them).")


# --- the history ------------------------------------------------------------------------------------------------

class TransitionRecordSerializer(serializers.ModelSerializer):
    """One step taken on the claim."""

    actor = StaffRefSerializer(read_only=True, allow_null=True,
                               help_text="Who took the step; null for the system, and for residents.")
    reason = serializers.CharField(read_only=True, help_text="Residents read only what was written for them.")

    class Meta:
        model = ClaimTransition
        fields = ["name", "from_state", "to_state", "actor", "reason", "created_at"]
        read_only_fields = fields

    def to_representation(self, row):
        data = super().to_representation(row)
        if not self.context.get("full_history"):
            data["actor"] = None
            if row.name not in RESIDENT_FACING_REASONS:
                data["reason"] = ""
        return data


def reads_full_history(user) -> bool:
    return user.is_superuser or bool(R.roles_of(user) & FULL_HISTORY_ROLES)
