"""Forms for residents' accounts. They check input; the services in claims/accounts.py do the work."""

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .. import accounts
from ..models import PreferredChannel
from .base import DescribedByMixin

User = get_user_model()

# The username is the e-mail address, and Django's username holds at most 150 characters.
EMAIL_MAX_LENGTH = 150

CHANNEL_HELP = _(
    "Kiest u digitaal? Dan leest u onze brieven in Mijnschade en krijgt u een e-mail als er een nieuwe brief is. "
    "Daarmee geeft u toestemming om brieven digitaal te sturen. U kunt dit altijd weer veranderen."
)


def _language_field(**kwargs) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("In welke taal wilt u onze berichten?"), choices=settings.LANGUAGES,
                             widget=forms.RadioSelect, error_messages={"required": _("Kies een taal.")}, **kwargs)


def _channel_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Hoe wilt u onze brieven krijgen?"), choices=PreferredChannel.choices, widget=forms.RadioSelect,
        help_text=CHANNEL_HELP, error_messages={"required": _("Kies hoe u onze brieven wilt krijgen.")},
    )


def _email_field() -> forms.EmailField:
    return forms.EmailField(
        label=_("E-mailadres"), max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Vul uw e-mailadres in."),
            "invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl."),
            "max_length": _("Dit e-mailadres is te lang. Gebruik een e-mailadres van hoogstens 150 tekens."),
        },
    )


def _privacy_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Ik heb de privacyverklaring gelezen en ik ga akkoord"),
        error_messages={"required": _("Zonder uw toestemming kunnen wij geen account maken. Zet een vinkje.")},
    )


class NewPasswordMixin(DescribedByMixin):
    """Password twice, checked by Django's password validators against the would-be account."""

    password1 = forms.CharField(
        label=_("Kies een wachtwoord"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minstens 8 tekens. Kies iets wat niet makkelijk te raden is, bijvoorbeeld drie losse woorden."),
        error_messages={"required": _("Kies een wachtwoord.")},
    )
    password2 = forms.CharField(
        label=_("Typ het wachtwoord nog een keer"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Typ het wachtwoord nog een keer.")},
    )

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("De twee wachtwoorden zijn niet gelijk. Typ ze nog een keer."))
        elif first:
            email = (cleaned.get("email") or "").lower()
            would_be = User(username=email, email=email, first_name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(first, user=would_be)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class NewAccountForm(NewPasswordMixin, forms.Form):
    """What registering and activating share: e-mail, password, how letters come, language, consent."""

    email = _email_field()
    password1 = NewPasswordMixin.password1
    password2 = NewPasswordMixin.password2
    preferred_channel = _channel_field()
    language = _language_field()
    privacy_accepted = _privacy_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"preferred_channel": PreferredChannel.PAPER,
                                      "language": (translation.get_language() or "nl")[:2]})
        super().__init__(*args, **kwargs)


class RegisterForm(NewAccountForm):
    name = forms.CharField(label=_("Uw naam"), max_length=200,
                           widget=forms.TextInput(attrs={"autocomplete": "name"}),
                           error_messages={"required": _("Vul uw naam in.")})

    field_order = ["name", "email", "password1", "password2", "preferred_channel", "language", "privacy_accepted"]


class ActivateForm(NewAccountForm):
    code = forms.CharField(
        label=_("Activeringscode"), max_length=30,
        help_text=_("Deze code staat op de ontvangstbevestiging die u aan het loket kreeg, bijvoorbeeld "
                    "K7QM-3XPA-9RTW."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
        error_messages={"required": _("Vul de activeringscode van uw brief in.")},
    )

    field_order = ["code", "email", "password1", "password2", "preferred_channel", "language", "privacy_accepted"]

    def clean_code(self):
        code = self.cleaned_data["code"]
        if not accounts.activation_code_well_formed(code):
            raise ValidationError(_("Een activeringscode heeft 12 letters en cijfers, bijvoorbeeld K7QM-3XPA-9RTW."),
                                  code="format")
        return code


class LoginForm(DescribedByMixin, AuthenticationForm):
    """Residents log in with their e-mail address, staff with their username."""

    error_messages = {
        "invalid_login": _("Het e-mailadres (of de gebruikersnaam) of het wachtwoord klopt niet. "
                           "Let op hoofdletters en kleine letters in het wachtwoord."),
        "inactive": _("Dit account is uitgezet. Bel ons als u denkt dat dit niet klopt."),
        "email_unverified": _("U heeft uw e-mailadres nog niet bevestigd. Klik op de link in de e-mail die wij u "
                              "stuurden. Geen e-mail gekregen? Vraag een nieuwe link aan."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.email_unverified = False
        username = self.fields["username"]
        username.label = _("E-mailadres")
        username.help_text = _("Medewerkers van I3ML: vul uw gebruikersnaam in.")
        username.widget.attrs.update({"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
        username.error_messages["required"] = _("Vul uw e-mailadres in.")
        password = self.fields["password"]
        password.label = _("Wachtwoord")
        password.error_messages["required"] = _("Vul uw wachtwoord in.")
        self._describe()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        return username.lower() if "@" in username else username  # residents' usernames are lower case

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        # Only after the right password: this says nothing to someone who guesses addresses.
        if accounts.email_verification_pending(user):
            self.email_unverified = True
            raise ValidationError(self.error_messages["email_unverified"], code="email_unverified")


class ResendForm(DescribedByMixin, forms.Form):
    email = _email_field()


class OutboxPasswordResetForm(DescribedByMixin, PasswordResetForm):
    """Django's reset form, but the e-mail goes through our outbox (worker, retries, rate limit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = _("E-mailadres")
        field.error_messages.update({"required": _("Vul uw e-mailadres in."),
                                     "invalid": _("Vul een e-mailadres in zoals naam@voorbeeld.nl.")})
        self._describe()

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        accounts.password_reset_email_queue(user=context["user"], uid=context["uid"], token=context["token"])


class NewPasswordForm(DescribedByMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = _("Nieuw wachtwoord")
        self.fields["new_password1"].help_text = NewPasswordMixin.password1.help_text
        self.fields["new_password2"].label = _("Typ het nieuwe wachtwoord nog een keer")
        self.fields["new_password2"].help_text = ""
        self._describe()
        self.error_messages = {**self.error_messages,
                               "password_mismatch": _("De twee wachtwoorden zijn niet gelijk. Typ ze nog een keer.")}


class PreferencesForm(DescribedByMixin, forms.Form):
    preferred_channel = _channel_field()
    language = _language_field()
    phone = forms.CharField(label=_("Telefoonnummer"), max_length=30, required=False,
                            help_text=_("Dan kan uw zaakbegeleider u bellen."),
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))
    postal_address = forms.CharField(
        label=_("Postadres"), required=False,
        help_text=_("Alleen invullen als wij uw post niet naar het adres van de woning moeten sturen."),
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
