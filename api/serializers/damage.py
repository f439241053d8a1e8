"""Damage items as each role's pages show them, and the input of the two people who write them: the resident on
their own draft (the online report) and the claim's expert during the inspection.

What a role sees of an item follows its pages (a field it may not see is null):
- resident: what they reported; the expert's verdict once the advice report is theirs (response period on);
- desk: place, kind and description (the desk's claim page);
- expert: everything but the awarded amount (experts see no amounts but their own repair cost estimate);
- case guide, coordinator, commission, decision maker: everything.
Finance pages show no damage items."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims import roles as R
from claims.models import Claim, DamageItem, DamageKind, Verdict
from claims.timeutil import today
from claims.views.documents import advice_report_released

from .documents import file_url, roles_on

# Fields some roles do not see; id, position, location, kind, description and photos everyone who sees items sees.
FINDINGS = ("added_by_expert", "expert_notes", "expert_verdict", "repair_cost")
RESTRICTED = ("noticed_on", "measurements", *FINDINGS, "awarded_amount")
FULL_ROLES = frozenset({R.CASEWORKER, R.COORDINATOR, R.COMMISSION, R.DECISION_MAKER})
SHOWN_TO = {
    R.DESK: frozenset(),
    R.EXPERT: frozenset({"noticed_on", "measurements", *FINDINGS}),
    **{role: frozenset(RESTRICTED) for role in FULL_ROLES},
}


def item_fields_for(user, claim: Claim) -> frozenset[str] | None:
    """The restricted fields this user sees of the claim's items; None: their pages show no items at all."""
    through = roles_on(user, claim)
    shown: set[str] = set()
    sees_items = False
    for role in through:
        if role == R.RESIDENT:
            sees_items = True
            shown |= {"noticed_on", "measurements"}
            if advice_report_released(claim):  # the advice report holds the verdict per item
                shown.add("expert_verdict")
        elif role in SHOWN_TO:
            sees_items = True
            shown |= SHOWN_TO[role]
    return frozenset(shown) if sees_items else None


class DamageItemPhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    uploaded_at = serializers.DateTimeField(source="created_at")
    file = serializers.SerializerMethodField(help_text="Where to download the photo.")

    @extend_schema_field(serializers.URLField())
    def get_file(self, document) -> str:
        document.claim = self.context["claim"]
        return file_url(self.context.get("request"), document)


class DamageItemSerializer(serializers.ModelSerializer):
    """A damage item as the caller's pages show it; what the caller's role does not see is null."""

    # Context: `request`, `claim`, `shown` (from `item_fields_for`); items come with `visible_photos`.

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    noticed_on = serializers.DateField(read_only=True, allow_null=True)
    measurements = serializers.CharField(read_only=True, allow_null=True)
    added_by_expert = serializers.BooleanField(read_only=True, allow_null=True,
                                               help_text="Found at the inspection (staff and the expert only).")
    expert_notes = serializers.CharField(read_only=True, allow_null=True,
                                         help_text="The expert's notes (staff and the expert only).")
    expert_verdict = serializers.ChoiceField(
        choices=Verdict.choices, read_only=True, allow_null=True,
        help_text="Mining damage according to the expert; null while there is none. A resident sees it once "
                  "the advice report was sent to them.")
    repair_cost = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True,
                                           help_text="The expert's estimate (staff and the expert only).")
    awarded_amount = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True, allow_null=True,
                                              help_text="Set by the decision (staff only).")
    photos = serializers.SerializerMethodField(help_text="The photos of this item the caller may download.")

    class Meta:
        model = DamageItem
        fields = ["id", "position", "location", "kind", "kind_label", "description", "noticed_on", "measurements",
                  "added_by_expert", "expert_notes", "expert_verdict", "repair_cost", "awarded_amount", "photos"]
        read_only_fields = fields

    @extend_schema_field(DamageItemPhotoSerializer(many=True))
    def get_photos(self, item: DamageItem):
        return DamageItemPhotoSerializer(item.visible_photos, many=True, context=self.context).data

    def to_representation(self, item: DamageItem):
        data = super().to_representation(item)
        shown = self.context["shown"]
        if data["expert_verdict"] == "":
            data["expert_verdict"] = None
        for name in RESTRICTED:
            if name not in shown:
                data[name] = None
        return data


