"""`seed_demo` also fills the staff side: every claim waiting on an inspection has a planned visit with its
appointment letter, older urgent claims had their safety visit, the demo guide has notes, calls and a
handover, and this morning's deadline marks exist."""

from io import StringIO

import pytest
from django.core.management import call_command

from casework.models import DeadlineMark, Note, Reassignment
from claims.models import Claim, ClockEvent, Inspection, Letter
from claims.states import State
from tests.claims.test_seed_demo import demo_settings  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo_settings")
def test_the_demo_has_a_staff_side():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "visits planned" in out.getvalue()

    in_inspection = Claim.objects.filter(status=State.INSPECTION)
    assert in_inspection.exists()
    for claim in in_inspection:
        current = claim.inspections.exclude(status=Inspection.Status.REPLACED).get()
        assert current.status == Inspection.Status.PLANNED and current.starts_at is not None
        assert Letter.objects.filter(claim=claim, kind="appointment").exists()

    advised = Claim.objects.filter(status=State.RESPONSE_PERIOD)
    assert advised.exists()
    for claim in advised:
        done = claim.inspections.get(status=Inspection.Status.DONE)
        assert done.report is not None and done.report.kind == "advice_report" and done.visited_at is not None

    bewoner_visit = Inspection.objects.get(claim__applicant__user__username="bewoner", status="planned")
    assert Letter.objects.get(claim=bewoner_visit.claim, kind="appointment").document is not None  # rendered

    for claim in Claim.objects.filter(status=State.DECISION_PENDING):
        advice = claim.commission_advices.get()
        assert advice.total == sum(item.amount for item in advice.items.all())
    for claim in Claim.objects.filter(status=State.DECIDED):
        assert claim.decisions.get(kind="first").total == claim.awarded_amount

    assert ClockEvent.objects.filter(kind="safety_visit").exists()
    assert Note.objects.filter(author__username="zaakbegeleider").exists()
    handover = Reassignment.objects.get()
    assert handover.to_guide.username == "zaakbegeleider"
    assert Note.objects.filter(claim=handover.claim, kind=Note.Kind.HANDOVER).exists()
    assert DeadlineMark.objects.exists()

    call_command("seed_demo", stdout=StringIO())  # a second run changes nothing
    assert Reassignment.objects.count() == 1
