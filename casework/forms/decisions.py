"""The decision form: the outcome, per damage item the plausibility, the percentage (for partly), the amount and
a text for the letter, and the reasoning. It starts from the commission's advice. It checks what was typed and
what belongs together per item; the rules of the decision as a whole live in casework.services.decisions."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.forms.base import DescribedByMixin
from claims.models import DamageItem, Outcome

from ..models import CommissionAdvice, ItemAdvice, Plausibility
from .dossier import text_field
from .expert import AmountField
from .once import SentOnceForm

OUTCOME_CHOICES = [(o.value, o.label) for o in (Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REJECTED)]
ITEM_PARTS = ("plausibility", "percentage", "amount", "reasoning")


@dataclass
class ItemRow:
    """One damage item on the form: the item, what the commission advised, and its four fields."""

    item: DamageItem
    advice: ItemAdvice | None
    fields: list  # bound fields, in ITEM_PARTS order


def _name(item: DamageItem, part: str) -> str:
    return f"item{item.pk}_{part}"


class DecisionForm(DescribedByMixin, SentOnceForm):
    outcome = forms.ChoiceField(label=_("Uitkomst"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect,
                                error_messages={"required": _("Kies de uitkomst."),
                                                "invalid_choice": _("Kies de uitkomst.")})
    reasoning = text_field(_("Motivering van het besluit"), rows=8, message=_("Schrijf de motivering van het besluit."),
                           help_text=_("Deze tekst komt in de besluitbrief. Schrijf in gewone woorden. Het advies "
                                       "van de commissie staat er al in; pas het aan waar u afwijkt."))

    def __init__(self, data=None, *, items: list[DamageItem], advice: CommissionAdvice | None, **kwargs):
        self.items = items
        self.advised = {row.damage_item_id: row for row in advice.items.all()} if advice else {}
        super().__init__(data, **kwargs)
        initial = self.initial
        if advice is not None:
            initial.setdefault("reasoning", advice.reasoning)
        for item in items:
            advised = self.advised.get(item.pk)
            self.fields.update(self._item_fields(item))
            if advised is not None:
                initial.setdefault(_name(item, "plausibility"), advised.plausibility)
                initial.setdefault(_name(item, "percentage"), advised.percentage)
                initial.setdefault(_name(item, "amount"), advised.amount)
                initial.setdefault(_name(item, "reasoning"), advised.reasoning)
        self.order_fields(["outcome", *(_name(i, p) for i in items for p in ITEM_PARTS), "reasoning"])
        self._describe()

    @staticmethod
    def _item_fields(item: DamageItem) -> dict[str, forms.Field]:
        number = {"position": item.position}  # every label names its item: the error summary lists them all
        return {
            _name(item, "plausibility"): forms.ChoiceField(
                label=_("Komt schadepunt %(position)s door mijnbouw?") % number, choices=Plausibility.choices,
                widget=forms.RadioSelect,
                error_messages={"required": _("Kies of de schade door mijnbouw komt."),
                                "invalid_choice": _("Kies of de schade door mijnbouw komt.")}),
            _name(item, "percentage"): forms.IntegerField(
                label=_("Percentage door mijnbouw bij schadepunt %(position)s") % number, required=False,
                min_value=1, max_value=99, help_text=_("Alleen bij ‘gedeeltelijk’: 1 tot en met 99."),
                widget=forms.NumberInput(attrs={"class": "input-short"}),
                error_messages={"invalid": _("Vul een heel getal in."),
                                "min_value": _("Vul een percentage in van 1 tot en met 99."),
                                "max_value": _("Vul een percentage in van 1 tot en met 99.")}),
            _name(item, "amount"): AmountField(
                label=_("Bedrag voor schadepunt %(position)s in euro") % number,
                help_text=_("Bijvoorbeeld: 1250,00. Nul als er niets wordt vergoed."),
                error_messages={"required": _("Vul het bedrag in (nul of meer).")}),
            _name(item, "reasoning"): text_field(
                _("Toelichting bij schadepunt %(position)s in de brief") % number, required=False, rows=3,
                help_text=_("Waarom dit besluit? Laat u dit leeg, dan komt de toelichting van de commissie in "
                            "de brief.")),
        }

    def item_rows(self) -> list[ItemRow]:
        return [ItemRow(item=item, advice=self.advised.get(item.pk),
                        fields=[self[_name(item, part)] for part in ITEM_PARTS]) for item in self.items]

    def clean(self):
        data = super().clean()
        for item in self.items:
            plausibility = data.get(_name(item, "plausibility"))
            amount = data.get(_name(item, "amount"))
            if plausibility == Plausibility.NO and amount is not None and amount != 0:
                self.add_error(_name(item, "amount"), _("Komt de schade niet door mijnbouw, dan is het bedrag nul."))
            if plausibility == Plausibility.PARTLY and data.get(_name(item, "percentage")) is None \
                    and not self.has_error(_name(item, "percentage")):
                self.add_error(_name(item, "percentage"), _("Vul bij ‘gedeeltelijk’ een percentage in."))
        return data

    def service_items(self) -> list[dict]:
        data = self.cleaned_data
        return [{"damage_item": item, "plausibility": data[_name(item, "plausibility")],
                 "percentage": data.get(_name(item, "percentage")), "amount": data[_name(item, "amount")],
                 "reasoning": data.get(_name(item, "reasoning"), "")} for item in self.items]

    def amounts(self) -> list[Decimal | None]:
        """The amounts as far as they can be read: from what was sent, else from the advice."""
        if not self.is_bound:
            return [self.advised[item.pk].amount if item.pk in self.advised else None for item in self.items]
        data = getattr(self, "cleaned_data", {})
        return [data.get(_name(item, "amount")) for item in self.items]

    def chosen_outcome(self) -> str:
        return getattr(self, "cleaned_data", {}).get("outcome", "") if self.is_bound else ""
