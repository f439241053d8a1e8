"""Accounts in the browser: register, confirm, log in and out, reset, activate, preferences; axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from claims import accounts
from claims.models import AccessCode, OutgoingEmail, Person
from tests.e2e.axe import axe_check
from tests.factories import PASSWORD, PersonFactory, resident

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "kolenmijn schacht lamp"
VERIFY_PATH = re.compile(r"https?://[^/\s]+(/registreren/bevestigen/[\w-]+/)")
RESET_PATH = re.compile(r"https?://[^/\s]+(/wachtwoord-vergeten/nieuw/[\w-]+/[\w-]+/)")


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL"}  # a resident's browser in Limburg


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # The live server shares these settings: registration hashes with MD5 here, not a second per password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def open_page(page, url):
    response = page.goto(url)
    assert response is not None
    return response


def link_in_latest(purpose: str, pattern: re.Pattern) -> str:
    mail = OutgoingEmail.objects.filter(purpose=purpose).order_by("-pk").first()
    assert mail is not None, f"no {purpose} e-mail queued"
    return pattern.search(mail.body).group(1)


def log_out(page):
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_load_state()
    expect(page.get_by_text("U bent uitgelogd.")).to_be_visible()
    expect(page.get_by_role("link", name="Inloggen").first).to_be_visible()


def test_register_confirm_log_in_and_out(live_server, page):
    base = live_server.url
    assert open_page(page, base + "/registreren/").ok
    axe_check(page)

    page.get_by_role("button", name="Account aanmaken").click()  # nothing filled in: errors, still accessible
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_name_error")).to_be_visible()
    axe_check(page)

    page.get_by_label("Uw naam").fill("Maria Janssen")
    page.get_by_label("E-mailadres").fill("maria.janssen@example.nl")
    page.get_by_label("Kies een wachtwoord").fill(NEW_PASSWORD)
    page.get_by_label("Typ het wachtwoord nog een keer").fill(NEW_PASSWORD)
    page.get_by_label("Digitaal").check()
    page.get_by_label("Nederlands").check()
    page.get_by_label("Ik heb de privacyverklaring gelezen", exact=False).check()
    page.get_by_role("button", name="Account aanmaken").click()
    page.wait_for_url(base + "/registreren/controleer-uw-e-mail/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Kijk in uw e-mail")
    axe_check(page)

    # Not confirmed yet: the login is refused with a way to a new link.
    open_page(page, base + "/inloggen/")
    axe_check(page)
    page.get_by_label("E-mailadres").fill("maria.janssen@example.nl")
    page.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("link", name="Stuur mij een nieuwe link")).to_be_visible()
    axe_check(page)

    assert open_page(page, base + link_in_latest("verify_email", VERIFY_PATH)).ok
    axe_check(page)
    page.get_by_role("button", name="Bevestig mijn e-mailadres").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Uw e-mailadres is bevestigd.")).to_be_visible()
    assert Person.objects.get(email="maria.janssen@example.nl").email_verified_at is not None
    log_out(page)

    open_page(page, base + "/inloggen/")
    page.get_by_label("E-mailadres").fill("Maria.Janssen@example.nl")
    page.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    log_out(page)


def test_expired_link_and_a_new_one(live_server, page):
    base = live_server.url
    accounts.resident_register(name="Piet Hendriks", email="piet@example.nl", password=NEW_PASSWORD,
                               preferred_channel="paper", language="nl", privacy_accepted=True)
    path = link_in_latest("verify_email", VERIFY_PATH)
    AccessCode.objects.update(expires_at=accounts.timeutil.now())

    assert open_page(page, base + path).status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet")
    axe_check(page)
    page.get_by_label("E-mailadres").fill("piet@example.nl")
    page.get_by_role("button", name="Stuur een nieuwe link").click()
    page.wait_for_url(base + "/registreren/controleer-uw-e-mail/")
    assert link_in_latest("verify_email", VERIFY_PATH) != path

    assert open_page(page, base + "/registreren/opnieuw/").ok
    axe_check(page)
    page.get_by_role("button", name="Stuur een nieuwe link").click()  # empty: a clear error
    expect(page.locator("#id_email_error")).to_be_visible()
    axe_check(page)


def test_password_reset_pages(live_server, page):
    base = live_server.url
    user, person = resident()
    person.email_verified_at = person.created_at
    person.save()

    assert open_page(page, base + "/wachtwoord-vergeten/").ok
    axe_check(page)
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_role("button", name="Stuur mij een link").click()
    page.wait_for_url(base + "/wachtwoord-vergeten/verstuurd/")
    axe_check(page)

    open_page(page, base + link_in_latest("password_reset", RESET_PATH))
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuw wachtwoord kiezen")
    axe_check(page)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Typ het nieuwe wachtwoord nog een keer").fill(NEW_PASSWORD + " anders")
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page)
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Typ het nieuwe wachtwoord nog een keer").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord opslaan").click()
    page.wait_for_url(base + "/wachtwoord-vergeten/klaar/")
    axe_check(page)

    open_page(page, base + "/wachtwoord-vergeten/nieuw/MQ/ongeldig-token/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze link werkt niet meer")
    axe_check(page)

    open_page(page, base + "/inloggen/")
    page.get_by_label("E-mailadres").fill(user.username)
    page.get_by_label("Wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()
    assert PASSWORD != NEW_PASSWORD


def test_activate_and_preferences(live_server, page):
    base = live_server.url
    person = PersonFactory(name="Jan Smeets", email="jan.smeets@example.nl")
    code = accounts.activation_code_issue(person=person)

    assert open_page(page, base + "/activeren/").ok
    axe_check(page)

    def fill(code_typed):
        page.get_by_label("Activeringscode").fill(code_typed)
        page.get_by_label("E-mailadres").fill("jan.smeets@example.nl")
        page.get_by_label("Kies een wachtwoord").fill(NEW_PASSWORD)
        page.get_by_label("Typ het wachtwoord nog een keer").fill(NEW_PASSWORD)
        page.get_by_label("Per post").check()
        page.get_by_label("Ik heb de privacyverklaring gelezen", exact=False).check()
        page.get_by_role("button", name="Account activeren").click()
        page.wait_for_load_state()

    fill("2222-3333-4444")
    expect(page.get_by_text("Deze activeringscode klopt niet").first).to_be_visible()
    axe_check(page)

    fill(code)
    expect(page.get_by_text("Uw account is klaar.")).to_be_visible()
    person.refresh_from_db()
    assert person.user is not None

    assert open_page(page, base + "/mijn/instellingen/").ok
    axe_check(page)
    page.get_by_label("Digitaal").check()
    page.get_by_label("Telefoonnummer").fill("045 123 45 67")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Uw voorkeuren zijn opgeslagen.")).to_be_visible()
    expect(page.get_by_text("U gaf toestemming op")).to_be_visible()
    axe_check(page)
    person.refresh_from_db()
    assert person.preferred_channel == "digital" and person.digital_consent_at is not None

    assert open_page(page, base + "/privacy/").ok
    axe_check(page)
