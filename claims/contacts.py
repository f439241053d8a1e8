"""Who a resident should call about a claim today: the case guide, or the named substitute while the
guide is away. The portal and letters show this; the dossier shows it to colleagues."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .letter_content import general_phone
from .models import Absence, Claim, StaffProfile
from .termijnen import roll_forward
from .timeutil import today


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    substitute_for: str = ""
    away_until: dt.date | None = None  # the last day of the guide's absence
    back_on: dt.date | None = None  # the first working day after it


def _name(user) -> str:
    # A username is no name to give a resident; without a full name they hear the role instead.
    return user.get_full_name().strip() or str(_("uw zaakbegeleider"))


def _phone(user) -> str:
    profile = StaffProfile.objects.filter(user=user).first()
    return (profile.phone if profile and profile.phone else "") or general_phone()


def absence_of(user, *, on: dt.date) -> Absence | None:
    """The absence of `user` in force on `on` (the latest begun, should two overlap)."""
    return (Absence.objects.filter(user=user, starts_on__lte=on, ends_on__gte=on)
            .select_related("substitute").order_by("-starts_on", "-pk").first())


def stand_in(user, *, on: dt.date):
    """Who stands in for `user` on `on`: the substitute of their absence, if that colleague can still work
    (an account closed since the absence was recorded stands in for nobody). None while `user` is not away."""
    away = absence_of(user, on=on)
    if away is None or not away.substitute.is_active:
        return None
    return away.substitute


def contact_for(claim: Claim, *, on: dt.date | None = None) -> Contact | None:
    """None until a case guide is assigned (then the general number is the way in)."""
    if claim.caseworker_id is None:
        return None
    on = on or today()
    guide = claim.caseworker
    guide_name = _name(guide)
    away = absence_of(guide, on=on)
    if away is None:
        return Contact(name=guide_name, phone=_phone(guide))
    substitute = away.substitute
    if not substitute.is_active:
        # The named substitute has left: the general number finds someone who is in, never a closed account.
        return Contact(name=guide_name, phone=general_phone())
    return Contact(name=_name(substitute), phone=_phone(substitute), substitute_for=guide_name,
                   away_until=away.ends_on, back_on=roll_forward(away.ends_on + dt.timedelta(days=1)))
