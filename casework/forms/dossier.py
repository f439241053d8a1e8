"""Forms of the staff dossier: one per step (transition) and one per piece of work on the claim. They check
the input; the services decide (claims.services, casework.services.contact, casework.assignment)."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims import roles
from claims.forms.base import DescribedByMixin
from claims.models import Outcome
from claims.timeutil import today

from ..models import Note
from .fields import PersonChoiceField
from .once import SentOnceForm

User = get_user_model()
MAX_TEXT = 10000
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


def text_field(label, *, required: bool = True, message=None, help_text="", rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=MAX_TEXT, help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": message or _("Vul dit in."),
            "max_length": _("De tekst is te lang. Schrijf ten hoogste %(limit_value)d tekens."),
        },
    )


def date_field(label, *, required: bool = True, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label, required=required, help_text=help_text, input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Vul een datum in."), "invalid": _("Vul een datum in als 31-12-2026.")},
    )


def time_field(label, *, required: bool = True) -> forms.TimeField:
    return forms.TimeField(
        label=label, required=required, input_formats=["%H:%M", "%H.%M"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": _("Vul een tijd in."), "invalid": _("Vul een tijd in als 09:30.")},
    )


def active_in(role: str):
    return User.objects.filter(is_active=True, groups__name=role).order_by("last_name", "first_name", "username")


def experts():
    """Active experts, each with the declaration of interests that must be seen before choosing them."""
    return active_in(roles.EXPERT).select_related("staff_profile")


def expert_field(label=None) -> PersonChoiceField:
    return PersonChoiceField(
        queryset=experts(), label=label or _("Deskundige"), widget=forms.RadioSelect,
        error_messages={"required": _("Kies een deskundige."),
                        "invalid_choice": _("Kies een deskundige uit de lijst.")},
    )


def guide_field(label) -> PersonChoiceField:
    return PersonChoiceField(
        queryset=active_in(roles.CASEWORKER), label=label, empty_label=_("Kies een zaakbegeleider"),
        error_messages={"required": _("Kies een zaakbegeleider."),
                        "invalid_choice": _("Kies een zaakbegeleider uit de lijst.")},
    )


VISIT_FIELDS = ("visit_date", "visit_start", "visit_end")


class VisitTimeMixin:
    """A visit as a date, a start and an end time (Europe/Amsterdam), turned into two aware datetimes."""

    def visit(self, required: bool) -> tuple[dt.datetime | None, dt.datetime | None]:
        data = self.cleaned_data
        day, start, end = data.get("visit_date"), data.get("visit_start"), data.get("visit_end")
        if not (day and start and end):
            wrong = any(self.has_error(name) for name in VISIT_FIELDS)
            if (day or start or end or required) and not wrong:
                raise ValidationError(_("Vul de datum, de begintijd en de eindtijd van het bezoek in."),
                                      code="incomplete")
            return None, None
        if end <= start:
            self.add_error("visit_end", _("De eindtijd moet na de begintijd liggen."))
            return None, None
        zone = timezone.get_default_timezone()
        return (timezone.make_aware(dt.datetime.combine(day, start), zone),
                timezone.make_aware(dt.datetime.combine(day, end), zone))


def _visit_fields(required: bool) -> dict:
    return {
        "visit_date": date_field(_("Datum van het bezoek"), required=required),
        "visit_start": time_field(_("Van (uur)"), required=required),
        "visit_end": time_field(_("Tot (uur)"), required=required),
    }


# --- steps (transitions) ------------------------------------------------------------------------------------

class StepForm(DescribedByMixin, SentOnceForm):
    """A step that asks for a reason or an optional remark; subclasses add what their step needs."""

    reason = text_field(_("Toelichting"), required=False)
    reason_label = _("Toelichting")
    reason_required = False
    reason_help = ""
    reason_message = _("Geef een reden op.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = self.reason_label
        field.required = self.reason_required
        field.help_text = self.reason_help
        field.error_messages["required"] = self.reason_message
        self._describe()

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data.get("reason", "")}


def step_form(reason_label, *, required: bool = False, help_text="", message=None, base=StepForm):
    attrs = {"reason_label": reason_label, "reason_required": required, "reason_help": help_text}
    if message is not None:
        attrs["reason_message"] = message
    return type(f"{base.__name__}Variant", (base,), attrs)


class RequestInfoForm(StepForm):
    reason_label = _("Welke informatie hebt u nog nodig?")
    reason_required = True
    reason_help = _("Deze vraag komt in de brief aan de aanvrager en in Mijnschade. Schrijf in gewone woorden.")
    reason_message = _("Schrijf op welke informatie u nog nodig hebt.")
    reply_days = forms.IntegerField(
        label=_("Reactietermijn in dagen"), min_value=1, max_value=90,
        help_text=_("Zolang de aanvrager de tijd heeft, staat de beslistermijn stil."),
        error_messages={"required": _("Vul het aantal dagen in."),
                        "min_value": _("Kies 1 tot 90 dagen."), "max_value": _("Kies 1 tot 90 dagen."),
                        "invalid": _("Vul een heel getal in.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("reply_days", settings.MIJNSCHADE_TERMS["info_reply_days"])
        super().__init__(*args, **kwargs)

    def service_kwargs(self) -> dict:
        return {"reason": self.cleaned_data["reason"], "reply_days": self.cleaned_data["reply_days"]}


class ReceiveInfoForm(StepForm):
    """The answer came in on paper or by phone: write it down, it is kept as the resident's answer."""

    reason_label = _("Wat heeft de aanvrager gestuurd of gezegd?")
    reason_help = _("Dit komt bij de berichten van de zaak; de aanvrager ziet het in Mijnschade. Laat het leeg "
                    "als het antwoord al in het dossier staat.")


