"""Mixed load on loopback (issue 7): residents, case guides, coordinators and API clients at once, for a bounded time.

    .venv/bin/python bench/load_mixed.py [--users 50] [--time 60] [--claims 4000] [--keep-db]
    make load

What it does, in order:
1. a PostgreSQL database of its own (`--db`, default `mijnschade_load`, on the server of DATABASE_URL or the local
   `mijnschade` role): dropped if a run of this script left it, created, migrated, then seeded by
   bench/seed_scale.py with `--claims` claims in all states (persons, homes, guides in teams, experts, transitions,
   letters, inspections, messages, notes), plus what logging in needs: resident accounts for applicants of
   submitted claims (with their letters written to disk, so downloads are real), a confirmed TOTP device for every
   staff account that is simulated (each simulated guide has an account of its own), extra coordinators and one
   API key per simulated API client. The seeding runs in a child process (Django), the load in this one (gevent);
2. the app as in production (gunicorn `i3ml.wsgi`, `--workers` x `--threads`, DEBUG off, REQUIRE_SECRET_KEY, the
   Redis broker and cache on REDIS_URL's server, database `--redis-db`) and a real Celery worker, so the messages
   and call-back requests residents send have their side effects (e-mails to the guide through the outbox);
3. locust as a library (bench/locustfile.py): `--users` users started at `--spawn-rate` a second, run `--time`
   seconds, then stopped;
4. the figures: per endpoint group and overall the requests, failures, requests a second, median, p95 and p99 as
   the users saw them; the time inside gunicorn per group (from its access log: the app's share, without waiting
   for a free thread); every failure in full; 5xx lines and tracebacks in the gunicorn and worker logs; what the
   worker did; the machine, its load average and the date. Exit status 1 when any request failed (an unexpected
   status, page or redirect: bench/locustfile.py) or a log shows an error.

Clean-up: gunicorn and the worker are stopped whatever happens (SIGTERM, then SIGKILL after 20 s); the run's
directory under var/load/ (logs, stored files, accounts) goes, unless LOAD_KEEP_LOGS=1; the database is DROPPED at
the end unless `--keep-db` (then its accounts and files stay in var/load/ and a later run with `--reuse-db` skips
the seeding: about half a minute less). Needs the role to have CREATEDB (scripts/services.sh gives it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
SCRATCH = ROOT / "var" / "load"  # logs, files and accounts of a run (var/ is not in git)
VENV_BIN = Path(sys.executable).parent

DEFAULT_SERVER_URL = "postgres://mijnschade:mijnschade@127.0.0.1:5432/mijnschade"
DEFAULT_DB = "mijnschade_load"
MARKER = "bench-coordinator"  # seed_scale's account: a database without it was not made by this script
PASSWORD = "bench"  # seed_scale's password for every account; the resident accounts made here use it too

# The share of the simulated users per kind (locust's fixed_count; the rest are residents).
GUIDE_SHARE, COORDINATOR_SHARE, API_SHARE = 0.26, 0.04, 0.20


# --- the database ---------------------------------------------------------------------------------------------


def database_url(server_url: str, name: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def admin_connection(server_url: str):
    """A connection to the server's `postgres` database, to create and drop ours (autocommit)."""
    import psycopg

    parts = urlsplit(server_url)
    return psycopg.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 5432, user=parts.username,
                           password=parts.password, dbname="postgres", autocommit=True)


def ours(server_url: str, name: str) -> bool | None:
    """None: no such database; True: made by this script (or empty); False: someone else's."""
    import psycopg

    with admin_connection(server_url) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            return None
    try:
        with psycopg.connect(database_url(server_url, name)) as conn:
            if conn.execute("SELECT to_regclass('auth_user')").fetchone()[0] is None:
                return True  # created, never migrated
            marked = conn.execute("SELECT count(*) FROM auth_user WHERE username = %s", [MARKER]).fetchone()[0]
            return bool(marked) or not conn.execute("SELECT count(*) FROM auth_user").fetchone()[0]
    except psycopg.OperationalError:
        return False


def drop_database(server_url: str, name: str) -> None:
    with admin_connection(server_url) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create_database(server_url: str, name: str) -> None:
    with admin_connection(server_url) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


# --- preparing (the child process, with Django) ----------------------------------------------------------------


