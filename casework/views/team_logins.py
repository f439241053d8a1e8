"""The coordinator's page about logging in, at /werk/team/inloggen/: which accounts are locked out now (with an
"unlock" button each), every staff member's second factor (with a button to clear it for a lost phone), and what
coordinators did here lately. Parse, call casework/services/accounts.py, show."""

from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims import lockout
from claims import roles as R

from ..services.accounts import (
    RECORDED_MESSAGES,
    SECOND_FACTOR_RESET,
    UNLOCKED,
    AccountActionRefused,
    login_unlock,
    second_factor_reset,
)
from ..timeline import person_name
from .team import coordinator_required

User = get_user_model()
RECENT = 20
ACTION_LABELS = {UNLOCKED: gettext_lazy("Blokkade opgeheven"), SECOND_FACTOR_RESET: gettext_lazy("Tweede stap gewist")}


def _display_name(user) -> str:
    person = getattr(user, "person", None)  # a resident's name is on their Person
    return person.name if person is not None and person.name else person_name(user)


def _with_names(users):
    """Users with the roles they hold (from one prefetch, not a query each) and their name."""
    users = list(users.select_related("person").prefetch_related(Prefetch("groups", to_attr="role_groups")))
    for user in users:
        held = {group.name for group in user.role_groups}
        user.role_labels = [str(R.LABELS[name]) for name in R.ALL_ROLES if name in held]
        user.display_name = _display_name(user)
    return users


def _locked():
    """The locks of existing accounts, and how many locked names have no account (guesses or typing errors)."""
    locks = lockout.current_locks()
    users = {user.get_username(): user for user in _with_names(User.objects.filter(
        username__in=[lock.username for lock in locks]))}
    rows = [{"lock": lock, "account": users[lock.username]} for lock in locks if lock.username in users]
    return rows, len(locks) - len(rows)


def _staff():
    has_device = Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)) | Exists(
        StaticDevice.objects.filter(user=OuterRef("pk")))
    staff = (User.objects.filter(Q(groups__name__in=R.STAFF_ROLES) | Q(is_staff=True) | Q(is_superuser=True),
                                 is_active=True)
             .distinct().annotate(has_device=has_device).order_by("last_name", "first_name", "username"))
    return _with_names(staff)


def _recent():
    entries = list(LogEntry.objects.filter(change_message__in=RECORDED_MESSAGES).select_related("user")
                   .order_by("-action_time", "-pk")[:RECENT])
    targets = {str(user.pk): user for user in _with_names(User.objects.filter(
        pk__in={int(entry.object_id) for entry in entries if (entry.object_id or "").isdigit()}))}
    return [{"at": entry.action_time, "by": person_name(entry.user), "account": targets.get(entry.object_id),
             "label": ACTION_LABELS[entry.change_message]} for entry in entries]


def _page(request, *, refused=None, status: int = 200):
    locked, unknown_locked = _locked()
    return render(request, "casework/team/logins.html", {
        "locked": locked, "unknown_locked": unknown_locked, "staff": _staff(), "recent": _recent(),
        "minutes": lockout.cool_off_minutes(), "failure_limit": lockout.failure_limit(), "refused": refused,
    }, status=status)


@coordinator_required
@never_cache
@require_http_methods(["GET", "HEAD"])
def team_logins(request):
    return _page(request)


@coordinator_required
@require_POST
def team_login_unlock(request, pk: int):
    user = get_object_or_404(User.objects.select_related("person"), pk=pk)
    name = _display_name(user)
    try:
        removed = login_unlock(user=user, actor=request.user)
    except AccountActionRefused as refused:
        return _page(request, refused=refused.message, status=refused.status_code)
    if removed:
        messages.success(request, _("%(name)s kan weer inloggen.") % {"name": name})
    else:
        messages.info(request, _("%(name)s was niet geblokkeerd (meer).") % {"name": name})
    return redirect("casework:team_logins")


@coordinator_required
@require_POST
def team_login_second_factor_reset(request, pk: int):
    user = get_object_or_404(User.objects.select_related("person"), pk=pk)
    name = _display_name(user)
    try:
        removed = second_factor_reset(user=user, actor=request.user)
    except AccountActionRefused as refused:
        return _page(request, refused=refused.message, status=refused.status_code)
    if removed:
        messages.success(request, _("De tweede stap van %(name)s is gewist. Bij de volgende keer inloggen stelt "
                                    "%(name)s een nieuwe app in.") % {"name": name})
    else:
        messages.info(request, _("%(name)s had geen tweede stap ingesteld.") % {"name": name})
    return redirect("casework:team_logins")
