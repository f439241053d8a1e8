"""The amount rules the commission, the decision maker and objections share: the size class (route) that
follows from a total. The thresholds are settings (settings.MIJNSCHADE_AMOUNTS), read at each call, so a
changed setting (or a test's override) counts at once."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from claims.errors import TransitionRefused

from .models import Route

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")  # the amount columns hold 12 digits, two of them cents


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


def money(amount) -> str:
    """An amount as the letters read it: two decimals and a point, '4250.00'."""
    return f"{cents(amount):.2f}"


def typed_amount(value, *, message, code: str = "invalid_amount") -> Decimal:
    """An amount given to a service: zero or more, in whole cents, that fits the columns; else refused (409)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise TransitionRefused(message, code=code) from error
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(CENT):
        raise TransitionRefused(message, code=code)
    return amount.quantize(CENT)


def typed_percentage(value, *, message, code: str = "invalid_percentage") -> int:
    """A whole percentage from 1 to 99 (for "partly"), as an int or its digits; else refused (409)."""
    text = str(value).strip() if isinstance(value, int | str) and not isinstance(value, bool) else ""
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 99:
        raise TransitionRefused(message, code=code)
    return int(text)


def ensure_within_columns(total: Decimal) -> None:
    """Items that are each within bounds can still add up past what an amount column holds."""
    if total > MAX_AMOUNT:
        raise TransitionRefused(_("Het totaal is te hoog."), code="invalid_amount")
