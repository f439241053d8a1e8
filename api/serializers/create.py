"""Creating a claim through the API, in the two ways the pages know:

- the desk (loket) files and submits a claim on a resident's behalf: `DeskClaimCreateSerializer`. The rules and
  messages are the desk page's own: the body is turned into the data of `claims.forms.desk.DeskClaimForm` and that
  form checks it (postcode and addition normalised, phone, digital letters only with an e-mail address, damage
  items complete); its errors come back under the API's field names;
- a resident starts an online report (a draft): `ResidentClaimCreateSerializer`, checked by the report page's
  `claims.forms.report.AddressForm` (postcode, addition, the municipality of a town in the mining area).

The answer is the claim, with the activation code the desk hands to a resident without an account (shown once).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from claims.addresses import mining_municipality_of, same_name
from claims.forms.desk import MAX_DAMAGE_ITEMS, OTHER_MUNICIPALITY, DeskClaimForm
from claims.forms.report import AddressForm
from claims.models import MINING_MUNICIPALITIES, Channel, DamageKind, Person, PreferredChannel, Property
from claims.services.report import Address

from .claims import ClaimDetailSerializer

PERSON_EITHER = _("Kies een bekende bewoner (person) of vul de gegevens van een nieuwe bewoner in (new_person), "
                  "niet allebei.")
PROPERTY_EITHER = _("Kies een bekende woning (property) of vul het adres van een nieuwe woning in (new_property), "
                    "niet allebei.")
PERSON_NOT_FOUND = _("De gekozen bewoner is niet gevonden. Zoek de bewoner opnieuw.")
PROPERTY_NOT_FOUND = _("De gekozen woning is niet gevonden. Zoek de woning opnieuw.")
MUNICIPALITY_SUGGESTED = _(
    "%(town)s hoort bij de gemeente %(municipality)s. Vul die gemeente in. Weet u zeker dat het %(town)s is? "
    "Stuur dan ook municipality_confirmed mee met de waarde true.")


def _messages(message) -> dict:
    """The same message for a field left out and a field left empty, as the pages have one for both."""
    return {"required": message, "blank": message, "null": message}


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _municipality_choice(name: str) -> tuple[str, str]:
    """(choice, other name) as the pages' municipality fields take it: one of the ten, or 'another one' by name.
    'heerlen' or 'sittard geleen' is the mining municipality itself."""
    known = mining_municipality_of(name)
    if known and same_name(known, name):
        return known, ""
    return OTHER_MUNICIPALITY, name


def _form_errors(form, names: dict[str, str]) -> dict[str, list[str]]:
    """A page form's errors under the API's (dotted) field names."""
    errors: dict[str, list[str]] = {}
    for name, messages in form.errors.items():
        key = names.get(name, "non_field_errors" if name == "__all__" else name)
        errors.setdefault(key, []).extend(str(m) for m in messages)
    return errors


# --- the desk ------------------------------------------------------------------------------------------------

class DeskNewPersonInput(serializers.Serializer):
    name = serializers.CharField(max_length=200, error_messages=_messages(_("Vul de naam van de bewoner in.")),
                                 help_text="Initials and surname, as on the post.")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True, default="",
                                   error_messages={"invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl.")})
    postal_address = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                           help_text="Only when the post goes to another address than the home.")
    digital = serializers.BooleanField(
        default=False, help_text="True: the resident consents, now, to get our letters digitally (needs an e-mail "
                                 "address). False: letters on paper.")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default="nl", help_text="Language of the letters.")


class DeskNewPropertyInput(serializers.Serializer):
    postcode = serializers.CharField(max_length=10, error_messages=_messages(_("Vul de postcode in.")),
                                     help_text="A Dutch postcode; '6411 ab' is stored as 6411AB.")
    house_number = serializers.IntegerField(min_value=1, max_value=99999,
                                            error_messages={**_messages(_("Vul het huisnummer in.")),
                                                            "invalid": _("Vul het huisnummer in met cijfers.")})
    addition = serializers.CharField(max_length=6, required=False, allow_blank=True, default="")
    street = serializers.CharField(max_length=200, error_messages=_messages(_("Vul de straat in.")))
    town = serializers.CharField(max_length=100, error_messages=_messages(_("Vul de plaats in.")))
    municipality = serializers.CharField(
        max_length=100, error_messages=_messages(_("Kies de gemeente.")),
        help_text="The municipality: one of the ten of the mining area (" + ", ".join(MINING_MUNICIPALITIES)
                  + ") or another one by name (the report is received all the same).")


class DeskDamageItemInput(serializers.Serializer):
    location = serializers.CharField(max_length=120, error_messages=_messages(_("Vul in waar de schade zit.")),
                                     help_text="For example: living room, back wall, cellar.")
    kind = serializers.ChoiceField(choices=DamageKind.choices, error_messages=_messages(_("Kies de soort schade.")))
    description = serializers.CharField(max_length=5000, error_messages=_messages(_("Beschrijf de schade.")))


class DeskClaimCreateSerializer(serializers.Serializer):
    """The desk files a claim on a resident's behalf and submits it at once (desk and coordinator)."""

    # All channels, so the enum is the claim's own; the desk form takes desk, phone or post only.
    channel = serializers.ChoiceField(choices=Channel.choices, help_text="How the report came in: desk, phone or "
                                                                         "post (online is the resident's own report).")
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, allow_null=True,
        error_messages={"does_not_exist": PERSON_NOT_FOUND, "incorrect_type": PERSON_NOT_FOUND},
        help_text="A resident who is already known (found with the resident look-up); else `new_person`.")
    new_person = DeskNewPersonInput(required=False, allow_null=True)
    property = serializers.PrimaryKeyRelatedField(
        queryset=Property.objects.all(), required=False, allow_null=True,
        error_messages={"does_not_exist": PROPERTY_NOT_FOUND, "incorrect_type": PROPERTY_NOT_FOUND},
        help_text="A home that is already known; else `new_property` (an address that is known is used as it is).")
    new_property = DeskNewPropertyInput(required=False, allow_null=True)
    owner_occupied = serializers.BooleanField(
        error_messages=_messages(_("Kies ja of nee.")),
        help_text="Does the resident own the home and live in it? A 'no' is received and answered all the same.")
    in_owners_association = serializers.BooleanField(default=False, help_text="An apartment in an owners' "
                                                                              "association (VvE).")
    urgent = serializers.BooleanField(default=False, help_text="Acutely unsafe now: the coordinator is alerted.")
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    damage_items = serializers.ListField(child=DeskDamageItemInput(), min_length=1, max_length=MAX_DAMAGE_ITEMS,
                                         help_text="One to three damage items.")

    # The desk page's field → the API's field.
    FIELD_NAMES = {
        "person_id": "person", "property_id": "property",
        **{name: f"new_person.{name}" for name in ("name", "phone", "email", "postal_address", "language")},
        "preferred_channel": "new_person.digital", "digital_consent": "new_person.digital",
        **{name: f"new_property.{name}" for name in ("postcode", "house_number", "addition", "street", "town",
                                                    "municipality")},
        "municipality_other": "new_property.municipality",
        **{f"item{n}_{part}": f"damage_items.{n - 1}.{part}" for n in range(1, MAX_DAMAGE_ITEMS + 1)
           for part in ("location", "kind", "description")},
    }

    def validate(self, attrs):
        errors = {}
        if (attrs.get("person") is None) == (attrs.get("new_person") is None):
            errors["person"] = [PERSON_EITHER]
        if (attrs.get("property") is None) == (attrs.get("new_property") is None):
            errors["property"] = [PROPERTY_EITHER]
        if errors:
            raise serializers.ValidationError(errors)
        form = DeskClaimForm(data=self._form_data(attrs))
        if not form.is_valid():
            raise serializers.ValidationError(_form_errors(form, self.FIELD_NAMES))
        self.form = form
        return attrs

    @staticmethod
    def _form_data(attrs) -> dict:
        data = {
            "channel": attrs["channel"], "owner_occupied": _yes_no(attrs["owner_occupied"]),
            "in_owners_association": _yes_no(attrs["in_owners_association"]), "urgent": attrs["urgent"],
            "description": attrs["description"],
            # The page always sends its radio buttons; for a picked person they are not used.
            "preferred_channel": PreferredChannel.PAPER, "language": settings.LANGUAGE_CODE,
        }
        if attrs.get("person") is not None:
            data["person_id"] = attrs["person"].pk
        else:
            person = attrs["new_person"]
            data.update({name: person[name] for name in ("name", "phone", "email", "postal_address", "language")})
            # `digital` is the consent itself: given now, so the form's consent box is ticked with it.
            data["preferred_channel"] = PreferredChannel.DIGITAL if person["digital"] else PreferredChannel.PAPER
            data["digital_consent"] = person["digital"]
        if attrs.get("property") is not None:
            data["property_id"] = attrs["property"].pk
        else:
            home = attrs["new_property"]
            data.update({name: home[name] for name in ("postcode", "house_number", "addition", "street", "town")})
            data["municipality"], data["municipality_other"] = _municipality_choice(home["municipality"].strip())
        for n, item in enumerate(attrs["damage_items"], start=1):
            data.update({f"item{n}_{part}": item[part] for part in ("location", "kind", "description")})
        return data

    def filing_kwargs(self) -> dict:
        """What `desk_file_claim` takes, as the desk page gives it (after `is_valid`)."""
        form = self.form
        return {
            "person": form.picked_person, "new_person": form.person_input(),
            "property": form.picked_property, "new_property": form.property_input(),
            "channel": form.cleaned_data["channel"], "owner_occupied": form.owner_occupied_answer(),
            "in_owners_association": form.in_owners_association_answer(), "urgent": form.cleaned_data["urgent"],
            "description": form.cleaned_data["description"].strip(), "damage_items": form.damage_inputs(),
        }


