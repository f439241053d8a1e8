"""Forms of the commission's pages: the declaration of (no) conflict of interest, and the advice per damage item.
They parse what was typed and say what is missing; the rules themselves live in casework.services.commission."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.forms.base import DescribedByMixin
from claims.models import DamageItem, Recusal
from claims.progress import euro

from ..models import Plausibility
from ..services.commission import EXPLANATION_MAX, amount_setting
from .expert import AmountField
from .once import SentOnceForm

NO_CONFLICT = "none"
TEXT_MAX = 10000
Ground = Recusal.Ground

CONFLICT_CHOICES = [
    (NO_CONFLICT, _("Nee, ik heb geen belangenconflict bij deze zaak")),
    (Ground.NEIGHBOUR, _("Ja: ik ben een buur van de aanvrager")),
    (Ground.RELATIVE, _("Ja: ik ben familie van de aanvrager")),
    (Ground.EARLIER, _("Ja: ik was eerder bij deze woning of zaak betrokken")),
    (Ground.OTHER, _("Ja: om een andere reden")),
]


class DeclarationForm(DescribedByMixin, SentOnceForm):
    conflict = forms.ChoiceField(
        label=_("Hebt u een belangenconflict bij deze zaak?"), choices=CONFLICT_CHOICES, widget=forms.RadioSelect,
        help_text=_("Met een belangenconflict doet u niet mee aan deze zaak. U ziet de zaak daarna niet meer."),
        error_messages={"required": _("Kies of u een belangenconflict hebt.")},
    )
    explanation = forms.CharField(
        label=_("Toelichting"), required=False, max_length=EXPLANATION_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Nodig bij ‘om een andere reden’. Schrijf kort wat het belang is."),
    )

    def clean(self):
        data = super().clean()
        if data.get("conflict") == Ground.OTHER and not data.get("explanation", "").strip():
            self.add_error("explanation", _("Schrijf op wat het belangenconflict is."))
        return data

    def service_kwargs(self) -> dict:
        conflict = self.cleaned_data["conflict"]
        has_conflict = conflict != NO_CONFLICT
        return {"has_conflict": has_conflict, "ground": conflict if has_conflict else "",
                "explanation": self.cleaned_data.get("explanation", "") if has_conflict else ""}


class ItemAdviceForm(DescribedByMixin, forms.Form):
    """The advice on one damage item; its prefix is the item's id, so every item has its own fields."""

    plausibility = forms.ChoiceField(
        label=_("Komt deze schade voldoende aannemelijk door mijnbouw?"), choices=Plausibility.choices,
        widget=forms.RadioSelect, error_messages={"required": _("Kies ja, gedeeltelijk of nee.")},
    )
    percentage = forms.IntegerField(
        label=_("Welk deel komt door mijnbouw, in procenten?"), required=False, min_value=1, max_value=99,
        help_text=_("Alleen bij ‘gedeeltelijk’: een getal van 1 tot en met 99."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "max": 99}),
        error_messages={"invalid": _("Vul een getal in van 1 tot en met 99."),
                        "min_value": _("Vul een getal in van 1 tot en met 99."),
                        "max_value": _("Vul een getal in van 1 tot en met 99.")},
    )
    amount = AmountField(
        label=_("Bedrag in euro"), required=False,
        help_text=_("Nodig bij ‘ja’ en ‘gedeeltelijk’: het bedrag dat u adviseert, bijvoorbeeld 1.250,00. Bij "
                    "‘nee’ is het bedrag 0."),
    )
    reasoning = forms.CharField(
        label=_("Motivering"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Schrijf de motivering voor dit schadepunt.")},
    )

    def __init__(self, *args, item: DamageItem, **kwargs):
        kwargs.setdefault("prefix", f"item{item.pk}")
        self.item = item
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        plausibility = data.get("plausibility")
        amount = data.get("amount")
        if plausibility == Plausibility.PARTLY and data.get("percentage") is None and "percentage" not in self.errors:
            self.add_error("percentage", _("Vul bij ‘gedeeltelijk’ een percentage in van 1 tot en met 99."))
        if plausibility == Plausibility.NO:
            if amount:
                self.add_error("amount", _("Bij ‘nee’ is het bedrag 0."))
            elif "amount" not in self.errors:
                data["amount"] = Decimal("0.00")
        elif plausibility and amount is None and "amount" not in self.errors:
            self.add_error("amount", _("Vul het bedrag in."))
        if plausibility != Plausibility.PARTLY:
            data["percentage"] = None  # a percentage only means something with partly
        return data

    def service_item(self) -> dict:
        data = self.cleaned_data
        return {"damage_item": self.item, "plausibility": data["plausibility"], "percentage": data["percentage"],
                "amount": data["amount"], "reasoning": data["reasoning"]}


class AdviceForm(DescribedByMixin, SentOnceForm):
    """What the advice says as a whole."""

    reasoning = forms.CharField(
        label=_("Algemene motivering"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Deze tekst komt in het dossier en is de basis voor het besluit."),
        error_messages={"required": _("Schrijf de algemene motivering.")},
    )
    inspection_allowance = forms.BooleanField(
        required=False, help_text=_("Voor de tijd die de aanvrager vrij nam voor het bezoek van de deskundige."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "advice")
        super().__init__(*args, **kwargs)
        self.fields["inspection_allowance"].label = _(
            "Vergoeding voor de schade-opname toekennen (%(amount)s)"
        ) % {"amount": euro(amount_setting("inspection_allowance"))}


class AdviceForms:
    """The whole advice form: the general part and one part per damage item, valid only together."""

    def __init__(self, items: list[DamageItem], data=None):
        self.general = AdviceForm(data)
        self.items = [ItemAdviceForm(data, item=item) for item in items]
        for form, item in zip(self.items, items, strict=True):
            item.advice_form = form

    def is_valid(self) -> bool:
        valid = self.general.is_valid()
        return all([form.is_valid() for form in self.items]) and valid

    @property
    def errors(self) -> bool:
        return bool(self.general.errors) or any(form.errors for form in self.items)

    def service_kwargs(self) -> dict:
        return {"items": [form.service_item() for form in self.items],
                "reasoning": self.general.cleaned_data["reasoning"],
                "inspection_allowance": self.general.cleaned_data["inspection_allowance"]}

    @property
    def items_total(self) -> Decimal:
        return sum((form.cleaned_data["amount"] for form in self.items), Decimal("0.00"))
