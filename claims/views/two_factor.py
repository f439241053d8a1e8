"""Pages of the second step: the code at login, setting up the app (staff on their first login, residents who
choose it), the backup codes shown once, switching it off (residents), and the admin's login sent to ours.
Parse, call claims/authenticators.py and claims/login_steps.py, show."""

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import admin, messages
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice

from .. import authenticators, login_steps
from ..access import resident_required
from ..authenticators import CodeRefused
from ..forms.two_factor import CodeForm, SetupCodeForm, SwitchOffForm
from ..models import Person
from ..twofactor import needs_second_factor
from .accounts import landing_url_for, preferences_page

QR_SCALE = 5


def _posted(request):
    return request.POST if request.method == "POST" else None


def _login_again(request, pending: login_steps.PendingLogin | None = None):
    """Back to the password; the `next` of the pending login goes along."""
    login_steps.pending_login_clear(request)
    url = reverse("claims:login")
    if pending is not None and pending.next_url:
        url += "?" + urlencode({"next": pending.next_url})
    return redirect(url)


def _expired(request, pending: login_steps.PendingLogin):
    messages.error(request, _("Het inloggen duurde te lang. Log opnieuw in met uw wachtwoord."))
    return _login_again(request, pending)


def _credentials(user) -> dict:
    # django-axes counts per username (AXES_LOCKOUT_PARAMETERS): a wrong code counts as a failed login.
    return {"username": user.get_username()}


# --- the code step -------------------------------------------------------------------------------------------


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def login_code(request):
    pending = login_steps.pending_login(request)
    if pending is None:
        return redirect("claims:login")
    if pending.expired:
        return _expired(request, pending)
    user = pending.user
    if not authenticators.has_authenticator(user):
        if needs_second_factor(user):
            return redirect("claims:two_factor_setup")
        # A resident whose app was switched off in the meantime: the password was enough after all.
        login_steps.pending_login_finish(request, pending=pending, device=None)
        return redirect(pending.next_url or landing_url_for(user))
    credentials = _credentials(user)
    if not AxesProxyHandler.is_allowed(request, credentials):
        login_steps.pending_login_clear(request)
        return get_lockout_response(request, None, credentials)

    form = CodeForm(_posted(request))
    if form.is_valid():
        try:
            device = authenticators.code_verify(user=user, code=form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", refused.message)
            if refused.code == "wrong":
                user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                if getattr(request, "axes_locked_out", False):  # AxesMiddleware shows the lock-out page
                    login_steps.pending_login_clear(request)
        else:
            login_steps.pending_login_finish(request, pending=pending, device=device)
            if isinstance(device, StaticDevice):
                _backup_code_used(request, user)
            return redirect(pending.next_url or landing_url_for(user))
    return render(request, "claims/accounts/login_code.html", {"form": form})


def _backup_code_used(request, user) -> None:
    left = authenticators.backup_codes_left(user)
    messages.warning(request, ngettext(
        "U logde in met een reservecode. Die code werkt nu niet meer. U heeft nog %(left)d reservecode.",
        "U logde in met een reservecode. Die code werkt nu niet meer. U heeft nog %(left)d reservecodes.",
        left) % {"left": left})


# --- setting up the app --------------------------------------------------------------------------------------


def qr_code_svg(url: str) -> str:
    """The QR code as inline SVG, made here (no image request, no script; the CSP allows no inline style and
    segno writes none). Named for screen readers: the key is also on the page as text."""
    label = _("QR-code voor uw app. Kunt u deze niet scannen? Typ dan de sleutel die onder de QR-code staat.")
    svg = segno.make(url, error="m").svg_inline(scale=QR_SCALE, border=4, dark="#000", light="#fff",
                                                svgclass="qr-code", lineclass=None, title=label)  # segno escapes
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    pending = None
    if request.user.is_authenticated:
        user = request.user
        if authenticators.has_authenticator(user):
            messages.info(request, _("U logt al in met twee stappen."))
            return redirect(_settings_url(user))
    else:
        pending = login_steps.pending_login(request)
        if pending is None:
            return redirect("claims:login")
        if pending.expired:
            return _expired(request, pending)
        user = pending.user
        if authenticators.has_authenticator(user):
            return redirect("claims:login_code")  # a second app only with the code of the first

    device = authenticators.authenticator_start(user=user,
                                                device_id=request.session.get(login_steps.SETUP_DEVICE_KEY))
    request.session[login_steps.SETUP_DEVICE_KEY] = device.pk
    form = SetupCodeForm(_posted(request))
    if form.is_valid():
        try:
            backup = authenticators.authenticator_confirm(user=user, device_id=device.pk,
                                                          code=form.cleaned_data["code"])
        except CodeRefused as refused:
            form.add_error("code", refused.message)
        else:
            request.session.pop(login_steps.SETUP_DEVICE_KEY, None)
            device.refresh_from_db()
            if pending is not None:
                login_steps.pending_login_finish(request, pending=pending, device=device)
                then = pending.next_url or landing_url_for(user)
            else:
                django_otp.login(request, device)
                then = _settings_url(user)
            request.session[login_steps.BACKUP_CODES_KEY] = {"codes": backup.codes, "next": then}
            return redirect("claims:two_factor_backup_codes")
    return render(request, "claims/accounts/two_factor_setup.html", {
        "form": form, "qr_svg": qr_code_svg(device.config_url), "secret": authenticators.secret_display(device),
        "in_login": pending is not None, "cancel_url": _settings_url(user) if pending is None else "",
    })


def _settings_url(user) -> str:
    return reverse("claims:preferences") if Person.objects.filter(user=user).exists() else landing_url_for(user)


@never_cache
@require_GET
def backup_codes(request):
    """The backup codes just made, once: the session forgets them as this page is made."""
    if not request.user.is_authenticated:
        return redirect("claims:login")
    shown = request.session.pop(login_steps.BACKUP_CODES_KEY, None)
    if not isinstance(shown, dict):
        messages.info(request, _("Uw reservecodes zijn al getoond. Wij laten ze maar één keer zien."))
        return redirect(_settings_url(request.user))
    then = shown.get("next") or ""
    if not url_has_allowed_host_and_scheme(then, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        then = landing_url_for(request.user)
    codes = [authenticators.backup_code_display(code) for code in shown.get("codes", [])]
    return render(request, "claims/accounts/backup_codes.html", {"codes": codes, "next_url": then})


# --- switching it off (residents) ----------------------------------------------------------------------------


@resident_required
@sensitive_post_parameters("password")
@require_POST
def two_factor_off(request):
    if needs_second_factor(request.user):
        raise PermissionDenied  # staff always log in with two steps
    person = get_object_or_404(Person, user=request.user)
    form = SwitchOffForm(request.POST, user=request.user)
    if form.is_valid():
        authenticators.second_factor_remove(user=request.user)
        request.session.pop(DEVICE_ID_SESSION_KEY, None)
        messages.success(request, _("Inloggen in twee stappen staat nu uit. U logt voortaan in met alleen uw "
                                    "wachtwoord."))
        return redirect("claims:preferences")
    return preferences_page(request, person=person, switch_off_form=form)


# --- the admin -----------------------------------------------------------------------------------------------


def admin_login(request, extra_context=None):
    """`admin.site.login`: the admin's own login form knows no second factor, so it sends people to ours."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied  # logged in, but not for the admin: no loop back to the login page
    then = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(then, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        then = reverse("admin:index")
    return redirect(f"{reverse('claims:login')}?{urlencode({'next': then})}")