class StartIntakeForm(StepForm):
    field_order = ["caseworker", "reason"]
    caseworker = guide_field(_("Zaakbegeleider"))

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "caseworker": self.cleaned_data["caseworker"]}


class PlanInspectionForm(VisitTimeMixin, StepForm):
    expert = expert_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_visit_fields(required=False))
        self.order_fields(["expert", *VISIT_FIELDS, "reason"])
        self._describe()

    def clean(self):
        data = super().clean()
        data["starts_at"], data["ends_at"] = self.visit(required=False)
        return data

    def service_kwargs(self) -> dict:
        kwargs = {**super().service_kwargs(), "expert": self.cleaned_data["expert"]}
        if self.cleaned_data.get("starts_at"):
            kwargs["planned_for"] = self.cleaned_data["starts_at"]
        return kwargs


class DecideForm(StepForm):
    field_order = ["outcome", "awarded_amount", "reason"]
    outcome = forms.ChoiceField(
        label=_("Uitkomst"), widget=forms.RadioSelect,
        choices=[(o.value, o.label) for o in (Outcome.GRANTED, Outcome.PARTLY_GRANTED, Outcome.REJECTED)],
        error_messages={"required": _("Kies de uitkomst.")},
    )
    awarded_amount = forms.DecimalField(label=_("Toegekend bedrag in euro"), min_value=0, max_digits=12,
                                        decimal_places=2, initial=0)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "outcome": self.cleaned_data["outcome"],
                "awarded_amount": self.cleaned_data["awarded_amount"]}


class DecideObjectionForm(StepForm):
    field_order = ["well_founded", "awarded_amount", "reason"]
    reason_label = _("Beslissing op bezwaar")
    reason_required = True
    well_founded = forms.BooleanField(label=_("Het bezwaar is gegrond"), required=False)
    awarded_amount = forms.DecimalField(label=_("Nieuw toegekend bedrag in euro"), required=False, min_value=0,
                                        max_digits=12, decimal_places=2)

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "well_founded": self.cleaned_data["well_founded"],
                "awarded_amount": self.cleaned_data.get("awarded_amount")}


class FileObjectionForm(StepForm):
    reason_label = _("Waarom is de aanvrager het niet eens met het besluit?")
    reason_required = True
    reason_message = _("Schrijf de gronden van het bezwaar op.")
    late_excuse = text_field(_("Waarom is het bezwaar te laat?"), required=False,
                             help_text=_("Alleen nodig als de bezwaartermijn voorbij is."))

    def service_kwargs(self) -> dict:
        return {**super().service_kwargs(), "late_excuse": self.cleaned_data.get("late_excuse", "")}


OPTIONAL_REMARK = _("Opmerking")
REASON = _("Reden")

# Every step of claims.models.claim.TRANSITION_NAMES has a form; what it asks is what its service needs.
STEP_FORMS: dict[str, type[StepForm]] = {
    "submit": step_form(OPTIONAL_REMARK),
    "start_intake": StartIntakeForm,
    "request_info": RequestInfoForm,
    "receive_info": ReceiveInfoForm,
    "declare_not_admissible": step_form(
        _("Waarom wordt de melding niet behandeld?"), required=True,
        help_text=_("Deze reden komt in het besluit aan de aanvrager. Schrijf in gewone woorden.")),
    "plan_inspection": step_form(OPTIONAL_REMARK, base=PlanInspectionForm),
    "record_advice": step_form(OPTIONAL_REMARK),
    "send_advice": step_form(OPTIONAL_REMARK),
    "revise_advice": step_form(_("Wat moet er aan het advies veranderen?"), required=True),
    "forward_to_commission": step_form(OPTIONAL_REMARK),
    "advise": step_form(OPTIONAL_REMARK),
    "decide": step_form(_("Motivering"), base=DecideForm),
    "file_objection": FileObjectionForm,
    "decide_objection": DecideObjectionForm,
    "start_settlement": step_form(OPTIONAL_REMARK),
    "close": step_form(OPTIONAL_REMARK),
    "withdraw": step_form(_("Waarom trekt de aanvrager de melding in?"), required=True,
                          help_text=_("Bijvoorbeeld: de aanvrager belde op 3 maart en wil niet verder.")),
    "hold": step_form(_("Waarom wordt de zaak aangehouden?"), required=True,
                      help_text=_("De beslistermijn staat stil zolang de zaak is aangehouden.")),
    "resume": step_form(OPTIONAL_REMARK),
    "reopen": step_form(_("Welke nieuwe feiten maken heropenen nodig?"), required=True),
}


