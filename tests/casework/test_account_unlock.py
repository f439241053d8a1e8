"""The coordinator's help with logging in (issue 7, item 1): the page /werk/team/inloggen/ lists the accounts locked
out now; "Ontgrendelen" lets the person in at once; "Tweede stap opnieuw instellen" removes a staff member's
authenticator app and reserve codes. Both are recorded (Django's admin log: who, which account, when). Only a
coordinator may do either: every other role gets 403, on the page and in the services."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.services.accounts import (
    SECOND_FACTOR_RESET,
    UNLOCKED,
    AccountActionRefused,
    login_unlock,
    second_factor_reset,
)
from claims import lockout
from claims import roles as R
from claims.errors import TransitionForbidden
from tests.factories import PASSWORD, UserFactory, resident
from tests.twofactor import totp_device

pytestmark = pytest.mark.django_db

PAGE = "casework:team_logins"
WRONG = "niet het goede wachtwoord"
OTHER_ROLES = sorted(set(R.ALL_ROLES) - {R.COORDINATOR})


def log_in(username: str, password: str, client: Client | None = None):
    return (client or Client()).post(reverse("claims:login"), {"username": username, "password": password})


def lock(username: str) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(username, WRONG, client)
    assert response.status_code == 429


def logged_in_as(coordinator) -> Client:
    client = Client()
    client.force_login(coordinator)
    return client


def with_second_factor(user) -> None:
    totp_device(user)
    reserve = StaticDevice.objects.create(user=user, name="reservecodes", confirmed=True)
    StaticToken.objects.create(device=reserve, token="abcd1234")


def unlock_url(user) -> str:
    return reverse("casework:team_login_unlock", kwargs={"pk": user.pk})


def reset_url(user) -> str:
    return reverse("casework:team_login_second_factor_reset", kwargs={"pk": user.pk})


@pytest.fixture
def coordinator():
    return UserFactory(role=R.COORDINATOR, first_name="Mieke", last_name="Lemmens")


# --- the page -------------------------------------------------------------------------------------------------

def test_the_page_lists_locked_accounts_with_when_and_how_many(coordinator):
    locked, person = resident()
    guide = UserFactory(role=R.CASEWORKER, first_name="Sanne", last_name="Hermans")
    almost, _ = resident()
    lock(locked.username)
    lock(guide.username)
    lock("niemand@example.nl")  # a name without an account: counted, not listed
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(almost.username, WRONG)

    response = logged_in_as(coordinator).get(reverse(PAGE))

    assert response.status_code == 200
    rows = {row["account"].pk: row for row in response.context["locked"]}
    assert set(rows) == {locked.pk, guide.pk}
    assert rows[locked.pk]["lock"].failures == settings.AXES_FAILURE_LIMIT
    assert rows[locked.pk]["account"].display_name == person.name
    assert rows[guide.pk]["account"].role_labels == ["Zaakbegeleider"]
    assert response.context["unknown_locked"] == 1
    body = response.content.decode()
    assert person.name in body and "Sanne Hermans" in body
    assert unlock_url(locked) in body and unlock_url(guide) in body
    assert unlock_url(almost) not in body
    assert "niemand@example.nl" not in body
    assert "Daarnaast is 1 naam geblokkeerd waarbij geen account hoort" in body
    assert "Ontgrendelen" in body


def test_the_team_page_links_to_it(coordinator):
    response = logged_in_as(coordinator).get(reverse("casework:team"))
    assert f'href="{reverse(PAGE)}"' in response.content.decode()


def test_the_page_lists_staff_and_their_second_factor(coordinator):
    with_app = UserFactory(role=R.EXPERT, first_name="Jos", last_name="Vroemen")
    with_second_factor(with_app)
    without = UserFactory(role=R.FINANCE, first_name="Ria", last_name="Custers")
    resident_user, _ = resident()

    response = logged_in_as(coordinator).get(reverse(PAGE))

    staff = {member.pk: member for member in response.context["staff"]}
    assert {with_app.pk, without.pk, coordinator.pk} <= set(staff)
    assert resident_user.pk not in staff
    assert staff[with_app.pk].has_device and not staff[without.pk].has_device
    body = response.content.decode()
    assert reset_url(with_app) in body
    assert reset_url(without) not in body  # nothing to clear
    assert reset_url(coordinator) not in body  # not one's own


def test_the_page_needs_the_same_queries_for_many_accounts(coordinator):
    def add(role: str) -> None:
        member = UserFactory(role=role)
        with_second_factor(member)
        lock(member.username)
        second_factor_reset(user=member, actor=coordinator)  # a line in "what coordinators did"
        with_second_factor(member)

    def queries() -> int:
        client = logged_in_as(coordinator)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(PAGE)).status_code == 200
        return len(captured)

    add(R.DESK)
    first = queries()
    for role in (R.CASEWORKER, R.EXPERT, R.COMMISSION, R.FINANCE):
        add(role)
    assert len(lockout.current_locks()) == 5
    assert queries() == first


# --- unlocking ------------------------------------------------------------------------------------------------

def test_the_coordinator_unlocks_and_the_person_logs_in_at_once(coordinator):
    user, person = resident()
    lock(user.username)
    assert log_in(user.username, PASSWORD).status_code == 429

    client = logged_in_as(coordinator)
    response = client.post(unlock_url(user), follow=True)

    assert response.redirect_chain == [(reverse(PAGE), 302)]
    assert f"{person.name} kan weer inloggen." in response.content.decode()
    assert response.context["locked"] == []
    answer = log_in(user.username, PASSWORD)
    assert answer.status_code == 302 and answer["Location"] == reverse("claims:portal")
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.action_flag, entry.change_message) == (
        coordinator, str(user.pk), CHANGE, UNLOCKED)
    assert entry.content_type.model_class() is type(user)
    recent = response.context["recent"]
    assert [(r["label"], r["by"], r["account"].pk) for r in recent] == [("Blokkade opgeheven", "Mieke Lemmens",
                                                                          user.pk)]


def test_unlocking_an_account_that_is_not_locked_changes_and_records_nothing(coordinator):
    user, _ = resident()
    response = logged_in_as(coordinator).post(unlock_url(user), follow=True)
    assert "was niet geblokkeerd" in response.content.decode()
    assert not LogEntry.objects.exists()


def test_unlocking_one_account_leaves_the_others_locked(coordinator):
    first, _ = resident()
    second, _ = resident()
    lock(first.username)
    lock(second.username)

    login_unlock(user=first, actor=coordinator)

    assert log_in(first.username, PASSWORD).status_code == 302
    assert log_in(second.username, PASSWORD).status_code == 429


def test_a_staff_account_is_unlocked_too(coordinator):
    guide = UserFactory(role=R.CASEWORKER)
    lock(guide.username)
    assert login_unlock(user=guide, actor=coordinator) > 0
    assert [lock.username for lock in lockout.current_locks()] == []
    assert log_in(guide.username, PASSWORD).status_code != 429


def test_an_unlocked_staff_member_goes_on_to_the_code_step(coordinator):
    guide = UserFactory(role=R.CASEWORKER)
    totp_device(guide)
    lock(guide.username)
    login_unlock(user=guide, actor=coordinator)

    response = log_in(guide.username, PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("claims:login_code")


def test_after_clearing_the_staff_member_sets_up_a_new_app_at_the_next_login(coordinator):
    guide = UserFactory(role=R.CASEWORKER)
    with_second_factor(guide)
    assert log_in(guide.username, PASSWORD)["Location"] == reverse("claims:login_code")

    second_factor_reset(user=guide, actor=coordinator)
    response = log_in(guide.username, PASSWORD)

    assert response.status_code == 302 and response["Location"] == reverse("claims:two_factor_setup")


def test_an_unlock_after_the_cool_off_is_harmless(coordinator):
    user, _ = resident()
    lock(user.username)
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - lockout.cool_off() - dt.timedelta(seconds=1))
    assert lockout.current_locks() == []
    logged_in_as(coordinator).post(unlock_url(user))
    assert log_in(user.username, PASSWORD).status_code == 302


# --- a new second factor --------------------------------------------------------------------------------------

def test_clearing_the_second_factor_removes_app_and_reserve_codes_and_is_recorded(coordinator):
    guide = UserFactory(role=R.CASEWORKER, first_name="Sanne", last_name="Hermans")
    with_second_factor(guide)
    bystander = UserFactory(role=R.CASEWORKER)
    with_second_factor(bystander)

    response = logged_in_as(coordinator).post(reset_url(guide), follow=True)

    assert response.redirect_chain == [(reverse(PAGE), 302)]
    assert "De tweede stap van Sanne Hermans is gewist." in response.content.decode()
    assert not user_has_device(guide, confirmed=None)
    assert not TOTPDevice.objects.filter(user=guide).exists()
    assert not StaticDevice.objects.filter(user=guide).exists() and not StaticToken.objects.filter(
        device__user=guide).exists()
    assert user_has_device(bystander, confirmed=None)
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.change_message) == (coordinator, str(guide.pk), SECOND_FACTOR_RESET)
    assert [r["label"] for r in response.context["recent"]] == ["Tweede stap gewist"]


def test_clearing_the_second_factor_ends_the_staff_members_sessions_and_only_theirs(coordinator):
    guide = UserFactory(role=R.CASEWORKER)
    with_second_factor(guide)
    on_the_lost_phone, at_the_office = Client(), Client()
    on_the_lost_phone.force_login(guide)
    at_the_office.force_login(guide)
    colleague = Client()
    colleague.force_login(UserFactory(role=R.CASEWORKER))
    assert on_the_lost_phone.get(reverse("casework:caseload")).status_code == 200

    second_factor_reset(user=guide, actor=coordinator)

    for client in (on_the_lost_phone, at_the_office):
        response = client.get(reverse("casework:caseload"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("claims:login"))
    assert colleague.get(reverse("casework:caseload")).status_code == 200
    assert logged_in_as(coordinator).get(reverse(PAGE)).status_code == 200


def test_clearing_when_there_is_nothing_records_nothing(coordinator):
    guide = UserFactory(role=R.CASEWORKER)
    assert second_factor_reset(user=guide, actor=coordinator) == 0
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("target", ["self", "superuser", "resident"])
def test_clearing_is_refused_for_oneself_an_administrator_and_a_resident(coordinator, target):
    user = {
        "self": lambda: coordinator,
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        "resident": lambda: resident()[0],
    }[target]()
    with_second_factor(user)

    response = logged_in_as(coordinator).post(reset_url(user))

    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert user_has_device(user, confirmed=None)
    assert not LogEntry.objects.exists()
    with pytest.raises(AccountActionRefused):
        second_factor_reset(user=user, actor=coordinator)


# --- nobody else ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_other_role_sees_the_page_or_unlocks_or_clears(role):
    actor = UserFactory(role=role)
    locked, _ = resident()
    lock(locked.username)
    guide = UserFactory(role=R.CASEWORKER)
    with_second_factor(guide)
    client = logged_in_as(actor)

    assert client.get(reverse(PAGE)).status_code == 403
    assert client.post(unlock_url(locked)).status_code == 403
    assert client.post(reset_url(guide)).status_code == 403

    assert log_in(locked.username, PASSWORD).status_code == 429  # still locked
    assert user_has_device(guide, confirmed=None)
    assert not LogEntry.objects.exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page():
    locked, _ = resident()
    lock(locked.username)
    client = Client()
    for response in (client.get(reverse(PAGE)), client.post(unlock_url(locked))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("claims:login") + "?next=")
    assert log_in(locked.username, PASSWORD).status_code == 429


def test_a_get_does_not_unlock(coordinator):
    locked, _ = resident()
    lock(locked.username)
    assert logged_in_as(coordinator).get(unlock_url(locked)).status_code == 405
    assert log_in(locked.username, PASSWORD).status_code == 429


def test_the_post_needs_the_csrf_token(coordinator):
    locked, _ = resident()
    lock(locked.username)
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    assert client.post(unlock_url(locked)).status_code == 403
    assert log_in(locked.username, PASSWORD).status_code == 429


@pytest.mark.parametrize("role", [*OTHER_ROLES, "inactive_coordinator", "nobody"])
def test_the_services_refuse_anyone_but_a_coordinator(role):
    if role == "nobody":
        actor = None
    elif role == "inactive_coordinator":
        actor = UserFactory(role=R.COORDINATOR, is_active=False)
    else:
        actor = UserFactory(role=role)
    locked, _ = resident()
    lock(locked.username)
    guide = UserFactory(role=R.CASEWORKER)
    with_second_factor(guide)

    with pytest.raises(TransitionForbidden):
        login_unlock(user=locked, actor=actor)
    with pytest.raises(TransitionForbidden):
        second_factor_reset(user=guide, actor=actor)

    assert [lock.username for lock in lockout.current_locks()] == [locked.username]
    assert user_has_device(guide, confirmed=None)
    assert not LogEntry.objects.exists()
