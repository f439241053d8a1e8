"""Forms of the desk: the look-up, filing a claim on a resident's behalf in one page, and adding scans."""

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import MINING_MUNICIPALITIES, Channel, DamageKind, Person, PreferredChannel, Property
from ..models.property import normalise_postcode
from ..selectors_desk import DeskQuery
from ..services.desk import DamageInput, PersonInput, PropertyInput
from .base import DescribedByMixin  # ties inputs to the hint and error ids of includes/field.html

_REFERENCE = re.compile(r"^MS-?(\d{4})-?(\d{1,6})$")
_PHONE = re.compile(r"^\+?[0-9 ()\-]{8,20}$")
OTHER_MUNICIPALITY = "other"
MAX_DAMAGE_ITEMS = 3
MAX_SCANS = 10
YES_NO = [("yes", _("Ja")), ("no", _("Nee"))]


def normalise_reference(value: str) -> str:
    """'ms 2026 123' → 'MS-2026-000123'; raises ValidationError otherwise."""
    match = _REFERENCE.match(re.sub(r"\s+", "", value or "").upper())
    if not match:
        raise ValidationError(_("Vul een zaaknummer in zoals MS-2026-000123."), code="reference")
    return f"MS-{match.group(1)}-{int(match.group(2)):06d}"


def normalise_addition(value: str) -> str:
    # '-a', ' A ' and 'a' are the same addition; the address is unique on the normalised form.
    return (value or "").strip().lstrip("-").strip().upper()


class DeskSearchForm(DescribedByMixin, forms.Form):
    """Sent with GET, so a search can be bookmarked and the back button works."""

    name = forms.CharField(label=_("Naam"), required=False, max_length=200,
                           help_text=_("Een deel van de naam is genoeg, bijvoorbeeld ‘Jans’."))
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    house_number = forms.IntegerField(label=_("Huisnummer"), required=False, min_value=1, max_value=99999,
                                      error_messages={"invalid": _("Vul het huisnummer in met cijfers.")})
    addition = forms.CharField(label=_("Toevoeging"), required=False, max_length=6)
    reference = forms.CharField(label=_("Zaaknummer"), required=False, max_length=20,
                                help_text=_("Bijvoorbeeld MS-2026-000123."))

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if name and len(name) < 2:
            raise ValidationError(_("Vul ten minste twee letters van de naam in."), code="short")
        return name

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        return normalise_postcode(value) if value.strip() else ""

    def clean_addition(self) -> str:
        return normalise_addition(self.cleaned_data["addition"])

    def clean_reference(self) -> str:
        value = self.cleaned_data["reference"]
        return normalise_reference(value) if value.strip() else ""

    def clean(self):
        data = super().clean()
        postcode, number = data.get("postcode"), data.get("house_number")
        if postcode and number is None and "house_number" not in self.errors:
            self.add_error("house_number", _("Vul ook het huisnummer in."))
        if number is not None and not postcode and "postcode" not in self.errors:
            self.add_error("postcode", _("Vul ook de postcode in."))
        if not self.errors and not (data.get("name") or postcode or data.get("reference")):
            raise ValidationError(_("Vul een naam, een postcode met huisnummer of een zaaknummer in."),
                                  code="empty")
        return data

    def query(self) -> DeskQuery:
        data = self.cleaned_data
        return DeskQuery(name=data["name"], postcode=data["postcode"], house_number=data["house_number"],
                         addition=data["addition"], reference=data["reference"])


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input. Whether a file is acceptable is decided by `claims.uploads`, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_SCANS:
            raise ValidationError(_("Kies ten hoogste %(max)s bestanden tegelijk.") % {"max": MAX_SCANS},
                                  code="too_many")
        cleaned = [super(MultipleFileField, self).clean(f, initial) for f in files]
        if self.required and not cleaned:
            raise ValidationError(self.error_messages["required"], code="required")
        return cleaned


