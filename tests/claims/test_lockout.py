"""Login lock-out (issue 7, item 1): after AXES_FAILURE_LIMIT wrong passwords through the real login page the
account is locked, even for the right password, and the answer is our lock-out page (429, in plain Dutch). Other
accounts go on as before; the lock lifts after the cool-off. A made-up name is locked after the same number of tries
and gets the same pages, so the lock-out tells a guesser nothing about which accounts exist.

The lock is checked at the password step, before any second-factor code, so staff are locked the same way.
Time: axes reads django.utils.timezone.now and compares it with AccessAttempt.attempt_time, so the tests age those
rows instead of moving a clock."""

import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims import lockout
from claims import roles as R
from claims.letter_content import general_phone
from tests.factories import PASSWORD, UserFactory, resident

pytestmark = pytest.mark.django_db

WRONG = "niet het goede wachtwoord"
LOCKED_TITLE = "U kunt even niet inloggen"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def log_in(client: Client, username: str, password: str):
    return client.post(reverse("claims:login"), {"username": username, "password": password})


def fail_until_locked(client: Client, username: str) -> list:
    """The limit's worth of wrong passwords; every answer is kept."""
    return [log_in(client, username, WRONG) for _ in range(settings.AXES_FAILURE_LIMIT)]


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def age_attempts(username: str, by: dt.timedelta) -> None:
    AccessAttempt.objects.filter(username=username).update(attempt_time=F("attempt_time") - by)


def comparable(response) -> str:
    """The page without what differs per request anyway (the CSRF token)."""
    return CSRF_INPUT.sub("", response.content.decode())


def test_the_limit_of_wrong_passwords_locks_the_account_even_for_the_right_password(client):
    user, _person = resident()
    answers = fail_until_locked(client, user.username)

    assert [a.status_code for a in answers[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert all("wachtwoord klopt niet" in a.content.decode() for a in answers[:-1])
    assert answers[-1].status_code == 429  # the try that reaches the limit already gets the lock-out page
    assert LOCKED_TITLE in answers[-1].content.decode()

    right = log_in(client, user.username, PASSWORD)
    assert right.status_code == 429
    assert not logged_in(client)
    assert not logged_in(Client()) and log_in(Client(), user.username, PASSWORD).status_code == 429


def test_the_lockout_page_explains_in_plain_dutch_what_to_do(client):
    user, _person = resident()
    fail_until_locked(client, user.username)
    response = log_in(client, user.username, PASSWORD)

    assert response.status_code == 429
    # The login page was rendered first; axes' middleware put the lock-out page in its place.
    assert "claims/accounts/locked_out.html" in {template.name for template in response.templates}
    body = response.content.decode()
    minutes = lockout.cool_off_minutes()
    assert minutes == round(settings.AXES_COOLOFF_TIME * 60)
    assert f"Wacht {minutes} minuten. Daarna kunt u weer inloggen." in body
    assert "dan begint de wachttijd opnieuw" in body.lower()
    phone = general_phone()
    assert f'<a href="tel:{phone.replace(" ", "")}">{phone}</a>' in body
    assert "Vraag of wij de blokkade opheffen." in body
    assert f'href="{reverse("claims:password_reset")}"' in body
    assert "Wachtwoord vergeten" in body
    assert response["Retry-After"] == str(int(lockout.cool_off().total_seconds()))
    assert "no-store" in response["Cache-Control"]
    # Nothing about the account: not the name typed, not the person.
    assert user.username not in body
    assert _person.name not in body


def test_other_accounts_are_not_affected(client):
    locked, _ = resident()
    other, _ = resident()
    fail_until_locked(client, locked.username)

    response = log_in(client, other.username, PASSWORD)  # from the same browser and address

    assert response.status_code == 302
    assert response["Location"] == reverse("claims:portal")
    assert logged_in(client)


def test_staff_are_locked_too_before_any_second_step(client):
    guide = UserFactory(role=R.CASEWORKER)
    answers = fail_until_locked(client, guide.username)
    assert answers[-1].status_code == 429

    response = log_in(client, guide.username, PASSWORD)

    assert response.status_code == 429
    assert LOCKED_TITLE in response.content.decode()
    assert not logged_in(client)


def test_after_the_cool_off_the_right_password_works_again(client):
    user, _ = resident()
    fail_until_locked(client, user.username)

    # A minute before the end the lock holds (and that try, too, starts the wait again).
    age_attempts(user.username, lockout.cool_off() - dt.timedelta(minutes=1))
    assert log_in(client, user.username, PASSWORD).status_code == 429
    [renewed] = lockout.current_locks()
    assert renewed.opens_at > timezone.now() + lockout.cool_off() - dt.timedelta(minutes=1)

    age_attempts(user.username, lockout.cool_off() + dt.timedelta(seconds=1))
    response = log_in(client, user.username, PASSWORD)

    assert response.status_code == 302
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username=user.username).exists()  # reset on success


def test_a_success_in_between_starts_the_count_again(client):
    user, _ = resident()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, user.username, WRONG).status_code == 200
    assert log_in(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("claims:logout"))

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, user.username, WRONG).status_code == 200
    assert log_in(client, user.username, PASSWORD).status_code == 302


def test_a_made_up_name_is_locked_just_like_a_real_one():
    """Same statuses, same pages, at the same try: the lock-out does not tell which accounts exist."""
    real, _ = resident(username="jan.real@example.nl", email="jan.real@example.nl")
    made_up = "jan.fake@example.nl"
    real_client, fake_client = Client(), Client()

    real_answers = fail_until_locked(real_client, real.username)
    fake_answers = fail_until_locked(fake_client, made_up)

    assert [a.status_code for a in real_answers] == [a.status_code for a in fake_answers]
    for real_answer, fake_answer in zip(real_answers, fake_answers, strict=True):
        assert comparable(real_answer).replace(real.username, made_up) == comparable(fake_answer)
    after_real = log_in(real_client, real.username, PASSWORD)
    after_fake = log_in(fake_client, made_up, PASSWORD)
    assert after_real.status_code == after_fake.status_code == 429
    assert comparable(after_real) == comparable(after_fake)
    assert AccessAttempt.objects.filter(username=made_up).exists()


def test_the_name_is_counted_as_the_login_reads_it():
    """Residents' e-mail addresses are compared in lower case: capitals do not give an attacker fresh tries."""
    user, _ = resident(username="truus@example.nl", email="truus@example.nl")
    client = Client()
    for number in range(settings.AXES_FAILURE_LIMIT):
        typed = "Truus@Example.nl" if number % 2 else " TRUUS@example.NL "
        last = log_in(client, typed, WRONG)
    assert last.status_code == 429
    assert log_in(Client(), user.username, PASSWORD).status_code == 429


def test_the_current_locks_are_what_axes_enforces(client):
    locked, _ = resident()
    almost, _ = resident()
    fail_until_locked(client, locked.username)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, almost.username, WRONG)

    locks = {lock.username: lock for lock in lockout.current_locks()}

    assert set(locks) == {locked.username}
    lock = locks[locked.username]
    assert lock.failures == settings.AXES_FAILURE_LIMIT
    assert lock.opens_at == lock.last_attempt + lockout.cool_off()
    age_attempts(locked.username, lockout.cool_off() + dt.timedelta(seconds=1))
    assert lockout.current_locks() == []
