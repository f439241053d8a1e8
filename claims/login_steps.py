"""Logging in in two steps. After the right password an account with a second factor is not logged in yet: the
session holds a pending login (who, with which backend, where to go next, since when) for five minutes. Only the
code step (or, on a first login, the setup of the app) turns it into a real login: `auth.login`, which gives the
session a new key, and `django_otp.login`, which marks the second factor as passed."""

import datetime as dt
from dataclasses import dataclass

import django_otp
from django.contrib import auth
from django.contrib.auth import get_user_model

from . import timeutil
from .authenticators import has_authenticator
from .twofactor import needs_second_factor

PENDING_KEY = "login_pending"
PENDING_VALID = dt.timedelta(minutes=5)
# Set up during a first login: the unconfirmed device of this session, so a reload shows the same QR code.
SETUP_DEVICE_KEY = "two_factor_setup_device"
# The backup codes just made, shown once on the next page and then forgotten.
BACKUP_CODES_KEY = "two_factor_backup_codes"


@dataclass(frozen=True)
class PendingLogin:
    user: object
    backend: str
    next_url: str
    expired: bool


def second_step_needed(user) -> bool:
    """Staff always; a resident only if they chose the second step."""
    return needs_second_factor(user) or has_authenticator(user)


def pending_login_start(request, *, user, backend: str, next_url: str = "") -> None:
    """Remember who gave the right password; nobody is logged in until the second step."""
    if request.user.is_authenticated:
        auth.logout(request)  # someone else's session on this browser ends here
    else:
        request.session.cycle_key()
    request.session[PENDING_KEY] = {"user": user.pk, "backend": backend, "next": next_url,
                                    "at": timeutil.now().timestamp()}


def pending_login(request) -> PendingLogin | None:
    """The pending login of this session (expired or not), or None when there is none or the account is gone."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        pending_login_clear(request)
        return None
    started = dt.datetime.fromtimestamp(float(data.get("at", 0)), tz=dt.UTC)
    return PendingLogin(user=user, backend=str(data.get("backend", "")), next_url=str(data.get("next", "")),
                        expired=timeutil.now() - started > PENDING_VALID)


def pending_login_clear(request) -> None:
    request.session.pop(PENDING_KEY, None)
    request.session.pop(SETUP_DEVICE_KEY, None)


def pending_login_finish(request, *, pending: PendingLogin, device) -> None:
    """Both factors passed: log in for real (a new session key against session fixation) and record the device."""
    pending_login_clear(request)
    auth.login(request, pending.user, backend=pending.backend)
    django_otp.login(request, device)
