"""Infrastructure fixtures only: the browser and a real Celery worker. Domain fixtures live elsewhere."""

import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WORKER_START_TIMEOUT = 30.0


def _force_login_with_both_factors():
    """`Client.force_login` skips the password; for a staff account it skips the second factor as well, so a test
    starts from a fully logged-in session. The login steps themselves are tested through the pages."""
    from django.test import Client

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from django_otp import DEVICE_ID_SESSION_KEY

        from claims.twofactor import needs_second_factor
        from tests.twofactor import totp_device

        if needs_second_factor(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
            session.save()

    Client.force_login = force_login


_force_login_with_both_factors()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium instead of Playwright's download (which is not available here)."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _dutch_to_begin_with():
    """Every test starts in Dutch, whatever language an earlier request in this thread left active."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """A Dutch browser, as most residents have; English is tested by choosing it on the page."""
    return {**browser_context_args, "locale": "nl-NL"}


@dataclass
class WorkerProcess:
    """A running `celery -A i3ml worker` that uses the pytest-django test database."""

    proc: subprocess.Popen
    node_name: str
    database_name: str
    mail_dir: Path
    media_root: Path
    log_path: Path

    def mails(self) -> list[str]:
        """Raw messages the worker sent so far (Django's file backend, one file per connection)."""
        messages = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            text = path.read_text(encoding="utf-8", errors="replace")
            messages += [m.strip("\n") for m in text.split("-" * 79) if m.strip()]
        return messages

    def wait_for_mails(self, count: int = 1, timeout: float = 20.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(found := self.mails()) >= count:
                return found
            self._assert_alive()
            time.sleep(0.1)
        pytest.fail(f"worker sent {len(self.mails())} of {count} mails in {timeout}s\n{self.log_tail()}")

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Until the queue is empty and the worker runs and holds no task (or `timeout` passes). The solo pool
        answers no control message while it works, so no answer means busy."""
        from i3ml.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                with app.connection_for_write() as connection:
                    queued = connection.default_channel.client.llen("celery")
                inspect = app.control.inspect(destination=[self.node_name], timeout=1.0, limit=1)
                active = (inspect.active() or {}).get(self.node_name)
                reserved = (inspect.reserved() or {}).get(self.node_name) if active == [] else None
            except Exception:  # a test that took the broker away: nothing to ask, nothing to wait for
                return
            if queued == 0 and active == [] and reserved == []:
                return
            time.sleep(0.1)

    def log_tail(self, lines: int = 60) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "--- worker log (tail) ---\n" + "\n".join(text.splitlines()[-lines:])

    def _assert_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(f"celery worker exited with code {self.proc.returncode}\n{self.log_tail()}")


def _worker_database_url(name: str) -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        pytest.fail(
            "celery_worker_process needs PostgreSQL: set DATABASE_URL=postgres://... "
            "(`make test` does; see README)",
            pytrace=False,
        )
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


@pytest.fixture(autouse=True)
def worker_idle_before_the_tables_are_emptied(request):
    """A transactional test empties the tables as it ends (TRUNCATE). A worker still busy with a task the test
    sent holds locks on them, and the two can deadlock (seen once in CI), so the worker is let finish first.
    This fixture is set up after the database's, so it is torn down before it."""
    if "celery_worker_process" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    worker = request.getfixturevalue("celery_worker_process")
    yield
    worker.wait_idle()


@pytest.fixture(scope="module")
def celery_worker_process(django_db_setup, tmp_path_factory):
    """A real worker process on Redis and the test database, for the test module that asks for it. Per
    module, so it is not running while other modules' transactional tests empty the database.

    Tests that use it must be `@pytest.mark.django_db(transaction=True)`: the worker is another
    process and sees only committed data.
    """
    from django.conf import settings

    from i3ml.celery import app

    if not settings.REDIS_URL:
        pytest.fail(
            "celery_worker_process needs Redis: set REDIS_URL=redis://127.0.0.1:6379/15 "
            "(`make test` does; see README)",
            pytrace=False,
        )
    database_name = settings.DATABASES["default"]["NAME"]  # test_… once django_db_setup has run
    base = tmp_path_factory.mktemp("celery-worker")
    mail_dir = base / "mail"
    mail_dir.mkdir()
    media_root = Path(settings.MEDIA_ROOT)
    log_path = base / "worker.log"
    node_name = f"pytest-{uuid.uuid4().hex[:8]}@localhost"

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "i3ml.settings",
        "DATABASE_URL": _worker_database_url(database_name),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
        "MEDIA_ROOT": str(media_root),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    # Messages left in Redis by earlier runs refer to ids of another database: drop them.
    app.control.purge()

    celery = [sys.executable, "-m", "celery", "-A", "i3ml"]
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [
                *celery,
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                "celery",
                "-l",
                "info",
                "-n",
                node_name,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    worker = WorkerProcess(proc, node_name, database_name, mail_dir, media_root, log_path)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT
        while True:
            worker._assert_alive()
            if app.control.ping(destination=[worker.node_name], timeout=1.0):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"celery worker did not answer a ping in {WORKER_START_TIMEOUT}s\n{worker.log_tail()}"
                )
        yield worker
    finally:
        proc.terminate()  # warm shutdown: finishes the task at hand
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
