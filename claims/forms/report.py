"""Forms of the online damage report. They check input and give a Dutch message per field; the services in
claims/services/report.py do the work."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..addresses import mining_municipality_of, same_name
from ..models import MINING_MUNICIPALITIES, DamageKind
from ..models.property import normalise_postcode
from ..services.report import MAX_PHOTOS_PER_ITEM, Address, CoOwner
from ..timeutil import today
from .base import DescribedByMixin

OTHER_MUNICIPALITY = "other"
YES, NO = "yes", "no"
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d %m %Y", "%Y-%m-%d"]
_ADDITION = re.compile(r"^[A-Z0-9]{1,4}([ -]?[A-Z0-9]{1,4})?$")
_PHONE_CHARACTERS = re.compile(r"^\+?[0-9 ()-]+$")


def _required(message) -> dict:
    return {"required": message}


def _yes_no(label, yes_label, no_label, required_message, help_text="") -> forms.ChoiceField:
    return forms.ChoiceField(label=label, choices=[(YES, yes_label), (NO, no_label)], widget=forms.RadioSelect,
                             help_text=help_text, error_messages=_required(required_message))


# --- step 1: the address -------------------------------------------------------------------------------

class AddressForm(DescribedByMixin, forms.Form):
    postcode = forms.CharField(
        label=_("Postcode"), max_length=10, help_text=_("Bijvoorbeeld 6411 AB."),
        error_messages=_required(_("Vul de postcode van uw huis in.")),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "input-short"}),
    )
    house_number = forms.IntegerField(
        label=_("Huisnummer"), min_value=1, max_value=99999,
        error_messages={
            "required": _("Vul het huisnummer in."),
            "invalid": _("Vul bij huisnummer alleen cijfers in, bijvoorbeeld 12. Een letter vult u in bij toevoeging."),
            "min_value": _("Vul een huisnummer in van 1 of hoger."),
            "max_value": _("Dit huisnummer is te hoog. Kijk het nog eens na."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )
    house_number_addition = forms.CharField(
        label=_("Toevoeging"), max_length=9, required=False, help_text=_("Bijvoorbeeld A of 2."),
        error_messages={"max_length": _("Een toevoeging heeft ten hoogste 6 tekens.")},
        widget=forms.TextInput(attrs={"class": "input-short"}),
    )
    street = forms.CharField(label=_("Straat"), max_length=200,
                             error_messages=_required(_("Vul de straat in.")),
                             widget=forms.TextInput(attrs={"autocomplete": "address-line1"}))
    town = forms.CharField(label=_("Plaats"), max_length=100, error_messages=_required(_("Vul de plaats in.")),
                           widget=forms.TextInput(attrs={"autocomplete": "address-level2"}))
    municipality = forms.ChoiceField(
        label=_("Gemeente"),
        choices=[("", _("Kies de gemeente")), *((m, m) for m in MINING_MUNICIPALITIES),
                 (OTHER_MUNICIPALITY, _("Een andere gemeente"))],
        help_text=_("De gemeente is soms anders dan de plaats. Hoensbroek hoort bijvoorbeeld bij Heerlen."),
        error_messages=_required(_("Kies de gemeente waar uw huis staat.")),
    )
    municipality_other = forms.CharField(
        label=_("Welke andere gemeente?"), max_length=100, required=False,
        help_text=_("Alleen invullen als u hierboven ‘Een andere gemeente’ kiest."),
    )
    # The other municipality the resident already saw a suggestion for; a second time their choice stands.
    checked_other = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_house_number_addition(self) -> str:
        value = self.cleaned_data["house_number_addition"].strip().lstrip("-").strip().upper()
        if value and (len(value) > 6 or not _ADDITION.match(value)):
            raise ValidationError(_("Vul bij toevoeging alleen letters en cijfers in, ten hoogste 6 tekens."))
        return value

    def clean(self):
        data = super().clean()
        choice, town = data.get("municipality"), (data.get("town") or "").strip()
        other = (data.get("municipality_other") or "").strip()
        if choice == OTHER_MUNICIPALITY:
            known = mining_municipality_of(other)
            if not other:
                self.add_error("municipality_other", _("Vul de naam van de gemeente in."))
            elif known and same_name(known, other):
                data["municipality_name"] = known  # 'heerlen' typed under 'another municipality' is Heerlen
            elif known and not same_name(other, data.get("checked_other") or ""):
                # A town of a mining municipality (Nuth is Beekdaelen): suggest it once, never insist.
                self._suggest(known, _("%(town)s hoort bij de gemeente %(municipality)s. Die gemeente hebben wij "
                                       "voor u gekozen. Klopt dat? Klik dan nog een keer op de knop.")
                              % {"town": other, "municipality": known}, checked_other=other)
            else:
                data["municipality_name"] = other
        elif choice:
            data["municipality_name"] = choice
        elif town and (known := mining_municipality_of(town)):
            self._suggest(known, _("%(town)s hoort bij de gemeente %(municipality)s. Die gemeente hebben wij voor u "
                                   "gekozen. Klopt dat? Klik dan nog een keer op de knop.")
                          % {"town": town, "municipality": known})
        return data

    def _suggest(self, municipality: str, message: str, checked_other: str = "") -> None:
        """Shows the form again with the municipality chosen, and says why."""
        self.data = self.data.copy()
        self.data[self.add_prefix("municipality")] = municipality
        self.data[self.add_prefix("municipality_other")] = ""
        self.data[self.add_prefix("checked_other")] = checked_other
        self._errors.pop("municipality", None)
        self.add_error("municipality", message)

    def address(self) -> Address:
        data = self.cleaned_data
        return Address(postcode=data["postcode"], house_number=data["house_number"],
                       house_number_addition=data["house_number_addition"], street=data["street"].strip(),
                       town=data["town"].strip(), municipality=data["municipality_name"])

    @classmethod
    def initial_for(cls, prop) -> dict:
        known = prop.municipality in MINING_MUNICIPALITIES
        return {
            "postcode": prop.postcode_display, "house_number": prop.house_number,
            "house_number_addition": prop.house_number_addition, "street": prop.street, "town": prop.town,
            "municipality": prop.municipality if known else OTHER_MUNICIPALITY,
            "municipality_other": "" if known else prop.municipality,
        }


# --- step 2: ownership ---------------------------------------------------------------------------------

class OwnershipForm(DescribedByMixin, forms.Form):
    owner_occupied = _yes_no(
        _("Bent u eigenaar van het huis en woont u er zelf?"),
        _("Ja, ik ben eigenaar en ik woon er zelf"),
        _("Nee, ik huur het huis of ik woon er niet zelf"),
        _("Kies of u eigenaar bent en er zelf woont."),
        help_text=_("De regeling is voor eigenaren die zelf in hun huis wonen. Huurt u het huis? Dan kunt u uw "
                    "melding toch versturen. Wij bekijken hem en u krijgt altijd een antwoord, met uitleg."),
    )
    in_owners_association = _yes_no(
        _("Is uw huis een appartement in een Vereniging van Eigenaars (VvE)?"),
        _("Ja, het is een appartement in een VvE"),
        _("Nee"),
        _("Kies of uw huis een appartement in een VvE is."),
    )

    @classmethod
    def initial_for(cls, claim) -> dict:
        if claim.owner_occupied is None:
            return {}
        return {"owner_occupied": YES if claim.owner_occupied else NO,
                "in_owners_association": YES if claim.in_owners_association else NO}


class CoOwnerForm(DescribedByMixin, forms.Form):
    name = forms.CharField(label=_("Naam"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mailadres"), required=False, max_length=254,
                             error_messages={"invalid": _("Vul een e-mailadres in als naam@voorbeeld.nl.")},
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))

    def clean(self):
        data = super().clean()
        if data.get("email") and not (data.get("name") or "").strip():
            self.add_error("name", _("Vul ook de naam van deze mede-eigenaar in."))
        return data


class BaseCoOwnerFormSet(forms.BaseFormSet):
    def co_owners(self) -> list[CoOwner]:
        return [CoOwner(name=f.cleaned_data["name"], email=f.cleaned_data.get("email") or "")
                for f in self.forms if (f.cleaned_data.get("name") or "").strip()]


CO_OWNER_ROWS = 3
CO_OWNER_MAX = 10


def co_owner_formset(*, data=None, people=()):
    """Rows for the co-owners already given, plus empty rows up to three (always at least one)."""
    initial = [{"name": p.name, "email": p.email} for p in people]
    extra = max(1, CO_OWNER_ROWS - len(initial))
    formset_class = forms.formset_factory(CoOwnerForm, formset=BaseCoOwnerFormSet, extra=extra,
                                          max_num=CO_OWNER_MAX, validate_max=True)
    return formset_class(data=data, initial=initial, prefix="mede")


# --- step 3: representative ----------------------------------------------------------------------------

class RepresentativeForm(DescribedByMixin, forms.Form):
    name = forms.CharField(label=_("Naam van uw gemachtigde"), max_length=200, required=False,
                           widget=forms.TextInput(attrs={"autocomplete": "off"}))
    email = forms.EmailField(label=_("E-mailadres van uw gemachtigde"), required=False, max_length=254,
                             error_messages={"invalid": _("Vul een e-mailadres in als naam@voorbeeld.nl.")},
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    phone = forms.CharField(label=_("Telefoonnummer van uw gemachtigde"), max_length=30, required=False,
                            help_text=_("Bijvoorbeeld 045 123 45 67 of 06 12 34 56 78."),
                            widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}))

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        digits = re.sub(r"\D", "", value)
        if value and (not _PHONE_CHARACTERS.match(value) or not 10 <= len(digits) <= 15):
            raise ValidationError(_("Vul een telefoonnummer in van 10 cijfers, bijvoorbeeld 045 123 45 67."))
        return value

    def clean(self):
        data = super().clean()
        name = (data.get("name") or "").strip()
        if not name and (data.get("email") or data.get("phone")):
            self.add_error("name", _("Vul de naam van uw gemachtigde in."))
        elif name and not (data.get("email") or data.get("phone")) and not self.has_error("phone") \
                and not self.has_error("email"):
            self.add_error("email", _("Vul een e-mailadres of telefoonnummer in, zodat wij uw gemachtigde kunnen "
                                      "bereiken."))
        return data


# --- step 4: damage items ------------------------------------------------------------------------------

class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files from one `<input type=file multiple>`; their content is checked on storing."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.heic,.heif"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(f, initial) for f in files if f]

    def has_changed(self, initial, data) -> bool:
        return not self.disabled and bool(data)


class DamageItemForm(DescribedByMixin, forms.Form):
    location = forms.CharField(
        label=_("Waar zit de schade?"), max_length=120,
        help_text=_("Bijvoorbeeld: woonkamer, voorgevel, kelder of tuin."),
        error_messages=_required(_("Schrijf op waar de schade zit.")),
    )
    kind = forms.ChoiceField(label=_("Wat voor schade is het?"), choices=DamageKind.choices,
                             widget=forms.RadioSelect, error_messages=_required(_("Kies wat voor schade het is.")))
    description = forms.CharField(
        label=_("Beschrijf de schade"), max_length=4000,
        help_text=_("Wat ziet u? Wordt het erger?"),
        error_messages=_required(_("Beschrijf de schade in een paar zinnen.")),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    noticed_on = forms.DateField(
        label=_("Sinds wanneer ziet u de schade?"), required=False, input_formats=DATE_INPUT_FORMATS,
        help_text=_("Bijvoorbeeld 15-3-2024. Weet u de dag niet precies? Vul dan de eerste dag van de maand in."),
        error_messages={"invalid": _("Vul een datum in als 15-3-2024: dag, maand en jaar.")},
        widget=forms.DateInput(format="%d-%m-%Y", attrs={"class": "input-short"}),
    )
    measurements = forms.CharField(
        label=_("Hoe groot is de schade?"), max_length=200, required=False,
        help_text=_("Bijvoorbeeld: scheur van 2 mm breed en 1 meter lang."),
    )
    photos = MultipleFileField(
        label=_("Foto's"), required=False,
        help_text=_("U kunt 1 tot 5 foto's tegelijk kiezen. Dit mag ook later."),
    )

    def __init__(self, *args, photos_stored: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.photos_stored = photos_stored

    def clean_noticed_on(self):
        value = self.cleaned_data["noticed_on"]
        if value and value > today():
            raise ValidationError(_("Deze datum ligt in de toekomst. Vul de dag in waarop u de schade zag."))
        return value

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        room = MAX_PHOTOS_PER_ITEM - self.photos_stored
        if len(photos) > room:
            if room <= 0:
                raise ValidationError(_("Bij deze schade staan al 5 foto's. Meer foto's kunnen er niet bij."))
            raise ValidationError(ngettext(
                "U kunt bij deze schade nog %(count)d foto toevoegen. U koos er %(chosen)d.",
                "U kunt bij deze schade nog %(count)d foto's toevoegen. U koos er %(chosen)d.",
                room,
            ) % {"count": room, "chosen": len(photos)})
        return photos

    def item_data(self) -> dict:
        return {name: self.cleaned_data[name]
                for name in ("location", "kind", "description", "noticed_on", "measurements")}

    @classmethod
    def initial_for(cls, item) -> dict:
        return {"location": item.location, "kind": item.kind, "description": item.description,
                "noticed_on": item.noticed_on, "measurements": item.measurements}


# --- step 5 and 6 --------------------------------------------------------------------------------------

class SafetyForm(DescribedByMixin, forms.Form):
    unsafe = _yes_no(_("Is het nu onveilig in of rond uw huis?"), _("Ja, het is nu onveilig"), _("Nee"),
                     _("Kies ja of nee."))


class StatementForm(DescribedByMixin, forms.Form):
    truthful = forms.BooleanField(
        label=_("Ik heb alles naar waarheid ingevuld"),
        error_messages=_required(_("Zet een vinkje als u alles naar waarheid hebt ingevuld.")),
    )
