"""Two factors (issue 7, item 1): staff log in with a password AND a code from an app (TOTP, django-otp), set up with
a QR code on their first login; residents may choose it. Through the real pages, with real codes (tests/twofactor.py
computes what an authenticator app shows).

- A password alone reaches no staff page, for every staff role (the table), and a session that has a user but no
  second factor is logged out by the guard.
- The whole way: setup with the QR code, confirm, ten backup codes shown once, log in with the app's code, log in
  with a backup code (once only); a wrong code, a throttled device, an expired pending login, the lock-out.
- Session fixation (a new session key at each step), CSRF on both steps, `next` kept through the steps and only on
  this site, the admin's login, and the links in e-mails that log in (they wait for the code too)."""

import re
from base64 import b32encode

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from claims import accounts, login_steps, timeutil
from claims import roles as R
from claims.models import OutgoingEmail, Person
from claims.views.accounts import landing_url_for
from tests.factories import PASSWORD, Cast, UserFactory, claim_in, resident
from tests.twofactor import totp_code, totp_device, unused_code

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"
CODE = "/inloggen/code/"
SETUP = "/inloggen/tweestapsverificatie/"
BACKUP = "/inloggen/reservecodes/"
WRONG_CODE = "Deze code klopt niet"
STAFF_ROLES = sorted(R.STAFF_ROLES)
SHOWN_CODE = re.compile(r"<code>([a-z2-7]{4}) ([a-z2-7]{4})</code>")
SVG = re.compile(r"<svg\b[^>]*>.*?</svg>", re.S)


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_throttle(settings):
    """django-otp makes the next try after a wrong code wait 1, 2, 4 ... seconds; off where a test retypes at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def password_step(client: Client, user, *, next_url: str | None = None):
    data = {"username": user.username, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN, data)


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def second_factor_passed(client: Client) -> bool:
    return bool(client.session.get(DEVICE_ID_SESSION_KEY))


def log_in_with_code(client: Client, user, *, next_url: str | None = None):
    """Password, then the current code of the user's app (set up before, if need be)."""
    device = totp_device(user)
    first = password_step(client, user, next_url=next_url)
    assert first.status_code == 302 and first.url == CODE, first
    return client.post(CODE, {"code": unused_code(device)})


def staff_pages(claim) -> list[str]:
    return [
        reverse("casework:caseload"),
        reverse("casework:dossier", kwargs={"reference": claim.reference}),
        reverse("casework:team"),
        reverse("casework:expert_home"),
        reverse("casework:commission_queue"),
        reverse("casework:decisions_queue"),
        reverse("casework:objections_queue"),
        reverse("casework:finance_home"),
        reverse("claims:desk"),
        reverse("admin:index"),
    ]


def api_pages(claim) -> list[str]:
    return [reverse("api:claim_list"), reverse("api:claim_detail", kwargs={"reference": claim.reference})]


# --- a password alone reaches no staff page ----------------------------------------------------------------------


@pytest.fixture
def cast_claim():
    cast = Cast()
    return cast, claim_in(cast, "intake")


@pytest.mark.parametrize("has_app", [False, True], ids=["first-login", "app-set-up"])
@pytest.mark.parametrize("role", STAFF_ROLES)
def test_a_password_alone_reaches_no_staff_page(client, cast_claim, role, has_app):
    _cast, claim = cast_claim
    user = UserFactory(role=role, is_staff=True)
    if has_app:
        totp_device(user)

    response = password_step(client, user)

    assert response.status_code == 302 and response.url == (CODE if has_app else SETUP)
    assert not logged_in(client)
    for url in staff_pages(claim):
        page = client.get(url)
        assert page.status_code == 302, f"{role} {url}: {page.status_code}"
        assert page.url.startswith(LOGIN) or page.url.startswith("/admin/login/"), f"{role} {url}: {page.url}"
    for url in api_pages(claim):
        assert client.get(url).status_code in (401, 403), f"{role} {url}"
    assert not logged_in(client)

    # The control: with the second step the same account does get its own landing page.
    if not has_app:
        client.get(SETUP)  # makes the app's key
    client.post(CODE if has_app else SETUP, {"code": unused_code(_app_of(user))})
    assert logged_in(client) and second_factor_passed(client)
    assert client.get(landing_url_for(user)).status_code == 200


def _app_of(user) -> TOTPDevice:
    return TOTPDevice.objects.filter(user=user).latest("pk")


