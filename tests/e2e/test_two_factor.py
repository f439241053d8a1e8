"""Two factors in the browser (issue 7, item 1). A case guide's first login: the password, then setting up the app
with the QR code (the key read off the page gives the codes, as an authenticator app would), the backup codes shown
once, and later logins with the app's code and with a backup code. A resident switches it on from their preferences.
Axe finds nothing on the code step, the setup page and the backup codes page, also with their errors, and the
strict Content-Security-Policy blocks nothing on them."""

import re
from base64 import b32decode

import pytest
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from claims import roles as R
from tests.e2e.axe import axe_check
from tests.e2e.login import at
from tests.factories import PASSWORD, UserFactory, resident
from tests.twofactor import totp_code, unused_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SETUP = "/inloggen/tweestapsverificatie/"
CODE = "/inloggen/code/"
BACKUP = "/inloggen/reservecodes/"


@pytest.fixture(autouse=True)
def no_throttle(settings):
    # django-otp makes the try after a wrong code wait a second; these tests type the right one straight after.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def csp_reports(page) -> list[str]:
    """What the browser refused under the Content-Security-Policy (it says so on the console)."""
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    return refused


def password_step(page, base: str, user) -> None:
    page.goto(base + "/inloggen/")
    page.get_by_label("E-mailadres").fill(user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def app_from_page(page) -> TOTPDevice:
    """An authenticator app as the person makes it: from the key typed over from the page (not saved anywhere)."""
    secret = page.locator("#secret-key").inner_text()
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{1,4}", secret), secret
    return TOTPDevice(key=b32decode(secret.replace(" ", "")).hex())


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if totp_code(device) != "000000" else "111111"


def submit(page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def log_out(page) -> None:
    submit(page, "Uitloggen")


def test_a_case_guide_sets_up_the_app_on_the_first_login_and_logs_in_with_codes(live_server, page, csp_reports):
    base = live_server.url
    guide = UserFactory(role=R.CASEWORKER, first_name="Sanne", last_name="Kicken")

    # The password is right: the first login asks to set up the app.
    password_step(page, base, guide)
    page.wait_for_url(at(SETUP))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen in twee stappen instellen")
    expect(page.get_by_role("img", name=re.compile("QR-code voor uw app"))).to_be_visible()
    expect(page.get_by_text("Microsoft Authenticator", exact=False)).to_be_visible()
    axe_check(page)

    # The key on the page is the key of the device being set up.
    app = app_from_page(page)
    stored = TOTPDevice.objects.get(user=guide)
    assert app.key == stored.key and not stored.confirmed

    # Empty, then wrong: clear messages, and still nothing in.
    submit(page, "Bevestigen")
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_code_error")).to_have_text(re.compile("Vul de code in"))
    axe_check(page)
    page.get_by_label("Code uit uw app").fill(wrong_code(app))
    submit(page, "Bevestigen")
    expect(page.locator("#id_code_error")).to_have_text(re.compile("Deze code klopt niet"))
    axe_check(page)

    # The code the app shows now confirms it; the backup codes follow, once.
    page.get_by_label("Code uit uw app").fill(totp_code(app))
    submit(page, "Bevestigen")
    page.wait_for_url(at(BACKUP))
    expect(page.get_by_role("heading", level=1)).to_have_text("Uw reservecodes")
    codes = [text.replace(" ", "") for text in page.locator(".backup-codes code").all_inner_texts()]
    assert sorted(codes) == sorted(StaticToken.objects.filter(device__user=guide).values_list("token", flat=True))
    assert len(codes) == 10
    expect(page.get_by_role("button", name="Afdrukken")).to_be_visible()  # print.js shows the button
    axe_check(page)
    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    page.wait_for_url(at("/werk/"))
    page.goto(base + BACKUP)
    page.wait_for_url(at("/werk/"))  # shown once only
    expect(page.locator(".backup-codes")).to_have_count(0)
    log_out(page)

    # The next login: the code step, a wrong code, then the right one.
    password_step(page, base, guide)
    page.wait_for_url(at(CODE))
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen: de code uit uw app")
    code_input = page.get_by_label("Code uit uw app")
    assert code_input.get_attribute("autocomplete") == "one-time-code"
    assert code_input.get_attribute("inputmode") == "numeric"
    axe_check(page)
    code_input.fill(wrong_code(app))
    submit(page, "Inloggen")
    expect(page.locator("#id_code_error")).to_have_text(re.compile("Deze code klopt niet"))
    axe_check(page)
    page.get_by_label("Code uit uw app").fill(unused_code(TOTPDevice.objects.get(user=guide)))
    submit(page, "Inloggen")
    page.wait_for_url(at("/werk/"))
    log_out(page)

    # Phone left at home: a backup code, once.
    password_step(page, base, guide)
    page.get_by_label("Code uit uw app").fill(codes[0])
    submit(page, "Inloggen")
    page.wait_for_url(at("/werk/"))
    expect(page.get_by_text("U heeft nog 9 reservecodes")).to_be_visible()
    log_out(page)
    password_step(page, base, guide)
    page.get_by_label("Code uit uw app").fill(codes[0])
    submit(page, "Inloggen")
    expect(page.locator("#id_code_error")).to_have_text(re.compile("Deze code klopt niet"))

    assert not csp_reports, csp_reports


def test_a_resident_switches_the_second_step_on_from_the_preferences(live_server, page, csp_reports):
    base = live_server.url
    user, _person = resident()
    password_step(page, base, user)
    page.goto(base + "/mijn/instellingen/")
    expect(page.get_by_role("heading", name="Inloggen in twee stappen")).to_be_visible()
    expect(page.get_by_text("Staat uit.")).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name="Zet inloggen in twee stappen aan").click()
    page.wait_for_url(at(SETUP))
    axe_check(page)
    app = app_from_page(page)
    page.get_by_label("Code uit uw app").fill(totp_code(app))
    submit(page, "Bevestigen")
    page.wait_for_url(at(BACKUP))
    page.get_by_role("link", name="Ik heb de codes bewaard, ga verder").click()
    page.wait_for_url(at("/mijn/instellingen/"))
    expect(page.get_by_text("Staat aan.")).to_be_visible()
    # Switching it off asks for the password; a wrong one is a clear error.
    page.get_by_label("Uw wachtwoord").fill("niet mijn wachtwoord")
    submit(page, "Zet inloggen in twee stappen uit")
    expect(page.locator("#id_password_error")).to_have_text(re.compile("Dit wachtwoord klopt niet"))
    axe_check(page)
    log_out(page)

    # From now on the resident logs in with the code as well.
    password_step(page, base, user)
    page.wait_for_url(at(CODE))
    page.get_by_label("Code uit uw app").fill(unused_code(TOTPDevice.objects.get(user=user)))
    submit(page, "Inloggen")
    page.wait_for_url(at("/mijn/"))

    assert not csp_reports, csp_reports
