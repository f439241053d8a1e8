"""The inspection appointment as an iCalendar file (.ics), for the resident and for the expert.

One event per inspection (a stable UID), so a calendar that imports a new file after a re-plan moves the
appointment instead of adding a second one; SEQUENCE counts the re-plans. The texts are in the active
language: the page that serves the file decides which. The expert's file holds only what the visit
needs (name, phone, address), never amounts or e-mail addresses."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from . import timeutil
from .letter_content import general_phone, person_name
from .models import Inspection, Letter, LetterKind

RESIDENT = "resident"
EXPERT = "expert"
AUDIENCES = (RESIDENT, EXPERT)
UID_DOMAIN = "mijnschade.i3ml.nl"
PRODID = "-//I3ML//Mijnschade//NL"


def appointment_letter_prefix(inspection_pk: int) -> str:
    """The start of every appointment letter's key for this inspection: one letter per time it is planned."""
    return f"appointment:{inspection_pk}:"


def times_planned(inspection: Inspection) -> int:
    """How often the resident was sent an appointment for this inspection."""
    return Letter.objects.filter(claim_id=inspection.claim_id, kind=LetterKind.APPOINTMENT,
                                 key__startswith=appointment_letter_prefix(inspection.pk)).count()


def inspection_ics(inspection: Inspection, *, audience: str) -> bytes:
    """A calendar with one VEVENT for the planned visit; ValueError when no time is planned yet."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    if inspection.starts_at is None or inspection.ends_at is None:
        raise ValueError("the inspection has no planned time")
    claim = inspection.claim
    home = claim.property
    zone = ZoneInfo(settings.TIME_ZONE)
    address = str(home)

    if audience == RESIDENT:
        # A full name or none, as in the letters: an account's login name is nobody's business.
        expert = person_name(inspection.expert)
        lines = [
            _("Zaaknummer: %(reference)s") % {"reference": claim.reference},
            _("Kunt u niet op deze tijd? Of hebt u een vraag? Bel ons: %(phone)s.") % {"phone": general_phone()},
        ]
        if expert:
            lines.insert(0, _("De deskundige %(name)s komt de schade aan uw woning bekijken.") % {"name": expert})
    else:
        resident = claim.applicant
        lines = [
            _("Schade-opname bij %(name)s.") % {"name": resident.name},
            _("Telefoon bewoner: %(phone)s") % {"phone": resident.phone or _("onbekend")},
            _("Adres: %(address)s") % {"address": address},
            _("Zaaknummer: %(reference)s") % {"reference": claim.reference},
        ]

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"inspection-{inspection.pk}@{UID_DOMAIN}")
    event.add("dtstamp", timeutil.now().astimezone(dt.UTC))
    cancelled = inspection.status == Inspection.Status.REPLACED
    # A calendar takes a change only with a higher SEQUENCE: each re-plan raises it, and so does the cancellation.
    event.add("sequence", max(times_planned(inspection) - 1, 0) + (1 if cancelled else 0))
    event.add("dtstart", inspection.starts_at.astimezone(zone))
    event.add("dtend", inspection.ends_at.astimezone(zone))
    event.add("summary", _("Schade-opname %(reference)s") % {"reference": claim.reference})
    event.add("location", address)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    # Only the years around the visit: a VTIMEZONE with every change since 1970 would bloat the file.
    year = inspection.starts_at.astimezone(zone).year
    calendar.add_missing_timezones(first_date=dt.date(year - 1, 1, 1), last_date=dt.date(year + 1, 12, 31))
    return calendar.to_ical()
