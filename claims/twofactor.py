"""Two factors: who needs the second one, and the guard that keeps a session without it away from staff pages.

The login steps (claims/login_steps.py, claims/views/two_factor.py) log a person in only after the code, so a
normal session is either without a second factor (a resident who did not choose one) or has passed it. The guard
is for any other way a staff session could come about. It reads the session only; it adds no query to a page."""

from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from .roles import STAFF_ROLES, roles_of

# Paths a session without its second factor may still reach (besides the login steps themselves).
OPEN_PREFIXES = ("/static/", "/i18n/", "/health/")


def needs_second_factor(user) -> bool:
    """Every staff role and every admin account must use two factors."""
    return bool(user.is_staff or user.is_superuser or roles_of(user) & STAFF_ROLES)


def second_factor_passed(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


class SecondFactorRequired:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (user.is_authenticated and not request.path_info.startswith(OPEN_PREFIXES)
                and not second_factor_passed(request) and needs_second_factor(user)):
            logout(request)
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": _("Log in met uw wachtwoord en uw tweede stap (code)."),
                                     "code": "second_factor_required", "errors": {}}, status=403)
            return redirect(f"{reverse('claims:login')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
