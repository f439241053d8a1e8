"""Fill a PostgreSQL database with a whole institute's history, fast: set-based SQL, not the ORM.

    DATABASE_URL=postgres://mijnschade:mijnschade@127.0.0.1:5432/scale \\
        .venv/bin/python manage.py seed_scale --claims 250000 [--guides 100] [--items-per-claim 20]

(bench/seed_scale.py is the same for the benchmark scripts.) The database must be PostgreSQL and migrated.
Seeding WIPES every claim, person, property and user in it, so it refuses a database that holds claims,
persons or accounts it did not seed itself (no `bench-coordinator` account).

What it makes (deterministic for a given seed and day):
- staff: `guides` case guides in teams by municipality, experts, desk staff, commission members, decision
  makers and one coordinator (`bench-coordinator`); all log in with password `bench`;
- ~0.8 persons and ~0.92 homes per claim, in the ten municipalities of the mining damage area (real
  postcode areas, unique addresses), names from common Limburg and Dutch first names and surnames;
- the claims: a history of eight years, ~85 % decided, closed, withdrawn or not admissible and ~15 % in the
  open states, decision terms running, suspended, extended and overdue; about 20 damage items each (5-40,
  as in Groningen), with the expert's findings once inspected and amounts once decided; the transitions
  that led to each status, clock events, receipt letters, inspections, messages, internal notes and calls;
  deadline marks as the morning watch would leave them.
Every row satisfies the models' CHECK and UNIQUE constraints; a claim's status is the `to_state` of its
last transition. Ends with VACUUM (ANALYZE) (not inside a transaction), and reports how long each part took.
"""

from __future__ import annotations

import random
import sys
from typing import TextIO

from . import tables
from .progress import Progress
from .vocabulary import MARKER, PASSWORD, staff_plan

__all__ = ["DEFAULT_ITEMS_PER_CLAIM", "MARKER", "PASSWORD", "SeedRefusedError", "seed"]

DEFAULT_ITEMS_PER_CLAIM = 20
DAMAGE_CHUNKS = 25  # the damage items go in this many INSERTs, so the bar moves while they load


class SeedRefusedError(Exception):
    """The database holds data the scale seed did not put there."""


def wipe(cursor) -> None:
    """Empty the database for seeding: only one the scale seed filled before (it has the MARKER account), or
    one that holds no claims, persons or accounts at all."""
    cursor.execute("SELECT (SELECT count(*) FROM auth_user WHERE username = %s), (SELECT count(*) FROM claims_claim), "
                   "(SELECT count(*) FROM claims_person), (SELECT count(*) FROM auth_user)", [MARKER])
    marked, claims, persons, users = cursor.fetchone()
    if not marked and (claims or persons or users):
        raise SeedRefusedError(f"Refusing to wipe a database with {claims} claims, {persons} persons and {users} "
                               f"accounts that the scale seed did not fill (no {MARKER!r}); use an empty database.")
    # Everything that points at a user, a claim, a person or a home goes with them.
    cursor.execute("TRUNCATE auth_user, claims_claim, claims_person, claims_property, claims_team, "
                   "claims_referencecounter RESTART IDENTITY CASCADE")


# The tables filled in bulk. Their plain indexes and foreign keys are dropped while loading and made again
# afterwards: one index build and one set-based foreign-key check per table instead of one per row
# (Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so per-row checks would all queue up for COMMIT).
BULK_TABLES = ("claims_person", "claims_property", "claims_claim", "claims_damageitem", "claims_claimtransition",
               "claims_clockevent", "claims_document", "claims_letter", "claims_inspection", "claims_message",
               "casework_note", "casework_deadlinemark")


# The biggest tables also lose their primary key while loading: one sort afterwards instead of 5 million
# index insertions (measured: a quarter less time for the damage items). Only when no foreign key from outside
# BULK_TABLES points at them, as those stay in place.
PRIMARY_KEY_DROPPED = ("claims_damageitem", "claims_claimtransition")


def _drop_for_loading(cur) -> tuple[list, list, list]:
    cur.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])", [list(BULK_TABLES)])
    foreign_keys = cur.fetchall()
    cur.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = ANY(%s::regclass[]) AND NOT indisunique AND NOT indisprimary",
                [list(BULK_TABLES)])
    indexes = cur.fetchall()
    cur.execute("""
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint pk
        WHERE contype = 'p' AND conrelid = ANY(%(tables)s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint fk WHERE fk.contype = 'f' AND fk.confrelid = pk.conrelid
                                                           AND NOT fk.conrelid = ANY(%(bulk)s::regclass[]))
    """, {"tables": list(PRIMARY_KEY_DROPPED), "bulk": list(BULK_TABLES)})
    primary_keys = cur.fetchall()
    for table, name, _ in foreign_keys:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cur.execute(f"DROP INDEX {name}")
    for table, name, _ in primary_keys:
        cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return primary_keys, indexes, foreign_keys


def _restore(cur, dropped: tuple[list, list, list], progress: Progress) -> None:
    # Primary keys first: the foreign keys need them.
    primary_keys, indexes, foreign_keys = dropped
    statements = [*(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition
                    in primary_keys),
                  *(definition for _, definition in indexes),
                  *(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for table, name, definition
                    in foreign_keys)]
    progress.start("rebuild indexes, check foreign keys", total=len(statements))
    for done, statement in enumerate(statements, start=1):
        cur.execute(statement)
        progress.advance(done)
    progress.finish()


