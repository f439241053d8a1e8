from django.core.management.base import BaseCommand

from claims.holiday_data import load_years


class Command(BaseCommand):
    help = "Loads the Algemene termijnenwet days for years that have none yet (existing years stay as they are)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="first", type=int, required=True)
        parser.add_argument("--to", dest="last", type=int, required=True)

    def handle(self, *args, first: int, last: int, **options) -> None:
        added = load_years(first, last)
        self.stdout.write(f"{added} dagen toegevoegd voor {first}–{last}.")