# --- work on the claim ---------------------------------------------------------------------------------------

class NoteForm(DescribedByMixin, SentOnceForm):
    body = text_field(_("Notitie"), message=_("Schrijf de notitie."),
                      help_text=_("Alleen voor medewerkers. De aanvrager ziet dit nooit."))


class CallForm(DescribedByMixin, SentOnceForm):
    direction = forms.ChoiceField(label=_("Wie belde?"), choices=Note.Direction.choices, widget=forms.RadioSelect,
                                  error_messages={"required": _("Kies wie er belde.")})
    spoke_with = forms.CharField(label=_("Gesproken met"), required=False, max_length=120,
                                 help_text=_("Bijvoorbeeld de aanvrager zelf, een familielid of de gemachtigde."))
    body = text_field(_("Wat is er besproken?"), message=_("Schrijf op wat er besproken is."))


class MessageForm(DescribedByMixin, SentOnceForm):
    body = text_field(_("Uw bericht"), message=_("Schrijf het bericht."), rows=6,
                      help_text=_("De aanvrager leest dit in Mijnschade. Schrijf in gewone woorden."))


class ResponseRecordForm(DescribedByMixin, SentOnceForm):
    body = text_field(_("Wat vindt de aanvrager van het conceptadvies?"), rows=6,
                      message=_("Schrijf op wat de aanvrager vindt van het conceptadvies."))
    received_on = date_field(_("Ontvangen op"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("received_on", today())
        super().__init__(*args, **kwargs)


class ExtendForm(DescribedByMixin, SentOnceForm):
    weeks = forms.IntegerField(
        label=_("Met hoeveel weken?"), min_value=1, max_value=52,
        error_messages={"required": _("Vul het aantal weken in."), "invalid": _("Vul een heel getal in."),
                        "min_value": _("Verdaag met ten minste 1 week."),
                        "max_value": _("Verdaag met ten hoogste 52 weken.")},
    )
    reason = text_field(_("Waarom is meer tijd nodig?"), message=_("Geef de reden van de verdaging."),
                        help_text=_("Deze reden komt in de brief aan de aanvrager. Verdagen kan maar één keer."))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("weeks", settings.MIJNSCHADE_TERMS["extension_weeks"])
        super().__init__(*args, **kwargs)


class DefaultNoticeForm(DescribedByMixin, SentOnceForm):
    received_on = date_field(_("Ingebrekestelling ontvangen op"))
    reason = text_field(_("Opmerking"), required=False)


class ReassignForm(DescribedByMixin, SentOnceForm):
    to_guide = guide_field(_("Nieuwe zaakbegeleider"))
    reason = text_field(_("Reden van de overdracht"), message=_("Geef een reden op voor de overdracht."))
    handover = text_field(_("Overdrachtsnotitie"), required=False, rows=6,
                          help_text=_("Wat moet de nieuwe zaakbegeleider als eerste weten? Dit staat bovenaan het "
                                      "dossier."))

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            self.fields["to_guide"].queryset = self.fields["to_guide"].queryset.exclude(pk=current)


class ScheduleVisitForm(VisitTimeMixin, DescribedByMixin, SentOnceForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_visit_fields(required=True))
        self._describe()

    def clean(self):
        data = super().clean()
        data["starts_at"], data["ends_at"] = self.visit(required=True)
        return data


class ReplaceExpertForm(DescribedByMixin, SentOnceForm):
    expert = expert_field(_("Nieuwe deskundige"))
    reason = text_field(_("Waarom een andere deskundige?"), message=_("Geef een reden op."),
                        help_text=_("Bijvoorbeeld het bezwaar van de aanvrager tegen de deskundige."))

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None:
            self.fields["expert"].queryset = self.fields["expert"].queryset.exclude(pk=current)


class SafetyVisitForm(DescribedByMixin, SentOnceForm):
    visited_on = date_field(_("Datum van het veiligheidsbezoek"))
    visited_time = time_field(_("Tijd van het bezoek"))
    findings = text_field(_("Wat is gezien en gedaan?"), message=_("Schrijf op wat u bij het bezoek hebt gezien "
                                                                    "en gedaan."), rows=5)

    def clean(self):
        data = super().clean()
        day, time = data.get("visited_on"), data.get("visited_time")
        if day and time:
            data["visited_at"] = timezone.make_aware(dt.datetime.combine(day, time), timezone.get_default_timezone())
        return data


# The work on a claim, each form with its prefix: the dossier shows it empty and posts it to its own page,
# which shows it again with its errors. One table, so the two always agree.
WORK_FORMS: dict[str, type[forms.Form]] = {
    "note": NoteForm,
    "call": CallForm,
    "message": MessageForm,
    "response": ResponseRecordForm,
    "extend": ExtendForm,
    "default": DefaultNoticeForm,
    "reassign": ReassignForm,
    "visit": ScheduleVisitForm,
    "safety": SafetyVisitForm,
    "replace": ReplaceExpertForm,
}


def work_form(work: str, data=None, **kwargs) -> forms.Form:
    return WORK_FORMS[work](data, prefix=work, **kwargs)
