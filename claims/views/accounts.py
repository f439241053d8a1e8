"""Pages for accounts: log in and out, register, confirm the e-mail address, a new password, activating
the account of a claim filed at the desk, and the resident's preferences. Parse, call claims/accounts.py, show."""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from .. import accounts, authenticators, login_steps, roles
from ..access import resident_required
from ..accounts import AccountRefused
from ..forms.accounts import (
    ActivateForm,
    LoginForm,
    NewPasswordForm,
    OutboxPasswordResetForm,
    PreferencesForm,
    RegisterForm,
    ResendForm,
)
from ..forms.two_factor import SwitchOffForm
from ..models import Person
from ..twofactor import needs_second_factor

# After registration and activation we log in ourselves; name the backend so more backends (axes) do no harm.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# Status codes for a verification link that does not work (the page explains and offers a new link).
REFUSED_STATUS = {"unknown": 404, "expired": 410, "used": 200}


def _url_or_home(name: str) -> str:
    # Other areas may not be routed yet; home is always there.
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse("claims:home")


def landing_url_for(user) -> str:
    """Where a user lands after logging in without a (safe) `next`: the one place for this rule."""
    held = roles.roles_of(user)
    if roles.DESK in held:
        return _url_or_home("claims:desk")
    if held & {roles.CASEWORKER, roles.COORDINATOR}:
        return _url_or_home("casework:caseload")
    if roles.EXPERT in held:
        return _url_or_home("casework:expert_home")
    if roles.COMMISSION in held:
        return _url_or_home("casework:commission_queue")
    if roles.DECISION_MAKER in held:
        return _url_or_home("casework:decisions_queue")
    if roles.FINANCE in held:
        return _url_or_home("casework:finance_home")
    if held & roles.STAFF_ROLES or user.is_staff:
        return reverse("admin:index")
    if roles.RESIDENT in held:
        return _url_or_home("claims:portal")
    return reverse("claims:home")


