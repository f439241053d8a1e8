"""The form the admin shows before it fires a transition: the reason and what that step needs."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from . import roles as R
from .models import Outcome

User = get_user_model()

# Which extra fields each transition takes (beyond the reason).
TRANSITION_FIELDS: dict[str, tuple[str, ...]] = {
    "start_intake": ("caseworker",),
    "request_info": ("reply_days",),
    "plan_inspection": ("expert", "planned_for"),
    "decide": ("outcome", "awarded_amount"),
    "file_objection": ("late_excuse",),
    "decide_objection": ("well_founded", "awarded_amount"),
}


def _members(role: str):
    return User.objects.filter(groups__name=role, is_active=True).order_by("last_name", "username")


class TransitionForm(forms.Form):
    reason = forms.CharField(label=_("Toelichting of reden"), widget=forms.Textarea(attrs={"rows": 3}),
                             required=False, max_length=5000)
    caseworker = forms.ModelChoiceField(label=_("Zaakbegeleider"), queryset=User.objects.none(), required=False)
    reply_days = forms.IntegerField(label=_("Reactietermijn (dagen)"), min_value=1, max_value=90, required=False)
    expert = forms.ModelChoiceField(label=_("Deskundige"), queryset=User.objects.none(), required=False)
    planned_for = forms.DateTimeField(label=_("Datum en tijd van de schade-opname"), required=False)
    outcome = forms.ChoiceField(label=_("Uitkomst"), required=False,
                                choices=[("", "—"), *[(c, label) for c, label in Outcome.choices
                                                       if c != Outcome.NOT_ADMISSIBLE]])
    awarded_amount = forms.DecimalField(label=_("Toegekend bedrag (EUR)"), min_value=0, max_digits=12,
                                        decimal_places=2, required=False)
    late_excuse = forms.CharField(label=_("Reden van te laat indienen"), required=False, max_length=2000)
    well_founded = forms.BooleanField(label=_("Bezwaar gegrond"), required=False)

    def __init__(self, *args, transition: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.transition = transition
        wanted = {"reason", *TRANSITION_FIELDS.get(transition, ())}
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "caseworker" in self.fields:
            self.fields["caseworker"].queryset = _members(R.CASEWORKER)
        if "expert" in self.fields:
            self.fields["expert"].queryset = _members(R.EXPERT)
            self.fields["expert"].required = True

    def transition_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason" and v not in (None, "")}
        if self.transition == "decide_objection":
            data["well_founded"] = bool(self.cleaned_data.get("well_founded"))
        return data
