"""Server time of the staff pages on a whole institute's history: caseload, team view, search, dossier.

    .venv/bin/python bench/casework_pages.py [--claims 250000] [--seed] [--runs 50] [--plans]

Uses DATABASE_URL, by default postgres://mijnschade:mijnschade@127.0.0.1:5432/bench; the database is
migrated first, and filled by bench/seed_scale.py when it holds fewer than --claims claims (or always with
--seed; seeding wipes it, and refuses a database it did not fill itself). Then, for each page, --warmup
requests and --runs timed requests through Django's test Client as a logged-in user (force_login): the time
from request to complete response inside the process (middleware, views, queries, templates), no network.
Prints per page the median and 95th percentile (wall clock), the median CPU time of the Python side, the
queries per request and their time (counted on the warm-up requests), then the EXPLAIN (ANALYZE) findings:
for every SELECT a page runs, the scans it does, and any sequential scan on a big table. On a busy machine
the CPU column is the steadier figure.

The requests only read; the sessions that force_login makes are the only rows written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_DATABASE_URL = "postgres://mijnschade:mijnschade@127.0.0.1:5432/bench"
COMMON_SURNAME = "Janssen"  # the most common surname of the seed: the heaviest name search
TRIGRAM_INDEXES = ("person_name_trgm", "property_street_trgm")
BIG_TABLE_ROWS = 10_000  # a sequential scan on a table with more rows than this is a finding


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "i3ml.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.pop("REDIS_URL", None)  # nothing is enqueued by reading pages; the cache is in-process
    import django

    django.setup()
    from django.conf import settings

    # The test Client's host. setup_test_environment() would also instrument template rendering
    # (a signal and a context copy per template), which is not what a server does, so only the host.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


@dataclass
class Case:
    label: str
    user: object
    urls: list[str]  # requests rotate through these
    group: str = ""
    timings: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # CPU time of this process (Python), without PostgreSQL's
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    statuses: set[int] = field(default_factory=set)
    captured: list[dict] = field(default_factory=list)  # the queries of one request, for EXPLAIN


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))  # nearest rank
    return ordered[rank]


def pick_subjects(rng: random.Random, guide_name: str | None):
    """The guide to measure (by default the one with the most open claims: the heaviest caseload),
    the coordinator, and samples of the guide's claims for dossier, postcode and reference searches."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Q

    from casework.selectors import CASELOAD_STATES
    from claims.models import Claim

    users = get_user_model().objects
    coordinator = users.get(username="bench-coordinator")
    if guide_name:
        guide = users.get(username=guide_name)
    else:
        guide = (users.filter(groups__name="caseworker")
                 .annotate(open=Count("caseload", filter=Q(caseload__status__in=CASELOAD_STATES)))
                 .order_by("-open", "pk").first())
    own = Claim.objects.filter(caseworker=guide)
    open_own = list(own.filter(status__in=CASELOAD_STATES).select_related("property")
                    .values_list("reference", "property__postcode", "property__house_number"))
    all_refs = list(own.values_list("reference", flat=True))
    rng.shuffle(open_own)
    return coordinator, guide, open_own, rng.sample(all_refs, min(len(all_refs), 100))


