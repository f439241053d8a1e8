"""`make bench` (issue 8): the pages on a real gunicorn on loopback, beside the admin, the bare SQL and the targets.

    .venv/bin/python bench/run.py [--claims 250000] [--runs 50] [--warmup 5] [--mixed 30]

1. the database `bench` (BENCH_DATABASE_URL, below) is migrated and holds --claims claims of bench/seed_scale.py
   (reused when it holds at least that many and has the seed's marker account; seeding wipes it);
2. the accounts it needs are found or made: the busiest case guide and the coordinator of the seed, a superuser
   with a TOTP device (the admin), a resident with a password (applicant of one of the guide's claims), an API key;
   staff sessions get both factors the way bench/casework_pages.py gives them (the device id in the session);
3. every page's SELECTs are captured in process (test Client) and timed bare, one after another;
4. gunicorn (2 workers x 2 threads, DEBUG off, REQUIRE_SECRET_KEY) and a Celery worker start as in
   bench/load_mixed.py (its helpers), on Redis database --redis-db; each page: --warmup requests, then --runs timed
   ones with `requests` (the time as the client sees it, over loopback);
5. the letter pipeline against bare WeasyPrint: bench/letter_rendering.py (the decision letter), in a child process;
6. the mixed load: bench/locustfile.py's users (--users, by bench/load_mixed.py's shares and its runner) for --mixed
   seconds (0: skipped) against the same gunicorn, once with a person's pauses and once with none (capacity);
   their accounts are made once in the bench database by
   load_mixed's `_accounts` and kept in var/bench/accounts.json (made anew after a reseed);
7. one table with the targets of issue 8 and the gap, printed and written to bench/RESULTS.md.

The database: BENCH_DATABASE_URL, by default postgres://mijnschade:mijnschade@127.0.0.1:5432/bench (made if
missing). Exit status 1 when a page did not answer 200 or the gunicorn log shows an error; a missed target is
only marked (✗) in the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from argparse import Namespace
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

import load_mixed  # noqa: E402  (its gunicorn, worker and machine helpers)
from casework_pages import COMMON_SURNAME, _pass_second_factor, percentile  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://mijnschade:mijnschade@127.0.0.1:5432/bench"
RESULTS = BENCH / "RESULTS.md"
SCRATCH = ROOT / "var" / "bench"  # logs of a run, the residents' letters, the mixed load's accounts (not in git)
ADMIN = "bench-admin"
API_ACCOUNT = "bench-api"
RESIDENT_PASSWORD = "bench"
MIXED_MAX_USERS = 100


@dataclass
class Page:
    label: str
    urls: list[str]
    who: str  # the session to use: guide, coordinator, admin, resident, api
    target_ms: float | None = None  # p95 target of issue 8
    admin: Page | None = None  # the admin answering the same question
    sql: str = ""  # the page's main query, timed bare
    sql_ms: list[float] = field(default_factory=list)
    timings: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)


# --- in process: database, accounts, bare SQL --------------------------------------------------------------------


def setup_django(db_url: str, redis_url: str, secret: str) -> None:
    # The same secret and Redis as gunicorn: the sessions made here are valid there, the dashboard key is shared.
    os.environ.update({"DJANGO_SETTINGS_MODULE": "i3ml.settings", "DATABASE_URL": db_url, "REDIS_URL": redis_url,
                       "SECRET_KEY": secret})
    os.environ.pop("DEBUG", None)
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def ensure_data(claims: int, guides: int) -> int:
    import seed_scale
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from claims.models import Claim

    call_command("migrate", verbosity=0)
    present = Claim.objects.count()
    marked = get_user_model().objects.filter(username=seed_scale.MARKER).exists()
    if present >= claims and marked:
        print(f"database holds {present:,} claims of seed_scale: reused", flush=True)
        return present
    print(f"database holds {present:,} claims; seeding {claims:,} (wipes it)", flush=True)
    try:
        seed_scale.seed(claims, guides=guides)
    except seed_scale.SeedRefusedError as refused:
        raise SystemExit(str(refused)) from refused
    return Claim.objects.count()


def staff_cookie(user) -> str:
    """A session with both factors, as bench/casework_pages.py makes it: force_login plus the device id."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    _pass_second_factor(client, user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def accounts() -> dict:
    """Who is measured: the guide with the most open claims, the coordinator, the admin, a resident, an API key."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count, Q

    from api.tokens import api_token_create
    from casework.selectors import CASELOAD_STATES
    from claims import roles
    from claims.models import Claim, Person
    from claims.timeutil import now

    users = get_user_model().objects
    coordinator = users.get(username="bench-coordinator")
    guide = (users.filter(groups__name=roles.CASEWORKER)
             .annotate(open=Count("caseload", filter=Q(caseload__status__in=CASELOAD_STATES)))
             .order_by("-open", "pk").first())
    admin = users.filter(username=ADMIN).first() or users.create_superuser(ADMIN, "admin@bench.example", None)
    own_open = list(Claim.objects.filter(caseworker=guide, status__in=CASELOAD_STATES)
                    .order_by("pk").values_list("reference", "applicant_id"))
    refs = [ref for ref, _ in own_open][:50]
    dossier_ids = list(Claim.objects.filter(reference__in=refs).values_list("pk", flat=True))
    # The resident: the applicant of the guide's first open claim, with an account that has a password.
    person = Person.objects.get(pk=own_open[0][1])
    if person.user_id is None:
        email = person.email or f"resident{person.pk}@bench.example"
        user = users.filter(username=email.lower()).first() or users.create_user(
            email.lower(), email, RESIDENT_PASSWORD)
        user.groups.add(Group.objects.get(name=roles.RESIDENT))
        Person.objects.filter(pk=person.pk).update(user=user, email=email, email_verified_at=now(),
                                                   privacy_accepted_at=now())
        person.refresh_from_db()
    resident = person.user
    if not resident.check_password(RESIDENT_PASSWORD):  # the seed's hash may be of another password
        # Only then: a new hash would end the resident's sessions that another run holds.
        resident.set_password(RESIDENT_PASSWORD)
        resident.save(update_fields=["password"])
    resident_claims = list(Claim.objects.filter(applicant=person).exclude(status="draft")
                           .values_list("reference", "pk")[:10])
    api_user = users.filter(username=API_ACCOUNT).first()
    if api_user is None:
        api_user = users.create(username=API_ACCOUNT, first_name="Systeem", last_name="bench")
        api_user.set_unusable_password()
        api_user.save(update_fields=["password"])
    _, key = api_token_create(user=api_user, name=f"bench {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M}",
                              role=roles.COORDINATOR, created_by=None)
    return {"guide": guide, "coordinator": coordinator, "admin": admin, "resident": resident,
            "resident_refs": [ref for ref, _ in resident_claims], "resident_ids": [pk for _, pk in resident_claims],
            "resident_name": person.name.split()[-1], "refs": refs, "dossier_ids": dossier_ids, "api_key": key,
            "open_states": list(CASELOAD_STATES),
            "guide_open": len(own_open)}


def in_process_client(who: dict, name: str):
    """A test client as the page's user: staff with both factors, the resident by session, the API by its key."""
    from django.test import Client

    if name == "api":
        return Client(HTTP_AUTHORIZATION=f"Bearer {who['api_key']}", HTTP_ACCEPT="application/json")
    client = Client()
    client.force_login(who[name])
    if name != "resident":
        _pass_second_factor(client, who[name])
    return client


