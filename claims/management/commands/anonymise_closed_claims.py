"""`manage.py anonymise_closed_claims`: the retention job by hand (the nightly task runs the same service)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from claims.models import RetentionRun
from claims.services.retention import claims_anonymise_expired, retention_years


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = ("Verwijdert de persoonsgegevens van zaken die langer dan de bewaartermijn zijn afgesloten (instelling "
            "MIJNSCHADE_RETENTION, standaard 7 jaar); de cijfers blijven. Veilig terwijl de site draait.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--years", type=_positive, default=None,
                            help="Bewaartermijn in jaren (standaard de instelling).")
        parser.add_argument("--limit", type=_positive, default=None, help="Hoogstens zoveel zaken.")
        parser.add_argument("--dry-run", action="store_true", help="Laat zien wat er zou gebeuren; verandert niets.")

    def handle(self, *args, years: int | None, limit: int | None, dry_run: bool, **options) -> None:
        years = retention_years() if years is None else years
        report = claims_anonymise_expired(years=years, limit=limit, dry_run=dry_run,
                                          trigger=RetentionRun.Trigger.COMMAND)
        done, done_all = (("zou worden geanonimiseerd", "zouden worden geanonimiseerd") if dry_run
                          else ("geanonimiseerd", "geanonimiseerd"))
        self.stdout.write(f"Bewaartermijn {years} jaar: zaken afgesloten vóór "
                          f"{timezone.localtime(report.cutoff):%Y-%m-%d %H:%M}.")
        for claim in report.claims:
            counts = ", ".join(f"{name} {count}" for name, count in sorted(claim.counts.items()))
            self.stdout.write(
                f"  {claim.reference} (afgesloten {timezone.localtime(claim.closed_at):%Y-%m-%d}) {done}: "
                f"{claim.files_deleted} bestanden, {claim.persons_anonymised} personen, adres "
                f"{'geanonimiseerd' if claim.property_anonymised else 'bewaard (nog nodig)'}; {counts}")
        self.stdout.write(
            f"{report.claims_done} zaken {done_all}, {report.persons_done} personen, {report.files_deleted} bestanden"
            + (f", {report.skipped} overgeslagen (in gebruik; volgende ronde)" if report.skipped else "")
            + (". Proefdraai: er is niets veranderd." if dry_run else "."))
        if report.failed:
            raise CommandError(f"{len(report.failed)} zaken mislukt (zie het log): id {', '.join(report.failed)}")
