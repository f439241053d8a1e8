"""Fixtures of the fault tests: a private Redis for the whole run, and the app (gunicorn) on the pytest-django
test database with that Redis. The processes themselves are in tests/faults/services.py."""

import html
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import requests

from . import services

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="form_token" value="([^"]*)"')


@pytest.fixture(scope="session")
def private_redis():
    with services.redis_server() as server:
        yield server


@pytest.fixture
def redis_up(private_redis):
    """The private Redis, running and empty at the start of the test and running again at its end."""
    if private_redis.proc is None:
        private_redis.start()
    private_redis.flush()
    yield private_redis
    if private_redis.proc is None:
        private_redis.start()


def database_url_for(name: str) -> str:
    return urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/" + name))


@dataclass
class Site:
    """The app as production runs it, on the test database and the private Redis."""

    web: services.Gunicorn
    env: dict
    media_root: Path
    mail_dir: Path
    logs: Path

    @property
    def url(self) -> str:
        return self.web.base_url

    def worker(self, name: str = "worker", *, env: dict | None = None, **kwargs):
        return services.worker({**self.env, **(env or {})}, self.logs / f"{name}.log", **kwargs)

    def mails(self) -> list[str]:
        return services.mails(self.mail_dir)


@pytest.fixture(scope="session")
def site(django_db_setup, private_redis):
    from django.conf import settings

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.fail("the fault tests need PostgreSQL: set DATABASE_URL=postgres://...", pytrace=False)
    if private_redis.proc is None:
        private_redis.start()
    with services.scratch_dir("site") as base:
        media_root, mail_dir = base / "media", base / "mail"
        media_root.mkdir()
        mail_dir.mkdir()
        env = services.app_env(database_url=database_url_for(settings.DATABASES["default"]["NAME"]),
                               redis_url=private_redis.url(0), media_root=media_root, mail_dir=mail_dir)
        with services.gunicorn(env, base / "gunicorn.log") as web:
            yield Site(web, env, media_root, mail_dir, base)


@pytest.fixture
def media_here(site, settings):
    """This process reads the documents where the worker wrote them."""
    settings.MEDIA_ROOT = site.media_root


def session_cookie(user) -> str:
    """A logged-in session (both factors for staff) made by the test client, for `requests`."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def browser(cookie: str) -> requests.Session:
    from django.conf import settings

    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, cookie)
    return session


def form_fields(page: str) -> dict:
    """The hidden fields a browser sends back: the CSRF token and the page's send-once token."""
    fields = {"csrfmiddlewaretoken": html.unescape(CSRF.search(page).group(1))}
    if token := FORM_TOKEN.search(page):
        fields["form_token"] = html.unescape(token.group(1))
    return fields


def wait_until(what: str, check, *, timeout: float, on_fail=lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: not within {timeout:.0f} s\n{on_fail()}")
        time.sleep(0.25)