def bare_sql(client, url: str, *, runs: int, warmup: int, before=None) -> tuple[str, list[float]]:
    """The page's SELECTs (captured from one request in process: session, user and roles included, because the page
    needs them too), run again one after another with cursor.execute + fetchall: no network, no Python objects,
    no template. The first of them that reads claims_claim is returned for the notes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    if before:
        before()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} in process: HTTP {response.status_code}")
    selects = [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    main = max((q for q in ctx.captured_queries if '"claims_claim"' in q["sql"]
                and q["sql"].lstrip().upper().startswith("SELECT")), key=lambda q: float(q["time"]),
               default={"sql": ""})["sql"]
    timings = []
    with connection.cursor() as cursor:
        for i in range(warmup + runs):
            started = time.perf_counter()
            for sql in selects:
                cursor.execute(sql)
                cursor.fetchall()
            if i >= warmup:
                timings.append((time.perf_counter() - started) * 1000)
    return f"{len(selects)} SELECTs; the slowest on claims: {main}", timings


def forget_dashboard() -> None:
    """Drop the dashboard's cached figures (only its own key), so the next request counts them anew."""
    from django.core.cache import cache

    from casework import dashboard
    from claims import figures
    from claims.timeutil import today

    cache.delete(dashboard.cache_key(as_of=today(), scope=figures.ALL))


