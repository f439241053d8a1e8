"""Forms of the caseload and the team view: the filters (GET), the bulk reassignment and an absence."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from claims.forms.base import DescribedByMixin
from claims.models import MINING_MUNICIPALITIES
from claims.states import State

from ..selectors import (
    CASELOAD_STATES,
    MIN_TEXT_SEARCH,
    NO_GUIDE,
    OUTSIDE_AREA,
    CaseloadFilter,
    guides,
    parse_query,
)
from ..timeline import person_name
from .fields import PersonChoiceField
from .once import SentOnceForm

REFERENCE = re.compile(r"MS-\d{4}-\d{6}")
MAX_REFERENCES = 500  # one bulk reassignment; more is a mistake or a team reorganisation (the admin)


class CaseloadFilterForm(DescribedByMixin, forms.Form):
    """Sent with GET: a filtered view can be bookmarked, paged and exported."""

    q = forms.CharField(
        label=_("Zoeken"), required=False, max_length=100,
        help_text=_("Zaaknummer, postcode met huisnummer (6411 AB 12), of een deel van de naam of straat."),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    municipality = forms.ChoiceField(label=_("Gemeente"), required=False)
    overdue = forms.BooleanField(label=_("Alleen zaken met een verstreken termijn"), required=False)
    urgent = forms.BooleanField(label=_("Alleen acuut onveilige situaties"), required=False)

    def __init__(self, *args, coordinator: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Alle statussen"))] + [
            (state, State(state).label) for state in CASELOAD_STATES
        ]
        self.fields["municipality"].choices = [("", _("Alle gemeenten"))] + [
            (name, name) for name in MINING_MUNICIPALITIES
        ] + [(OUTSIDE_AREA, _("Buiten het mijnbouwschadegebied"))]
        self._guides = {}
        if coordinator:
            self._guides = {str(guide.pk): guide for guide in guides()}
            self.fields["guide"] = forms.ChoiceField(
                label=_("Zaakbegeleider"), required=False,
                choices=[("", _("Alle zaakbegeleiders")), (NO_GUIDE, _("Zonder zaakbegeleider"))]
                + [(pk, person_name(guide)) for pk, guide in self._guides.items()],
            )
            self._describe()

    def clean_q(self) -> str:
        query = " ".join(self.cleaned_data["q"].split())
        if 0 < len(parse_query(query).text) < MIN_TEXT_SEARCH:  # one letter matches nearly every claim
            raise ValidationError(_("Typ ten minste twee tekens."), code="too_short")
        return query

    def filters(self) -> CaseloadFilter:
        """The valid filters; a field with an error filters nothing (its message is shown)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return CaseloadFilter(
            status=data.get("status") or "",
            municipality=data.get("municipality") or "",
            overdue=bool(data.get("overdue")),
            urgent=bool(data.get("urgent")),
            query=data.get("q") or "",
        )

    def chosen_guide(self):
        """The chosen guide (a user), NO_GUIDE, or None for all."""
        value = (getattr(self, "cleaned_data", None) or {}).get("guide") or ""
        if value == NO_GUIDE:
            return NO_GUIDE
        return self._guides.get(value)

    def has_filters(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return any(data.get(name) for name in self.fields)


def unknown_references(references: list[str]) -> ValidationError:
    shown = ", ".join("".join(ch for ch in ref if ch.isprintable())[:20] for ref in references[:10])
    return ValidationError(_("Deze zaak kennen wij niet: %(references)s."), code="unknown",
                           params={"references": shown})


class ReferencesField(forms.Field):
    """The claims ticked in a list: checkboxes named `references` in the table, one value each."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Kies ten minste één zaak."),
        "too_many": _("Kies ten hoogste %(limit)s zaken tegelijk."),
    }

    def to_python(self, value) -> list[str]:
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        return list(dict.fromkeys(str(item).strip().upper() for item in value if str(item).strip()))

    def validate(self, value) -> None:
        super().validate(value)
        if len(value) > MAX_REFERENCES:
            raise ValidationError(self.error_messages["too_many"], code="too_many",
                                  params={"limit": MAX_REFERENCES})
        # Not a reference at all (a NUL byte, a script): never sent to the database.
        malformed = [ref for ref in value if not REFERENCE.fullmatch(ref)]
        if malformed:
            raise unknown_references(malformed)


class ReassignForm(DescribedByMixin, SentOnceForm):
    """The coordinator gives the ticked claims to another guide, with a reason and an optional handover."""

    references = ReferencesField(label=_("Zaken"))
    to_guide = PersonChoiceField(
        label=_("Nieuwe zaakbegeleider"), queryset=guides(), empty_label=_("Kies een zaakbegeleider"),
        error_messages={"required": _("Kies de nieuwe zaakbegeleider."),
                        "invalid_choice": _("Kies een actieve zaakbegeleider.")},
    )
    reason = forms.CharField(
        label=_("Reden van de overdracht"), max_length=500,
        error_messages={"required": _("Geef een reden op voor de overdracht.")},
    )
    handover = forms.CharField(
        label=_("Overdrachtsnotitie"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("De nieuwe zaakbegeleider ziet deze notitie als eerste in het dossier. Zonder notitie ziet "
                    "die de reden."),
    )

    def __init__(self, *args, claims=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._claims = claims  # the claims this user may see: ticked ones must be among them

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(self.fields["reason"].error_messages["required"], code="required")
        return reason

    def clean_references(self) -> list[str]:
        references = self.cleaned_data["references"]
        if self._claims is not None and references:
            found = set(self._claims.filter(reference__in=references).values_list("reference", flat=True))
            missing = [ref for ref in references if ref not in found]
            if missing:
                raise unknown_references(missing)
        return references


class AbsenceForm(DescribedByMixin, SentOnceForm):
    user = PersonChoiceField(label=_("Afwezige zaakbegeleider"), queryset=guides(),
                            empty_label=_("Kies een zaakbegeleider"),
                            error_messages={"required": _("Kies wie er afwezig is.")})
    substitute = PersonChoiceField(label=_("Vervanger"), queryset=guides(), empty_label=_("Kies een vervanger"),
                                  help_text=_("Deze collega neemt de zaken waar. De bewoner ziet zijn of haar naam "
                                              "als contactpersoon."),
                                  error_messages={"required": _("Kies een vervanger.")})
    starts_on = forms.DateField(label=_("Van"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                error_messages={"required": _("Vul de eerste dag van de afwezigheid in."),
                                                "invalid": _("Vul een datum in, bijvoorbeeld 27-04-2026.")})
    ends_on = forms.DateField(label=_("Tot en met"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"required": _("Vul de laatste dag van de afwezigheid in."),
                                              "invalid": _("Vul een datum in, bijvoorbeeld 27-04-2026.")})
    reason = forms.CharField(label=_("Reden"), required=False, max_length=200,
                             help_text=_("Bijvoorbeeld ‘verlof’. Schrijf geen medische gegevens op."))
