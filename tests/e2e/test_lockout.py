"""Login lock-out in the browser (issue 7, item 1): a resident types a wrong password until the account locks, sees
the lock-out page (even with the right password), the coordinator finds the account on the team's login page and
unlocks it, and the resident is in at once. axe finds nothing on the lock-out page or on the coordinator's page."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from claims import roles as R
from claims.lockout import cool_off_minutes
from tests.e2e.axe import axe_check
from tests.e2e.test_expert import at, one_h1
from tests.factories import PASSWORD, UserFactory, resident
from tests.twofactor import totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LOCKED = "U kunt even niet inloggen"


def try_password(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/inloggen/")
    page.get_by_label("E-mailadres").fill(username)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen", exact=True).click()
    page.wait_for_load_state()


def as_logged_in(page, base: str, user) -> None:
    """A session made by the test client (both factors for staff), handed to the browser as its cookie."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base}])


def test_a_locked_resident_is_unlocked_by_the_coordinator(live_server, page):
    base = live_server.url
    user, person = resident(username="wim.bemelmans@example.nl", email="wim.bemelmans@example.nl")
    person.name = "Wim Bemelmans"
    person.save(update_fields=["name"])
    coordinator = UserFactory(role=R.COORDINATOR, first_name="Mieke", last_name="Lemmens")
    guide = UserFactory(role=R.CASEWORKER, first_name="Sanne", last_name="Hermans")
    totp_device(guide)  # her app is set up: the page offers to clear it

    # Wrong passwords: the login page says so, until the limit; then the lock-out page.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        try_password(page, base, user.username, "verkeerd wachtwoord")
        expect(page.get_by_role("alert")).to_contain_text("wachtwoord klopt niet")
    try_password(page, base, user.username, "verkeerd wachtwoord")
    one_h1(page, LOCKED)
    expect(page.get_by_text(f"Wacht {cool_off_minutes()} minuten.")).to_be_visible()
    expect(page.get_by_role("link", name="Wachtwoord vergeten")).to_be_visible()
    expect(page.get_by_role("link", name="045 000 00 00")).to_have_attribute("href", "tel:0450000000")
    axe_check(page)

    # The right password does not help now.
    try_password(page, base, user.username, PASSWORD)
    one_h1(page, LOCKED)
    page.context.clear_cookies()

    # The coordinator goes from the team page to the login page of the team and unlocks the account.
    as_logged_in(page, base, coordinator)
    page.goto(base + "/werk/team/")
    page.get_by_role("link", name="Inloggen: blokkades en tweede stap").click()
    page.wait_for_url(at("/werk/team/inloggen/"))
    page.wait_for_load_state()
    one_h1(page, "Inloggen: blokkades en tweede stap")
    row = page.locator("table", has_text="Accounts die nu geblokkeerd zijn").locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Wim Bemelmans")
    expect(row).to_contain_text(str(settings.AXES_FAILURE_LIMIT + 1))  # the try with the right password counts
    expect(page.get_by_role("button", name="Tweede stap opnieuw instellen (Sanne Hermans)")).to_be_visible()
    axe_check(page)
    row.get_by_role("button", name="Ontgrendelen (Wim Bemelmans)").click()
    page.wait_for_url(at("/werk/team/inloggen/"))
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Wim Bemelmans kan weer inloggen.")
    expect(page.get_by_text("Er is nu geen account geblokkeerd.")).to_be_visible()
    expect(page.locator("table", has_text="De laatste acties")).to_contain_text("Blokkade opgeheven")
    axe_check(page)
    page.context.clear_cookies()

    # The resident is in at once.
    try_password(page, base, user.username, PASSWORD)
    page.wait_for_url(at("/mijn/"))
