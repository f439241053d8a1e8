"""A case guide's absence and the colleague who stands in (DESIGN.md: every claim always has a named guide).

While an absence runs, the substitute works on the absent guide's claims (claims.permissions) and the
resident's portal names the substitute (claims.contacts). Only the coordinator records and ends one."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from claims import roles as R
from claims.errors import FORBIDDEN, TransitionForbidden
from claims.models import Absence
from claims.timeutil import today

User = get_user_model()


class AbsenceRefused(Exception):  # noqa: N818 (as claims.errors.TransitionRefused)
    """The absence cannot be recorded as given; `field` names the form field the message belongs to."""

    def __init__(self, message, *, field: str | None = None, code: str = "refused") -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        self.code = code


def _ensure_coordinator(actor) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active or not (
        actor.is_superuser or R.has_role(actor, R.COORDINATOR)
    ):
        raise TransitionForbidden(FORBIDDEN, code="forbidden")


def _is_active_guide(user) -> bool:
    return user is not None and user.is_active and R.has_role(user, R.CASEWORKER)


def _overlapping(*, starts_on: dt.date, ends_on: dt.date) -> Q:
    return Q(starts_on__lte=ends_on, ends_on__gte=starts_on)


@transaction.atomic
def absence_record(*, user, substitute, starts_on: dt.date, ends_on: dt.date, reason: str = "",
                   actor) -> Absence:
    """Records that `user` is away from `starts_on` to `ends_on` (inclusive) and `substitute` stands in."""
    _ensure_coordinator(actor)
    if not _is_active_guide(user):
        raise AbsenceRefused(_("Kies een actieve zaakbegeleider."), field="user", code="invalid_guide")
    if not _is_active_guide(substitute):
        raise AbsenceRefused(_("Kies als vervanger een actieve zaakbegeleider."), field="substitute",
                             code="invalid_substitute")
    if substitute.pk == user.pk:
        raise AbsenceRefused(_("Kies als vervanger een andere zaakbegeleider."), field="substitute",
                             code="substitute_is_self")
    if ends_on < starts_on:
        raise AbsenceRefused(_("De einddatum ligt vóór de begindatum."), field="ends_on", code="ends_before_start")
    if starts_on < today():
        raise AbsenceRefused(_("De begindatum ligt in het verleden. Kies vandaag of later."), field="starts_on",
                             code="in_the_past")
    # Serialises absences of both people (in a fixed order, so two at once never deadlock): the checks below
    # read each other's absences, and a chain of stand-ins recorded at the same moment would slip through.
    list(User.objects.select_for_update(no_key=True).filter(pk__in=[user.pk, substitute.pk]).order_by("pk")
         .values_list("pk", flat=True))
    period = _overlapping(starts_on=starts_on, ends_on=ends_on)
    if Absence.objects.filter(period, user=user).exists():
        raise AbsenceRefused(_("Voor deze zaakbegeleider staat in deze periode al een afwezigheid."),
                             field="starts_on", code="overlap")
    if Absence.objects.filter(period, user=substitute).exists():
        raise AbsenceRefused(_("De vervanger is in deze periode zelf afwezig."), field="substitute",
                             code="substitute_absent")
    if Absence.objects.filter(period, substitute=user).exists():
        # Stand-ins do not chain: the claims this guide holds for a colleague would have nobody.
        raise AbsenceRefused(_("Deze zaakbegeleider vervangt in deze periode een collega. Kies eerst voor die "
                               "collega een andere vervanger."), field="user", code="is_substitute")
    return Absence.objects.create(user=user, substitute=substitute, starts_on=starts_on, ends_on=ends_on,
                                  reason=(reason or "").strip(), created_by=actor)


@transaction.atomic
def absence_end(*, absence: Absence, actor) -> Absence | None:
    """The guide is back today: a running absence ends yesterday; one that has not begun is cancelled
    (deleted, returns None). An absence that already ended stays as it was."""
    _ensure_coordinator(actor)
    absence = Absence.objects.select_for_update().get(pk=absence.pk)
    on = today()
    if absence.ends_on < on:
        return absence
    if absence.starts_on >= on:
        absence.delete()
        return None
    absence.ends_on = on - dt.timedelta(days=1)
    absence.save(update_fields=["ends_on"])
    return absence
