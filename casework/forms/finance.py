"""Forms of finance: the IBAN and account holder of a payment, approving and cancelling it, making the SEPA
file and reporting it paid. They check the input; casework.services.payments decides."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims import termijnen
from claims.forms.base import DescribedByMixin
from claims.timeutil import today

from .. import iban as ibans
from .. import sepa
from .dossier import date_field, text_field
from .once import SentOnceForm


class PaymentRecordForm(DescribedByMixin, SentOnceForm):
    iban = forms.CharField(
        label=_("IBAN"), max_length=50,
        help_text=_("Het rekeningnummer van de aanvrager, bijvoorbeeld NL91 ABNA 0417 1643 00. Spaties mogen."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={"required": _("Vul het IBAN in."),
                        "max_length": _("Een IBAN heeft ten hoogste 34 tekens.")},
    )
    account_holder = forms.CharField(
        label=_("Naam van de rekeninghouder"), max_length=sepa.MAX_NAME,
        help_text=_("Zoals de bank de naam kent. Meestal de naam van de aanvrager."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": _("Vul de naam in die bij de rekening hoort."),
                        "max_length": _("De naam is te lang voor de bank. Schrijf ten hoogste %(limit_value)d "
                                        "tekens.")},
    )

    def clean_iban(self) -> str:
        return ibans.validate(self.cleaned_data["iban"])

    def clean_account_holder(self) -> str:
        holder = " ".join(self.cleaned_data["account_holder"].split())
        if not sepa.transliterate(holder):
            raise ValidationError(_("Schrijf de naam met gewone letters (a tot z), zoals de bank hem kent."),
                                  code="not_latin")
        return holder


class ConfirmForm(SentOnceForm):
    """A button and its one-time token: approving a payment."""


class PaymentCancelForm(DescribedByMixin, SentOnceForm):
    reason = text_field(_("Waarom annuleert u deze betaling?"), message=_("Schrijf op waarom de betaling wordt "
                                                                          "geannuleerd."),
                        help_text=_("Dit komt als interne notitie in het dossier. De aanvrager ziet het niet."),
                        rows=3)


def first_execution_day() -> dt.date:
    """The next working day on which the banks are open (TARGET2): the bank needs a day to process the file."""
    return sepa.business_day_from(termijnen.add_working_days(today(), 1))


class BatchCreateForm(DescribedByMixin, SentOnceForm):
    execution_date = date_field(
        _("Uitvoerdatum"),
        help_text=_("De dag waarop de bank het geld overmaakt. Vandaag of later. Zijn de banken die dag dicht "
                    "(weekend of feestdag), dan wordt het de eerstvolgende dag dat ze open zijn."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("execution_date", first_execution_day())
        super().__init__(*args, **kwargs)

    def clean_execution_date(self) -> dt.date:
        day = self.cleaned_data["execution_date"]
        if day < today():
            raise ValidationError(_("De uitvoerdatum ligt in het verleden. Kies vandaag of een latere dag."),
                                  code="past")
        return day


class BatchPaidForm(DescribedByMixin, SentOnceForm):
    confirmed = forms.BooleanField(
        label=_("Ik heb bij de bank gezien dat dit betaalbestand is uitgevoerd."),
        error_messages={"required": _("Kijk eerst bij de bank of het bestand is uitgevoerd, en vink dit dan aan.")},
    )