# Each part's expected share of the time at any size (measured at 250,000 claims on 2 cores); the damage
# items' share grows with their number per claim.
WEIGHTS = {
    "wipe, drop indexes and foreign keys": 0.4, "staff, teams, groups": 0.1, "persons": 0.8, "homes": 1.1,
    "claim plan": 5.5, "claims": 3.5, "transitions": 7.5, "clock events": 1.5, "first decisions": 1.0,
    "receipt letters + documents": 5.0,
    "inspections": 1.0, "messages": 0.8, "notes and calls": 1.1, "deadline marks, absences": 0.1,
    "sequences, reference counters": 0.1, "rebuild indexes, check foreign keys": 24.0, "VACUUM (ANALYZE)": 5.0,
}


def seed(n_claims: int = 250_000, *, guides: int = 100, persons: int | None = None,
         properties: int | None = None, seed: int = 2026, items_per_claim: int = DEFAULT_ITEMS_PER_CLAIM,
         vacuum: bool = True, verbose: bool = True, stream: TextIO | None = None) -> dict[str, float]:
    """Wipe the database and fill it; returns the seconds per part (and 'total'). With `verbose`, a progress
    bar and a closing line go to `stream` (stderr by default). VACUUM is skipped when `vacuum`
    is false or when called inside a transaction (it cannot run in one)."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from casework.attention import due_soon_limit
    from claims import timeutil

    if connection.vendor != "postgresql":
        raise SeedRefusedError("The scale seed needs PostgreSQL (set DATABASE_URL).")
    if n_claims < 1:
        raise ValueError("n_claims must be at least 1")
    persons = persons or max(1, round(n_claims * 0.8))
    properties = properties or max(1, round(n_claims * 0.92))
    spread = tables.items_spread(items_per_claim)  # checks items_per_claim before anything is wiped
    vacuum = vacuum and not connection.in_atomic_block
    rng = random.Random(seed)
    now = timeutil.now()
    today = timeutil.today()
    weights = {**WEIGHTS, "damage items": 2.0 * items_per_claim}
    if not vacuum:
        weights.pop("VACUUM (ANALYZE)")
    stream = stream or sys.stderr
    progress = Progress(weights=weights, stream=stream if verbose else None)
    if verbose:
        print(f"Seeding {n_claims:,} claims (~{n_claims * items_per_claim:,} damage items, "
              f"{spread['items_lo']}-{spread['items_hi']} per claim), {persons:,} persons, {properties:,} homes, "
              f"{guides} guides into {connection.settings_dict['NAME']} (today {today})", file=stream, flush=True)

    def part(label: str, step, *args) -> None:
        progress.start(label)
        step(*args)
        progress.finish()

    users, team_guides = staff_plan(guides)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SET LOCAL synchronous_commit = off")
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
        progress.start("wipe, drop indexes and foreign keys")
        wipe(cur)
        cur.execute("SELECT setseed(%s)", [(seed % 1000) / 1000])
        dropped = _drop_for_loading(cur)
        progress.finish()
        part("staff, teams, groups", tables.seed_staff, cur, users, team_guides, now, make_password(PASSWORD))
        part("persons", tables.seed_persons, cur, persons, now)
        part("homes", tables.seed_properties, cur, properties, rng)
        part("claim plan", tables.seed_plan, cur, n_claims, properties, persons, users, team_guides, now, today,
             items_per_claim)
        # The history before the claims: each claim's first decision is read from it (tables.seed_first_decisions).
        part("transitions", tables.seed_transitions, cur)
        part("clock events", tables.seed_clock, cur)
        part("first decisions", tables.seed_first_decisions, cur)
        part("claims", tables.seed_claims, cur)
        _seed_damage_in_chunks(cur, n_claims, progress)
        part("receipt letters + documents", tables.seed_letters, cur, n_claims)
        part("inspections", tables.seed_inspections, cur)
        part("messages", tables.seed_messages, cur, now)
        part("notes and calls", tables.seed_notes, cur)
        part("deadline marks, absences", tables.seed_watch, cur, today, due_soon_limit(today), users)
        part("sequences, reference counters", tables.seed_finish, cur)
        _restore(cur, dropped, progress)
    if vacuum:
        part("VACUUM (ANALYZE)", _vacuum)
    total = progress.close()
    if verbose:
        print(f"Seeded in {total:.1f} s ({total / 60:.1f} min)", file=stream, flush=True)
    return progress.laps


def _seed_damage_in_chunks(cur, n_claims: int, progress: Progress) -> None:
    # Claim ids are 1..n_claims (bench_plan numbers them), so equal id ranges make equal chunks.
    cur.execute("SELECT COALESCE(sum(n_items), 0) FROM bench_plan")
    progress.start("damage items", total=int(cur.fetchone()[0]))
    tables.seed_item_templates(cur)
    size = -(-n_claims // DAMAGE_CHUNKS)
    done = 0
    for first in range(1, n_claims + 1, size):
        done += tables.seed_damage(cur, first_id=first, last_id=first + size - 1)
        progress.advance(done)
    progress.finish()


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        # As autovacuum would have left a live database: statistics, and the visibility map that lets
        # index-only scans skip the table.
        for table in ("auth_user", "auth_user_groups", "claims_team", "claims_team_members", "claims_absence",
                      "claims_staffprofile", "claims_referencecounter", *BULK_TABLES):
            cur.execute(f"VACUUM (ANALYZE) {table}")
