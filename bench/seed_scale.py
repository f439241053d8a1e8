"""Fill the benchmark database with a whole institute's history: `manage.py seed_scale` for the bench scripts.

    DATABASE_URL=postgres://mijnschade:mijnschade@127.0.0.1:5432/bench \\
        .venv/bin/python bench/seed_scale.py [--claims 250000] [--guides 100] [--items-per-claim 20] [--migrate]

The seeding lives in casework.scale_seed (see there for what it makes); this wrapper only adds the bench
database as the default and --migrate. bench/casework_pages.py and bench/load_mixed.py call `seed()` from here.
It WIPES the database, and refuses one it did not fill (no `bench-coordinator` account).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casework.scale_seed import DEFAULT_ITEMS_PER_CLAIM, MARKER, PASSWORD, SeedRefusedError, seed  # noqa: E402

__all__ = ["MARKER", "PASSWORD", "SeedRefusedError", "seed", "setup_django"]

DEFAULT_DATABASE_URL = "postgres://mijnschade:mijnschade@127.0.0.1:5432/bench"


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "i3ml.settings")
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.pop("REDIS_URL", None)  # nothing is enqueued: seeding writes SQL only
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=250_000)
    parser.add_argument("--guides", type=int, default=100)
    parser.add_argument("--items-per-claim", type=int, default=DEFAULT_ITEMS_PER_CLAIM)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--migrate", action="store_true", help="run manage.py migrate first")
    args = parser.parse_args()
    setup_django()
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    try:
        seed(args.claims, guides=args.guides, seed=args.seed, items_per_claim=args.items_per_claim)
    except SeedRefusedError as refused:
        raise SystemExit(str(refused)) from refused


if __name__ == "__main__":
    main()
