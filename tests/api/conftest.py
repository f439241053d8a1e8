"""API fixtures: a client per role, by token (systems) or by session (people)."""

import pytest
from rest_framework.test import APIClient

from api.tokens import api_token_create
from tests.factories import Cast


@pytest.fixture
def cast(db):
    return Cast()


def token_client(user, role: str, *, name: str = "Test system") -> APIClient:
    """A client that calls as a system with a fresh token for `user` acting as `role`."""
    _token, key = api_token_create(user=user, name=name, role=role, created_by=None)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def session_client(user) -> APIClient:
    """A client logged in with the pages' session (CSRF enforced, as for a browser)."""
    client = APIClient(enforce_csrf_checks=False)
    client.force_login(user)
    return client


@pytest.fixture
def as_token():
    return token_client


@pytest.fixture
def as_session():
    return session_client
