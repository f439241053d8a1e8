"""Submissions as the desk makes them (its page and the API), and the sweeps beat runs, for the fault tests."""

import datetime as dt
import time
from dataclasses import dataclass

import requests
from django.db.models import F

from casework.tasks import assign_unassigned
from claims.models import Claim, Letter
from claims.tasks import sweep_letters, sweep_outbox
from tests.claims.test_desk import new_claim_data

from . import services
from .conftest import browser, form_fields

HANG_GUARD = 30.0  # seconds: a request that takes longer counts as hanging (not a speed target)


@dataclass
class Submitted:
    number: int
    way: str
    status: int | str
    seconds: float
    reference: str = ""
    digital: bool = False


def submit_by_api(site, key: str, number: int) -> Submitted:
    digital = number % 4 == 0
    person = {"name": f"Bewoner {number}", "phone": "045 123 45 67"}
    if digital:
        person.update(email=f"bewoner{number}@example.nl", digital=True)
    body = {
        "channel": "phone", "new_person": person, "owner_occupied": True,
        "new_property": {"postcode": "6411 AB", "house_number": 100 + number, "street": "Akerstraat",
                         "town": "Heerlen", "municipality": "heerlen"},
        "damage_items": [{"location": "Woonkamer", "kind": "crack", "description": "Scheur boven de deur."}],
    }
    started = time.monotonic()
    try:
        response = requests.post(f"{site.url}/api/v1/claims/", json=body, timeout=HANG_GUARD,
                                 headers={"Authorization": f"Bearer {key}"})
    except requests.RequestException as error:
        return Submitted(number, "api", type(error).__name__, time.monotonic() - started)
    reference = response.json().get("reference", "") if response.status_code == 201 else ""
    return Submitted(number, "api", response.status_code, time.monotonic() - started, reference, digital)


def submit_at_the_desk(site, cookie: str, number: int) -> Submitted:
    """As a desk employee's browser does: open the form, send it, land on the receipt page."""
    digital = number % 4 == 1
    data = new_claim_data(name=f"Bewoner {number}", house_number=str(100 + number))
    if digital:
        data.update(preferred_channel="digital", digital_consent="on", email=f"bewoner{number}@example.nl")
    session = browser(cookie)
    started = time.monotonic()
    try:
        page = session.get(f"{site.url}/loket/nieuw/", timeout=HANG_GUARD)
        if page.status_code != 200:
            return Submitted(number, "desk", page.status_code, time.monotonic() - started)
        response = session.post(f"{site.url}/loket/nieuw/", data={**data, **form_fields(page.text)},
                                timeout=HANG_GUARD)
    except requests.RequestException as error:
        return Submitted(number, "desk", type(error).__name__, time.monotonic() - started)
    reference = response.url.rstrip("/").split("/")[-2] if "/ontvangstbewijs" in response.url else ""
    return Submitted(number, "desk", response.status_code, time.monotonic() - started, reference, digital)


def run_sweeps(redis_url: str) -> None:
    """What beat does every few minutes, sent through the broker to the worker."""
    with services.publishing_to(redis_url):
        sweep_letters.delay()
        sweep_outbox.delay()
        assign_unassigned.delay()


def as_if_minutes_passed() -> None:
    """The sweeps leave young work to the messages sent on commit; the clock is moved, not waited for."""
    Letter.objects.filter(document__isnull=True).update(created_at=F("created_at") - dt.timedelta(minutes=2))
    Claim.objects.filter(status="submitted", caseworker__isnull=True).update(
        submitted_at=F("submitted_at") - dt.timedelta(minutes=3))
