"""Accounts: registration, e-mail verification, login rules, password reset, activation, preferences."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import NoReverseMatch, reverse

from claims import accounts, roles, timeutil
from claims import roles as R
from claims.accounts import AccountRefused
from claims.models import AccessCode, OutgoingEmail, Person
from claims.views.accounts import landing_url_for
from tests.factories import PASSWORD, PersonFactory, UserFactory, resident
from tests.twofactor import totp_device, unused_code

pytestmark = pytest.mark.django_db

User = get_user_model()
NEW_PASSWORD = "kolenmijn schacht lamp"
VERIFY_LINK = re.compile(r"https?://[^/\s]+(/registreren/bevestigen/[\w-]+/)")
RESET_LINK = re.compile(r"https?://[^/\s]+(/wachtwoord-vergeten/nieuw/[\w-]+/[\w-]+/)")


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # Registration hashes for real; MD5 keeps these tests fast, PBKDF2 still checks the factories' hash.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                                 "django.contrib.auth.hashers.PBKDF2PasswordHasher"]


def register(client, **overrides):
    data = {"name": "Maria Janssen", "email": "Maria.Janssen@Example.nl", "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD, "preferred_channel": "paper", "language": "nl", "privacy_accepted": "on",
            **overrides}
    return client.post(reverse("claims:register"), data)


def login(client, username, password=NEW_PASSWORD, **extra):
    return client.post(reverse("claims:login"), {"username": username, "password": password, **extra})


def verify_path(email: OutgoingEmail) -> str:
    return VERIFY_LINK.search(email.body).group(1)


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def url_or_home(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse("claims:home")


def verified_resident():
    user, person = resident()
    person.email_verified_at = person.created_at
    person.save()
    return user, person


# --- registration and verification -----------------------------------------------------------------------


def test_register_creates_user_person_group_and_queues_the_verification_link(client):
    response = register(client, preferred_channel="digital", language="en")

    assert response.status_code == 302 and response.url == reverse("claims:check_email")
    user = User.objects.get(username="maria.janssen@example.nl")
    assert user.email == "maria.janssen@example.nl"
    assert user.check_password(NEW_PASSWORD)
    assert roles.has_role(user, R.RESIDENT)
    person = user.person
    assert (person.name, person.email, person.language) == ("Maria Janssen", "maria.janssen@example.nl", "en")
    assert person.preferred_channel == "digital" and person.digital_consent_at is not None
    assert person.email_verified_at is None

    code = AccessCode.objects.get(person=person, purpose="verify_email")
    assert code.expires_at - code.created_at == pytest.approx(dt.timedelta(hours=72), abs=dt.timedelta(seconds=5))
    mail = OutgoingEmail.objects.get(to="maria.janssen@example.nl", purpose="verify_email")
    token = verify_path(mail).split("/")[-2]
    assert token not in code.code_hash and len(code.code_hash) == 64  # only the hash is stored


@pytest.mark.parametrize("language,expiry", [("nl", "vrijdag 4 december 2026"), ("en", "Friday 4 December 2026")])
def test_the_verification_email_is_written_in_the_language_chosen(client, language, expiry):
    with timeutil.frozen(dt.datetime(2026, 12, 1, 10, 0)):
        register(client, language=language)
    body = OutgoingEmail.objects.get(purpose="verify_email").body
    assert expiry in body  # Django's own date names follow the override; our .po files follow later
    assert "Maria Janssen" in body


def test_login_is_refused_before_verification_and_allowed_after(client):
    register(client)
    mail = OutgoingEmail.objects.get(purpose="verify_email")

    refused = login(client, "maria.janssen@example.nl")
    assert refused.status_code == 200
    assert "_auth_user_id" not in client.session
    assert refused.context["form"].email_unverified
    assert "nog niet bevestigd" in refused.content.decode()
    assert reverse("claims:resend_verification") in refused.content.decode()

    page = client.get(verify_path(mail))
    assert page.status_code == 200 and b"Bevestig mijn e-mailadres" in page.content
    assert Person.objects.get().email_verified_at is None  # opening the link alone changes nothing

    confirmed = client.post(verify_path(mail))
    assert confirmed.status_code == 302 and confirmed.url == url_or_home("claims:portal")
    assert Person.objects.get().email_verified_at is not None
    assert int(client.session["_auth_user_id"]) == User.objects.get().pk  # logged in by the link

    fresh = Client()
    allowed = login(fresh, "Maria.Janssen@example.NL")  # the address in any case
    assert allowed.status_code == 302
    assert int(fresh.session["_auth_user_id"]) == User.objects.get().pk


def test_a_wrong_password_gives_one_message_for_unknown_and_known_addresses(client):
    register(client)
    wrong = login(client, "maria.janssen@example.nl", password="fout wachtwoord 1")
    unknown = login(client, "niemand@example.nl", password="fout wachtwoord 1")
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()
    assert not wrong.context["form"].email_unverified  # the unverified hint needs the right password


def test_the_verification_link_works_once(client):
    register(client)
    path = verify_path(OutgoingEmail.objects.get(purpose="verify_email"))
    assert client.post(path).status_code == 302
    first_verified_at = Person.objects.get().email_verified_at

    again = Client().post(path)
    assert again.status_code == 200
    assert "al bevestigd" in again.content.decode()
    assert "_auth_user_id" not in again.wsgi_request.session  # a used link logs nobody in
    assert Person.objects.get().email_verified_at == first_verified_at
    assert AccessCode.objects.get().used_at is not None


def test_an_expired_link_says_so_and_offers_a_new_one(client):
    with timeutil.frozen(dt.datetime(2026, 3, 2, 9, 0)):
        register(client)
    path = verify_path(OutgoingEmail.objects.get(purpose="verify_email"))
    AccessCode.objects.update(expires_at=timeutil.now() - dt.timedelta(minutes=1))

    response = client.post(path)
    assert response.status_code == 410
    assert "verlopen" in response.content.decode()
    assert reverse("claims:resend_verification") in response.content.decode()
    assert Person.objects.get().email_verified_at is None

    client.post(reverse("claims:resend_verification"), {"email": "maria.janssen@example.nl"})
    newest = OutgoingEmail.objects.filter(purpose="verify_email").order_by("-pk").first()
    assert verify_path(newest) != path
    assert Client().post(verify_path(newest)).status_code == 302
    assert Person.objects.get().email_verified_at is not None


def test_an_unknown_link_is_a_clear_404(client):
    response = client.get(reverse("claims:verify_email", kwargs={"token": "niet-een-echte-code"}))
    assert response.status_code == 404
    assert "klopt niet" in response.content.decode()


def test_a_registered_address_is_not_revealed_and_gets_a_reset_hint_instead(client):
    register(client)
    first_page = without_csrf(client.get(reverse("claims:check_email")))

    response = register(Client(), name="Iemand Anders", email="MARIA.JANSSEN@example.nl",
                        password1="een ander wachtwoord", password2="een ander wachtwoord")
    assert response.status_code == 302 and response.url == reverse("claims:check_email")
    assert without_csrf(Client().get(response.url)) == first_page
    assert User.objects.count() == 1 and Person.objects.count() == 1
    hint = OutgoingEmail.objects.get(purpose="account_exists")
    assert hint.to == "maria.janssen@example.nl"
    assert "/wachtwoord-vergeten/" in hint.body
    assert OutgoingEmail.objects.filter(purpose="verify_email").count() == 1


def test_the_already_registered_mail_is_rate_limited(client):
    user, _ = verified_resident()
    for _attempt in range(5):
        register(Client(), email=user.email)
    assert OutgoingEmail.objects.filter(purpose="account_exists", to=user.email).count() == accounts.MAILS_PER_HOUR


def test_resend_is_silent_for_unknown_addresses_and_limited_to_three_codes_an_hour(client):
    register(client)
    unknown = client.post(reverse("claims:resend_verification"), {"email": "niemand@example.nl"})
    known = client.post(reverse("claims:resend_verification"), {"email": "maria.janssen@example.nl"})
    assert unknown.status_code == known.status_code == 302 and unknown.url == known.url
    for _attempt in range(5):
        client.post(reverse("claims:resend_verification"), {"email": "maria.janssen@example.nl"})
    assert AccessCode.objects.filter(purpose="verify_email").count() == accounts.MAILS_PER_HOUR
    assert OutgoingEmail.objects.filter(purpose="verify_email").count() == accounts.MAILS_PER_HOUR


@pytest.mark.parametrize("overrides,field,message", [
    ({"password2": "iets heel anders 9"}, "password2", "niet gelijk"),
    ({"password1": "kort", "password2": "kort"}, "password1", "8"),
    ({"password1": "password123", "password2": "password123"}, "password1", ""),
    ({"email": "geen-adres"}, "email", "naam@voorbeeld.nl"),
    ({"privacy_accepted": ""}, "privacy_accepted", "toestemming"),
    ({"name": ""}, "name", "naam"),
])
def test_bad_input_is_refused_per_field_and_kept(client, overrides, field, message):
    response = register(client, **overrides)
    form = response.context["form"]
    assert response.status_code == 200 and field in form.errors
    assert message in " ".join(form.errors[field])
    assert form["name"].value() == overrides.get("name", "Maria Janssen")  # nothing lost
    assert not User.objects.exists()


def test_forms_are_csrf_protected():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("claims:register"), {}).status_code == 403
    assert strict.post(reverse("claims:login"), {}).status_code == 403
    assert strict.post(reverse("claims:activate"), {}).status_code == 403


def test_accounts_made_by_staff_are_not_held_back(client):
    # Factories, the admin and the demo never sent a verification code: those residents log in as before.
    user, _ = resident()
    assert login(client, user.username, password=PASSWORD).status_code == 302


# --- logging in and out ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role,expected", [
    (R.RESIDENT, lambda: url_or_home("claims:portal")),
    (R.DESK, lambda: url_or_home("claims:desk")),
    (R.CASEWORKER, lambda: "/werk/"),
    (R.COORDINATOR, lambda: "/werk/"),
    (R.EXPERT, lambda: "/deskundige/"),
    (R.COMMISSION, lambda: url_or_home("casework:commission_queue")),
    (R.DECISION_MAKER, lambda: url_or_home("casework:decisions_queue")),
    (R.FINANCE, lambda: url_or_home("casework:finance_home")),
])
def test_the_landing_page_follows_the_role(client, role, expected):
    user = UserFactory(role=role)
    if role != R.RESIDENT:  # staff: after the password the code from the app (tests/claims/test_two_factor.py)
        device = totp_device(user)
        assert login(client, user.username, password=PASSWORD).url == reverse("claims:login_code")
        response = client.post(reverse("claims:login_code"), {"code": unused_code(device)})
    else:
        response = login(client, user.username, password=PASSWORD)
    assert response.status_code == 302
    assert response.url == expected() == landing_url_for(user)


def test_a_next_on_another_host_is_ignored_and_one_on_this_site_is_followed(client):
    user, _ = verified_resident()
    evil = login(client, user.username, password=PASSWORD, next="https://evil.example/phish")
    assert evil.url == landing_url_for(user)
    client.logout()
    protocol_relative = login(client, user.username, password=PASSWORD, next="//evil.example/")
    assert protocol_relative.url == landing_url_for(user)
    client.logout()
    own = login(client, user.username, password=PASSWORD, next=reverse("claims:preferences"))
    assert own.url == reverse("claims:preferences")


def test_logout_is_post_only(client):
    user, _ = verified_resident()
    client.force_login(user)
    assert client.get(reverse("claims:logout")).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(reverse("claims:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_logging_in_switches_to_the_residents_language(client):
    user, person = verified_resident()
    person.language = "en"
    person.save()
    response = login(client, user.username, password=PASSWORD)
    assert response.cookies["django_language"].value == "en"


# --- password reset --------------------------------------------------------------------------------------


def test_password_reset_goes_through_the_outbox_and_completes(client):
    user, person = verified_resident()
    response = client.post(reverse("claims:password_reset"), {"email": user.email.upper()})
    assert response.status_code == 302 and response.url == reverse("claims:password_reset_done")
    mail = OutgoingEmail.objects.get(purpose="password_reset")
    assert mail.to == user.email and person.name in mail.body

    link = RESET_LINK.search(mail.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("claims:password_reset_complete")
    assert login(Client(), user.username, password=NEW_PASSWORD).status_code == 302
    assert Client().get(link, follow=True).context["validlink"] is False  # the link works once


def test_a_completed_reset_also_confirms_the_email_address(client):
    register(client)
    assert login(Client(), "maria.janssen@example.nl").context["form"].email_unverified
    client.post(reverse("claims:password_reset"), {"email": "maria.janssen@example.nl"})
    link = RESET_LINK.search(OutgoingEmail.objects.get(purpose="password_reset").body).group(1)
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0],
                {"new_password1": "nieuw mijnwater", "new_password2": "nieuw mijnwater"})
    assert Person.objects.get().email_verified_at is not None
    assert login(Client(), "maria.janssen@example.nl", password="nieuw mijnwater").status_code == 302


def test_password_reset_reveals_nothing_and_is_rate_limited(client):
    user, _ = verified_resident()
    unknown = client.post(reverse("claims:password_reset"), {"email": "niemand@example.nl"})
    assert unknown.status_code == 302 and unknown.url == reverse("claims:password_reset_done")
    for _attempt in range(5):
        client.post(reverse("claims:password_reset"), {"email": user.email})
    assert OutgoingEmail.objects.filter(purpose="password_reset").count() == accounts.MAILS_PER_HOUR
    assert not OutgoingEmail.objects.filter(to="niemand@example.nl").exists()


# --- activation of a claim filed at the desk ------------------------------------------------------------


def activate(client, code, **overrides):
    data = {"code": code, "email": "jan.smeets@example.nl", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
            "preferred_channel": "digital", "language": "nl", "privacy_accepted": "on", **overrides}
    return client.post(reverse("claims:activate"), data)


def test_an_activation_code_is_readable_and_only_its_hash_is_stored():
    person = PersonFactory(email="jan.smeets@example.nl")
    code = accounts.activation_code_issue(person=person)
    assert re.fullmatch(r"[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", code)
    stored = AccessCode.objects.get(person=person, purpose="activate")
    assert code.replace("-", "") not in stored.code_hash and len(stored.code_hash) == 64
    assert stored.expires_at - stored.created_at == pytest.approx(dt.timedelta(days=90), abs=dt.timedelta(seconds=5))


def test_activation_creates_the_linked_account_and_uses_the_code(client):
    person = PersonFactory(name="Jan Smeets", email="")
    code = accounts.activation_code_issue(person=person)

    response = activate(client, code.lower().replace("-", " "))  # typed loosely
    assert response.status_code == 302 and response.url == url_or_home("claims:portal")
    person.refresh_from_db()
    user = person.user
    assert user.username == user.email == person.email == "jan.smeets@example.nl"
    assert roles.has_role(user, R.RESIDENT) and user.check_password(NEW_PASSWORD)
    assert person.preferred_channel == "digital" and person.digital_consent_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk  # the paper code is proof enough for now
    assert AccessCode.objects.get(purpose="activate").used_at is not None
    assert OutgoingEmail.objects.filter(purpose="verify_email", to=user.email).exists()

    assert activate(Client(), code, email="ander@example.nl").status_code == 200  # used: not twice
    assert User.objects.count() == 1


def test_after_activation_later_logins_wait_for_the_email_check(client):
    person = PersonFactory(email="jan.smeets@example.nl")
    activate(client, accounts.activation_code_issue(person=person))
    assert login(Client(), "jan.smeets@example.nl").context["form"].email_unverified
    Client().post(verify_path(OutgoingEmail.objects.get(purpose="verify_email")))
    assert login(Client(), "jan.smeets@example.nl").status_code == 302


def test_five_wrong_codes_void_the_code_with_one_generic_message(client):
    person = PersonFactory(email="jan.smeets@example.nl")
    code = accounts.activation_code_issue(person=person)
    messages = set()
    for attempt in range(accounts.ACTIVATION_MAX_ATTEMPTS):
        response = activate(client, "2222-3333-4444")
        messages.add(tuple(response.context["form"].non_field_errors()))
        assert AccessCode.objects.get().attempts == attempt + 1
    assert messages == {(str(accounts.INVALID_ACTIVATION),)}

    right_but_void = activate(client, code)
    assert right_but_void.status_code == 200
    assert right_but_void.context["form"].non_field_errors() == [str(accounts.INVALID_ACTIVATION)]
    person.refresh_from_db()
    assert person.user is None


def test_a_new_code_voids_the_old_one(client):
    person = PersonFactory(email="jan.smeets@example.nl")
    old = accounts.activation_code_issue(person=person)
    new = accounts.activation_code_issue(person=person)
    assert old != new
    assert activate(client, old).status_code == 200
    assert activate(client, new).status_code == 302
    person.refresh_from_db()
    assert person.user is not None


def test_a_code_is_only_issued_to_someone_without_an_account():
    _, person = resident()
    with pytest.raises(AccountRefused):
        accounts.activation_code_issue(person=person)


def test_activating_with_an_address_that_has_an_account_keeps_the_code(client):
    other, _ = verified_resident()
    person = PersonFactory(email="jan.smeets@example.nl")
    code = accounts.activation_code_issue(person=person)
    response = activate(client, code, email=other.email)
    assert "email" in response.context["form"].errors
    stored = AccessCode.objects.get(purpose="activate")
    assert stored.used_at is None and stored.attempts == 0
    assert activate(client, code).status_code == 302


def test_a_malformed_code_is_a_field_error_and_no_attempt(client):
    person = PersonFactory(email="jan.smeets@example.nl")
    accounts.activation_code_issue(person=person)
    response = activate(client, "K7QM-3XPA")
    assert "12 letters" in " ".join(response.context["form"].errors["code"])
    assert AccessCode.objects.get().attempts == 0


# --- preferences -----------------------------------------------------------------------------------------


def test_preferences_record_and_clear_the_digital_consent(client):
    user, person = verified_resident()
    client.force_login(user)
    page = client.get(reverse("claims:preferences"))
    assert page.status_code == 200

    data = {"preferred_channel": "digital", "language": "en", "phone": "045 123 45 67",
            "postal_address": "Postbus 1\n6400 AA Heerlen"}
    response = client.post(reverse("claims:preferences"), data)
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    person.refresh_from_db()
    assert person.preferred_channel == "digital" and person.digital_consent_at is not None
    assert (person.language, person.phone) == ("en", "045 123 45 67")
    consent = person.digital_consent_at

    client.post(reverse("claims:preferences"), {**data, "phone": "06 12345678"})
    person.refresh_from_db()
    assert person.digital_consent_at == consent  # staying digital keeps the first consent date

    client.post(reverse("claims:preferences"), {**data, "preferred_channel": "paper"})
    person.refresh_from_db()
    assert person.preferred_channel == "paper" and person.digital_consent_at is None


def test_preferences_are_for_residents_only(client):
    assert client.get(reverse("claims:preferences")).status_code == 302  # to the login page
    client.force_login(UserFactory(role=R.DESK))
    assert client.get(reverse("claims:preferences")).status_code == 403