# --- input ----------------------------------------------------------------------------------------------------


class StrictInput(serializers.Serializer):
    """Refuses fields it does not take, so a value the caller may not set is never silently dropped."""

    def validate(self, attrs):
        if hasattr(self.initial_data, "keys"):
            unknown = sorted(set(self.initial_data.keys()) - set(self.fields) - {"csrfmiddlewaretoken"})
            if unknown:
                raise serializers.ValidationError(
                    {name: [gettext("Dit gegeven kunt u hier niet opgeven.")] for name in unknown})
        return attrs


def _required(message) -> dict:
    return {"required": message, "blank": message, "null": message}


class ResidentItemSerializer(StrictInput):
    """As the online report's damage form (claims/forms/report.py DamageItemForm)."""

    location = serializers.CharField(max_length=120, error_messages=_required(_("Schrijf op waar de schade zit.")),
                                     help_text="Where: living room, front wall, cellar, garden.")
    kind = serializers.ChoiceField(choices=DamageKind.choices,
                                   error_messages=_required(_("Kies wat voor schade het is.")))
    description = serializers.CharField(max_length=4000,
                                        error_messages=_required(_("Beschrijf de schade in een paar zinnen.")))
    noticed_on = serializers.DateField(required=False, allow_null=True, help_text="Since when; not in the future.")
    measurements = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate_noticed_on(self, value):
        if value and value > today():
            raise serializers.ValidationError(
                gettext("Deze datum ligt in de toekomst. Vul de dag in waarop u de schade zag."))
        return value


class ExpertFindingsSerializer(StrictInput):
    """As the expert's findings form (casework/forms/expert.py FindingsForm)."""

    location = serializers.CharField(max_length=120, error_messages=_required(_("Vul in waar de schade zit.")))
    kind = serializers.ChoiceField(choices=DamageKind.choices, error_messages=_required(_("Kies de soort schade.")))
    measurements = serializers.CharField(max_length=200, required=False, allow_blank=True)
    expert_notes = serializers.CharField(max_length=10000, required=False, allow_blank=True)
    expert_verdict = serializers.ChoiceField(choices=Verdict.choices, required=False, allow_blank=True,
                                             allow_null=True,
                                             help_text="May wait; the advice report needs one for every item.")
    repair_cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False,
                                           allow_null=True, help_text="In euro; needed with yes and partly.")

    def service_data(self, data: dict) -> dict:
        """The keyword arguments of the inspection services (the form calls the verdict `verdict`)."""
        data = dict(data)
        data["verdict"] = data.pop("expert_verdict", "") or ""
        return data


class ExpertItemSerializer(ExpertFindingsSerializer):
    """As the expert's form for an item found on site (casework/forms/expert.py AddItemForm)."""

    description = serializers.CharField(max_length=10000, error_messages=_required(_("Beschrijf de schade.")))


class DamageItemWriteSerializer(ExpertItemSerializer):
    """For the description only: what the two writers may send. A resident sends location, kind, description
    (at most 4000 characters), noticed_on and measurements; the expert sends location, kind, description (new
    items only), measurements, expert_notes, expert_verdict and repair_cost. A field the caller may not send is
    a 400 on that field."""

    noticed_on = serializers.DateField(required=False, allow_null=True,
                                       help_text="Since when (resident only); not in the future.")


class PhotoUploadSerializer(serializers.Serializer):
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),  # an empty file gets the upload check's own message
        allow_empty=False,
        error_messages={"empty": _("Kies een foto."), "required": _("Kies een foto.")},
        help_text="One or more photos (JPG, PNG or HEIC), at most 5 at a time; a resident's item holds at most 5.",
    )
