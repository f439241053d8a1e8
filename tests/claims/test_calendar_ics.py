"""The appointment as an .ics file: parsed back with icalendar, for the resident and for the expert."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from claims import letters
from claims.calendar_ics import appointment_letter_prefix, inspection_ics
from claims.letter_content import general_phone
from claims.models import Claim, Inspection, Letter, LetterKind
from claims.timeutil import frozen
from tests.factories import Cast, claim_in

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=AMS)
STARTS = dt.datetime(2027, 3, 2, 10, 0, tzinfo=AMS)
ENDS = dt.datetime(2027, 3, 2, 11, 30, tzinfo=AMS)


@pytest.fixture(autouse=True)
def clock():
    with frozen(MONDAY):
        yield


@pytest.fixture
def cast():
    cast = Cast()
    cast.expert.first_name, cast.expert.last_name = "Ingrid", "Deskundig"
    cast.expert.save()
    cast.person.phone = "06 12345678"
    cast.person.save()
    return cast


def planned(cast, starts=STARTS, ends=ENDS) -> Inspection:
    claim = claim_in(cast, "inspection")
    Claim.objects.filter(pk=claim.pk).update(claimed_amount=Decimal("87654.32"))
    inspection = claim.inspections.get()
    return plan(inspection, starts, ends)


def plan(inspection: Inspection, starts, ends) -> Inspection:
    """As the planning service does: the times, and one appointment letter per time planned."""
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.PLANNED, starts_at=starts,
                                                       ends_at=ends)
    count = Letter.objects.filter(key__startswith=appointment_letter_prefix(inspection.pk)).count()
    letters.schedule(claim=inspection.claim, kind=LetterKind.APPOINTMENT,
                     key=f"{appointment_letter_prefix(inspection.pk)}{count + 1}:{starts:%Y%m%d%H%M}")
    return Inspection.objects.select_related("claim__property", "claim__applicant", "expert").get(pk=inspection.pk)


def event_of(data: bytes):
    calendar = Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_resident_file_is_a_valid_calendar_with_the_appointment(cast):
    inspection = planned(cast)
    data = inspection_ics(inspection, audience="resident")
    calendar, event = event_of(data)

    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert str(event["UID"]) == f"inspection-{inspection.pk}@mijnschade.i3ml.nl"
    assert event.decoded("DTSTART") == STARTS
    assert event.decoded("DTEND") == ENDS
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    assert event.decoded("DTSTAMP") == MONDAY
    assert str(event["SUMMARY"]) == f"Schade-opname {inspection.claim.reference}"
    home = inspection.claim.property
    assert str(event["LOCATION"]) == f"Akerstraat {home.house_number}, 6411 AB Heerlen"
    description = str(event["DESCRIPTION"])
    assert "Ingrid Deskundig" in description
    assert general_phone() in description
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"


def test_expert_file_has_what_the_visit_needs_and_no_money_or_email(cast):
    inspection = planned(cast)
    data = inspection_ics(inspection, audience="expert")
    _, event = event_of(data)
    description = str(event["DESCRIPTION"])

    assert cast.person.name in description
    assert "06 12345678" in description
    assert f"Akerstraat {inspection.claim.property.house_number}" in description
    text = data.decode()
    assert cast.person.email not in text
    assert "87654" not in text and "87.654" not in text
    assert str(event["UID"]) == f"inspection-{inspection.pk}@mijnschade.i3ml.nl"


def test_a_new_plan_keeps_the_uid_and_raises_the_sequence(cast):
    inspection = planned(cast)
    first = event_of(inspection_ics(inspection, audience="resident"))[1]
    later = dt.datetime(2027, 3, 4, 14, 0, tzinfo=AMS)
    inspection = plan(inspection, later, later + dt.timedelta(hours=1))
    second = event_of(inspection_ics(inspection, audience="resident"))[1]

    assert str(second["UID"]) == str(first["UID"])
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1)
    assert second.decoded("DTSTART") == later


def test_summer_time_is_kept_in_amsterdam_time(cast):
    june = dt.datetime(2027, 6, 1, 8, 30, tzinfo=AMS)
    inspection = planned(cast, june, june + dt.timedelta(hours=2))
    _, event = event_of(inspection_ics(inspection, audience="expert"))
    start = event.decoded("DTSTART")
    assert start == june
    assert start.utcoffset() == dt.timedelta(hours=2)
    assert (start.hour, start.minute) == (8, 30)


def test_a_replaced_inspection_is_a_cancelled_event(cast):
    inspection = planned(cast)
    before = event_of(inspection_ics(inspection, audience="expert"))[1]
    Inspection.objects.filter(pk=inspection.pk).update(status=Inspection.Status.REPLACED)
    inspection.refresh_from_db()
    _, event = event_of(inspection_ics(inspection, audience="resident"))
    assert str(event["STATUS"]) == "CANCELLED"
    # The same event, one revision on: a calendar that has the appointment takes the cancellation.
    assert str(event["UID"]) == str(before["UID"]) and event["SEQUENCE"] == before["SEQUENCE"] + 1


def test_no_file_without_a_planned_time_or_for_an_unknown_audience(cast):
    claim = claim_in(cast, "inspection")
    inspection = claim.inspections.get()
    with pytest.raises(ValueError):
        inspection_ics(inspection, audience="resident")
    inspection = planned(cast)
    with pytest.raises(ValueError):
        inspection_ics(inspection, audience="neighbour")


def test_the_residents_file_never_shows_the_experts_login_name(cast):
    cast.expert.first_name = cast.expert.last_name = ""
    cast.expert.username = "i.deskundig@bureau-example.nl"  # an account an administrator named by e-mail
    cast.expert.save()
    inspection = planned(cast)
    _, event = event_of(inspection_ics(inspection, audience="resident"))
    description = str(event["DESCRIPTION"])
    assert "bureau-example" not in inspection_ics(inspection, audience="resident").decode()
    assert description.startswith(f"Zaaknummer: {inspection.claim.reference}")
    assert general_phone() in description
