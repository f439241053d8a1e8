"""Private services for the fault tests: a Redis, a PostgreSQL cluster, gunicorn and Celery workers that a test
may stop, kill and start again. Never the machine's shared PostgreSQL (5432) or Redis (6379).

Every process is started on a free port, waited for with a timeout and stopped in a `finally`, also when the
test fails. PostgreSQL's binaries come from /usr/lib/postgresql/<version>/bin (Debian's packages, as
scripts/services.sh installs them); as root they run as the `postgres` OS user."""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
ACCESS_LOG = '%(t)s "%(r)s" %(s)s %(M)sms pid %(p)s'  # with the time taken, to find slow requests


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_for(what: str, check, *, timeout: float = START_TIMEOUT, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not ready in {timeout:.0f} s" + (f"\n{tail(log)}" if log else ""))
        time.sleep(0.1)


def tail(path: Path | None, lines: int = 40) -> str:
    if path is None or not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace")
    return f"--- {path.name} (tail) ---\n" + "\n".join(text.splitlines()[-lines:])


def stop_process(proc: subprocess.Popen | None, *, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> None:
    """Stops a process we started (its whole process group: gunicorn and Celery have children)."""
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=timeout)


def children(pid: int) -> list[int]:
    """Direct child processes, from /proc/<pid>/stat (field 4 is the parent; the name before it may hold spaces)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


@contextlib.contextmanager
def scratch_dir(name: str) -> Iterator[Path]:
    """A temporary directory of our own (pytest's numbered ones may be pruned by a parallel run), removed
    afterwards; FAULTS_KEEP=1 keeps it to read the logs."""
    path = Path(tempfile.mkdtemp(prefix=f"mijnschade-{name}-"))
    try:
        yield path
    finally:
        if os.environ.get("FAULTS_KEEP") != "1":
            shutil.rmtree(path, ignore_errors=True)


# --- Redis ------------------------------------------------------------------------------------------------------


@dataclass
class RedisServer:
    """`redis-server` without persistence on a port of its own; `stop()` and `start()` keep the port."""

    workdir: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "redis.log"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(binary).exists():
            pytest.fail("the fault tests need redis-server: scripts/services.sh apt redis-server", pytrace=False)
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.workdir), "--logfile", str(self.log_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_for(f"redis-server on port {self.port}", self.answers, log=self.log_path)

    def stop(self) -> None:
        stop_process(self.proc)
        self.proc = None
        wait_for(f"redis-server on port {self.port} to stop", lambda: not port_open(self.port))

    def answers(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_timeout=1, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return False

    def flush(self) -> None:
        """Empties this private instance (never the shared one): messages of an earlier test refer to rows
        that no longer exist."""
        import redis

        redis.Redis(port=self.port, socket_timeout=5).flushall()


@contextlib.contextmanager
def redis_server() -> Iterator[RedisServer]:
    workdir = Path(tempfile.mkdtemp(prefix="mijnschade-redis-"))
    server = RedisServer(workdir)
    try:
        server.start()
        yield server
    finally:
        stop_process(server.proc)
        shutil.rmtree(workdir, ignore_errors=True)


# --- PostgreSQL -------------------------------------------------------------------------------------------------


def postgres_bin() -> Path:
    """The newest installed server binaries (Debian keeps them out of PATH)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[4]))
    if not found:
        pytest.fail("the fault tests need PostgreSQL's server binaries in /usr/lib/postgresql/<ver>/bin "
                    "(scripts/services.sh up installs them)", pytrace=False)
    return Path(found[-1]).parent


