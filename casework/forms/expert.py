"""Forms of the expert's pages. They parse what was typed; the rules live in casework.services.inspection."""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.forms.base import DescribedByMixin
from claims.models import DamageItem, DamageKind, Verdict

from .once import SentOnceForm

LOCATION_MAX = DamageItem._meta.get_field("location").max_length
MEASUREMENTS_MAX = DamageItem._meta.get_field("measurements").max_length
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def parse_amount(text: str) -> Decimal:
    """'1.250,50', '1250,50', '1,250.50', '1250.5' and '€ 1.250' all mean what a person means by them: a
    separator followed by one or two digits at the end is the decimal one, any other separates thousands."""
    text = re.sub(r"[\s\u00a0€]", "", text or "")
    if not re.fullmatch(r"\d[\d.,]*", text):
        raise InvalidOperation(text)
    match = re.search(r"[.,](\d{1,2})$", text)
    whole, cents = (text[:match.start()], match.group(1)) if match else (text, "")
    if not re.fullmatch(r"\d{1,3}([.,]\d{3})*|\d+", whole):
        raise InvalidOperation(text)
    return Decimal(re.sub(r"[.,]", "", whole) + ("." + cents if cents else ""))


class AmountField(forms.CharField):
    """An amount in euro of zero or more, typed the way people type it (see `parse_amount`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "class": "input-short",
                                                           "maxlength": 20}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.2f}".replace(".", ",")
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            amount = parse_amount(text)
        except InvalidOperation:
            raise ValidationError(_("Vul een bedrag in van nul of meer, bijvoorbeeld 1250,00."),
                                  code="invalid") from None
        if amount >= Decimal("1e10"):
            raise ValidationError(_("Dit bedrag is te hoog."), code="too_high")
        return amount


class FindingsForm(DescribedByMixin, forms.Form):
    """What the expert finds at one damage item."""

    location = forms.CharField(label=_("Plaats in of bij de woning"), max_length=LOCATION_MAX,
                               help_text=_("Bijvoorbeeld: gevel voorkant, boven de voordeur."),
                               error_messages={"required": _("Vul in waar de schade zit.")})
    kind = forms.ChoiceField(label=_("Soort schade"), choices=DamageKind.choices,
                             error_messages={"required": _("Kies de soort schade.")})
    measurements = forms.CharField(label=_("Afmetingen"), max_length=MEASUREMENTS_MAX, required=False,
                                   help_text=_("Bijvoorbeeld: scheur 2 mm breed en 80 cm lang."))
    expert_notes = forms.CharField(label=_("Toelichting"), required=False, max_length=10000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    verdict = forms.ChoiceField(
        label=_("Is dit mijnbouwschade?"), choices=Verdict.choices, required=False, widget=forms.RadioSelect,
        help_text=_("U kunt dit ook later invullen. Voor het adviesrapport is een oordeel nodig."),
    )
    repair_cost = AmountField(
        label=_("Herstelkosten in euro"), required=False,
        help_text=_("Bijvoorbeeld: 1250,00. Nodig bij ‘ja’ en ‘gedeeltelijk’."),
    )

    @classmethod
    def for_item(cls, item: DamageItem, *, data=None) -> "FindingsForm":
        initial = {"location": item.location, "kind": item.kind, "measurements": item.measurements,
                   "expert_notes": item.expert_notes, "verdict": item.expert_verdict, "repair_cost": item.repair_cost}
        return cls(data, initial=initial, prefix=f"item{item.pk}")


class AddItemForm(FindingsForm, SentOnceForm):
    """A damage item found on site that the resident had not reported."""

    field_order = ["location", "kind", "description", "measurements", "expert_notes", "verdict", "repair_cost"]
    description = forms.CharField(label=_("Omschrijving van de schade"), max_length=10000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": _("Beschrijf de schade.")})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)


class PhotoForm(DescribedByMixin, SentOnceForm):
    photo = forms.FileField(
        label=_("Foto toevoegen"), help_text=_("Een foto als JPG, PNG of HEIC."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,.heic"}),
        error_messages={"required": _("Kies een foto.")},
    )


class VisitForm(DescribedByMixin, forms.Form):
    visited_at = forms.DateTimeField(
        label=_("Wanneer was u bij de woning?"), input_formats=[DATETIME_LOCAL],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        error_messages={"required": _("Vul de datum en tijd van het bezoek in."),
                        "invalid": _("Vul een datum en tijd in, bijvoorbeeld 27-04-2026 10:30.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "visit")
        super().__init__(*args, **kwargs)


class ReportForm(DescribedByMixin, SentOnceForm):
    report = forms.FileField(
        label=_("Adviesrapport (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": _("Kies het adviesrapport.")},
    )
    confirm = forms.BooleanField(
        label=_("Mijn oordeel over alle schadepunten is af. Ik lever het adviesrapport in."),
        help_text=_("Daarna kunt u niets meer wijzigen."),
        error_messages={"required": _("Vink aan dat u het adviesrapport wilt inleveren.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "report")
        super().__init__(*args, **kwargs)
