"""The coordinator's help with logging in: lifting a login lock-out before it ends by itself, and clearing a staff
member's second factor (a lost or new phone) so they set up a new app at their next login.

Only a coordinator does either (as absences, casework/services/absence.py). Each is recorded in Django's admin log
(django.contrib.admin LogEntry: who, which account, when), which the admin shows as the account's history; no
table of our own is needed for two rare actions."""

from axes.utils import reset as axes_reset
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user

from claims import roles as R
from claims.errors import FORBIDDEN, TransitionForbidden
from claims.sessions import sessions_end
from claims.twofactor import needs_second_factor

User = get_user_model()

# What the admin log says (stored text, the same in every language; the page filters on it).
UNLOCKED = "Inlogblokkade opgeheven door de coördinator."
SECOND_FACTOR_RESET = "Tweede stap (app en reservecodes) gewist door de coördinator; bij de volgende keer inloggen " \
                      "stelt de medewerker een nieuwe app in."
RECORDED_MESSAGES = (UNLOCKED, SECOND_FACTOR_RESET)


class AccountActionRefused(Exception):  # noqa: N818 (as claims.errors.TransitionRefused)
    """The action cannot be done to this account; the message says why."""

    status_code = 409

    def __init__(self, message, *, code: str = "refused") -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def _ensure_coordinator(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active or not (
        actor.is_superuser or R.has_role(actor, R.COORDINATOR)
    ):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")


def _record(*, actor, user, message: str) -> LogEntry:
    return LogEntry.objects.create(
        user=actor, content_type=ContentType.objects.get_for_model(User), object_id=str(user.pk),
        object_repr=str(user)[:200], action_flag=CHANGE, change_message=message,
    )


@transaction.atomic
def login_unlock(*, user, actor) -> int:
    """Lifts the login lock-out of `user` now: their failed tries are forgotten. Returns how many records of failed
    tries were removed (0: there was no lock, nothing is recorded)."""
    _ensure_coordinator(actor)
    username = user.get_username()
    if not username:  # axes would read an empty name as "every name"
        raise AccountActionRefused(_("Dit account heeft geen gebruikersnaam."), code="no_username")
    removed = axes_reset(username=username)
    if removed:
        _record(actor=actor, user=user, message=UNLOCKED)
    return removed


@transaction.atomic
def second_factor_reset(*, user, actor) -> int:
    """Removes every second-factor device of staff member `user` (authenticator apps and reserve codes): at their
    next login they set up a new app. Returns how many devices were removed (0: none, nothing is recorded).

    Not for one's own account (a coordinator's stolen session must not be able to swap the phone) and not for an
    administrator's (a coordinator does not lower the protection of a stronger account)."""
    _ensure_coordinator(actor)
    if user.pk == actor.pk:
        raise AccountActionRefused(_("Uw eigen tweede stap kunt u hier niet wissen. Vraag een andere coördinator."),
                                   code="own_account")
    if user.is_superuser:
        raise AccountActionRefused(_("De tweede stap van een beheerder kan alleen een beheerder wissen."),
                                   code="administrator")
    if not needs_second_factor(user):
        raise AccountActionRefused(_("Alleen bij medewerkers kunt u de tweede stap wissen."), code="not_staff")
    removed = 0
    for device in devices_for_user(user, confirmed=None):
        device.delete()
        removed += 1
    if removed:
        # A session that passed the second step with the old app stays valid otherwise (the guard reads only the
        # session): the lost phone's browser may be one of them.
        sessions_end(user=user)
        _record(actor=actor, user=user, message=SECOND_FACTOR_RESET)
    return removed