# --- the resident ----------------------------------------------------------------------------------------------

class ReportAddressInput(serializers.Serializer):
    postcode = serializers.CharField(max_length=10, error_messages=_messages(_("Vul de postcode van uw huis in.")),
                                     help_text="For example 6411 AB.")
    house_number = serializers.IntegerField(
        min_value=1, max_value=99999, error_messages={
            **_messages(_("Vul het huisnummer in.")),
            "invalid": _("Vul bij huisnummer alleen cijfers in, bijvoorbeeld 12. Een letter vult u in bij toevoeging."),
            "min_value": _("Vul een huisnummer in van 1 of hoger."),
            "max_value": _("Dit huisnummer is te hoog. Kijk het nog eens na.")})
    house_number_addition = serializers.CharField(max_length=9, required=False, allow_blank=True, default="",
                                                  help_text="For example A or 2; at most 6 letters and digits.")
    street = serializers.CharField(max_length=200, error_messages=_messages(_("Vul de straat in.")))
    town = serializers.CharField(max_length=100, error_messages=_messages(_("Vul de plaats in.")))
    municipality = serializers.CharField(
        max_length=100, error_messages=_messages(_("Kies de gemeente waar uw huis staat.")),
        help_text="The municipality, which is sometimes not the town (Hoensbroek lies in Heerlen). A town of the "
                  "mining area given as municipality is answered with the municipality it lies in.")
    municipality_confirmed = serializers.BooleanField(
        default=False, help_text="True: keep the municipality as given, even when it is a town of the mining area.")


