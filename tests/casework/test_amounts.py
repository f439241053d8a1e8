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


def test_payments_use_the_same_size_classes():
    from casework.services.payments import route_for_amount

    for total in ("0.00", "0.01", "10000.00", "10000.01", "20000.00", "20000.01"):
        assert route_for_amount(Decimal(total)) == route_for(Decimal(total))
    assert route_for_amount(None) == "none"


def test_typed_amounts_and_percentages_for_the_services():
    from casework.amounts import money, typed_amount, typed_percentage
    from claims.errors import TransitionRefused

    assert typed_amount("1250.5", message="x") == Decimal("1250.50")
    assert typed_amount(0, message="x") == Decimal("0.00")
    assert typed_amount(Decimal("9999999999.99"), message="x") == Decimal("9999999999.99")
    for wrong in ("-0.01", "1.005", "10000000000", "NaN", "Infinity", "", None, "1e3x"):
        with pytest.raises(TransitionRefused):
            typed_amount(wrong, message="x")
    assert typed_percentage("  60 ", message="x") == 60 and typed_percentage(1, message="x") == 1
    for wrong in (0, 100, "5.0", True, 50.0, "", None, "-5", "٥"):
        with pytest.raises(TransitionRefused):
            typed_percentage(wrong, message="x")
    assert money(Decimal("4250")) == "4250.00" and money(Decimal("0.125")) == "0.13"
