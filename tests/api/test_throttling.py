"""Throttling per caller: each token, each logged-in person and each address has its own count, at the rates of
settings.MIJNSCHADE_API; one over is a 429 with Retry-After and the Error body. The counts live in the cache
(Redis in tests), emptied around every test."""

import pytest
from django.test import override_settings

from claims import roles as R

from .conftest import forget_throttle_counts

pytestmark = pytest.mark.django_db

CLAIMS = "/api/v1/claims/"
SCHEMA = "/api/schema/"
RATES = {"token_rate": "3/min", "user_rate": "2/min", "anonymous_rate": "2/min"}
JSON = {"HTTP_ACCEPT": "application/json"}  # the schema view answers errors in JSON too when asked


@pytest.fixture(autouse=True)
def _empty_counts():
    forget_throttle_counts()
    yield
    forget_throttle_counts()


def assert_throttled(response) -> None:
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert set(body) == {"detail", "code", "errors"}
    assert body["code"] == "throttled" and body["errors"] == {}


@override_settings(MIJNSCHADE_API=RATES)
def test_a_token_gets_its_rate_and_then_a_429_and_another_token_is_not_affected(cast, as_token):
    first = as_token(cast.coordinator, R.COORDINATOR, name="Eerste systeem")
    second = as_token(cast.coordinator, R.COORDINATOR, name="Tweede systeem")
    for _ in range(3):
        assert first.get(CLAIMS).status_code == 200
    assert_throttled(first.get(CLAIMS))
    assert second.get(CLAIMS).status_code == 200
    assert first.get(CLAIMS).status_code == 429


@override_settings(MIJNSCHADE_API=RATES)
def test_a_person_with_the_session_has_their_own_rate(cast, as_session, as_token):
    person = as_session(cast.coordinator)
    for _ in range(2):
        assert person.get(CLAIMS).status_code == 200
    assert_throttled(person.get(CLAIMS))
    # Another person, and a token of the same account, count on their own.
    assert as_session(cast.caseworker).get(CLAIMS).status_code == 200
    assert as_token(cast.coordinator, R.COORDINATOR).get(CLAIMS).status_code == 200


@override_settings(MIJNSCHADE_API=RATES)
def test_anonymous_callers_count_per_address_at_their_own_rate(client):
    """Anonymous callers reach only the schema and the docs (elsewhere they get a 401 before any count)."""
    for _ in range(2):
        assert client.get(SCHEMA, **JSON).status_code == 200
    assert_throttled(client.get(SCHEMA, **JSON))
    assert client.get(SCHEMA, REMOTE_ADDR="192.0.2.7", **JSON).status_code == 200


@override_settings(MIJNSCHADE_API={**RATES, "token_rate": "1/min"})
def test_the_rates_are_read_from_the_settings_on_each_request(cast, as_token):
    client = as_token(cast.coordinator, R.COORDINATOR)
    assert client.get(CLAIMS).status_code == 200
    assert client.get(CLAIMS).status_code == 429
    with override_settings(MIJNSCHADE_API={**RATES, "token_rate": "5/min"}):
        assert client.get(CLAIMS).status_code == 200


@override_settings(MIJNSCHADE_API=RATES)
def test_a_429_speaks_english_when_asked(cast, as_token):
    client = as_token(cast.coordinator, R.COORDINATOR)
    for _ in range(3):
        client.get(CLAIMS)
    dutch = client.get(CLAIMS).json()["detail"]
    english = client.get(CLAIMS, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert english.startswith("You have sent too many requests.")
    assert dutch != english


@override_settings(MIJNSCHADE_API=RATES)
def test_an_anonymous_caller_cannot_escape_the_count_with_a_made_up_forwarded_address(client):
    for number in range(1, 4):
        response = client.get(SCHEMA, HTTP_X_FORWARDED_FOR=f"198.51.100.{number}", **JSON)
    assert response.status_code == 429