def prepare(args) -> None:
    """Migrate, seed and add the accounts the simulated users log in with; write them to args.fixture."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "i3ml.settings"
    os.environ.pop("REDIS_URL", None)  # nothing is enqueued while seeding
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(BENCH))
    import django

    django.setup()
    import seed_scale
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    seed_scale.seed(args.claims, guides=args.guides, verbose=False)
    print(f"seeded {args.claims:,} claims in {time.perf_counter() - started:.0f} s", flush=True)
    fixture = _accounts(args)
    Path(args.fixture).write_text(json.dumps(fixture))
    print(f"accounts: {len(fixture['residents'])} residents, {len(fixture['guides'])} guides, "
          f"{len(fixture['coordinators'])} coordinators, {len(fixture['api'])} API keys "
          f"({time.perf_counter() - started:.0f} s in all)", flush=True)


def _accounts(args) -> dict:
    import random

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.db import transaction
    from django.db.models import Count, Q
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from api.tokens import api_token_create
    from casework.selectors import CASELOAD_STATES
    from claims import roles
    from claims.models import Claim, Person
    from claims.selectors import claims_as_resident
    from claims.states import State
    from claims.timeutil import now

    users = get_user_model().objects
    rng = random.Random(2026)
    moment = now()
    password = make_password(PASSWORD)  # Argon2, like every real account: each login pays for it

    def totp(user) -> dict:
        device = TOTPDevice.objects.create(user=user, name="Authenticator (load test)", confirmed=True)
        return {"username": user.username, "key": device.key, "step": device.step, "t0": device.t0,
                "digits": device.digits}

    with transaction.atomic():
        # Residents: applicants with an e-mail address and a submitted claim, most of them with an open one.
        persons = list(
            Person.objects.exclude(email="").filter(user__isnull=True)
            .annotate(open=Count("claims", filter=Q(claims__status__in=CASELOAD_STATES)),
                      any=Count("claims", filter=~Q(claims__status=State.DRAFT)))
            .filter(any__gt=0).order_by("-open", "pk")[: args.residents * 3]
        )
        rng.shuffle(persons)
        persons.sort(key=lambda p: p.open == 0)  # the ones with an open claim first, shuffled among themselves
        resident_group = Group.objects.get(name=roles.RESIDENT)
        residents = []
        for person in persons[: args.residents]:
            user = users.create(username=person.email.lower(), email=person.email, password=password,
                                       first_name=person.name.split(" ")[0], date_joined=moment)
            user.groups.add(resident_group)
            Person.objects.filter(pk=person.pk).update(user=user, email_verified_at=moment,
                                                       privacy_accepted_at=moment)
            claims = list(claims_as_resident(user).exclude(status=State.DRAFT)
                          .values_list("pk", "reference", "status"))
            documents = _write_letters([pk for pk, _, _ in claims])
            residents.append({
                "email": user.username,
                "claims": [{"reference": ref, "open": status in CASELOAD_STATES} for _, ref, status in claims],
                "documents": documents,
            })

        # Guides: each simulated guide has an account of its own; the busiest caseloads first.
        guides = []
        ranked = (users.filter(groups__name=roles.CASEWORKER, username__startswith="bench-guide-")
                  .annotate(open=Count("caseload", filter=Q(caseload__status__in=CASELOAD_STATES)))
                  .order_by("-open", "pk"))
        for guide in ranked:
            own = list(Claim.objects.filter(caseworker=guide, status__in=CASELOAD_STATES)
                       .values_list("reference", "property__postcode", "property__house_number")[:200])
            guides.append({**totp(guide), "references": [r for r, _, _ in own],
                           "addresses": [f"{pc[:4]} {pc[4:]} {n}" for _, pc, n in own[:50]]})

        # Coordinators: seed_scale makes one; more are made here, each with an account and device of its own.
        coordinator_group = Group.objects.get(name=roles.COORDINATOR)
        coordinators = [totp(users.get(username=MARKER))]
        for n in range(2, args.coordinators + 1):
            user = users.create(username=f"load-coordinator-{n:02d}", email=f"coordinator{n}@i3ml.example",
                                       password=password, first_name="Coördinator", last_name=str(n),
                                       date_joined=moment)
            user.groups.add(coordinator_group)
            coordinators.append(totp(user))
        sample = list(Claim.objects.exclude(status=State.DRAFT).values_list("reference", flat=True))
        rng.shuffle(sample)

        # API clients: one system account and one key each (a key is shown once; only its hash is kept).
        api = []
        for n in range(1, args.api + 1):
            user = users.create(username=f"load-api-{n:02d}", first_name="Systeem", last_name=str(n))
            user.set_unusable_password()
            user.save(update_fields=["password"])
            _, key = api_token_create(user=user, name=f"Load test client {n}", role=roles.COORDINATOR,
                                      created_by=None)
            api.append({"key": key})

    return {
        "password": PASSWORD,
        "residents": residents,
        "guides": guides,
        "coordinators": coordinators,
        "api": api,
        "references": sample[:1000],
        "municipalities": sorted(Claim.objects.values_list("property__municipality", flat=True).distinct()),
        "claims": Claim.objects.count(),
    }


def _write_letters(claim_ids: list[int]) -> list[int]:
    """seed_scale stores letters without files; give the residents' ones a real PDF, so downloads stream a file."""
    import hashlib
    import io

    from django.core.files.storage import default_storage
    from pypdf import PdfWriter

    from claims.models import Document

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)  # A4
    buffer = io.BytesIO()
    writer.write(buffer)
    content = buffer.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    ids = []
    for document in Document.objects.filter(claim_id__in=claim_ids, kind="letter"):
        path = Path(default_storage.path(document.file.name))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        Document.objects.filter(pk=document.pk).update(sha256=digest, size=len(content))
        ids.append(document.pk)
    return ids