def _as_postgres(command: list[str]) -> list[str]:
    """Root may not run the server: the postgres OS account does. Anyone else runs it as themself."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@dataclass
class PostgresServer:
    """A throw-away cluster in a temporary directory, trust authentication on 127.0.0.1 only."""

    base: Path
    port: int = field(default_factory=free_port)
    bin: Path = field(default_factory=postgres_bin)

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def log_path(self) -> Path:
        return self.base / "postgres.log"

    def url(self, database: str) -> str:
        return f"postgres://mijnschade:mijnschade@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str, timeout: float = 60) -> None:
        result = subprocess.run(_as_postgres([str(self.bin / args[0]), *args[1:]]), capture_output=True,
                                text=True, timeout=timeout, cwd=self.base)
        if result.returncode != 0:
            pytest.fail(f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n"
                        f"{tail(self.log_path)}")

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")

    def _options(self) -> str:
        # Speed over durability: the cluster lives for one test module.
        return (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.base} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", self._options(), "-w",
                  "-t", "30", "start")

    def restart(self) -> None:
        """Fast shutdown (open connections are cut off) and start again; returns once it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log_path), "-o", self._options(), "-m", "fast",
                  "-w", "-t", "30", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                                         "-t", "15", "stop"]), capture_output=True, timeout=30, cwd=self.base)

    def connections(self, user: str = "mijnschade") -> int:
        """Open connections of `user` (the app's, kept open between requests by CONN_MAX_AGE)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             connect_timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", [user]).fetchone()[0]

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True, connect_timeout=5) as conn:
            conn.execute("CREATE ROLE mijnschade LOGIN PASSWORD 'mijnschade' CREATEDB")
            conn.execute(f'CREATE DATABASE "{name}" OWNER mijnschade')


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    # Under /tmp, not pytest's tmp_path: the postgres account must be able to reach the directory.
    base = Path(tempfile.mkdtemp(prefix="mijnschade-pg-"))
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    server = PostgresServer(base)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(base, ignore_errors=True)


# --- the app: environment, migrate, gunicorn, Celery ------------------------------------------------------------


def app_env(*, database_url: str, redis_url: str, media_root: Path, mail_dir: Path, **extra: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "i3ml.settings",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "MEDIA_ROOT": str(media_root),
        "EMAIL_URL": f"filemail:///{mail_dir}",  # four slashes: an absolute path
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def manage(env: dict, *args: str, timeout: float = 180) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}", pytrace=False)
    return result.stdout


@dataclass
class Gunicorn:
    """`gunicorn i3ml.wsgi` as in production (docker-compose.yml), two workers with two threads each."""

    env: dict
    log_path: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "i3ml.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "2", "--threads", "2", "--timeout", "60", "--graceful-timeout", "5",
                 "--no-control-socket", "--access-logfile", "-", "--access-logformat", ACCESS_LOG],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_for("gunicorn", self._answers, log=self.log_path)
        wait_for("gunicorn's workers", lambda: len(self.worker_pids()) == 2, log=self.log_path)

    def _answers(self) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"gunicorn exited with {self.proc.returncode}\n{tail(self.log_path)}")
        try:
            requests.get(self.base_url + "/health/", timeout=5)
        except requests.RequestException:
            return False
        return True

    def worker_pids(self) -> list[int]:
        return children(self.proc.pid)

    def pids(self) -> tuple[int, list[int]]:
        return self.proc.pid, self.worker_pids()

    def stop(self) -> None:
        stop_process(self.proc)


@contextlib.contextmanager
def gunicorn(env: dict, log_path: Path) -> Iterator[Gunicorn]:
    server = Gunicorn(env, log_path)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@dataclass
class Worker:
    """`celery -A i3ml worker` on a private Redis: prefork with one child, so the child can be killed alone."""

    env: dict
    log_path: Path
    concurrency: int = 1
    node_name: str = field(default_factory=lambda: f"faults-{uuid.uuid4().hex[:8]}@localhost")
    proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "i3ml", "worker", "--pool=prefork",
                 f"--concurrency={self.concurrency}", "--without-gossip", "--without-mingle",
                 "--without-heartbeat", "-Q", "celery", "-l", "info", "-n", self.node_name],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        wait_for("the celery worker", self._ready, log=self.log_path)

    def _ready(self) -> bool:
        self.assert_alive()
        return f"{self.node_name} ready" in self.log_text()

    def assert_alive(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            pytest.fail(f"the celery worker is not running\n{tail(self.log_path)}")

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def pool_pids(self) -> list[int]:
        return children(self.proc.pid)

    def kill(self) -> None:
        """SIGKILL to the worker and its pool: no warm shutdown, no acknowledgement, nothing handed back."""
        stop_process(self.proc, sig=signal.SIGKILL)

    def stop(self) -> None:
        stop_process(self.proc)  # warm shutdown: finishes the task at hand


@contextlib.contextmanager
def worker(env: dict, log_path: Path, **kwargs) -> Iterator[Worker]:
    process = Worker(env, log_path, **kwargs)
    try:
        process.start()
        yield process
    finally:
        process.stop()


@contextlib.contextmanager
def publishing_to(broker_url: str) -> Iterator[None]:
    """Tasks sent from this test process (on commit, `.delay()`) go to the private Redis; restored afterwards."""
    from i3ml.celery import app

    saved_url, saved_pool, saved_producers = app.conf.broker_url, app._pool, app.amqp._producer_pool
    app.conf.broker_url = broker_url
    app._pool = None  # pools hold connections to the other broker; new ones are made from the URL
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        # Not closed: kombu keeps one pool per URL for the whole process and would hand out the closed one.
        app.conf.broker_url, app._pool, app.amqp._producer_pool = saved_url, saved_pool, saved_producers


def mails(mail_dir: Path) -> list[str]:
    """Raw messages the worker sent (Django's file backend, one file per connection)."""
    messages = []
    for path in sorted(mail_dir.glob("*.log")):
        text = path.read_text(encoding="utf-8", errors="replace")
        messages += [m.strip("\n") for m in text.split("-" * 79) if m.strip()]
    return messages
