"""People and homes as the API shows them: only what the caller's own pages show of them, the rest null.

A person comes at one of three levels (api/views/people.py decides which, per person, from the caller's role):
- `name`: the name only (finance, decision makers, the commission; a resident sees the others on their claims);
- `phone`: name and phone (the expert's inspection page; co-owners in the case guide's dossier);
- `contact`: the contact details of the dossier and the desk (and a resident's own).
A home shows its address to everyone who may see one of its claims; the building facts only to the roles
whose pages show them (`property_fields` in the context).
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import Person, Property
from claims.models.parties import PreferredChannel

NAME, PHONE, CONTACT = "name", "phone", "contact"
LEVELS = (NAME, PHONE, CONTACT)
FIELDS_AT = {
    NAME: ("id", "details", "name", "claims"),
    PHONE: ("phone",),
    CONTACT: ("email", "email_verified", "postal_address", "preferred_channel", "language", "has_account"),
}
PROPERTY_DETAIL_FIELDS = ("in_mining_area", "build_year", "is_monument")


def fields_at(level: str) -> frozenset[str]:
    return frozenset(name for at in LEVELS[:LEVELS.index(level) + 1] for name in FIELDS_AT[at])


class PersonSerializer(serializers.ModelSerializer):
    details = serializers.SerializerMethodField(
        help_text="What the caller may see of this person: name; name and phone; or the contact details.")
    phone = serializers.CharField(read_only=True, allow_null=True)
    email = serializers.CharField(read_only=True, allow_null=True)
    email_verified = serializers.SerializerMethodField()
    postal_address = serializers.CharField(read_only=True, allow_null=True,
                                           help_text="Only when letters go elsewhere than the home.")
    preferred_channel = serializers.ChoiceField(choices=PreferredChannel.choices, read_only=True, allow_null=True)
    language = serializers.CharField(read_only=True, allow_null=True)
    has_account = serializers.SerializerMethodField(help_text="The person can log in to Mijnschade.")
    claims = serializers.SerializerMethodField(
        help_text="References of the caller's visible claims this person is on (applicant or co-owner).")

    class Meta:
        model = Person
        fields = ["id", "details", "name", "phone", "email", "email_verified", "postal_address", "preferred_channel",
                  "language", "has_account", "claims"]
        read_only_fields = fields

    def _level(self, person: Person) -> str:
        return self.context["person_level"](person)

    @extend_schema_field(serializers.ChoiceField(choices=LEVELS))
    def get_details(self, person: Person) -> str:
        return self._level(person)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_email_verified(self, person: Person) -> bool:
        return person.email_verified_at is not None

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_has_account(self, person: Person) -> bool:
        return person.user_id is not None

    def get_claims(self, person: Person) -> list[str]:
        on = [*getattr(person, "api_claims_as_applicant", ()), *getattr(person, "api_claims_as_co_owner", ())]
        return sorted({claim.reference for claim in on})

    def to_representation(self, instance):
        data = super().to_representation(instance)
        shown = fields_at(data["details"])
        return {name: (value if name in shown else None) for name, value in data.items()}


class PropertySerializer(serializers.ModelSerializer):
    in_mining_area = serializers.BooleanField(read_only=True, allow_null=True,
                                              help_text="Null for roles whose pages do not show it.")
    build_year = serializers.IntegerField(read_only=True, allow_null=True)
    is_monument = serializers.BooleanField(read_only=True, allow_null=True)
    claims = serializers.SerializerMethodField(help_text="References of the caller's visible claims on this home.")

    class Meta:
        model = Property
        fields = ["id", "postcode", "house_number", "house_number_addition", "street", "town", "municipality",
                  "in_mining_area", "build_year", "is_monument", "claims"]
        read_only_fields = fields

    def get_claims(self, home: Property) -> list[str]:
        return [claim.reference for claim in getattr(home, "api_claims", ())]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        shown = self.context.get("property_fields", frozenset())
        for name in PROPERTY_DETAIL_FIELDS:
            if name not in shown:
                data[name] = None
        return data
