"""Forms of the resident portal. They check the input; claims/services/portal.py does the work."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from ..models import Document, Letter
from ..progress import long_date
from .accounts import DescribedByMixin  # ties inputs to the hint and error ids of includes/field.html

MAX_TEXT = 10000
MAX_FILES = 10
PHONE = re.compile(r"^\+?[0-9 ()\-]{8,20}$")
OTHER = "other"


def _text_field(label, *, required: bool = True, message=None, help_text="", rows: int = 6) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=MAX_TEXT, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": message or _("Vul dit in."),
            "max_length": _("Uw tekst is te lang. Schrijf ten hoogste %(limit_value)d tekens."),
        },
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Zero or more photos or PDFs from one input; whether a file is acceptable is decided by claims.uploads."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,.heic,.heif,.pdf,application/pdf"}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Bestanden"))
        kwargs.setdefault("help_text", _("Foto's (JPG, PNG of HEIC) of PDF's. U kunt meer bestanden tegelijk "
                                         "kiezen, ten hoogste 10."))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [f for f in files if f]
        if len(files) > MAX_FILES:
            raise ValidationError(_("Kies ten hoogste %(max)s bestanden tegelijk.") % {"max": MAX_FILES},
                                  code="too_many")
        return [super(FilesField, self).clean(f, initial) for f in files]

    def has_changed(self, initial, data) -> bool:
        return not self.disabled and bool(data)


class KeptFilesForm(DescribedByMixin, forms.Form):
    """A form with files: after a refused file, the files already stored come back as hidden ids.

    `kept_from` is the queryset the ids may come from (this claim, this uploader, this kind), so an id
    typed into the form can never name someone else's document.
    """

    files = FilesField()
    kept = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, kept_from=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept_from = kept_from if kept_from is not None else Document.objects.none()

    def clean_kept(self) -> list[Document]:
        ids = [int(part) for part in re.findall(r"\d+", self.cleaned_data.get("kept") or "")][:MAX_FILES * 3]
        return list(self.kept_from.filter(pk__in=ids).order_by("pk")) if ids else []

    def kept_value(self, documents) -> str:
        return ",".join(str(d.pk) for d in documents)


class MessageForm(DescribedByMixin, forms.Form):
    body = _text_field(_("Uw bericht"), message=_("Schrijf uw bericht."),
                       help_text=_("Uw zaakbegeleider leest uw bericht en antwoordt u zo snel mogelijk."))


class CallbackForm(DescribedByMixin, forms.Form):
    phone = forms.CharField(
        label=_("Op welk telefoonnummer kunnen wij u bellen?"), max_length=30,
        help_text=_("Bijvoorbeeld 045 123 45 67 of 06 12 34 56 78."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "class": "input-medium"}),
        error_messages={"required": _("Vul uw telefoonnummer in.")},
    )
    about = forms.ChoiceField(label=_("Waarover wilt u praten?"), widget=forms.RadioSelect,
                              error_messages={"required": _("Kies waarover u wilt praten.")})
    question = _text_field(_("Wat is er niet duidelijk?"), required=False, rows=4,
                           help_text=_("Schrijf het kort op. Dan kan uw zaakbegeleider zich voorbereiden."))

    def __init__(self, *args, letters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.letters = {str(letter.pk): letter for letter in letters}
        self.fields["about"].choices = [
            *((key, _("De brief ‘%(kind)s’ van %(date)s") % {
                "kind": letter.get_kind_display(), "date": long_date(localtime(letter.created_at).date())})
              for key, letter in self.letters.items()),
            (OTHER, _("Iets anders")),
        ]
        if not self.letters:
            self.fields["about"].initial = OTHER

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if not PHONE.match(phone) or sum(ch.isdigit() for ch in phone) < 10:
            raise ValidationError(_("Vul een telefoonnummer in van 10 cijfers, zoals 045 123 45 67."), code="phone")
        return phone

    def letter(self) -> Letter | None:
        return self.letters.get(self.cleaned_data["about"])


class AnswerForm(KeptFilesForm):
    body = _text_field(_("Uw antwoord"), required=False,
                       help_text=_("Schrijf uw antwoord op de vraag hierboven. Stuurt u alleen bestanden? "
                                   "Dan mag dit leeg blijven."))
    field_order = ["body", "files", "kept"]

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("body", "").strip() or data.get("files") or data.get("kept")):
            self.add_error("body", _("Schrijf uw antwoord of voeg een bestand toe."))
        return data


class ResponseForm(KeptFilesForm):
    body = _text_field(_("Uw reactie op het conceptadvies"), message=_("Schrijf uw reactie op het conceptadvies."),
                       help_text=_("Wat klopt er volgens u niet? Of wat mist er? Schrijf het in uw eigen woorden."),
                       rows=8)
    field_order = ["body", "files", "kept"]


class ObjectionForm(KeptFilesForm):
    grounds = _text_field(_("Waarom bent u het niet eens met het besluit?"), rows=8,
                          message=_("Schrijf op waarom u het niet eens bent met het besluit."),
                          help_text=_("Schrijf het in uw eigen woorden. U hoeft geen wetsartikelen te noemen."))
    late_excuse = _text_field(
        _("Waarom bent u te laat?"), required=False, rows=4,
        message=_("Schrijf op waarom u niet eerder bezwaar kon maken."),
        help_text=_("Bijvoorbeeld: u lag in het ziekenhuis, of u kreeg de brief later."),
    )
    field_order = ["grounds", "late_excuse", "files", "kept"]

    def __init__(self, *args, late: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.late = late
        if late:
            self.fields["late_excuse"].required = True
        else:
            del self.fields["late_excuse"]


class WithdrawForm(DescribedByMixin, forms.Form):
    reason = _text_field(_("Waarom trekt u uw melding in?"), required=False, rows=4,
                         help_text=_("Dat hoeft u niet te zeggen. Het helpt ons wel om beter te werken."))


class ExpertObjectionForm(DescribedByMixin, forms.Form):
    reason = _text_field(
        _("Waarom hebt u bezwaar tegen deze deskundige?"), rows=5,
        message=_("Schrijf op waarom u bezwaar hebt tegen de deskundige."),
        help_text=_("Bijvoorbeeld: u kent de deskundige persoonlijk, de deskundige is familie of een buur, of u "
                    "had eerder een probleem met deze deskundige."),
    )