def _remember_language(response, language: str):
    """The language the resident chose becomes the one of every page (LocaleMiddleware reads the cookie)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH, domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE, httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def second_step_url(user) -> str:
    """The code step, or (on a first login of staff) the setup of the app."""
    return reverse("claims:login_code" if authenticators.has_authenticator(user) else "claims:two_factor_setup")


def _log_in(request, user, *, language: str, message):
    translation.activate(language)  # the welcome message in the language just chosen
    if login_steps.second_step_needed(user):  # no way around the second step, not even by a link in an e-mail
        login_steps.pending_login_start(request, user=user, backend=MODEL_BACKEND)
        return _remember_language(redirect(second_step_url(user)), language)
    login(request, user, backend=MODEL_BACKEND)
    messages.success(request, str(message))
    return _remember_language(redirect(landing_url_for(user)), language)


def _posted(request):
    return request.POST if request.method == "POST" else None


# --- log in and out -------------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "claims/accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url_for(self.request.user)

    def form_valid(self, form):
        user = form.get_user()
        if login_steps.second_step_needed(user):
            # The right password, but not logged in yet: the code (or setting up the app) comes first.
            login_steps.pending_login_start(self.request, user=user, backend=user.backend,
                                            next_url=self.get_redirect_url())  # only a `next` on this site
            response = redirect(second_step_url(user))
        else:
            response = super().form_valid(form)  # follows a `next` only if it is on this site
        person = Person.objects.filter(user=user).first()
        return _remember_language(response, person.language) if person else response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("U bent uitgelogd."))
        return response


# --- registration and the e-mail address ----------------------------------------------------------------


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect(landing_url_for(request.user))
    form = RegisterForm(_posted(request))
    if form.is_valid():
        data = form.cleaned_data
        # The same next page whether or not the address already had an account: nothing is revealed.
        accounts.resident_register(name=data["name"], email=data["email"], password=data["password1"],
                                   preferred_channel=data["preferred_channel"], language=data["language"],
                                   privacy_accepted=data["privacy_accepted"])
        return redirect("claims:check_email")
    return render(request, "claims/accounts/register.html", {"form": form})


def check_email(request):
    return render(request, "claims/accounts/check_email.html",
                  {"valid_hours": int(accounts.VERIFY_VALID.total_seconds() // 3600)})


def _verify_refused(request, refused: AccountRefused):
    return render(request, "claims/accounts/verify_failed.html", {"refused": refused, "form": ResendForm()},
                  status=REFUSED_STATUS.get(refused.code, 400))


@require_http_methods(["GET", "POST"])
def verify_email(request, token: str):
    # Opening the link only shows a button: mail scanners that fetch links must not use up the code.
    try:
        code = accounts.verification_code_check(token=token)
        if request.method == "POST":
            person = accounts.email_verify(token=token)
            if not person.user.is_active:
                return redirect("claims:login")
            return _log_in(request, person.user, language=person.language,
                           message=gettext_lazy("Uw e-mailadres is bevestigd. U bent nu ingelogd."))
    except AccountRefused as refused:
        return _verify_refused(request, refused)
    return render(request, "claims/accounts/verify.html", {"person": code.person})


@require_http_methods(["GET", "POST"])
def resend_verification(request):
    form = ResendForm(_posted(request))
    if form.is_valid():
        accounts.verification_resend(email=form.cleaned_data["email"])
        return redirect("claims:check_email")
    return render(request, "claims/accounts/resend.html", {"form": form})


def privacy(request):
    return render(request, "claims/accounts/privacy.html")


# --- a new password --------------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "claims/accounts/password_reset_form.html"
    form_class = OutboxPasswordResetForm  # sends through the outbox, in the resident's language
    success_url = reverse_lazy("claims:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "claims/accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "claims/accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("claims:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.email_verify_by_password_reset(user=form.user)
        # Whoever proved they read the account's e-mail need not wait out a lock-out from earlier wrong passwords.
        axes_reset(username=form.user.get_username())
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "claims/accounts/password_reset_complete.html"


# --- activating the account of a claim filed at the desk --------------------------------------------------


@sensitive_post_parameters("password1", "password2", "code")
@require_http_methods(["GET", "POST"])
def activate(request):
    form = ActivateForm(_posted(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.account_activate(
                code=data["code"], email=data["email"], password=data["password1"],
                preferred_channel=data["preferred_channel"], language=data["language"],
                privacy_accepted=data["privacy_accepted"],
            )
        except AccountRefused as refused:
            form.add_error("email" if refused.code == "email_taken" else None, refused.message)
        else:
            # Logged in at once: the code proves the resident holds the paper receipt (see account_activate).
            return _log_in(request, user, language=data["language"],
                           message=gettext_lazy("Uw account is klaar. Wij stuurden u een e-mail: klik op de link "
                                                "daarin om uw e-mailadres te bevestigen."))
    return render(request, "claims/accounts/activate.html", {"form": form})


# --- preferences -----------------------------------------------------------------------------------------


@resident_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    person = get_object_or_404(Person, user=request.user)
    form = PreferencesForm(_posted(request), initial=_preferences_initial(person))
    if form.is_valid():
        person = accounts.preferences_update(person=person, **form.cleaned_data)
        translation.activate(person.language)
        messages.success(request, _("Uw voorkeuren zijn opgeslagen."))
        return _remember_language(redirect("claims:preferences"), person.language)
    return preferences_page(request, person=person, form=form)


def _preferences_initial(person) -> dict:
    return {"preferred_channel": person.preferred_channel, "language": person.language, "phone": person.phone,
            "postal_address": person.postal_address}


def preferences_page(request, *, person, form=None, switch_off_form=None):
    """The preferences page; also shown again by the second step's switch-off when the password was wrong."""
    user = request.user
    if form is None:
        form = PreferencesForm(initial=_preferences_initial(person))
    two_steps = authenticators.has_authenticator(user)
    return render(request, "claims/accounts/preferences.html", {
        "form": form, "person": person, "two_steps_on": two_steps, "two_steps_required": needs_second_factor(user),
        "backup_codes_left": authenticators.backup_codes_left(user) if two_steps else 0,
        "switch_off_form": switch_off_form or SwitchOffForm(user=user),
    })
