"""PostgreSQL restarted under traffic (issue 7): requests fail at most while the database is away, then every
request succeeds again, served by the same gunicorn processes (no restart of the app).

The app keeps its connections open (CONN_MAX_AGE); after the restart they are dead. CONN_HEALTH_CHECKS makes
each request check its connection before use and open a new one, so no request after the restart fails."""

import threading
import time
from dataclasses import dataclass
from itertools import cycle

import pytest
import requests

from . import services

pytestmark = pytest.mark.worker

THREADS = 4
BEFORE, AFTER = 2.0, 4.0  # seconds of traffic before and after the restart
HANG_GUARD = 30.0
# /health/ waits a second for a worker's answer (none runs here): one call in six.
PATHS = ["/api/v1/claims/", "/inloggen/", "/api/v1/claims/?status=submitted", "/api/v1/claims/?ordering=-reference",
         "/api/v1/claims/", "/health/"]
MAKE_TOKEN = """
from django.contrib.auth import get_user_model
from api.tokens import api_token_create
user = get_user_model().objects.create_user("loket-koppeling")
print(api_token_create(user=user, name="Loket-koppeling", role="desk", created_by=None)[1])
"""


@dataclass
class Call:
    path: str
    started: float
    ended: float
    status: int | str

    @property
    def ok(self) -> bool:
        return self.status == 200


@pytest.fixture(scope="module")
def app_on_private_postgres(private_redis):
    with services.scratch_dir("pg-restart") as base, services.postgres_server() as postgres:
        (base / "media").mkdir()
        (base / "mail").mkdir()
        postgres.create_database("mijnschade")
        env = services.app_env(database_url=postgres.url("mijnschade"), redis_url=private_redis.url(1),
                               media_root=base / "media", mail_dir=base / "mail")
        services.manage(env, "migrate", "--noinput")
        key = services.manage(env, "shell", "-c", MAKE_TOKEN).strip().splitlines()[-1]
        with services.gunicorn(env, base / "gunicorn.log") as web:
            yield postgres, web, key


def traffic(web, key: str, stop: threading.Event, calls: list[Call]) -> None:
    """Pages and API reads that all need the database, one after the other, until told to stop."""
    session = requests.Session()
    paths = cycle(PATHS)
    while not stop.is_set():
        path = next(paths)
        headers = {"Authorization": f"Bearer {key}"} if path.startswith("/api/") else {}
        started = time.monotonic()
        try:
            status = session.get(web.base_url + path, headers=headers, timeout=HANG_GUARD).status_code
        except requests.RequestException as error:
            status = type(error).__name__
        calls.append(Call(path, started, time.monotonic(), status))


def test_after_a_postgresql_restart_the_same_app_processes_answer_again(app_on_private_postgres):
    postgres, web, key = app_on_private_postgres
    pids_before = web.pids()
    assert len(pids_before[1]) == 2
    warm_up = requests.Session()
    for path in PATHS[:-1] * 4:  # both workers have loaded everything before the clock starts
        headers = {"Authorization": f"Bearer {key}"} if path.startswith("/api/") else {}
        assert warm_up.get(web.base_url + path, headers=headers, timeout=HANG_GUARD).status_code == 200, path
    # The app keeps its connections between requests (CONN_MAX_AGE): the restart cuts them off under it.
    assert postgres.connections() >= 1

    calls: list[Call] = []
    stop = threading.Event()
    threads = [threading.Thread(target=traffic, args=(web, key, stop, calls)) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(BEFORE)
        restart_began = time.monotonic()
        postgres.restart()  # -m fast: every open connection is cut off
        restart_ended = time.monotonic()
        time.sleep(AFTER)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=HANG_GUARD + 5)

    before = [c for c in calls if c.ended < restart_began]
    during = [c for c in calls if c.started <= restart_ended and c.ended >= restart_began]
    after = [c for c in calls if c.started > restart_ended]
    failed = [c for c in calls if not c.ok]
    print(f"\nPostgreSQL restart took {restart_ended - restart_began:.2f} s; {len(calls)} requests: "
          f"{len(before)} before, {len(during)} during ({len([c for c in during if not c.ok])} failed), "
          f"{len(after)} after")
    if failed:
        print(f"failures from {min(c.started for c in failed) - restart_began:+.2f} s to "
              f"{max(c.ended for c in failed) - restart_began:+.2f} s after the restart began: "
              f"{sorted({str(c.status) for c in failed})}")

    assert before and all(c.ok for c in before), [c for c in before if not c.ok]
    # Only requests that overlapped the restart may fail; and they fail with an answer, never a hang.
    assert all(c in during for c in failed), failed
    assert all(isinstance(c.status, int) for c in calls), failed
    assert len(after) >= 4 * THREADS, "too little traffic after the restart to reach every app thread"
    assert all(c.ok for c in after), [c for c in after if not c.ok]
    # The same gunicorn master and workers: the app recovered by itself.
    assert web.pids() == pids_before
    assert requests.get(web.base_url + "/health/", timeout=HANG_GUARD).json()["database"] == "ok"
    assert postgres.connections() >= 1  # new ones, kept again
