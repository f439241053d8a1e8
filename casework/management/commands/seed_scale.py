"""`manage.py seed_scale`: fills PostgreSQL with a whole institute's history for the benchmarks (casework.scale_seed).
It WIPES the database first, and refuses one that holds claims, persons or accounts it did not seed."""

from django.core.management.base import BaseCommand, CommandError

from casework import scale_seed
from casework.scale_seed import DEFAULT_ITEMS_PER_CLAIM, SeedRefusedError


class Command(BaseCommand):
    help = ("Wipes the database and fills it with claims in every state, their damage items, transitions and "
            "deadlines, in bulk (set-based SQL). Only on an empty database or one this command filled before.")

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, default=250_000, help="number of claims (default 250000)")
        parser.add_argument("--guides", type=int, default=100, help="number of case guides (default 100)")
        parser.add_argument("--items-per-claim", type=int, default=DEFAULT_ITEMS_PER_CLAIM,
                            help=f"average damage items per claim (default {DEFAULT_ITEMS_PER_CLAIM}; "
                                 "spread from a quarter to twice that)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--no-vacuum", action="store_true",
                            help="skip the closing VACUUM (ANALYZE); it is skipped anyway inside a transaction")

    def handle(self, *args, claims: int, guides: int, items_per_claim: int, seed: int, no_vacuum: bool,
               **options):
        if claims < 1 or items_per_claim < 1:
            raise CommandError("--claims and --items-per-claim must be at least 1.")
        try:
            # The bar is redrawn with a carriage return, so it goes to the raw stream: the wrapper adds newlines.
            laps = scale_seed.seed(claims, guides=guides, items_per_claim=items_per_claim, seed=seed,
                                   vacuum=not no_vacuum, verbose=options["verbosity"] > 0,
                                   stream=self.stderr._out)
        except (SeedRefusedError, ValueError) as refused:
            raise CommandError(str(refused)) from refused
        if options["verbosity"]:
            total = laps.pop("total")
            width = max(map(len, laps))
            self.stdout.write("Time per part:")
            for label, seconds in laps.items():
                self.stdout.write(f"  {label:<{width}} {seconds:6.1f} s")
            self.stdout.write(self.style.SUCCESS(f"Seeded {claims:,} claims in {total:.1f} s."))