def build_cases(rng: random.Random, guide_name: str | None) -> tuple[list[Case], dict]:
    from django.urls import reverse

    coordinator, guide, open_own, sample = pick_subjects(rng, guide_name)
    caseload, team = reverse("casework:caseload"), reverse("casework:team")
    dossiers = [reverse("casework:dossier", args=[ref]) for ref in sample]
    addresses = [f"{caseload}?q={pc[:4]}+{pc[4:]}+{number}" for _, pc, number in open_own[:60]]
    references = [f"{caseload}?q={ref}" for ref, _, _ in open_own[:60]]
    cases = [
        Case("caseload, page 1", guide, [caseload], "caseload"),
        Case("caseload ?overdue=1", guide, [f"{caseload}?overdue=1"], "caseload"),
        Case("caseload ?status=inspection", guide, [f"{caseload}?status=inspection"], "caseload"),
        Case("caseload ?urgent=1", guide, [f"{caseload}?urgent=1"], "caseload"),
        Case("caseload, page 3", guide, [f"{caseload}?page=3"], "caseload"),
        Case(f"search ?q={COMMON_SURNAME}", guide, [f"{caseload}?q={COMMON_SURNAME}"], "search"),
        Case("search ?q=<postcode> <number>", guide, addresses, "search"),
        Case("search ?q=<reference>", guide, references, "search"),
        Case("dossier (random own claims)", guide, dossiers, "dossier"),
        Case("coordinator: team view", coordinator, [team], "team"),
        Case("coordinator: caseload (all open)", coordinator, [caseload], "caseload"),
        Case(f"coordinator: search ?q={COMMON_SURNAME}", coordinator, [f"{caseload}?q={COMMON_SURNAME}"],
             "search"),
        Case("coordinator: caseload ?municipality=Heerlen&overdue=1", coordinator,
             [f"{caseload}?municipality=Heerlen&overdue=1"], "caseload"),
    ]
    about = {"guide": guide.username, "guide_open": len(open_own)}
    from claims.models import Claim
    from claims.selectors import claims_visible_to

    about["guide_visible"] = claims_visible_to(guide).count()
    about["guide_claims"] = Claim.objects.filter(caseworker=guide).count()
    return [case for case in cases if case.urls], about


