"""API keys: made in the back office or with `manage.py api_token`, shown once, kept only as a hash, revocable;
a key acts with its one role only, and never for an administrator's account. And the language of messages."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import api_token_create, api_token_revoke, key_hash
from claims import roles as R
from claims.errors import TransitionRefused
from tests.factories import UserFactory, claim_in

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/api/apitoken/"
CLAIMS = "/api/v1/claims/"


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def all_stored_values(token: ApiToken) -> str:
    return " ".join(str(getattr(token, field.attname)) for field in ApiToken._meta.concrete_fields)


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def system_account(db):
    return UserFactory(username="kcc-heerlen")


# --- the back office -------------------------------------------------------------------------------------


def test_the_admin_shows_a_new_key_once_and_keeps_only_its_hash(admin_client, system_account):
    form = admin_client.get(f"{ADD_URL}add/").content.decode()
    assert all(f'name="{field}"' in form for field in ("name", "user", "role"))
    assert 'name="key_hash"' not in form and 'name="prefix"' not in form
    response = admin_client.post(f"{ADD_URL}add/", {"name": "Gemeente Heerlen, KCC", "user": system_account.pk,
                                                     "role": R.DESK})
    assert response.status_code == 200
    token = ApiToken.objects.get()
    page = response.content.decode()
    key = page.split("<code>", 1)[1].split("</code>", 1)[0]
    assert key.startswith("ms_") and key.startswith(token.prefix) and len(key) > 40
    assert "niet nog eens getoond" in page
    assert "no-store" in response["Cache-Control"]
    assert f'action="{ADD_URL}{token.pk}/change/"' in page  # the token's own page, not a second "add"
    # Not kept anywhere for a next request: not in a cookie, not in the session.
    assert all(key not in morsel.value for morsel in response.cookies.values())
    assert key not in str(dict(admin_client.session))
    # Only the hash is stored, and the key works.
    assert token.key_hash == key_hash(key)
    assert key not in all_stored_values(token)
    assert (token.user, token.role, token.name) == (system_account, R.DESK, "Gemeente Heerlen, KCC")
    assert with_key(key).get(CLAIMS).status_code == 200
    # Never shown again.
    for url in (ADD_URL, f"{ADD_URL}{token.pk}/change/"):
        again = admin_client.get(url)
        assert again.status_code == 200
        assert key not in again.content.decode()
        assert token.prefix in again.content.decode()


@pytest.mark.parametrize("kind", ["staff", "superuser"])
def test_the_admin_refuses_a_key_for_an_administrators_account(admin_client, kind):
    account = UserFactory(is_staff=True, is_superuser=kind == "superuser")
    response = admin_client.post(f"{ADD_URL}add/", {"name": "Lek", "user": account.pk, "role": R.COORDINATOR})
    assert response.status_code == 200
    assert "beheerdersaccount" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_admin_does_not_change_a_keys_account_or_role_and_does_not_delete_it(admin_client, system_account):
    token, _ = api_token_create(user=system_account, name="Oud", role=R.DESK, created_by=None)
    other = UserFactory()
    response = admin_client.post(f"{ADD_URL}{token.pk}/change/", {"name": "Nieuw", "user": other.pk,
                                                                  "role": R.COORDINATOR})
    assert response.status_code == 302
    token.refresh_from_db()
    assert (token.name, token.user, token.role) == ("Nieuw", system_account, R.DESK)
    assert admin_client.post(f"{ADD_URL}{token.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_admin_list_shows_the_keys_without_the_keys(admin_client, system_account):
    token, key = api_token_create(user=system_account, name="Datawarehouse", role=R.FINANCE, created_by=None)
    page = admin_client.get(ADD_URL).content.decode()
    for text in ("Datawarehouse", system_account.username, token.prefix):
        assert text in page
    assert key not in page


def test_the_revoke_action_makes_the_key_a_401(admin_client, system_account):
    token, key = api_token_create(user=system_account, name="KCC", role=R.DESK, created_by=None)
    assert with_key(key).get(CLAIMS).status_code == 200
    response = admin_client.post(ADD_URL, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = with_key(key).get(CLAIMS)
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


# --- the command -----------------------------------------------------------------------------------------


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_makes_a_key_prints_it_once_lists_and_revokes_it(system_account):
    out, err = run("create", "--user", "kcc-heerlen", "--role", R.DESK, "--name", "Gemeente Heerlen, KCC")
    key = out.strip()
    token = ApiToken.objects.get()
    assert key.startswith(token.prefix) and token.key_hash == key_hash(key)
    assert key not in all_stored_values(token)
    assert "niet nog eens getoond" in err and key not in err
    assert with_key(key).get(CLAIMS).status_code == 200

    listing, _ = run("list")
    assert token.prefix in listing and "Gemeente Heerlen, KCC" in listing and "active" in listing
    assert key not in listing

    out, _ = run("revoke", token.prefix)
    assert "ingetrokken" in out
    assert with_key(key).get(CLAIMS).status_code == 401
    assert "revoked" in run("list")[0]


@pytest.mark.parametrize("kind", ["staff", "superuser"])
def test_the_command_refuses_an_administrators_account(db, kind):
    UserFactory(username="beheer", is_staff=True, is_superuser=kind == "superuser")
    with pytest.raises(CommandError, match="beheerdersaccount"):
        run("create", "--user", "beheer", "--role", R.COORDINATOR, "--name", "Lek")
    assert not ApiToken.objects.exists()


def test_the_command_refuses_an_unknown_account_an_unknown_role_and_an_unknown_prefix(db):
    with pytest.raises(CommandError, match="geen account"):
        run("create", "--user", "niemand", "--role", R.DESK, "--name", "X")
    UserFactory(username="kcc")
    with pytest.raises(CommandError):
        run("create", "--user", "kcc", "--role", "admin", "--name", "X")
    with pytest.raises(CommandError, match="Geen sleutel"):
        run("revoke", "ms_nothing")
    assert not ApiToken.objects.exists()


# --- what a key may do -----------------------------------------------------------------------------------


def test_the_service_refuses_an_administrators_account(db):
    for account in (UserFactory(is_staff=True), UserFactory(is_superuser=True)):
        with pytest.raises(TransitionRefused) as refusal:
            api_token_create(user=account, name="Lek", role=R.COORDINATOR, created_by=None)
        assert refusal.value.code == "admin_account"
    assert not ApiToken.objects.exists()


def test_a_revoked_key_is_a_401(system_account):
    token, key = api_token_create(user=system_account, name="KCC", role=R.DESK, created_by=None)
    api_token_revoke(token=token)
    response = with_key(key).get(CLAIMS)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code", "errors"}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_key_of_an_account_made_inactive_is_a_401(system_account):
    _, key = api_token_create(user=system_account, name="KCC", role=R.DESK, created_by=None)
    system_account.is_active = False
    system_account.save()
    assert with_key(key).get(CLAIMS).status_code == 401


@pytest.mark.parametrize("kind", ["is_staff", "is_superuser"])
def test_a_key_of_an_account_made_administrator_afterwards_is_a_401(cast, system_account, kind):
    """A superuser sees every claim whatever their role: a key must never carry that."""
    claim_in(cast, "intake")
    _, key = api_token_create(user=system_account, name="KCC", role=R.DESK, created_by=None)
    assert with_key(key).get(CLAIMS).json()["results"] == []
    setattr(system_account, kind, True)
    system_account.save()
    assert with_key(key).get(CLAIMS).status_code == 401


@pytest.mark.parametrize("key", ["ms_not-a-key", "", "a b"])
def test_a_wrong_key_is_a_401(db, key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get(CLAIMS).status_code == 401


def test_a_key_acts_with_its_own_role_only(cast, as_token):
    """A person who is both case guide and coordinator gets a case guide's key: it does what a case guide may."""
    account = cast.caseworker
    account.groups.add(Group.objects.get(name=R.COORDINATOR))
    own = claim_in(cast, "intake")  # start_intake gave it to cast.caseworker
    elsewhere = claim_in(cast, "intake", municipality="Kerkrade")
    other_guide = UserFactory(role=R.CASEWORKER)
    type(elsewhere).objects.filter(pk=elsewhere.pk).update(caseworker=other_guide)

    as_guide = [c["reference"] for c in as_token(account, R.CASEWORKER).get(CLAIMS).json()["results"]]
    as_coordinator = [c["reference"] for c in as_token(account, R.COORDINATOR).get(CLAIMS).json()["results"]]

    assert as_guide == [own.reference]
    assert sorted(as_coordinator) == sorted([own.reference, elsewhere.reference])
    assert as_token(account, R.CASEWORKER).get(f"{CLAIMS}{elsewhere.reference}/").status_code == 404


# --- language --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("header", "message"), [
    (None, "Authenticatiegegevens zijn niet opgegeven."),
    ("nl", "Authenticatiegegevens zijn niet opgegeven."),
    ("en", "Authentication credentials were not provided."),
    ("en-GB,en;q=0.9", "Authentication credentials were not provided."),
    ("de", "Authenticatiegegevens zijn niet opgegeven."),
])
def test_messages_are_dutch_unless_the_request_asks_for_english(db, client, header, message):
    extra = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    response = client.get(CLAIMS, **extra)
    assert response.status_code == 401
    assert response.json()["detail"] == message