# --- the processes ---------------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(url: str, processes: dict[str, tuple[subprocess.Popen, Path]], seconds: float = 60) -> None:
    """Until /health/ reports the database and a worker; stops early when gunicorn or the worker ended."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for name, (process, log) in processes.items():
            if process.poll() is not None:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
                raise SystemExit(f"{name} ended with status {process.returncode}; the end of its log:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                body = json.loads(response.read())
                if response.status == 200 and body.get("worker") == "ok":
                    return
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} did not report the database and the worker within {seconds:.0f} s")


def stop(process: subprocess.Popen | None, name: str) -> None:
    """SIGTERM to the process group (gunicorn's and celery's children too), SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        print(f"{name} did not stop in 20 s: SIGKILL", flush=True)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def server_env(args, db_url: str, files: Path) -> dict:
    redis = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "i3ml.settings",
        "DATABASE_URL": db_url,
        "REDIS_URL": urlunsplit((redis.scheme, redis.netloc, f"/{args.redis_db}", "", "")),
        "REQUIRE_SECRET_KEY": "true",  # production: DEBUG can't be on, a real secret key
        "SECRET_KEY": secrets.token_urlsafe(50),
        "MEDIA_ROOT": str(files),
        "STATIC_ROOT": str(files.parent / "static"),  # collected as the image does; whitenoise serves it
        "EMAIL_URL": "consolemail://",  # the worker writes the e-mails to its log
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def start_worker(env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "celery"), "-A", "i3ml", "worker", "-l", "info", "--concurrency", "1",
         "--without-gossip", "--without-mingle", "-n", f"load-{os.getpid()}@%h"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


def start_gunicorn(args, env: dict, port: int, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "i3ml.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
         "--threads", str(args.threads), "--timeout", "60", "--access-logfile", "-", "--no-control-socket",
         # Longer than any user's pause: gunicorn's default (2 s) closes an idle connection just as a user sends
         # its next POST on it, which a client cannot safely retry ("connection closed"). nginx in front does
         # the same with its own keepalive_timeout (75 s).
         "--keep-alive", "75",
         "--access-logformat", '%(s)s %(m)s "%(U)s" %(M)sms'],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)


# --- the figures -----------------------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, AttributeError):
        pass
    return f"{os.cpu_count()} cores, {model or platform.processor()}{mem}, {platform.system()} {platform.release()}"


def server_errors(log: Path) -> list[str]:
    """Lines of a log (gunicorn's, the worker's) that show an error: 5xx in the access log, tracebacks, worker
    deaths, task failures."""
    found, lines = [], log.read_text(errors="replace").splitlines()
    for n, line in enumerate(lines):
        if re.match(r"^5\d\d ", line) or "Traceback" in line or "[CRITICAL]" in line or "WORKER TIMEOUT" in line \
                or "Internal Server Error" in line or re.search(r": (ERROR|CRITICAL)/", line):
            found.append("\n".join(lines[n:n + 30]) if "Traceback" in line else line)
    return found


