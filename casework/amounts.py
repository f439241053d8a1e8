"""The amount rules the commission, the decision maker and objections share: the size class (route) that
follows from a total. The thresholds are settings (settings.MIJNSCHADE_AMOUNTS), read at each call, so a
changed setting (or a test's override) counts at once."""

from decimal import Decimal

from django.conf import settings

from .models import Route

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value) -> Decimal:
    """An amount in euro with two decimals (half a cent rounds up, as the bank does)."""
    return Decimal(str(value)).quantize(CENT, rounding="ROUND_HALF_UP")


def route_for(total: Decimal) -> str:
    """The size class of an awarded total: nothing → none; up to `money_up_to` → paid in money; up to
    `middle_up_to` → money or repair (middle); above → repair by a contractor or a bouwdepot."""
    total = cents(total)
    if total < ZERO:
        raise ValueError("an awarded total is never negative")
    amounts = settings.MIJNSCHADE_AMOUNTS
    if total == ZERO:
        return Route.NONE.value
    if total <= cents(amounts["money_up_to"]):
        return Route.MONEY.value
    if total <= cents(amounts["middle_up_to"]):
        return Route.MIDDLE.value
    return Route.REPAIR.value
