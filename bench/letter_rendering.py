"""How long a letter takes: the whole `letters.render` pipeline against bare WeasyPrint on the same HTML.

    python bench/letter_rendering.py [--count 20] [--kinds receipt,appointment,...]

Every letter kind that has a template is measured (the receipt and the decision also against bare
WeasyPrint); kinds whose step the demo claim has not reached get their facts from a plausible snapshot
(see sample_facts): the decision letter, for instance, with three damage items (yes, partly 60%, no), as
the decision service gives them. `--kinds decision` gives the figure for the decision letter alone.

Uses DATABASE_URL if set (it must be migrated); otherwise a throwaway SQLite database in a temporary
directory, migrated first. The demo claim and its letters are made in a transaction that is rolled back,
and the PDFs go to a temporary MEDIA_ROOT, so nothing is left behind. Prints wall-clock and CPU time per
letter: on a busy machine the CPU time is the steadier figure.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "i3ml.settings")
    os.environ["MEDIA_ROOT"] = str(workdir / "files")
    os.environ.pop("REDIS_URL", None)  # nothing is enqueued anyway: the transaction never commits
    throwaway = "DATABASE_URL" not in os.environ
    if throwaway:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    import django

    django.setup()
    if throwaway:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def make_claim():
    from django.contrib.auth import get_user_model

    from claims.models import DamageItem, Person, Property
    from claims.services import claim_create_draft, claim_transition

    actor = get_user_model().objects.create_superuser("bench-letters", "bench@example.nl", None)
    person = Person.objects.create(name="J. Bemelmans", email="bemelmans@example.nl")
    home = Property.objects.create(postcode="6411AB", house_number=9990, street="Akerstraat", town="Heerlen",
                                   municipality="Heerlen")
    claim = claim_create_draft(property=home, applicant=person, filed_by=actor)
    DamageItem.objects.create(claim=claim, position=1, location="Woonkamer", kind="crack",
                              description="Scheur van 2 mm boven de deur")
    return claim_transition(claim=claim, name="submit", actor=actor)


def timed(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def summary(label: str, samples: list[tuple[float, float]]) -> tuple[float, float]:
    walls, cpus = [s[0] for s in samples], [s[1] for s in samples]
    print(f"{label:<34} wall mean {statistics.mean(walls) * 1000:7.1f} ms  median "
          f"{statistics.median(walls) * 1000:7.1f} ms   cpu mean {statistics.mean(cpus) * 1000:7.1f} ms  "
          f"median {statistics.median(cpus) * 1000:7.1f} ms")
    return statistics.mean(walls), statistics.mean(cpus)


def sample_facts(kind: str) -> dict:
    """Facts for letters whose step the demo claim (just submitted) has not reached, as those steps give them."""
    import datetime as dt

    from django.utils import timezone

    from claims import timeutil
    from claims.models import LetterKind

    today = timeutil.today()
    visit = timezone.localtime(timeutil.now()).replace(hour=10, minute=0, second=0, microsecond=0)
    visit += dt.timedelta(days=21)
    return {
        LetterKind.NOT_ADMISSIBLE: {"reason": "De woning ligt buiten het mijnbouwschadegebied.",
                                    "decided_on": today, "objection_due_on": today + dt.timedelta(weeks=6)},
        LetterKind.APPOINTMENT: {"starts_at": visit, "ends_at": visit + dt.timedelta(hours=2),
                                 "expert_name": "Ir. P. Hendriks", "objection_due_on": today + dt.timedelta(days=14)},
        LetterKind.DRAFT_ADVICE: {"reply_due_on": today + dt.timedelta(days=14), "expert_name": "Ir. P. Hendriks"},
        LetterKind.EXTENSION: {"previous_due_on": today + dt.timedelta(weeks=8),
                               "decision_due_on": today + dt.timedelta(weeks=16), "extension_weeks": 8,
                               "reason": "De deskundige moet de fundering nog een keer bekijken."},
        # As the decision service gives them: three damage items, one of each outcome.
        LetterKind.DECISION: {"decision_id": 1, "outcome": "partly_granted", "total": "4250.00", "route": "money",
                              "reasoning": DECISION_REASONING, "objection_due_on": today + dt.timedelta(weeks=6),
                              "items": DECISION_ITEMS},
        LetterKind.OBJECTION_RECEIVED: {"received_on": today, "late": False, "decided_on": today,
                                        "objection_decision_due_on": today + dt.timedelta(weeks=18)},
        LetterKind.OBJECTION_DECISION: {"decision_id": 2, "outcome": "well_founded", "total": "5500.00",
                                        "route": "money", "previous_total": "4250.00",
                                        "reasoning": "Uit nieuwe foto's blijkt dat de hele verzakking door de "
                                                     "mijnbouw komt.",
                                        "items": [*DECISION_ITEMS[:1], {**DECISION_ITEMS[1], "plausibility": "yes",
                                                                        "percentage": None, "amount": "3000.00"},
                                                  DECISION_ITEMS[2]]},
        LetterKind.PAYMENT: {"payment_id": 0, "amount": "4250.00", "iban_masked": "NL91 **** **** 4300",
                             "paid_on": today},
    }.get(kind, {})


DECISION_REASONING = ("De deskundige en de commissie vinden het aannemelijk dat de scheuren door de mijnbouw "
                      "komen. De verzakking van de keukenvloer komt voor een deel door de oude fundering.")
DECISION_ITEMS = [
    {"position": 1, "location": "Woonkamer", "kind": "crack", "plausibility": "yes", "percentage": None,
     "amount": "2500.00", "reasoning": "De scheur loopt door de draagmuur, zoals bij bodembeweging."},
    {"position": 2, "location": "Keuken", "kind": "subsidence", "plausibility": "partly", "percentage": 60,
     "amount": "1750.00", "reasoning": "De vloer is verzakt. Voor 60% komt dat door de mijnbouw."},
    {"position": 3, "location": "Zolder", "kind": "moisture", "plausibility": "no", "percentage": None,
     "amount": "0.00", "reasoning": "De vochtplek komt door een lekkend dakraam."},
]


def rendered_kinds() -> list[str]:
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    from claims.models import LetterKind

    kinds = []
    for kind in LetterKind.values:
        try:
            get_template(f"letters/{kind}.html")
        except TemplateDoesNotExist:
            continue
        kinds.append(kind)
    return kinds


def page_count(document) -> int:
    from pypdf import PdfReader

    with document.file.open("rb") as handle:
        return len(PdfReader(handle).pages)


def compare_with_bare_weasyprint(letter, pipeline: list[tuple[float, float]], count: int) -> None:
    from weasyprint import HTML

    from claims import letters

    html = letters.render_html(letter)
    bare = [timed(lambda: HTML(string=html, base_url=letters.BASE_URL).write_pdf(**letters.PDF_OPTIONS))
            for _ in range(count)]
    html_only = [timed(lambda: letters.render_html(letter)) for _ in range(count)]
    print(f"   {len(html) // 1024} kB HTML, PDF options {letters.PDF_OPTIONS}")
    pipe_wall, pipe_cpu = statistics.mean(s[0] for s in pipeline), statistics.mean(s[1] for s in pipeline)
    bare_wall, bare_cpu = summary("bare WeasyPrint (same HTML)", bare)
    summary("template only (render_html)", html_only)
    print(f"ratio pipeline / bare WeasyPrint: wall {pipe_wall / bare_wall:.2f}, cpu {pipe_cpu / bare_cpu:.2f}")


def bench(count: int, kinds: list[str]) -> None:
    from django.db import transaction

    from claims import letters
    from claims.models import Document, Letter, LetterKind

    with transaction.atomic():
        claim = make_claim()
        warm_id = Letter.objects.get(claim=claim, kind=LetterKind.RECEIPT).pk
        warm_wall, warm_cpu = timed(lambda: letters.render(warm_id))  # the first rendering loads the fonts
        print(f"first letter (loads fonts)         wall {warm_wall * 1000:7.1f} ms   cpu {warm_cpu * 1000:7.1f} ms")

        for kind in kinds:
            ids = [letters.schedule(claim=claim, kind=kind, key=f"bench:{claim.pk}:{kind}:{i}",
                                    context=sample_facts(kind)).pk for i in range(count)]
            pipeline = [timed(lambda letter_id=letter_id: letters.render(letter_id)) for letter_id in ids]
            print(f"-- {kind}: {count} letters of {page_count(Letter.objects.get(pk=ids[0]).document)} pages")
            summary("letters.render (HTML+PDF+store)", pipeline)
            if kind in (LetterKind.RECEIPT, LetterKind.DECISION):  # the shortest letter and issue 8's
                compare_with_bare_weasyprint(Letter.objects.get(pk=ids[0]), pipeline, count)
        assert Document.objects.filter(claim=claim).count() == 1 + count * len(kinds)
        transaction.set_rollback(True)  # undo everything the benchmark wrote


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--kinds", default="", help="comma-separated letter kinds (default: all with a template)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-letters-") as workdir:
        setup_django(Path(workdir))
        bench(args.count, [k for k in args.kinds.split(",") if k] or rendered_kinds())


if __name__ == "__main__":
    main()