def cpu_seconds(gunicorn: subprocess.Popen, worker: subprocess.Popen, db: str) -> dict[str, dict[int, float]]:
    """CPU seconds used so far, per process: gunicorn (master and workers), the Celery worker, the PostgreSQL
    backends serving our database, and this process (locust). On a shared machine this is the steady figure:
    it does not grow when other work takes the cores, the response times do."""
    import psutil

    def tree(pid: int) -> dict[int, float]:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return {}
        found = {}
        for proc in procs:
            try:
                times = proc.cpu_times()
                found[proc.pid] = times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return found

    backends = {}
    for proc in psutil.process_iter(["cmdline", "cpu_times"]):
        cmdline = " ".join(proc.info["cmdline"] or ())
        if cmdline.startswith("postgres:") and f" {db} " in cmdline and proc.info["cpu_times"]:
            backends[proc.pid] = proc.info["cpu_times"].user + proc.info["cpu_times"].system
    return {"gunicorn": tree(gunicorn.pid), "celery worker": tree(worker.pid), "PostgreSQL": backends,
            "locust (this process)": {os.getpid(): sum(psutil.Process().cpu_times()[:2])}}


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    return {part: sum(seconds - before[part].get(pid, 0.0) for pid, seconds in after[part].items())
            for part in after}


SERVER_GROUPS = (("login", r"^/inloggen/"), ("portal", r"^/(mijn|documenten|uitloggen)/"), ("casework", r"^/werk/"),
                 ("api", r"^/api/"), ("static", r"^/static/"))


def server_times(log: Path) -> list[str]:
    """Time inside gunicorn per group (from its access log, without /health/): the app's own share of each
    request, without the waiting for a free thread that locust's figures include."""
    times: dict[str, list[int]] = {}
    for path, ms in re.findall(r'^\d{3} \w+ "([^"]*)" (\d+)ms$', log.read_text(errors="replace"), re.M):
        group = next((name for name, rule in SERVER_GROUPS if re.match(rule, path)), None)
        if group:
            times.setdefault(group, []).append(int(ms))
    rows = ["| group (server side) | requests | median ms | p95 ms | p99 ms |", "| --- |" + " ---: |" * 4]
    for group, values in sorted(times.items()):
        values.sort()

        def pct(p: float, values=values) -> int:
            return values[min(len(values) - 1, max(0, round(p * len(values) + 0.5) - 1))]

        rows.append(f"| {group} | {len(values)} | {pct(0.5)} | {pct(0.95)} | {pct(0.99)} |")
    return rows


def worker_summary(db_url: str, since: dt.datetime) -> str:
    import psycopg

    with psycopg.connect(db_url) as conn:
        rows = conn.execute(
            "SELECT count(*), count(*) FILTER (WHERE sent_at IS NOT NULL) FROM claims_outgoingemail "
            "WHERE created_at >= %s", [since]).fetchone()
        messages = conn.execute("SELECT count(*) FROM claims_message WHERE created_at >= %s", [since]).fetchone()[0]
        access = conn.execute("SELECT count(*) FROM claims_accesslog WHERE created_at >= %s", [since]).fetchone()[0]
    return (f"written during the run: {messages} messages and call-back requests from residents, {access} access-log "
            f"records; e-mails queued {rows[0]}, sent by the worker {rows[1]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started a second")
    parser.add_argument("--time", type=float, default=60, help="seconds of load after the first user starts")
    parser.add_argument("--claims", type=int, default=4000)
    parser.add_argument("--guides", type=int, default=24, help="case guides in the seed (>= simulated guides)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--db", default=DEFAULT_DB, help="the database this script makes and drops")
    parser.add_argument("--redis-db", type=int, default=int(os.environ.get("LOAD_REDIS_DB", 8)),
                        help="Redis database number for broker and cache (REDIS_URL's server)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse-db", action="store_true", help="use a database a --keep-db run left, unseeded")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--fixture", help=argparse.SUPPRESS)
    parser.add_argument("--residents", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--coordinators", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--api", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args)
        return 0
    return run(args)