def _pass_second_factor(client, user) -> None:
    """Staff pages need both factors (issue 7); force_login skips the password, this skips the code, as if the
    person had typed it. The device is a bench account's, made here."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="bench", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def run_case(case: Case, *, runs: int, warmup: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(raise_request_exception=False)  # a broken page shows as HTTP 500 in the table
    client.force_login(case.user)
    _pass_second_factor(client, case.user)
    n = len(case.urls)
    for i in range(warmup):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(case.urls[i % n])
        case.statuses.add(response.status_code)
        case.queries.append(len(ctx.captured_queries))
        case.sql_ms.append(sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
        if i == warmup - 1:
            case.captured = list(ctx.captured_queries)
    for i in range(runs):
        url = case.urls[(warmup + i) % n]
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        case.timings.append((time.perf_counter() - started) * 1000)
        case.cpu.append((time.process_time() - cpu) * 1000)
        case.statuses.add(response.status_code)


# --- EXPLAIN -------------------------------------------------------------------------------------------


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
                       "AND relnamespace = 'public'::regnamespace")
        return dict(cursor.fetchall())


def walk(node: dict):
    yield node
    for child in node.get("Plans", ()):
        yield from walk(child)


@dataclass
class Explained:
    sql: str
    ms: float
    scans: list[str]
    seq_big: list[str]
    text: str


def explain(sql: str, sizes: dict[str, int]) -> Explained:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        plan = cursor.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else json.loads(plan)[0]
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql)
        text = "\n".join(row[0] for row in cursor.fetchall())
    scans, seq_big = [], []
    for node in walk(plan["Plan"]):
        kind = node["Node Type"]
        relation = node.get("Relation Name", "")
        if "Scan" not in kind or not (relation or node.get("Index Name")):
            continue
        index = node.get("Index Name", "")
        label = kind + (f" on {relation}" if relation else "") + (f" using {index}" if index else "")
        if label not in scans:
            scans.append(label)
        if kind == "Seq Scan" and sizes.get(relation, 0) > BIG_TABLE_ROWS:
            seq_big.append(f"{relation} ({sizes[relation]:,} rows, {node.get('Actual Rows', 0):,} kept, "
                           f"filter: {node.get('Filter', '-')})")
    return Explained(sql, plan.get("Execution Time", 0.0), scans, seq_big, text)


def explain_case(case: Case, sizes: dict[str, int]) -> list[Explained]:
    found = []
    for query in case.captured:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT") or "django_session" in sql:
            continue
        found.append(explain(sql, sizes))
    return sorted(found, key=lambda e: e.ms, reverse=True)


# --- the report -----------------------------------------------------------------------------------------


def report(cases: list[Case], about: dict, rows: dict[str, int], *, show_plans: bool) -> None:
    print()
    print(f"Database: {rows['claims_claim']:,} claims, {rows['claims_person']:,} persons, "
          f"{rows['claims_property']:,} homes, {rows['claims_claimtransition']:,} transitions, "
          f"{rows['casework_note']:,} notes, {rows['claims_message']:,} messages")
    print(f"Guide {about['guide']}: {about['guide_open']} open claims of {about['guide_claims']:,} own; "
          f"{about['guide_visible']:,} claims visible (own + team)")
    print()
    header = (f"{'page':<52} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} {'CPU ms':>7} {'queries':>7} "
              f"{'SQL ms':>7} {'HTTP':>5} {'claims in DB':>12}")
    print(header)
    print("-" * len(header))
    for case in cases:
        queries = (f"{min(case.queries)}" if min(case.queries) == max(case.queries)
                   else f"{min(case.queries)}-{max(case.queries)}")
        statuses = ",".join(str(s) for s in sorted(case.statuses))
        print(f"{case.label:<52} {statistics.median(case.timings):9.1f} {percentile(case.timings, 95):8.1f} "
              f"{max(case.timings):8.1f} {statistics.median(case.cpu):7.1f} {queries:>7} "
              f"{statistics.median(case.sql_ms):7.1f} {statuses:>5} "
              f"{rows['claims_claim']:>12,}")
    print()
    print("EXPLAIN (ANALYZE) of every SELECT of one request per page (slowest first):")
    sizes = table_sizes()
    findings = []
    for case in cases:
        if case.statuses != {200}:
            print(f"\n{case.label}: skipped (HTTP {sorted(case.statuses)})")
            continue
        explained = explain_case(case, sizes)
        print(f"\n{case.label}: {len(explained)} SELECTs, "
              f"{sum(e.ms for e in explained):.1f} ms in the database (EXPLAIN ANALYZE)")
        for e in explained[:3]:
            trigram = [ix for ix in TRIGRAM_INDEXES if any(ix in s for s in e.scans)]
            print(f"  {e.ms:7.1f} ms  {e.sql[:110]}...")
            print(f"             scans: {'; '.join(e.scans) or '-'}")
            if trigram:
                print(f"             trigram index used: {', '.join(trigram)}")
        if case.group == "search" and COMMON_SURNAME in case.label:
            used = sorted({ix for e in explained for s in e.scans for ix in TRIGRAM_INDEXES if ix in s})
            print(f"  name search uses the trigram indexes: {', '.join(used) if used else 'NO'}")
        for e in explained:
            for seq in e.seq_big:
                findings.append((case.label, e.ms, seq, e.sql))
        if show_plans and explained:
            print("  plan of the slowest:")
            print("    " + explained[0].text.replace("\n", "\n    "))
    print()
    if findings:
        print("Sequential scans on big tables:")
        for label, ms, seq, sql in findings:
            print(f"  {label}: {ms:.1f} ms, Seq Scan on {seq}")
            print(f"      in: {sql[:300]}")
    else:
        print(f"No sequential scan on any table of more than {BIG_TABLE_ROWS:,} rows.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=250_000, help="seed when the database has fewer")
    parser.add_argument("--guides", type=int, default=100)
    parser.add_argument("--seed", action="store_true", help="seed anew even if the database is full")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--guide", help="username of the guide to measure (default: most open claims)")
    parser.add_argument("--plans", action="store_true", help="print the plan of each page's slowest query")
    args = parser.parse_args()
    if args.warmup < 1 or args.runs < 1:
        parser.error("--warmup and --runs must be at least 1")

    setup_django()
    from django.core.management import call_command

    from claims.models import Claim

    call_command("migrate", verbosity=0)
    present = Claim.objects.count()
    if args.seed or present < args.claims:
        import seed_scale

        print(f"The database holds {present:,} claims; seeding {args.claims:,}.")
        seed_scale.seed(args.claims, guides=args.guides)

    rng = random.Random(4)
    cases, about = build_cases(rng, args.guide)
    started = time.perf_counter()
    for case in cases:
        run_case(case, runs=args.runs, warmup=args.warmup)
        print(f"  measured {case.label:<52} median {statistics.median(case.timings):7.1f} ms", flush=True)
    print(f"({args.runs} timed requests per page after {args.warmup} warm-up; "
          f"{time.perf_counter() - started:.0f} s)")
    sizes = table_sizes()
    rows = {t: sizes.get(t, 0) for t in ("claims_claim", "claims_person", "claims_property",
                                         "claims_claimtransition", "casework_note", "claims_message")}
    rows["claims_claim"] = Claim.objects.count()
    report(cases, about, rows, show_plans=args.plans)


if __name__ == "__main__":
    main()
