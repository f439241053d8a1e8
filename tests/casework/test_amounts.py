"""The size class (route) that follows from an awarded total, at and around the thresholds (settings)."""

from decimal import Decimal

import pytest

from casework.amounts import cents, route_for
from casework.models import Route


@pytest.mark.parametrize("total,route", [
    ("0", Route.NONE),
    ("0.00", Route.NONE),
    ("0.01", Route.MONEY),
    ("4250.00", Route.MONEY),
    ("10000.00", Route.MONEY),
    ("10000.01", Route.MIDDLE),
    ("20000.00", Route.MIDDLE),
    ("20000.01", Route.REPAIR),
    ("250000.00", Route.REPAIR),
])
def test_the_route_follows_the_thresholds(total, route):
    assert route_for(Decimal(total)) == route


def test_the_thresholds_are_settings(settings):
    settings.MIJNSCHADE_AMOUNTS = {**settings.MIJNSCHADE_AMOUNTS, "money_up_to": Decimal("5000.00"),
                                   "middle_up_to": Decimal("7500.00")}
    assert route_for(Decimal("5000.00")) == Route.MONEY
    assert route_for(Decimal("5000.01")) == Route.MIDDLE
    assert route_for(Decimal("7500.00")) == Route.MIDDLE
    assert route_for(Decimal("7500.01")) == Route.REPAIR


def test_a_negative_total_has_no_route():
    with pytest.raises(ValueError):
        route_for(Decimal("-0.01"))


def test_amounts_are_counted_in_cents():
    assert cents("10000.004") == Decimal("10000.00")
    assert cents("0.005") == Decimal("0.01")
    assert route_for(Decimal("10000.004")) == Route.MONEY
