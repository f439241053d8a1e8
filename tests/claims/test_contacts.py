"""Who the resident should call: the guide, or the substitute until the guide is back on a working day."""

import datetime as dt

import pytest

from claims.contacts import contact_for
from claims.models import Absence, StaffProfile
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("ends_on,back_on", [
    (dt.date(2026, 12, 4), dt.date(2026, 12, 7)),  # Friday → Monday
    (dt.date(2026, 12, 24), dt.date(2026, 12, 28)),  # Christmas days and a Sunday in between
])
def test_the_substitute_is_named_until_the_guide_is_back(ends_on, back_on):
    cast = Cast()
    claim = claim_in(cast, "intake")
    stand_in = UserFactory(role="caseworker", first_name="Els", last_name="Ramakers")
    StaffProfile.objects.create(user=stand_in, phone="045 000 09 99")
    Absence.objects.create(user=cast.caseworker, substitute=stand_in, starts_on=dt.date(2026, 12, 1), ends_on=ends_on)

    during = contact_for(claim, on=dt.date(2026, 12, 2))
    assert (during.name, during.phone, during.away_until, during.back_on) == (
        "Els Ramakers", "045 000 09 99", ends_on, back_on)
    after = contact_for(claim, on=back_on)
    assert after.substitute_for == "" and after.name != "Els Ramakers"
