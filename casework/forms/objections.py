"""Forms of the objection pages (casework/views/objections.py). They check the input; the services in
casework/services/objections.py decide."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.forms.base import DescribedByMixin
from claims.models import DamageItem
from claims.progress import euro

from ..models import Objection, Plausibility
from .dossier import date_field, text_field, time_field
from .expert import AmountField
from .once import SentOnceForm

WELL_FOUNDED, UNFOUNDED = Objection.Outcome.WELL_FOUNDED, Objection.Outcome.UNFOUNDED
PERCENTAGE_WRONG = _("Vul een percentage in van 1 tot en met 99.")


class TakeForm(SentOnceForm):
    """Only the button: "I handle this objection"."""


class HearingForm(DescribedByMixin, SentOnceForm):
    hearing_date = date_field(_("Datum van de hoorzitting"))
    hearing_time = time_field(_("Tijd (uur)"))
    kind = forms.ChoiceField(
        label=_("Hoe gaat de hoorzitting?"), widget=forms.RadioSelect, choices=Objection.HearingKind.choices,
        error_messages={"required": _("Kies hoe de hoorzitting gaat."),
                        "invalid_choice": _("Kies hoe de hoorzitting gaat.")},
    )
    notes = text_field(_("Verslag van de hoorzitting"), required=False, rows=6,
                       help_text=_("Vul dit in na de hoorzitting: wat zei de aanvrager, wat is afgesproken?"))

    @classmethod
    def for_objection(cls, objection: Objection, data=None) -> "HearingForm":
        initial = {}
        if objection.hearing_at is not None:
            local = timezone.localtime(objection.hearing_at)
            initial = {"hearing_date": local.date(), "hearing_time": local.time().replace(second=0, microsecond=0),
                       "kind": objection.hearing_kind, "notes": objection.hearing_notes}
        return cls(data, initial=initial, prefix="hearing")

    def clean(self):
        data = super().clean()
        day, time = data.get("hearing_date"), data.get("hearing_time")
        if day and time:
            data["hearing_at"] = timezone.make_aware(dt.datetime.combine(day, time), timezone.get_default_timezone())
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"hearing_at": data["hearing_at"], "kind": data["kind"], "notes": data.get("notes", "")}


@dataclass(frozen=True)
class ItemRow:
    """One damage item on the decision form: what was decided first, and its two inputs."""

    item: DamageItem
    plausibility_before: str
    amount_before: Decimal | None
    plausibility_field: str
    amount_field: str
    percentage_field: str

    @property
    def before_text(self) -> str:
        """What was decided first, as a short line ("" when nothing was)."""
        if self.amount_before is None:
            return ""
        label = Plausibility(self.plausibility_before).label if self.plausibility_before else "–"
        return f"{label}, {euro(self.amount_before)}"


class DecideForm(DescribedByMixin, SentOnceForm):
    """Unfounded (the decision stands) or well-founded with the new amounts per damage item, and the reasoning.
    The amounts count only for a well-founded objection (for an unfounded one their errors are dropped); they
    start as they were decided."""

    outcome = forms.ChoiceField(
        label=_("Beslissing op het bezwaar"), widget=forms.RadioSelect,
        choices=[(UNFOUNDED, _("Ongegrond: het besluit blijft zoals het is")),
                 (WELL_FOUNDED, _("Gegrond: een nieuw besluit met nieuwe bedragen"))],
        error_messages={"required": _("Kies: gegrond of ongegrond."),
                        "invalid_choice": _("Kies: gegrond of ongegrond.")},
    )
    reasoning = text_field(_("Motivering"), message=_("Schrijf de motivering van de beslissing op bezwaar op."),
                           rows=8, help_text=_("Deze tekst komt in de brief aan de aanvrager. Schrijf in gewone "
                                               "woorden waarom het bezwaar wel of niet klopt."))

    def __init__(self, data=None, *, items: list[tuple[DamageItem, str, Decimal | None, int | None]], **kwargs):
        """`items`: each damage item of the claim with the plausibility, amount and percentage decided first
        (or "", None, None when there was no decision with amounts, as after "buiten behandeling")."""
        super().__init__(data, prefix="decide", **kwargs)
        self.rows: list[ItemRow] = []
        for item, plausibility, amount, percentage in items:
            names = (f"item_{item.pk}_plausibility", f"item_{item.pk}_amount", f"item_{item.pk}_percentage")
            at = {"position": item.position}
            self.fields[names[0]] = forms.ChoiceField(
                label=_("Schadepunt %(position)s: door mijnbouw?") % at,
                choices=[("", "–"), *Plausibility.choices], initial=plausibility,
                error_messages={"required": _("Kies ja, gedeeltelijk of nee."),
                                "invalid_choice": _("Kies ja, gedeeltelijk of nee.")},
            )
            self.fields[names[1]] = AmountField(
                label=_("Schadepunt %(position)s: nieuw bedrag in euro") % at,
                initial=amount if amount is not None else Decimal("0.00"),
                error_messages={"required": _("Vul een bedrag in.")},
            )
            self.fields[names[2]] = forms.IntegerField(
                label=_("Schadepunt %(position)s: percentage door mijnbouw") % at, required=False,
                min_value=1, max_value=99, initial=percentage,
                help_text=_("Alleen bij gedeeltelijk: welk deel van de schade komt door mijnbouw?"),
                error_messages={"invalid": PERCENTAGE_WRONG, "min_value": PERCENTAGE_WRONG,
                                "max_value": PERCENTAGE_WRONG},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
            )
            self.rows.append(ItemRow(item, plausibility, amount, *names))
        self._describe()

    @property
    def item_rows(self) -> list[tuple[ItemRow, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(row, self[row.plausibility_field], self[row.amount_field], self[row.percentage_field])
                for row in self.rows]

    @property
    def well_founded(self) -> bool:
        return self.cleaned_data.get("outcome") == WELL_FOUNDED

    def clean(self):
        data = super().clean()
        names = [name for row in self.rows
                 for name in (row.plausibility_field, row.amount_field, row.percentage_field)]
        if data.get("outcome") != WELL_FOUNDED:
            # The amounts do not count: whatever was typed there is no reason to send the form back.
            for name in names:
                self._errors.pop(name, None)
            return data
        for row in self.rows:
            plausibility, amount = data.get(row.plausibility_field), data.get(row.amount_field)
            if plausibility == Plausibility.NO and amount:
                self.add_error(row.amount_field, ValidationError(
                    _("Een schadepunt dat niet door mijnbouw komt, krijgt bedrag nul."), code="no_means_zero"))
            if (plausibility == Plausibility.PARTLY and data.get(row.percentage_field) is None
                    and not self.has_error(row.percentage_field)):
                self.add_error(row.percentage_field, ValidationError(PERCENTAGE_WRONG, code="required"))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        items = None
        if self.well_founded:
            items = [{"damage_item": row.item.pk, "plausibility": data[row.plausibility_field],
                      "amount": data[row.amount_field],
                      "percentage": data.get(row.percentage_field)
                      if data[row.plausibility_field] == Plausibility.PARTLY else None}
                     for row in self.rows]
        return {"well_founded": self.well_founded, "items": items, "reasoning": data["reasoning"]}

