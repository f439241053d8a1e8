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


# Rates far above what any test sends, so a test's calls never meet another test's count; the throttling
# tests set their own small rates with override_settings, which wins over this.
GENEROUS = {"token_rate": "100000/min", "user_rate": "100000/min", "anonymous_rate": "100000/min"}


@pytest.fixture(autouse=True)
def _generous_rates(settings):
    settings.MIJNSCHADE_API = GENEROUS
    forget_throttle_counts()


def forget_throttle_counts() -> None:
    """The counts live in the cache (Redis in the test run), which the Celery broker may share: only the
    throttle's own keys are deleted, never the whole database."""
    from django.core.cache import cache

    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        redis = client.get_client(write=True)
        keys = list(redis.scan_iter(match="*api-throttle-*"))
        if keys:
            redis.delete(*keys)
    else:
        cache.clear()  # the in-memory cache of a run without Redis