def plan_users(total: int) -> dict[str, int]:
    guides = max(1, round(total * GUIDE_SHARE))
    coordinators = max(1, round(total * COORDINATOR_SHARE))
    api = max(1, round(total * API_SHARE))
    return {"guides": guides, "coordinators": coordinators, "api": api,
            "residents": max(1, total - guides - coordinators - api)}


def run(args) -> int:
    server_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    db_url = database_url(server_url, args.db)
    counts = plan_users(args.users)
    if counts["guides"] > args.guides:
        raise SystemExit(f"--guides {args.guides} is fewer than the {counts['guides']} simulated guides")
    SCRATCH.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="run-", dir=SCRATCH))
    files, fixture = scratch / "files", scratch / "accounts.json"
    gunicorn_log, worker_log = scratch / "gunicorn.log", scratch / "worker.log"
    gunicorn = worker = None
    status = ours(server_url, args.db)
    if status is False:
        raise SystemExit(f"Database {args.db!r} exists and was not made by this script; choose another --db.")
    reuse = args.reuse_db and status is True and (scratch.parent / f"{args.db}.accounts.json").exists()
    try:
        env = server_env(args, db_url, files)
        if reuse:
            print(f"reusing database {args.db}", flush=True)
            shutil.copy(scratch.parent / f"{args.db}.accounts.json", fixture)
            saved_files = scratch.parent / f"{args.db}.files"
            if saved_files.exists():
                shutil.copytree(saved_files, files)
        else:
            if status is not None:
                drop_database(server_url, args.db)
            create_database(server_url, args.db)
            print(f"database {args.db} created; migrating and seeding {args.claims:,} claims", flush=True)
            child_env = {**env, "MEDIA_ROOT": str(files)}
            subprocess.run(
                [sys.executable, __file__, "--prepare", "--fixture", str(fixture), "--claims", str(args.claims),
                 "--guides", str(args.guides), "--residents", str(counts["residents"] * 2),
                 "--coordinators", str(counts["coordinators"]), "--api", str(counts["api"])],
                cwd=ROOT, env=child_env, check=True)
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                       cwd=ROOT, env=env, check=True)
        worker = start_worker(env, worker_log)
        port = free_port()
        gunicorn = start_gunicorn(args, env, port, gunicorn_log)
        host = f"http://127.0.0.1:{port}"
        wait_healthy(f"{host}/health/", {"gunicorn": (gunicorn, gunicorn_log), "worker": (worker, worker_log)})
        print(f"gunicorn on {host} ({args.workers} workers x {args.threads} threads), worker up; "
              f"{args.users} users for {args.time:.0f} s", flush=True)
        started_at = dt.datetime.now(dt.UTC)
        cpu_before = cpu_seconds(gunicorn, worker, args.db)
        result = load(host, fixture, counts, args)
        time.sleep(3)  # the worker finishes what the last requests queued
        result["cpu"] = cpu_used(cpu_before, cpu_seconds(gunicorn, worker, args.db))
        errors = server_errors(gunicorn_log) + server_errors(worker_log)
        print(report(result, args, counts, fixture, errors, worker_summary(db_url, started_at)))
        print("\n".join(["", *server_times(gunicorn_log)]))
        return 0 if not result["failures"] and not errors else 1
    finally:
        stop(gunicorn, "gunicorn")
        stop(worker, "worker")
        if args.keep_db:
            if fixture.exists():
                shutil.copy(fixture, scratch.parent / f"{args.db}.accounts.json")
            if files.exists():
                shutil.rmtree(scratch.parent / f"{args.db}.files", ignore_errors=True)
                shutil.copytree(files, scratch.parent / f"{args.db}.files")
            print(f"kept database {args.db} (drop it with: DROP DATABASE {args.db})", flush=True)
        else:
            drop_database(server_url, args.db)
            (scratch.parent / f"{args.db}.accounts.json").unlink(missing_ok=True)
            shutil.rmtree(scratch.parent / f"{args.db}.files", ignore_errors=True)
        if os.environ.get("LOAD_KEEP_LOGS"):
            print(f"logs kept in {scratch}", flush=True)
        else:
            shutil.rmtree(scratch, ignore_errors=True)


# --- locust -----------------------------------------------------------------------------------------------------