def _scans_field(required: bool) -> MultipleFileField:
    return MultipleFileField(
        label=_("Gescande papieren"), required=required,
        # format_lazy: the text is translated when the page is shown, not once at import.
        help_text=format_lazy(_("PDF, JPG of PNG. U kunt meer bestanden tegelijk kiezen (ten hoogste {max})."),
                              max=MAX_SCANS),
        error_messages={"required": _("Kies ten minste één bestand.")},
    )


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class DeskClaimForm(DescribedByMixin, forms.Form):
    """One page: person, home, how the report came in, ownership, urgency, damage and scans.

    A person or home found in the look-up arrives as a hidden id; then its fields are not asked again.
    """

    # One token per form page: a second click on "indienen" finds the first claim instead of filing two.
    form_token = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("Naam"), required=False, max_length=200,
                           help_text=_("Voorletters en achternaam, zoals op de post."))
    phone = forms.CharField(label=_("Telefoonnummer"), required=False, max_length=30,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mailadres"), required=False, max_length=254,
                             error_messages={"invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl.")})
    postal_address = forms.CharField(
        label=_("Postadres"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Alleen als de bewoner de post op een ander adres krijgt dan het adres van de woning."),
    )
    preferred_channel = forms.ChoiceField(
        label=_("Hoe wil de bewoner onze brieven krijgen?"), choices=PreferredChannel.choices,
        initial=PreferredChannel.PAPER, widget=forms.RadioSelect,
        help_text=_("Digitaal kan alleen als de bewoner daar toestemming voor geeft."),
    )
    digital_consent = forms.BooleanField(
        label=_("De bewoner geeft toestemming om brieven digitaal te krijgen."), required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "consent-hint"}),
    )
    language = forms.ChoiceField(label=_("Taal van de brieven"), choices=settings.LANGUAGES, initial="nl",
                                 widget=forms.RadioSelect)

    property_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=10)
    house_number = forms.IntegerField(label=_("Huisnummer"), required=False, min_value=1, max_value=99999,
                                      error_messages={"invalid": _("Vul het huisnummer in met cijfers.")})
    addition = forms.CharField(label=_("Toevoeging"), required=False, max_length=6)
    street = forms.CharField(label=_("Straat"), required=False, max_length=200)
    town = forms.CharField(label=_("Plaats"), required=False, max_length=100)
    municipality = forms.ChoiceField(
        label=_("Gemeente"), required=False,
        choices=[("", _("Kies de gemeente")), *((m, m) for m in MINING_MUNICIPALITIES),
                 (OTHER_MUNICIPALITY, _("Een andere gemeente"))],
    )
    municipality_other = forms.CharField(
        label=_("Naam van de andere gemeente"), required=False, max_length=100,
        help_text=_("Alleen invullen als u hierboven ‘Een andere gemeente’ kiest."),
    )

    channel = forms.ChoiceField(label=_("Hoe kwam de melding binnen?"), widget=forms.RadioSelect,
                                choices=[(c.value, c.label) for c in (Channel.DESK, Channel.PHONE, Channel.POST)],
                                initial=Channel.DESK)
    owner_occupied = forms.ChoiceField(
        label=_("Is de bewoner eigenaar en woont hij of zij zelf in de woning?"), choices=YES_NO,
        widget=forms.RadioSelect, error_messages={"required": _("Kies ja of nee.")},
        help_text=_("Ook bij ‘nee’ nemen wij de melding aan. "
                    "De zaakbegeleider kijkt of de melding in behandeling kan."),
    )
    in_owners_association = forms.ChoiceField(label=_("Is de woning een appartement in een VvE?"), choices=YES_NO,
                                              initial="no", widget=forms.RadioSelect,
                                              error_messages={"required": _("Kies ja of nee.")})
    urgent = forms.BooleanField(
        label=_("Het is nu onveilig in of bij de woning (acuut onveilige situatie)."), required=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "urgent-hint"}),
    )
    description = forms.CharField(label=_("Toelichting"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    scans = _scans_field(required=False)

    PERSON_FIELDS = ("name", "phone", "email", "postal_address", "preferred_channel", "digital_consent",
                     "language")
    PROPERTY_FIELDS = ("postcode", "house_number", "addition", "street", "town", "municipality",
                       "municipality_other")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, MAX_DAMAGE_ITEMS + 1):
            self.fields[f"item{n}_location"] = forms.CharField(
                label=_("Plaats van schade %(n)s") % {"n": n}, required=n == 1, max_length=120,
                help_text=_("Bijvoorbeeld: woonkamer, gevel achterkant, kelder.") if n == 1 else "",
            )
            self.fields[f"item{n}_kind"] = forms.ChoiceField(
                label=_("Soort schade %(n)s") % {"n": n}, required=n == 1,
                choices=[("", _("Kies de soort schade")), *DamageKind.choices],
            )
            self.fields[f"item{n}_description"] = forms.CharField(
                label=_("Omschrijving van schade %(n)s") % {"n": n}, required=n == 1, max_length=5000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.picked_person = self._picked(Person, "person_id")
        self.picked_property = self._picked(Property, "property_id")
        if self.picked_person is None:
            self.fields["name"].required = True
        if self.picked_property is None:
            for name in ("postcode", "house_number", "street", "town", "municipality"):
                self.fields[name].required = True
        self.fields["name"].error_messages["required"] = _("Vul de naam van de bewoner in.")
        for name, message in {
            "postcode": _("Vul de postcode in."),
            "house_number": _("Vul het huisnummer in."),
            "street": _("Vul de straat in."),
            "town": _("Vul de plaats in."),
            "municipality": _("Kies de gemeente."),
            "item1_location": _("Vul in waar de schade zit."),
            "item1_kind": _("Kies de soort schade."),
            "item1_description": _("Beschrijf de schade."),
        }.items():
            self.fields[name].error_messages["required"] = message
        self._describe()  # again: the damage fields were added after the mixin's first pass

    def _picked(self, model, key: str):
        raw = self.data.get(key) if self.is_bound else self.initial.get(key)
        if raw in (None, ""):
            return None
        try:
            return model.objects.filter(pk=int(raw)).first()
        except (TypeError, ValueError):
            return None

    # --- groups of fields for the template's fieldsets --------------------------------------------

    def _bound(self, names) -> list:
        return [self[n] for n in names]

    @property
    def person_fields(self) -> list:
        return self._bound(("name", "phone", "email", "postal_address"))

    @property
    def property_fields(self) -> list:
        return self._bound(self.PROPERTY_FIELDS)

    @property
    def damage_groups(self) -> list[tuple[int, list]]:
        return [
            (n, self._bound((f"item{n}_location", f"item{n}_kind", f"item{n}_description")))
            for n in range(1, MAX_DAMAGE_ITEMS + 1)
        ]

    # --- validation -----------------------------------------------------------------------------

    def clean_postcode(self) -> str:
        value = self.cleaned_data["postcode"]
        return normalise_postcode(value) if value.strip() else ""

    def clean_addition(self) -> str:
        return normalise_addition(self.cleaned_data["addition"])

    def clean_phone(self) -> str:
        value = " ".join(self.cleaned_data["phone"].split())
        if value and (not _PHONE.match(value) or sum(ch.isdigit() for ch in value) < 8):
            raise ValidationError(_("Vul een telefoonnummer in, bijvoorbeeld 045 123 45 67."), code="phone")
        return value

    def clean(self):
        data = super().clean()
        if self.data.get("person_id") and self.picked_person is None:
            self.add_error(None, _("De gekozen bewoner is niet gevonden. Zoek de bewoner opnieuw."))
        if self.data.get("property_id") and self.picked_property is None:
            self.add_error(None, _("De gekozen woning is niet gevonden. Zoek de woning opnieuw."))
        if self.picked_person is None:
            self._clean_new_person(data)
        if self.picked_property is None:
            self._clean_new_property(data)
        self._clean_damage(data)
        return data

    def _clean_new_person(self, data) -> None:
        if data.get("preferred_channel") == PreferredChannel.DIGITAL:
            if not data.get("digital_consent"):
                self.add_error("preferred_channel", _(
                    "Digitaal kan alleen met toestemming van de bewoner. Vink de toestemming aan of kies ‘Per post’."
                ))
            elif not data.get("email") and "email" not in self.errors:
                self.add_error("email", _("Voor digitale brieven is een e-mailadres nodig."))

    def _clean_new_property(self, data) -> None:
        if data.get("municipality") == OTHER_MUNICIPALITY and not data.get("municipality_other", "").strip():
            self.add_error("municipality_other", _("Vul de naam van de gemeente in."))

    def _clean_damage(self, data) -> None:
        for n in range(2, MAX_DAMAGE_ITEMS + 1):
            names = (f"item{n}_location", f"item{n}_kind", f"item{n}_description")
            given = [name for name in names if data.get(name)]
            if given and len(given) < len(names):
                for name in names:
                    if not data.get(name) and name not in self.errors:
                        self.add_error(name, _("Vul dit ook in, of maak schade %(n)s helemaal leeg.") % {"n": n})

    # --- what the service gets --------------------------------------------------------------------

    def person_input(self) -> PersonInput | None:
        if self.picked_person is not None:
            return None
        d = self.cleaned_data
        digital = d["preferred_channel"] == PreferredChannel.DIGITAL
        return PersonInput(name=d["name"].strip(), phone=d["phone"], email=d["email"],
                           postal_address=d["postal_address"].strip(), digital=digital, language=d["language"])

    def property_input(self) -> PropertyInput | None:
        if self.picked_property is not None:
            return None
        d = self.cleaned_data
        municipality = d["municipality_other"].strip() if d["municipality"] == OTHER_MUNICIPALITY else d[
            "municipality"]
        return PropertyInput(postcode=d["postcode"], house_number=d["house_number"], addition=d["addition"],
                             street=d["street"].strip(), town=d["town"].strip(), municipality=municipality)

    def damage_inputs(self) -> list[DamageInput]:
        d = self.cleaned_data
        return [
            DamageInput(location=d[f"item{n}_location"].strip(), kind=d[f"item{n}_kind"],
                        description=d[f"item{n}_description"].strip())
            for n in range(1, MAX_DAMAGE_ITEMS + 1)
            if d.get(f"item{n}_location")
        ]

    def owner_occupied_answer(self) -> bool | None:
        return _yes_no(self.cleaned_data["owner_occupied"])

    def in_owners_association_answer(self) -> bool:
        return bool(_yes_no(self.cleaned_data["in_owners_association"]))


class ScanForm(DescribedByMixin, forms.Form):
    """More scans for a claim that is already filed."""

    scans = _scans_field(required=True)