def letter_ratio() -> tuple[float | None, str]:
    """bench/letter_rendering.py for the decision letter (issue 8), against bare WeasyPrint on the same HTML, in a
    child process:
    its own throwaway database and files."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    done = subprocess.run([sys.executable, str(BENCH / "letter_rendering.py"), "--kinds", "decision", "--count", "20"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    found = re.search(r"ratio pipeline / bare WeasyPrint: wall ([\d.]+), cpu ([\d.]+)", done.stdout)
    if not found:
        return None, f"letter_rendering.py failed: {done.stderr[-500:]}"
    return float(found.group(1)), f"wall {found.group(1)}, cpu {found.group(2)}"


# --- over HTTP -------------------------------------------------------------------------------------------------


def resident_session(host: str, username: str):
    """Logs in by password through the real form (no second factor for residents)."""
    import requests

    session = requests.Session()
    form = session.get(f"{host}/inloggen/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    answer = session.post(f"{host}/inloggen/", data={"csrfmiddlewaretoken": token, "username": username,
                                                     "password": RESIDENT_PASSWORD},
                          headers={"Referer": f"{host}/inloggen/"}, allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise SystemExit(f"resident login: HTTP {answer.status_code}")
    return session


def cookie_session(host: str, cookie: str):
    import requests
    from django.conf import settings

    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, cookie, domain="127.0.0.1", path="/")
    return session


def measure(page: Page, session, host: str, *, runs: int, warmup: int) -> None:
    n = len(page.urls)
    for i in range(warmup + runs):
        started = time.perf_counter()
        response = session.get(host + page.urls[i % n], allow_redirects=False, timeout=60)
        _ = response.content
        ms = (time.perf_counter() - started) * 1000
        page.statuses.add(response.status_code)
        if i >= warmup:
            page.timings.append(ms)


def measure_cold(page: Page, session, host: str, *, times: int) -> None:
    for _ in range(times):
        forget_dashboard()
        started = time.perf_counter()
        response = session.get(host + page.urls[0], allow_redirects=False, timeout=120)
        _ = response.content
        page.timings.append((time.perf_counter() - started) * 1000)
        page.statuses.add(response.status_code)


# --- the table -------------------------------------------------------------------------------------------------


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def ratio_cell(value: float | None, *, at_least: float | None = None, at_most: float | None = None) -> str:
    if value is None:
        return "-"
    ok = (at_least is None or value >= at_least) and (at_most is None or value <= at_most)
    return f"{value:.1f}" + ("" if ok else " ✗")


def table(pages: list[Page], *, letters: float | None, mixed: list[dict]) -> list[str]:
    rows = ["| measure | median ms | p95 ms | target p95 | gap | admin median ms | × faster than admin (≥ 5) "
            "| bare SQL median ms | × bare SQL (≤ 5) | HTTP |",
            "| --- |" + " ---: |" * 8 + " --- |"]
    for page in pages:
        med, p95 = statistics.median(page.timings), percentile(page.timings, 95)
        target = f"≤ {page.target_ms:g} ms" if page.target_ms else "-"
        gap = "-" if not page.target_ms else ("met" if p95 <= page.target_ms else f"+{p95 - page.target_ms:.1f} ms ✗")
        admin_med = statistics.median(page.admin.timings) if page.admin and page.admin.timings else None
        sql_med = statistics.median(page.sql_ms) if page.sql_ms else None
        rows.append(
            f"| {page.label} | {med:.1f} | {p95:.1f} | {target} | {gap} | {fmt(admin_med)} | "
            f"{ratio_cell(admin_med / med if admin_med else None, at_least=5)} | {fmt(sql_med, 2)} | "
            f"{ratio_cell(med / sql_med if sql_med else None, at_most=5)} | "
            f"{','.join(map(str, sorted(page.statuses)))} |")
    for run in mixed:
        how = "paced (1-3 s between pages)" if run["paced"] else "no pauses"
        # The target is the server's capacity: judged on the run without pauses.
        gap = "-" if run["paced"] else ("met" if run["rps"] >= 200 and not run["failures"] else
                                        f"{run['rps'] - 200:+.0f} req/s, {run['failures']} failures ✗")
        rows.append(f"| mixed load, {run['users']} users, {how}: {run['rps']:.0f} req/s, {run['failures']} failures "
                    f"of {run['requests']} | {fmt(run.get('median'), 0)} | {fmt(run.get('p95'), 0)} "
                    f"| ≥ 200 req/s, no errors | {gap} | - | - | - | - | - |")
    if not mixed:
        rows.append("| mixed load | - | - | ≥ 200 req/s, no errors | not run | - | - | - | - | - |")
    gap = "-" if letters is None else ("met" if letters <= 1.1 else f"+{letters - 1.1:.2f} ✗")
    rows.append(f"| letter pipeline / bare WeasyPrint (ratio, wall) | {fmt(letters, 2)} | - | ≤ 1.1× | {gap} "
                f"| - | - | - | - | - |")
    return rows


# --- the run ---------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=250_000, help="seed when the database holds fewer")
    parser.add_argument("--guides", type=int, default=100)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--cold", type=int, default=3, help="cold-cache dashboard requests")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--mixed", type=float, default=30, help="seconds of mixed load (0: skipped)")
    parser.add_argument("--users", type=int, default=50, help="users of the mixed load")
    parser.add_argument("--no-results", action="store_true", help="do not write bench/RESULTS.md")
    parser.add_argument("--mixed-child", help=argparse.SUPPRESS)  # host: the locust run, in a process of its own
    parser.add_argument("--fixture", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mixed_child:
        return mixed_child(args)

    db_url = os.environ.get("BENCH_DATABASE_URL") or DEFAULT_DATABASE_URL
    server = Namespace(workers=2, threads=2, redis_db=args.redis_db)
    SCRATCH.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="run-", dir=SCRATCH))
    env = load_mixed.server_env(server, db_url, SCRATCH / "files")  # files kept: the residents' letters
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    name = urlsplit(db_url).path.lstrip("/")
    with load_mixed.admin_connection(db_url) as conn:
        missing = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None
    if missing:
        load_mixed.create_database(db_url, name)  # the role needs CREATEDB (scripts/services.sh gives it)
        print(f"database {name} created", flush=True)
    os.environ["MEDIA_ROOT"] = env["MEDIA_ROOT"]
    setup_django(db_url, env["REDIS_URL"], env["SECRET_KEY"])
    claims = ensure_data(args.claims, args.guides)
    who = accounts()
    cookies = {name: staff_cookie(who[name]) for name in ("guide", "coordinator", "admin")}
    print(f"guide {who['guide'].username}: {who['guide_open']} open claims; resident {who['resident'].username}",
          flush=True)
    letters, letters_note = letter_ratio()
    print(f"letters: {letters_note}", flush=True)

    refs, guide_id = who["refs"], who["guide"].pk
    states = ",".join(who["open_states"])
    dossier_ids = who["dossier_ids"]
    caseload = Page("caseload (guide, /werk/)", ["/werk/"], "guide", 20, admin=Page(
        "admin: the guide's open claims", [f"/admin/claims/claim/?caseworker={guide_id}&status__in={states}"],
        "admin"))
    search = Page(f"search (guide, /werk/?q={COMMON_SURNAME})", [f"/werk/?q={COMMON_SURNAME}"], "guide", 10,
                  admin=Page("admin: search in the guide's claims",
                             [f"/admin/claims/claim/?caseworker={guide_id}&q={COMMON_SURNAME}"], "admin"))
    dossier = Page("dossier (guide, /werk/zaken/<ref>/)", [f"/werk/zaken/{r}/" for r in refs], "guide", 15,
                   admin=Page("admin: the claim's change page",
                              [f"/admin/claims/claim/{pk}/change/" for pk in dossier_ids], "admin"))
    pages = [
        caseload,
        Page("team view (coordinator, /werk/team/)", ["/werk/team/"], "coordinator", admin=Page(
            "admin: all open claims, nearest decision date first",
            [f"/admin/claims/claim/?status__in={states}&o=-decision_due"], "admin")),
        search,
        dossier,
        Page("portal (resident, /mijn/)", ["/mijn/"], "resident", 15, admin=Page(
            "admin: the resident's claims by name", [f"/admin/claims/claim/?q={who['resident_name']}"], "admin")),
        Page("portal claim (resident, /mijn/<ref>/)", [f"/mijn/{r}/" for r in who["resident_refs"]], "resident", 15,
             admin=Page("admin: the claim's change page",
                        [f"/admin/claims/claim/{pk}/change/" for pk in who["resident_ids"]], "admin")),
        Page("API claim list (/api/v1/claims/)", ["/api/v1/claims/"], "api", admin=Page(
            "admin: the claims list, newest first", ["/admin/claims/claim/"], "admin")),
        Page("dashboard, warm (/werk/overzicht/)", ["/werk/overzicht/"], "coordinator", 150),
    ]
    cold = Page("dashboard, cold cache (first request)", ["/werk/overzicht/"], "coordinator", 150)
    for page in pages:
        page.sql, page.sql_ms = bare_sql(in_process_client(who, page.who), page.urls[0], runs=args.runs,
                                         warmup=args.warmup)
        print(f"bare SQL of {page.label}: {statistics.median(page.sql_ms):.2f} ms ({page.sql[:20]})", flush=True)
    cold.sql, cold.sql_ms = bare_sql(in_process_client(who, "coordinator"), cold.urls[0], runs=min(args.runs, 5),
                                     warmup=1, before=forget_dashboard)
    gunicorn = worker = None
    mixed: list[dict] = []
    errors: list[str] = []
    try:
        subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
                       cwd=ROOT, env=env, check=True)
        worker = load_mixed.start_worker(env, scratch / "worker.log")
        port = load_mixed.free_port()
        gunicorn = load_mixed.start_gunicorn(server, env, port, scratch / "gunicorn.log")
        host = f"http://127.0.0.1:{port}"
        load_mixed.wait_healthy(f"{host}/health/", {"gunicorn": (gunicorn, scratch / "gunicorn.log"),
                                                    "worker": (worker, scratch / "worker.log")})
        print(f"gunicorn on {host} (2 workers x 2 threads) and a worker up", flush=True)
        sessions = {name: cookie_session(host, cookie) for name, cookie in cookies.items()}
        sessions["resident"] = resident_session(host, who["resident"].username)
        import requests

        sessions["api"] = requests.Session()
        sessions["api"].headers.update({"Authorization": f"Bearer {who['api_key']}", "Accept": "application/json"})
        measure_cold(cold, sessions["coordinator"], host, times=args.cold)
        for page in pages:
            for one in (page, page.admin):
                if one is None or not one.urls:
                    continue
                measure(one, sessions[one.who], host, runs=args.runs, warmup=args.warmup)
                print(f"  {one.label:<48} median {statistics.median(one.timings):7.1f} ms  "
                      f"p95 {percentile(one.timings, 95):7.1f} ms  HTTP {sorted(one.statuses)}", flush=True)
        if args.mixed > 0:
            mixed = [run_mixed(host, args, paced=True)]
            # The same staff log in again: a TOTP code is taken once, so wait for the next 30-second step.
            time.sleep(30 - time.time() % 30 + 1)
            mixed = [run for run in (*mixed, run_mixed(host, args, paced=False)) if run]
        errors = load_mixed.server_errors(scratch / "gunicorn.log")
    finally:
        load_mixed.stop(gunicorn, "gunicorn")
        load_mixed.stop(worker, "worker")

    pages.append(cold)
    measured = [p for p in pages if p.timings]
    rows = table(measured, letters=letters, mixed=mixed)
    when = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC"
    head = [
        "# Benchmark results (issue 8)",
        "",
        f"{when}; machine: {load_mixed.machine()}; load average {os.getloadavg()[0]:.1f} at the end "
        "(a shared machine: other work shows in the p95).",
        "",
        f"{claims:,} claims in the database; gunicorn 2 workers x 2 threads on loopback (DEBUG off), a Celery worker, "
        f"PostgreSQL and Redis on the same machine; `requests` from one client, {args.warmup} warm-up then "
        f"{args.runs} timed requests per page, one at a time (the dashboard cold: {args.cold} requests, its cache "
        f"key dropped before each). Guide measured: {who['guide'].username} ({who['guide_open']} open claims). "
        "Targets of issue 8 (at 250,000 claims, p95, warm); ✗ marks a miss.",
        "",
    ]
    notes = [
        "",
        f"- Letters: {letters_note} (bench/letter_rendering.py, the decision letter, 20 letters).",
        "- Admin: the same question through Django's admin changelist or change page as superuser with both factors: "
        + "; ".join(f"`{p.admin.urls[0]}`" for p in pages if p.admin),
        "- Bare SQL: all the SELECTs one request of the page makes (session, user and roles included), captured in "
        "process and run again one after another with cursor.execute + fetchall (no network, no Python objects, no "
        "template); the cold dashboard with its cache key dropped. Caseload: "
        f"{caseload.sql[:300]}…",
        f"- Errors in the gunicorn log (5xx, tracebacks): {len(errors)}",
    ]
    if mixed:
        notes.append(f"- Mixed load: bench/locustfile.py users ({args.users}: residents, case guides, coordinators, "
                     f"API clients, with their logins) for {args.mixed:g} s against the same gunicorn, twice: with a "
                     "person's pauses, and with none (the server's capacity, which the target is about). locust runs "
                     "on the same machine and takes CPU from the server.")
    text = "\n".join([*head, *rows, *notes])
    print()
    print(text)
    if not args.no_results:
        RESULTS.write_text(text + "\n")
        print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    bad = [p.label for p in measured + [p.admin for p in measured if p.admin] if p.statuses != {200}]
    if bad:
        print(f"pages that did not answer 200: {bad}")
    if os.environ.get("BENCH_KEEP_LOGS"):
        print(f"logs in {scratch}")
    else:
        shutil.rmtree(scratch, ignore_errors=True)
    return 1 if bad or errors else 0


# --- the mixed load --------------------------------------------------------------------------------------------


def mixed_accounts(users: int) -> tuple[Path, dict]:
    """The accounts of bench/load_mixed.py's users (made once in the bench database by its `_accounts`, kept in
    var/bench/; made anew after a reseed, which wipes them)."""
    from django.contrib.auth import get_user_model

    counts = load_mixed.plan_users(users)
    fixture = SCRATCH / "accounts.json"
    marker = "load-api-01"  # _accounts makes it; made once, for up to MIXED_MAX_USERS users
    exists = get_user_model().objects.filter(username=marker).exists()
    if exists and fixture.exists():
        data = json.loads(fixture.read_text())
    elif exists:
        raise SystemExit(f"{marker} exists but {fixture} is gone: reseed the bench database for the mixed load")
    else:
        most = load_mixed.plan_users(max(users, MIXED_MAX_USERS))
        data = load_mixed._accounts(Namespace(residents=most["residents"] * 2,
                                              coordinators=most["coordinators"], api=most["api"]))
    # The login asks for the code of the account's first device; a bench session may have made one before.
    from claims.authenticators import authenticator_of

    staff = {u.username: u for u in get_user_model().objects.filter(
        username__in=[a["username"] for kind in ("guides", "coordinators") for a in data[kind]])}
    for kind in ("guides", "coordinators"):
        for account in data[kind]:
            device = authenticator_of(staff[account["username"]])
            account.update(key=device.key, step=device.step, t0=device.t0, digits=device.digits)
    fixture.write_text(json.dumps(data))
    if users > MIXED_MAX_USERS:
        raise SystemExit(f"the mixed load's accounts are made for at most {MIXED_MAX_USERS} users")
    return fixture, counts


def run_mixed(host: str, args, *, paced: bool) -> dict | None:
    """paced: people with pauses of 1-3 s between pages; not paced: every user asks again as soon as answered."""
    fixture, _ = mixed_accounts(args.users)
    print(f"mixed load: {args.users} users for {args.mixed:g} s, {'paced' if paced else 'no pauses'}", flush=True)
    env = {**os.environ, "LOAD_FIXTURE": str(fixture), "LOAD_NO_PAUSE": "0" if paced else "1"}
    done = subprocess.run([sys.executable, __file__, "--mixed-child", host, "--fixture", str(fixture),
                           "--users", str(args.users), "--mixed", str(args.mixed)],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    found = re.search(r"^MIXED (\{.*\})$", done.stdout, re.M)
    if not found:
        print(f"mixed load failed: {done.stdout[-1500:]} {done.stderr[-1500:]}")
        return None
    result = json.loads(found.group(1))
    result["paced"] = paced
    for failure in result.pop("failure_lines"):
        print(f"  failure: {failure}")
    return result


def mixed_child(args) -> int:
    """The locust run (gevent patches the process, so not in the one that holds Django's connections)."""
    counts = load_mixed.plan_users(args.users)
    result = load_mixed.load(args.mixed_child, Path(args.fixture), counts,
                             Namespace(users=args.users, spawn_rate=10, time=args.mixed))
    total = result["stats"].total
    seconds = max(1e-9, total.last_request_timestamp - total.start_time) if total.last_request_timestamp \
        else args.mixed
    failures = [f"{f['method']} {f['name']}: {f['occurrences']} x {str(f['error'])[:300]}"
                for f in result["failures"]]
    print("MIXED " + json.dumps({
        "requests": total.num_requests, "failures": total.num_failures + sum(
            f["occurrences"] for f in result["failures"] if f["method"] == "task"),
        "rps": total.num_requests / seconds, "median": total.get_response_time_percentile(0.5),
        "p95": total.get_response_time_percentile(0.95), "users": args.users, "failure_lines": failures[:20]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