def load(host: str, fixture: Path, counts: dict, args) -> dict:
    """Run the users of bench/locustfile.py for args.time seconds; return the stats."""
    os.environ["LOAD_FIXTURE"] = str(fixture)
    sys.path.insert(0, str(BENCH))
    import gevent
    import locustfile
    from locust.env import Environment
    from locust.log import setup_logging

    setup_logging("WARNING")
    classes = locustfile.user_classes(counts)
    env = Environment(user_classes=classes, host=host)
    runner = env.create_local_runner()
    load_before = os.getloadavg()
    runner.start(args.users, spawn_rate=args.spawn_rate)
    gevent.spawn_later(args.time, runner.quit)
    runner.greenlet.join()
    # A task that raised (a bug in the users, or an answer they could not read) is a failure too.
    crashed = [{"method": "task", "name": f"{e['count']} x {e['msg']}", "occurrences": e["count"],
                "error": e["traceback"].strip()} for e in runner.exceptions.values()]
    return {"stats": env.stats, "failures": [e.to_dict() for e in env.stats.errors.values()] + crashed,
            "duration": args.time, "load": (load_before[0], os.getloadavg()[0])}


def cpu_per_request(result: dict, requests: int) -> float:
    return (result["cpu"]["gunicorn"] + result["cpu"]["PostgreSQL"]) * 1000 / max(1, requests)


def report(result: dict, args, counts: dict, fixture: Path, errors: list[str], worker: str) -> str:
    from locust.stats import StatsEntry

    stats = result["stats"]
    data = json.loads(fixture.read_text())
    groups: dict[str, StatsEntry] = {}
    rows = []
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        group = entry.name.split(":", 1)[0]
        groups.setdefault(group, StatsEntry(stats, group, "", use_response_times_cache=False)).extend(entry)
        rows.append((entry.name, entry))
    seconds = max(1e-9, stats.total.last_request_timestamp - stats.total.start_time) \
        if stats.total.last_request_timestamp else result["duration"]

    def line(label: str, e) -> str:
        return (f"| {label} | {e.num_requests} | {e.num_failures} | {e.num_requests / seconds:.1f} | "
                f"{e.get_response_time_percentile(0.5):.0f} | {e.get_response_time_percentile(0.95):.0f} | "
                f"{e.get_response_time_percentile(0.99):.0f} | {e.max_response_time:.0f} |")

    head = "| {} | requests | failures | req/s | median ms | p95 ms | p99 ms | max ms |\n| --- |" + " ---: |" * 7
    out = [
        "",
        f"Mixed load, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; machine: {machine()}",
        f"{data['claims']:,} claims; gunicorn {args.workers} workers x {args.threads} threads, 1 Celery worker, "
        f"PostgreSQL and Redis on the same machine, locust in the same machine too (it takes CPU from the app).",
        f"{args.users} users ({counts['residents']} residents, {counts['guides']} case guides, "
        f"{counts['coordinators']} coordinators, {counts['api']} API clients), spawn {args.spawn_rate:g}/s, "
        f"{seconds:.0f} s of load. Load average (1 min) before {result['load'][0]:.1f}, after {result['load'][1]:.1f} "
        f"(other work on the machine shows here).",
        "",
        head.format("group"),
        *(line(name, entry) for name, entry in sorted(groups.items())),
        line("**all**", stats.total),
        "",
        head.format("request"),
        *(line(name, entry) for name, entry in rows),
        "",
        worker,
        "CPU used during the load (seconds; the machine had " + f"{result['duration'] * (os.cpu_count() or 1):.0f}"
        + " core-seconds): " + ", ".join(f"{part} {used:.1f}" for part, used in result["cpu"].items())
        + f"; gunicorn and PostgreSQL together {cpu_per_request(result, stats.total.num_requests):.0f} ms of CPU "
        "a request.",
    ]
    if result["failures"]:
        out += ["", f"FAILURES ({len(result['failures'])} kinds):"]
        out += [f"- {f['method']} {f['name']}: {f['occurrences']} x {f['error']}" for f in result["failures"]]
    else:
        out += ["", "failures: 0"]
    if errors:
        out += ["", f"ERRORS in the gunicorn or worker log ({len(errors)}):", *errors[:20]]
    else:
        out += ["errors in the gunicorn and worker logs (5xx, tracebacks, failed tasks): 0"]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
