"""The online report's steps through the API (the resident's own draft): what each step takes, checked by the
report page's own forms (claims/forms/report.py) so the rules and the messages are the page's, and the report as
the API shows it (the answers so far and where the resident goes on).

A page form's errors come back under the API's field names, nested ones dotted (`co_owners.0.email`).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.forms.report import (
    CO_OWNER_MAX,
    NO,
    YES,
    OwnershipForm,
    RepresentativeForm,
    SafetyForm,
    co_owner_formset,
)
from claims.models import Claim, Person, Property
from claims.services.report import REPORT_STEPS, report_resume_step
from claims.views.report import STEP_TITLES

from .create import ReportAddressInput, ResidentClaimCreateSerializer

# The report's steps under the API's names (the page's slugs are Dutch); `check` is the last page: the
# statement and `submit` (POST /claims/{reference}/transitions/submit/ with truthful: true).
STEP_NAMES = {"woning": "address", "eigendom": "ownership", "gemachtigde": "representative", "schade": "damage",
              "veiligheid": "safety", "controle": "check"}
API_STEPS = [STEP_NAMES[step] for step in REPORT_STEPS]
EMAIL_MAX = 254  # Person.email; the page forms' EmailField takes up to 320, which the database would refuse


def _required(form, field: str) -> dict:
    """The page form's message for a question left open, for a value left out, null or not a yes or no."""
    message = form.base_fields[field].error_messages["required"]
    return {"required": message, "null": message, "invalid": message}


def _yes_no(value: bool) -> str:
    return YES if value else NO


def _errors(form) -> dict[str, list[str]]:
    return {("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
            for name, messages in form.errors.items()}


# --- step 1: the address ---------------------------------------------------------------------------------------

class ReportAddressSerializer(ReportAddressInput):
    """The address of the home, checked as the first page of the report checks it (and as a new report's address
    is checked): the postcode and addition normalised, and a town of the mining area given as municipality
    answered with the municipality it lies in, unless `municipality_confirmed` is true."""

    def validate(self, attrs):
        whole = ResidentClaimCreateSerializer()  # the same check as POST /claims/ for a resident
        try:
            whole.validate({"address": attrs})
        except serializers.ValidationError as error:
            detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
            raise serializers.ValidationError({key.removeprefix("address."): value
                                               for key, value in detail.items()}) from None
        self.form = whole.form
        return attrs

    def address_input(self):
        return self.form.address()


# --- step 2: ownership -----------------------------------------------------------------------------------------

class ReportCoOwnerInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                 help_text="A row without a name is left out, as an empty row on the page.")
    email = serializers.CharField(max_length=EMAIL_MAX, required=False, allow_blank=True, default="",
                                  help_text="An e-mail address, optional (with a name).")


class ReportOwnershipSerializer(serializers.Serializer):
    owner_occupied = serializers.BooleanField(
        error_messages=_required(OwnershipForm, "owner_occupied"),
        help_text="Does the resident own the home and live in it? A 'no' can still be sent: it is received and "
                  "answered with the reason.")
    in_owners_association = serializers.BooleanField(
        error_messages=_required(OwnershipForm, "in_owners_association"),
        help_text="Is the home an apartment in an owners' association (VvE)?")
    co_owners = serializers.ListField(
        child=ReportCoOwnerInput(), max_length=CO_OWNER_MAX, required=False, default=list,
        help_text="Everyone else who owns the home; this list replaces the one saved before (left out: none). "
                  "Co-owners never get access to the claim through an e-mail address given here.")

    def validate(self, attrs):
        form = OwnershipForm(data={name: _yes_no(attrs[name]) for name in ("owner_occupied",
                                                                           "in_owners_association")})
        rows = attrs["co_owners"]
        data = {"mede-TOTAL_FORMS": str(len(rows)), "mede-INITIAL_FORMS": "0", "mede-MIN_NUM_FORMS": "0",
                "mede-MAX_NUM_FORMS": str(CO_OWNER_MAX)}
        for index, row in enumerate(rows):
            data[f"mede-{index}-name"], data[f"mede-{index}-email"] = row["name"], row["email"]
        formset = co_owner_formset(data=data)
        errors = {} if form.is_valid() else _errors(form)
        if not formset.is_valid():
            for index, row_errors in enumerate(formset.errors):
                errors.update({f"co_owners.{index}.{name}": [str(m) for m in messages]
                               for name, messages in row_errors.items()})
            if formset.non_form_errors():
                errors["co_owners"] = [str(m) for m in formset.non_form_errors()]
        if errors:
            raise serializers.ValidationError(errors)
        self.co_owner_list = formset.co_owners()
        return attrs

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {"owner_occupied": data["owner_occupied"], "in_owners_association": data["in_owners_association"],
                "co_owners": list(self.co_owner_list)}


# --- step 3: representative ------------------------------------------------------------------------------------

class ReportRepresentativeSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                 help_text="The representative's name. Empty (with no e-mail and phone): no "
                                           "representative, and one saved before is removed, as on the page.")
    email = serializers.CharField(max_length=EMAIL_MAX, required=False, allow_blank=True, default="",
                                  help_text="E-mail address; with a name, an e-mail address or a phone number.")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                  help_text="For example 045 123 45 67 or 06 12 34 56 78.")

    def validate(self, attrs):
        form = RepresentativeForm(data=attrs)
        if not form.is_valid():
            raise serializers.ValidationError(_errors(form))
        return dict(form.cleaned_data)


# --- step 5: safety --------------------------------------------------------------------------------------------

class ReportSafetySerializer(serializers.Serializer):
    urgent = serializers.BooleanField(
        error_messages=_required(SafetyForm, "unsafe"),
        help_text="Is it unsafe in or around the home now? True flags the claim urgent: on submitting, the "
                  "coordinators are alerted and a safety visit is due within 48 hours.")


# --- the report as the API shows it ----------------------------------------------------------------------------

class ReportHomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Property
        fields = ["postcode", "house_number", "house_number_addition", "street", "town", "municipality",
                  "in_mining_area"]
        read_only_fields = fields


class ReportCoOwnerSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="Empty: none given.")  # not format email: may be ""

    class Meta:
        model = Person
        fields = ["id", "name", "email"]
        read_only_fields = fields


class ReportRepresentativeOutSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="Empty: none given.")  # not format email: may be ""

    class Meta:
        model = Person
        fields = ["id", "name", "email", "phone"]
        read_only_fields = fields


class ReportStepSerializer(serializers.Serializer):
    # A plain string: the same values as `next_step`, whose enum names them once in the schema.
    step = serializers.CharField(help_text="One of the values of `next_step`, in the order of the report.")
    title = serializers.CharField(help_text="The step's title on the page.")
    done = serializers.BooleanField(help_text="Saved before.")
    available = serializers.BooleanField(help_text="Can be saved now: every step before it was saved.")


class ReportSerializer(serializers.Serializer):
    """The resident's draft report: the answers so far, and the step to go on with."""

    reference = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="Always `draft`: a sent report is not changed here.")
    next_step = serializers.SerializerMethodField(
        help_text="Where the resident goes on: the step after the last one saved. `damage`: add damage items "
                  "(/damage-items/), then POST report/damage-done/; `check`: the summary, then the `submit` "
                  "transition with truthful: true.")
    steps = serializers.SerializerMethodField()
    address = ReportHomeSerializer(source="property", read_only=True)
    owner_occupied = serializers.BooleanField(read_only=True, allow_null=True,
                                              help_text="Null until the ownership step is saved.")
    in_owners_association = serializers.SerializerMethodField(
        help_text="Null until the ownership step is saved.")
    co_owners = serializers.SerializerMethodField(
        help_text="The co-owners given in the report (people with their own account, added by staff, are not "
                  "listed and stay).")
    representative = serializers.SerializerMethodField(help_text="Null: no representative.")
    damage_item_count = serializers.SerializerMethodField(
        help_text="Damage items so far (GET /claims/{reference}/damage-items/); at least one to go on.")
    urgent = serializers.SerializerMethodField(
        help_text="Unsafe now; null until the safety step is saved (unless staff flagged the claim).")

    @extend_schema_field(serializers.ChoiceField(choices=API_STEPS))
    def get_next_step(self, claim: Claim) -> str:
        return STEP_NAMES[report_resume_step(claim)]

    @extend_schema_field(ReportStepSerializer(many=True))
    def get_steps(self, claim: Claim) -> list[dict]:
        saved = REPORT_STEPS.index(claim.report_step) if claim.report_step in REPORT_STEPS else -1
        reached = REPORT_STEPS.index(report_resume_step(claim))
        return [{"step": STEP_NAMES[step], "title": str(STEP_TITLES[step]),
                 "done": index <= saved and step != "controle", "available": index <= reached}
                for index, step in enumerate(REPORT_STEPS)]

    def get_in_owners_association(self, claim: Claim) -> bool | None:
        return None if claim.owner_occupied is None else claim.in_owners_association

    @extend_schema_field(ReportCoOwnerSerializer(many=True))
    def get_co_owners(self, claim: Claim) -> list[dict]:
        return ReportCoOwnerSerializer(self.context["co_owners"], many=True).data

    @extend_schema_field(ReportRepresentativeOutSerializer(allow_null=True))
    def get_representative(self, claim: Claim) -> dict | None:
        person = self.context["representative"]
        return None if person is None else ReportRepresentativeOutSerializer(person).data

    def get_damage_item_count(self, claim: Claim) -> int:
        return self.context["damage_item_count"]

    def get_urgent(self, claim: Claim) -> bool | None:
        saved = claim.report_step in REPORT_STEPS and REPORT_STEPS.index(claim.report_step) >= REPORT_STEPS.index(
            "veiligheid")
        return claim.urgent if saved or claim.urgent else None
