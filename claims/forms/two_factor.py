"""Forms of the second step: the code from the app (or a backup code), and switching the second step off."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .base import DescribedByMixin

# Six digits from the app, or a backup code of eight letters and digits shown as "abcd efgh"; room for spaces.
CODE_MAX_LENGTH = 20


def _code_field(*, help_text) -> forms.CharField:
    return forms.CharField(
        label=_("Code uit uw app"), max_length=CODE_MAX_LENGTH, help_text=help_text,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autocapitalize": "none", "spellcheck": "false", "class": "code-input"}),
        error_messages={"required": _("Vul de code in."),
                        "max_length": _("Deze code is te lang. Een code heeft 6 cijfers, een reservecode 8 tekens.")},
    )


class CodeForm(DescribedByMixin, forms.Form):
    """The second step of logging in: the app's code, or one backup code."""

    code = _code_field(help_text=_("Open de app op uw telefoon en typ de 6 cijfers die u ziet bij Mijnschade. "
                                   "Telefoon kwijt? Typ dan een van uw reservecodes."))


class SetupCodeForm(DescribedByMixin, forms.Form):
    """The first code from the app, which proves the app has the key."""

    code = _code_field(help_text=_("Typ de 6 cijfers die de app nu laat zien bij Mijnschade."))


class SwitchOffForm(DescribedByMixin, forms.Form):
    """Switching the second step off asks for the password: a borrowed, unlocked computer is not enough."""

    password = forms.CharField(
        label=_("Uw wachtwoord"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Vul uw wachtwoord in.")},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("Dit wachtwoord klopt niet. Let op hoofdletters en kleine letters."),
                                  code="wrong_password")
        return password