class ResidentClaimCreateSerializer(serializers.Serializer):
    """A resident starts an online report: the draft exists from the address on. Damage items follow, then the
    resident fires `submit`."""

    address = ReportAddressInput()

    FIELD_NAMES = {name: f"address.{name}" for name in ("postcode", "house_number", "house_number_addition",
                                                         "street", "town", "municipality")}
    FIELD_NAMES["municipality_other"] = "address.municipality"

    def validate(self, attrs):
        given = attrs["address"]
        name = given["municipality"].strip()
        choice, other = _municipality_choice(name)
        form = AddressForm(data={
            **{key: given[key] for key in ("postcode", "house_number", "house_number_addition", "street", "town")},
            "municipality": choice, "municipality_other": other,
            # The report page asks once about a town of the mining area; a second time the choice stands.
            "checked_other": other if given["municipality_confirmed"] else "",
        })
        if not form.is_valid():
            errors = _form_errors(form, self.FIELD_NAMES)
            suggested = form.data.get("municipality")
            if suggested != choice and suggested in MINING_MUNICIPALITIES:
                # The page's words ask to click again; a client confirms with a field instead.
                errors["address.municipality"] = [str(MUNICIPALITY_SUGGESTED % {"town": other or given["town"],
                                                                                  "municipality": suggested})]
            raise serializers.ValidationError(errors)
        self.form = form
        return attrs

    def address_input(self) -> Address:
        return self.form.address()


# --- the answer ------------------------------------------------------------------------------------------------

class ClaimCreatedSerializer(ClaimDetailSerializer):
    activation_code = serializers.SerializerMethodField(
        help_text="Desk filing for a resident without an account: the code to activate their account, like "
                  "K7QM-3XPA-9RTW. Shown this once (only its hash is kept); null otherwise.")

    class Meta(ClaimDetailSerializer.Meta):
        fields = [*ClaimDetailSerializer.Meta.fields, "activation_code"]
        read_only_fields = fields

    def get_activation_code(self, claim) -> str | None:
        return self.context.get("activation_code")