@pytest.mark.parametrize("role", STAFF_ROLES)
def test_the_guard_logs_out_a_staff_session_without_the_second_factor(cast_claim, role):
    _cast, claim = cast_claim
    user = UserFactory(role=role)
    for url in [*staff_pages(claim), *api_pages(claim)]:
        client = Client()
        client.force_login(user)  # both factors (tests/conftest.py) ...
        session = client.session
        del session[DEVICE_ID_SESSION_KEY]  # ... minus the second: as if a session came about another way
        session.save()

        response = client.get(url)

        if url.startswith("/api/"):
            assert response.status_code == 403 and response.json()["code"] == "second_factor_required", url
        else:
            assert response.status_code == 302, url
            assert response.url == f"{LOGIN}?{urlencode({'next': url})}", url
        assert not logged_in(client), url


def test_a_resident_without_the_second_step_is_not_touched_by_the_guard(client):
    user, _person = resident()
    client.force_login(user)
    assert client.get(reverse("claims:portal")).status_code == 200
    assert logged_in(client)


# --- the whole way, with real codes ------------------------------------------------------------------------------


def test_first_login_sets_up_the_app_shows_backup_codes_once_and_then_logs_in_with_codes(client, no_throttle):
    guide = UserFactory(role=R.CASEWORKER)
    assert password_step(client, guide).url == SETUP

    page = client.get(SETUP)
    body = page.content.decode()
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=guide)
    assert not device.confirmed
    # The QR code: inline SVG made on the server, named for screen readers, no inline style (the CSP forbids it).
    svg = SVG.search(body).group(0)
    assert 'role="img"' in svg and 'aria-label="QR-code' in svg and "<title>QR-code" in svg
    assert "style" not in svg and "<img" not in body and "<script>" not in body
    # The key to type over, in groups of four, is the device's key.
    secret = b32encode(device.bin_key).decode()
    grouped = " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))
    assert grouped in body
    assert 'autocomplete="one-time-code"' in body and 'inputmode="numeric"' in body and 'name="code"' in body
    assert "Microsoft Authenticator" in body and "Google Authenticator" in body
    # A reload shows the same key: the QR code already scanned stays good.
    assert grouped in client.get(SETUP).content.decode()
    assert TOTPDevice.objects.filter(user=guide).count() == 1

    wrong = client.post(SETUP, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and WRONG_CODE in wrong.content.decode()
    assert not logged_in(client)

    confirmed = client.post(SETUP, {"code": unused_code(device)})
    assert confirmed.status_code == 302 and confirmed.url == BACKUP
    assert logged_in(client) and second_factor_passed(client)
    device.refresh_from_db()
    assert device.confirmed
    tokens = set(StaticToken.objects.filter(device__user=guide).values_list("token", flat=True))
    assert len(tokens) == 10

    shown = client.get(BACKUP)
    assert shown.status_code == 200
    assert shown["Cache-Control"] and "no-store" in shown["Cache-Control"]
    codes = {a + b for a, b in SHOWN_CODE.findall(shown.content.decode())}
    assert codes == tokens
    assert "Ctrl+P" in shown.content.decode()
    assert f'href="{landing_url_for(guide)}"' in shown.content.decode()
    again = client.get(BACKUP, follow=True)
    assert not SHOWN_CODE.search(again.content.decode())  # once only
    assert "al getoond" in again.content.decode()

    assert client.get("/werk/").status_code == 200
    client.post(reverse("claims:logout"))

    # The next login: password, then the app's code.
    response = log_in_with_code(client, guide)
    assert response.status_code == 302 and response.url == landing_url_for(guide)
    assert logged_in(client) and second_factor_passed(client)
    client.post(reverse("claims:logout"))

    # Phone lost: a backup code instead, which then is used up.
    backup = sorted(tokens)[0]
    password_step(client, guide)
    used = client.post(CODE, {"code": f"{backup[:4]} {backup[4:].upper()}"}, follow=True)
    assert used.redirect_chain[-1][0] == landing_url_for(guide)
    assert "U heeft nog 9 reservecodes" in used.content.decode()
    assert StaticToken.objects.filter(device__user=guide).count() == 9
    client.post(reverse("claims:logout"))

    password_step(client, guide)
    reused = client.post(CODE, {"code": backup})
    assert reused.status_code == 200 and WRONG_CODE in reused.content.decode()
    assert not logged_in(client)


def test_a_staff_member_with_an_app_cannot_set_up_a_second_one_at_login(client):
    guide = UserFactory(role=R.CASEWORKER)
    totp_device(guide)
    password_step(client, guide)
    response = client.get(SETUP)
    assert response.status_code == 302 and response.url == CODE
    assert TOTPDevice.objects.filter(user=guide).count() == 1


def test_a_wrong_code_says_so_and_counts_as_a_failed_login(client):
    guide = UserFactory(role=R.CASEWORKER)
    device = totp_device(guide)
    password_step(client, guide)
    wrong = "000000" if totp_code(device) != "000000" else "111111"

    response = client.post(CODE, {"code": wrong})

    body = response.content.decode()
    assert response.status_code == 200
    assert "Deze code klopt niet. Kijk in uw app en typ de 6 cijfers die u nu ziet." in body
    assert 'id="id_code_error"' in body and 'value="' + wrong + '"' in body  # what was typed stays
    assert not logged_in(client)
    assert AccessAttempt.objects.get(username=guide.username).failures_since_start == 1
    assert login_steps.PENDING_KEY in client.session  # nothing else lost: the next try needs no password


def test_an_empty_or_oversized_code_is_a_field_error_not_a_failed_login(client):
    guide = UserFactory(role=R.CASEWORKER)
    totp_device(guide)
    password_step(client, guide)
    assert "Vul de code in." in client.post(CODE, {"code": ""}).content.decode()
    assert "te lang" in client.post(CODE, {"code": "1" * 500}).content.decode()
    assert client.post(CODE, {"code": "<script>alert(1)</script>"}).status_code == 200
    assert not AccessAttempt.objects.filter(username=guide.username, failures_since_start__gt=1).exists()


def test_a_throttled_app_asks_to_wait(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # the wait after one wrong code: ten minutes, longer than this test
    guide = UserFactory(role=R.CASEWORKER)
    device = totp_device(guide)
    password_step(client, guide)
    client.post(CODE, {"code": "000000" if totp_code(device) != "000000" else "111111"})

    response = client.post(CODE, {"code": unused_code(device)})  # even the right code waits

    assert "Te veel pogingen. Wacht even" in response.content.decode()
    assert not logged_in(client)


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, no_throttle):
    guide = UserFactory(role=R.CASEWORKER)
    device = totp_device(guide)
    password_step(client, guide)
    wrong = "000000" if totp_code(device) != "000000" else "111111"
    answers = [client.post(CODE, {"code": wrong}) for _ in range(settings.AXES_FAILURE_LIMIT)]

    assert [a.status_code for a in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1].status_code == 429  # the lock-out page
    assert login_steps.PENDING_KEY not in client.session
    assert client.get(CODE).url == LOGIN  # the code step is gone: the password again ...
    again = password_step(client, guide)
    assert again.status_code == 429 and not logged_in(client)  # ... which is locked now


def test_an_expired_pending_login_starts_over_with_the_password(client):
    guide = UserFactory(role=R.CASEWORKER)
    device = totp_device(guide)
    password_step(client, guide, next_url="/werk/team/")

    with timeutil.frozen(timeutil.now() + login_steps.PENDING_VALID + login_steps.PENDING_VALID / 5):
        response = client.post(CODE, {"code": unused_code(device)}, follow=True)

    assert response.redirect_chain[0][0] == f"{LOGIN}?{urlencode({'next': '/werk/team/'})}"
    assert "Het inloggen duurde te lang" in response.content.decode()
    assert not logged_in(client)
    assert login_steps.PENDING_KEY not in client.session


def test_the_code_step_without_a_password_first_is_the_login_page(client):
    assert client.get(CODE).url == LOGIN
    assert client.post(CODE, {"code": "123456"}).url == LOGIN
    assert client.get(SETUP).url == LOGIN
    assert client.get(BACKUP).url == LOGIN


# --- session fixation and CSRF --------------------------------------------------------------------------------


def test_the_session_key_changes_at_each_step(client):
    guide = UserFactory(role=R.CASEWORKER)
    device = totp_device(guide)
    planted = client.session  # a session that exists before logging in (one an attacker could have planted)
    planted["planted"] = True
    planted.save()
    before = planted.session_key

    password_step(client, guide)
    pending = client.session.session_key
    client.post(CODE, {"code": unused_code(device)})
    after = client.session.session_key

    assert logged_in(client)
    assert len({before, pending, after}) == 3
    assert not SessionStore().exists(before) and not SessionStore().exists(pending)


def test_both_steps_are_csrf_protected():
    guide = UserFactory(role=R.CASEWORKER)
    device = totp_device(guide)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(LOGIN, {"username": guide.username, "password": PASSWORD}).status_code == 403
    assert not logged_in(strict)

    strict.get(LOGIN)
    token = strict.cookies[settings.CSRF_COOKIE_NAME].value
    assert strict.post(LOGIN, {"username": guide.username, "password": PASSWORD,
                               "csrfmiddlewaretoken": token}).url == CODE
    assert strict.post(CODE, {"code": unused_code(device)}).status_code == 403
    assert strict.post(SETUP, {"code": unused_code(device)}).status_code == 403
    assert not logged_in(strict)
    # The control: with the token the same code logs in.
    assert strict.post(CODE, {"code": unused_code(device), "csrfmiddlewaretoken": token}).status_code == 302
    assert logged_in(strict)


# --- next, the admin, and links in e-mails -------------------------------------------------------------------------


def test_next_is_kept_through_the_steps_and_only_on_this_site(client, cast_claim):
    _cast, claim = cast_claim
    dossier = reverse("casework:dossier", kwargs={"reference": claim.reference})
    for next_url in [dossier, "https://evil.example/phish", "//evil.example/", "javascript:alert(1)"]:
        coordinator = UserFactory(role=R.COORDINATOR)  # one each: an app's code works once
        expected = dossier if next_url == dossier else landing_url_for(coordinator)
        assert log_in_with_code(client, coordinator, next_url=next_url).url == expected, next_url
        client.post(reverse("claims:logout"))


def test_next_is_kept_through_the_first_setup_to_after_the_backup_codes(client):
    expert = UserFactory(role=R.EXPERT)
    password_step(client, expert, next_url="/deskundige/?status=open")
    client.get(SETUP)
    client.post(SETUP, {"code": unused_code(_app_of(expert))})
    shown = client.get(BACKUP).content.decode()
    assert 'href="/deskundige/?status=open"' in shown


def test_the_admin_login_is_ours_with_both_steps(client):
    admin = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    response = client.get(reverse("admin:index"), follow=True)
    assert [url for url, _status in response.redirect_chain] == [
        "/admin/login/?next=/admin/", f"{LOGIN}?{urlencode({'next': '/admin/'})}"]
    assert client.get("/admin/login/?next=https://evil.example/").url == f"{LOGIN}?{urlencode({'next': '/admin/'})}"

    assert password_step(client, admin, next_url="/admin/").url == SETUP  # an admin is staff: two steps
    assert client.get("/admin/").status_code == 302 and not logged_in(client)
    client.get(SETUP)
    client.post(SETUP, {"code": unused_code(_app_of(admin))})
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_does_not_loop_for_someone_logged_in_without_admin_rights(client):
    user, _person = resident()
    client.force_login(user)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def test_a_link_that_logs_in_waits_for_the_code_too(client):
    """The e-mail confirmation logs in by itself; an account with a second step goes to the code step instead."""
    accounts.resident_register(name="Maria Janssen", email="maria@example.nl", password=PASSWORD,
                               preferred_channel="paper", language="nl", privacy_accepted=True)
    mail = OutgoingEmail.objects.get(purpose="verify_email")
    path = re.search(r"https?://[^/\s]+(/registreren/bevestigen/[\w-]+/)", mail.body).group(1)
    totp_device(Person.objects.get(email="maria@example.nl").user)

    response = client.post(path)

    assert response.status_code == 302 and response.url == CODE
    assert not logged_in(client)


# --- residents choose ----------------------------------------------------------------------------------------------


def test_a_resident_switches_the_second_step_on_and_off(client, no_throttle):
    user, _person = resident()
    client.force_login(user)
    preferences = client.get(reverse("claims:preferences")).content.decode()
    assert "Inloggen in twee stappen" in preferences and "Staat uit." in preferences
    assert f'href="{SETUP}"' in preferences

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    confirmed = client.post(SETUP, {"code": unused_code(device)})
    assert confirmed.url == BACKUP
    assert f'href="{reverse("claims:preferences")}"' in client.get(BACKUP).content.decode()
    preferences = client.get(reverse("claims:preferences")).content.decode()
    assert "Staat aan." in preferences and "nog 10 reservecodes" in preferences
    client.post(reverse("claims:logout"))

    # From now on the password alone is not enough.
    assert password_step(client, user).url == CODE and not logged_in(client)
    assert client.post(CODE, {"code": unused_code(device)}).url == landing_url_for(user)
    assert logged_in(client)

    # Off again, only with the password.
    off = reverse("claims:two_factor_off")
    refused = client.post(off, {"password": "niet mijn wachtwoord"})
    assert refused.status_code == 200 and "Dit wachtwoord klopt niet" in refused.content.decode()
    assert TOTPDevice.objects.filter(user=user).exists()
    assert client.post(off, {"password": PASSWORD}).url == reverse("claims:preferences")
    assert not TOTPDevice.objects.filter(user=user).exists() and not StaticDevice.objects.filter(user=user).exists()
    client.post(reverse("claims:logout"))

    assert password_step(client, user).url == landing_url_for(user)
    assert logged_in(client)


def test_staff_cannot_switch_the_second_step_off(client):
    guide = UserFactory(role=R.CASEWORKER)
    client.force_login(guide)
    assert client.post(reverse("claims:two_factor_off"), {"password": PASSWORD}).status_code == 403
    assert TOTPDevice.objects.filter(user=guide, confirmed=True).exists()
