"""Logging in through the real login pages in the browser, as people do: the password, and for staff (or a resident
who chose it) the code from their app on the next page. The app is set up beforehand (tests/twofactor.py); the
first-login setup itself is tested in tests/e2e/test_two_factor.py."""

import re

from claims.authenticators import has_authenticator
from claims.twofactor import needs_second_factor
from tests.factories import PASSWORD
from tests.twofactor import totp_device, unused_code

CODE_PATH = "/inloggen/code/"


def at(path: str) -> re.Pattern:
    """A page of the live server by its path (a regex); a query or fragment may ride along after a redirect."""
    return re.compile(r"^https?://[^/]+" + path + r"(\?[^#]*)?(#.*)?$")


def log_in(page, base: str, user, *, password: str = PASSWORD, lands_on: str | None = None,
           next_url: str | None = None) -> None:
    """Password, then the code if the account has a second step; waits for `lands_on` (a path regex) if given."""
    device = totp_device(user) if needs_second_factor(user) or has_authenticator(user) else None
    page.goto(base + "/inloggen/" + (f"?next={next_url}" if next_url else ""))
    page.get_by_label("E-mailadres").fill(user.username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    if device is not None:
        page.wait_for_url(at(CODE_PATH))
        page.get_by_label("Code uit uw app").fill(unused_code(device))
        page.get_by_role("button", name="Inloggen").click()
        page.wait_for_load_state()
    if lands_on is not None:
        page.wait_for_url(at(lands_on))
        page.wait_for_load_state()
