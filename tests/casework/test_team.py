"""The coordinator's team view at /werk/team/: loads per guide, the lists of claims that need the
coordinator, bulk reassignment, absences, and a query count that does not grow with the data."""

import datetime as dt
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casework.models import Note, Reassignment
from casework.selectors import team_overview
from casework.views import team as team_views
from claims import roles as R
from claims.models import Absence, Claim, ClockEvent, ClockEventKind
from claims.timeutil import frozen, now, today
from tests.casework.test_caseload import moment, open_claim
from tests.factories import Cast, UserFactory, draft_claim

pytestmark = pytest.mark.django_db

TEAM = "/werk/team/"
ABSENCE = "/werk/team/afwezigheid/"


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def coordinator_client(client, cast):
    client.force_login(cast.coordinator)
    return client


def loads_by_guide(response) -> dict:
    return {guide.pk: (guide.open_count, guide.overdue_count, guide.due_soon_count, guide.urgent_count)
            for guide in response.context["overview"].loads}


def section(response, name) -> list[str]:
    found = next(s for s in response.context["sections"] if s["id"] == name)
    return [claim.reference for claim in found["claims"]]


# --- who may open it -----------------------------------------------------------------------------------


def test_only_the_coordinator_may_open_the_team_view(client, cast):
    assert reverse("claims:login") in client.get(TEAM)["Location"]
    for user in (cast.caseworker, cast.resident, cast.desk, cast.expert):
        client.force_login(user)
        assert client.get(TEAM).status_code == 403
        assert client.post(TEAM, {}).status_code == 403
        assert client.post(ABSENCE, {}).status_code == 403
    client.force_login(cast.coordinator)
    response = client.get(TEAM)
    assert response.status_code == 200
    assert response.content.decode().count("<h1>") == 1


# --- loads and lists -------------------------------------------------------------------------------------


def test_each_guides_load_counts_open_overdue_due_soon_and_urgent(coordinator_client, cast):
    busy, idle = cast.caseworker, UserFactory(role=R.CASEWORKER)
    UserFactory(role=R.CASEWORKER, is_active=False)
    open_claim(cast, busy, days_ago=70)  # overdue
    open_claim(cast, busy, days_ago=50)  # due within 10 working days
    open_claim(cast, busy, urgent=True)
    cast.fire(open_claim(cast, busy, days_ago=70), "request_info")  # suspended: open, but no mark
    cast.fire(open_claim(cast, busy, days_ago=70), "hold")  # on hold: carried, but its clock does not run
    cast.fire(open_claim(cast, busy), "withdraw", actor=cast.coordinator)  # not open any more

    response = coordinator_client.get(TEAM)

    assert loads_by_guide(response) == {busy.pk: (5, 1, 1, 1), idle.pk: (0, 0, 0, 0)}
    assert response.context["totals"] == {"open_count": 5, "overdue_count": 1, "due_soon_count": 1,
                                          "urgent_count": 1}


def test_the_lists_overdue_stuck_urgent_without_visit_and_without_guide(coordinator_client, cast):
    guide = cast.caseworker
    overdue = open_claim(cast, guide, days_ago=70)
    fresh = open_claim(cast, guide)
    with frozen(moment(40)):
        lapsed = cast.fire(open_claim(cast, guide, days_ago=40), "request_info")
    assert lapsed.reply_due < today()
    answered_in_time = cast.fire(open_claim(cast, guide), "request_info")
    unassigned = cast.fire(draft_claim(applicant=cast.person), "submit")
    urgent = open_claim(cast, guide, urgent=True)
    visited = open_claim(cast, guide, urgent=True)
    ClockEvent.objects.create(claim=visited, kind=ClockEventKind.SAFETY_VISIT, on_date=today(),
                              reason="Geen gevaar", actor=guide)

    response = coordinator_client.get(TEAM)

    assert section(response, "overdue") == [overdue.reference]
    stuck = section(response, "stuck")
    assert set(stuck) == {overdue.reference, lapsed.reference, unassigned.reference}
    assert fresh.reference not in stuck and answered_in_time.reference not in stuck
    reasons = {c.reference: c.stuck_reason for c in response.context["overview"].stuck}
    assert reasons == {overdue.reference: "no_step", lapsed.reference: "reply_lapsed",
                       unassigned.reference: "no_guide"}
    assert section(response, "urgent-unvisited") == [urgent.reference]
    assert section(response, "unassigned") == [unassigned.reference]
    html = response.content.decode()
    assert "Reactietermijn verstreken, geen antwoord" in html and "Al 30 dagen geen stap" in html


def test_the_lists_stop_at_their_limit_and_say_there_is_more(cast):
    for _ in range(3):
        open_claim(cast, cast.caseworker, days_ago=70)
    overview = team_overview(cast.coordinator, on=today(), limit=2)
    assert len(overview.overdue) == 3 and overview.more("overdue")
    assert not overview.more("unassigned")


# --- bulk reassignment -------------------------------------------------------------------------------------


def test_the_coordinator_reassigns_ticked_claims_with_a_reason(coordinator_client, cast):
    new_guide = UserFactory(role=R.CASEWORKER, first_name="Els", last_name="Ramakers")
    first, second = open_claim(cast, cast.caseworker, days_ago=70), open_claim(cast, cast.caseworker, days_ago=70)
    stays = open_claim(cast, cast.caseworker, days_ago=70)

    response = coordinator_client.post(TEAM, {
        "references": [first.reference, second.reference], "to_guide": new_guide.pk,
        "reason": "Verlof van drie maanden", "handover": "Bel mevrouw eerst, ze hoort slecht.",
    })

    assert response.status_code == 302 and response["Location"] == TEAM
    assert set(Claim.objects.filter(caseworker=new_guide).values_list("reference", flat=True)) == {
        first.reference, second.reference}
    stays.refresh_from_db()
    assert stays.caseworker == cast.caseworker
    assert Reassignment.objects.filter(to_guide=new_guide, reason="Verlof van drie maanden",
                                       actor=cast.coordinator).count() == 2
    assert Note.objects.get(claim=first, kind=Note.Kind.HANDOVER).body == "Bel mevrouw eerst, ze hoort slecht."
    page = coordinator_client.get(TEAM).content.decode()
    assert "2 zaken zijn overgedragen aan Els Ramakers." in page


def test_without_a_reason_nothing_moves_and_nothing_is_lost(coordinator_client, cast):
    new_guide = UserFactory(role=R.CASEWORKER)
    claim = open_claim(cast, cast.caseworker, days_ago=70)

    response = coordinator_client.post(TEAM, {"references": [claim.reference], "to_guide": new_guide.pk,
                                              "reason": "  ", "handover": "Mijn overdrachtsnotitie"})

    assert response.status_code == 400  # a form error: the form again, with what was typed
    html = response.content.decode()
    assert "Geef een reden op voor de overdracht." in html
    assert "Mijn overdrachtsnotitie" in html
    assert f'value="{claim.reference}" id="overdue-pick-1" checked' in html
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker
    assert not Reassignment.objects.exists()


def test_no_claims_ticked_or_an_unknown_one_is_an_error(coordinator_client, cast):
    new_guide = UserFactory(role=R.CASEWORKER)
    response = coordinator_client.post(TEAM, {"to_guide": new_guide.pk, "reason": "Reden"})
    assert "Kies ten minste één zaak." in response.content.decode()
    response = coordinator_client.post(TEAM, {"references": ["MS-2099-999999"], "to_guide": new_guide.pk,
                                              "reason": "Reden"})
    assert "Deze zaak kennen wij niet: MS-2099-999999." in response.content.decode()


def test_a_closed_claim_in_the_batch_stops_the_whole_batch(coordinator_client, cast):
    new_guide = UserFactory(role=R.CASEWORKER)
    open_one = open_claim(cast, cast.caseworker)
    withdrawn = cast.fire(open_claim(cast, cast.caseworker), "withdraw", actor=cast.coordinator)
    response = coordinator_client.post(TEAM, {"references": [open_one.reference, withdrawn.reference],
                                              "to_guide": new_guide.pk, "reason": "Herverdeling"})
    assert response.status_code == 409  # refused by the service: the form again, with why
    assert f"{withdrawn.reference}: Een concept of afgesloten zaak wordt niet overgedragen." in \
        response.content.decode()
    assert not Claim.objects.filter(caseworker=new_guide).exists()


def test_the_coordinator_reassigns_from_the_filtered_caseload_and_comes_back_to_it(coordinator_client, cast):
    new_guide = UserFactory(role=R.CASEWORKER)
    claim = open_claim(cast, cast.caseworker, municipality="Kerkrade")
    url = "/werk/?municipality=Kerkrade"
    page = coordinator_client.get(url).content.decode()
    assert f'name="references" value="{claim.reference}"' in page
    response = coordinator_client.post(url, {"references": [claim.reference], "to_guide": new_guide.pk,
                                             "reason": "Team Kerkrade"})
    assert response.status_code == 302 and response["Location"] == url
    claim.refresh_from_db()
    assert claim.caseworker == new_guide


@pytest.mark.parametrize("url", [TEAM, "/werk/"])
def test_a_reference_that_is_no_reference_is_an_error_not_a_crash(coordinator_client, cast, url):
    claim = open_claim(cast, cast.caseworker)
    new_guide = UserFactory(role=R.CASEWORKER)
    response = coordinator_client.post(url, {"references": [claim.reference, "MS-2026-\x00<b>"],
                                             "to_guide": new_guide.pk, "reason": "Herverdeling"})
    assert response.status_code == 400
    assert "Deze zaak kennen wij niet: MS-2026-&lt;B&gt;." in response.content.decode()  # escaped, NUL gone
    claim.refresh_from_db()
    assert claim.caseworker == cast.caseworker


def test_a_reassignment_sent_twice_moves_and_notes_once(coordinator_client, cast):
    new_guide = UserFactory(role=R.CASEWORKER)
    claim = open_claim(cast, cast.caseworker)
    token = re.search(r'name="form_token" value="([0-9a-f]{32})"',
                      coordinator_client.get(TEAM).content.decode()).group(1)
    data = {"references": [claim.reference], "to_guide": new_guide.pk, "reason": "Verlof", "form_token": token}
    assert coordinator_client.post(TEAM, data).status_code == 302
    again = coordinator_client.post(TEAM, data)
    assert again.status_code == 302 and again["Location"] == TEAM
    assert Reassignment.objects.filter(claim=claim).count() == 1
    assert "Dit formulier was al verstuurd." in coordinator_client.get(TEAM).content.decode()


def test_the_link_to_all_claims_of_a_list_says_which_list(coordinator_client, cast, monkeypatch):
    for _ in range(3):
        open_claim(cast, cast.caseworker, days_ago=70)
    monkeypatch.setattr(team_views, "team_overview", lambda user, on: team_overview(user, on=on, limit=2))
    html = coordinator_client.get(TEAM).content.decode()
    # Each list has this link: out of context (a screen reader's list of links) it still says where it leads.
    assert ('Bekijk ze allemaal in de werkvoorraad<span class="visually-hidden"> (Termijn verstreken)</span>'
            in html)


def test_a_guide_may_not_reassign(client, cast):
    claim = open_claim(cast, cast.caseworker)
    client.force_login(cast.caseworker)
    response = client.post(TEAM, {"references": [claim.reference], "to_guide": cast.caseworker.pk,
                                  "reason": "Ik neem hem"})
    assert response.status_code == 403


# --- absences ------------------------------------------------------------------------------------------------


def test_the_coordinator_records_and_ends_an_absence(coordinator_client, cast):
    substitute = UserFactory(role=R.CASEWORKER, first_name="Jo", last_name="Kessels")
    start = today()
    response = coordinator_client.post(ABSENCE, {
        "absence-user": cast.caseworker.pk, "absence-substitute": substitute.pk,
        "absence-starts_on": start.isoformat(), "absence-ends_on": (start + dt.timedelta(days=4)).isoformat(),
        "absence-reason": "Verlof",
    })
    assert response.status_code == 302 and response["Location"] == TEAM + "#afwezigheid"
    absence = Absence.objects.get(user=cast.caseworker)
    assert (absence.substitute, absence.created_by, absence.reason) == (substitute, cast.coordinator, "Verlof")

    page = coordinator_client.get(TEAM)
    assert "Vervanger: Jo Kessels" in page.content.decode()
    assert [a.pk for a in page.context["overview"].absences] == [absence.pk]

    response = coordinator_client.post(reverse("casework:team_absence_end", args=[absence.pk]))
    assert response.status_code == 302
    assert not Absence.objects.filter(user=cast.caseworker, ends_on__gte=today()).exists()


def test_a_wrong_absence_is_shown_again_with_its_errors(coordinator_client, cast):
    start = today() + dt.timedelta(days=3)
    response = coordinator_client.post(ABSENCE, {
        "absence-user": cast.caseworker.pk, "absence-substitute": cast.caseworker.pk,
        "absence-starts_on": start.isoformat(), "absence-ends_on": start.isoformat(), "absence-reason": "Cursus",
    })
    assert response.status_code == 409
    html = response.content.decode()
    assert "Kies als vervanger een andere zaakbegeleider." in html
    assert 'value="Cursus"' in html and f'value="{start.isoformat()}"' in html
    assert not Absence.objects.exists()

    response = coordinator_client.post(ABSENCE, {"absence-user": cast.caseworker.pk})
    assert "Kies een vervanger." in response.content.decode()


def test_an_absence_sent_twice_is_recorded_once(coordinator_client, cast):
    substitute = UserFactory(role=R.CASEWORKER)
    token = re.search(r'name="absence-form_token" value="([0-9a-f]{32})"',
                      coordinator_client.get(TEAM).content.decode()).group(1)
    data = {"absence-user": cast.caseworker.pk, "absence-substitute": substitute.pk,
            "absence-starts_on": today().isoformat(), "absence-ends_on": today().isoformat(),
            "absence-form_token": token}
    assert coordinator_client.post(ABSENCE, data).status_code == 302
    again = coordinator_client.post(ABSENCE, data)
    assert again.status_code == 302  # not the form again with "there is already an absence"
    assert Absence.objects.filter(user=cast.caseworker).count() == 1


def test_cancelling_an_absence_twice_is_harmless(coordinator_client, cast):
    absence = Absence.objects.create(user=cast.caseworker, substitute=UserFactory(role=R.CASEWORKER),
                                     starts_on=today() + dt.timedelta(days=3), ends_on=today() + dt.timedelta(days=5))
    url = reverse("casework:team_absence_end", args=[absence.pk])
    assert coordinator_client.post(url).status_code == 302
    again = coordinator_client.post(url)
    assert again.status_code == 302 and again["Location"] == TEAM + "#afwezigheid"  # not a 404 page
    assert "Deze afwezigheid was al geschrapt." in coordinator_client.get(TEAM).content.decode()
    assert coordinator_client.get(url).status_code == 405


def test_the_team_forms_need_the_csrf_token(cast):
    claim = open_claim(cast, cast.caseworker)
    absence = Absence.objects.create(user=cast.caseworker, substitute=UserFactory(role=R.CASEWORKER),
                                     starts_on=today() + dt.timedelta(days=3), ends_on=today() + dt.timedelta(days=5))
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.coordinator)
    reassign = {"references": [claim.reference], "to_guide": UserFactory(role=R.CASEWORKER).pk, "reason": "x"}
    assert client.post(TEAM, reassign).status_code == 403
    assert client.post("/werk/", reassign).status_code == 403
    assert client.post(ABSENCE, {}).status_code == 403
    assert client.post(reverse("casework:team_absence_end", args=[absence.pk])).status_code == 403
    assert Absence.objects.filter(pk=absence.pk).exists() and not Reassignment.objects.exists()


# --- query counts ----------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_team(coordinator_client, cast, django_assert_num_queries):
    started = time.monotonic()
    guides = [cast.caseworker] + [UserFactory(role=R.CASEWORKER) for _ in range(2)]

    def add(count: int, offset: int) -> None:
        for index in range(offset, offset + count):
            claim = open_claim(cast, guides[index % 3], days_ago=index % 80, urgent=index % 7 == 0)
            if index % 5 == 0:
                Note.objects.create(claim=claim, kind=Note.Kind.CALL, direction="in", body="Vraag", created_at=now())

    add(10, 0)
    Absence.objects.create(user=guides[1], substitute=guides[2], starts_on=today(), ends_on=today())
    coordinator_client.get(TEAM)  # warm per-process caches (holidays) before counting
    with CaptureQueriesContext(connection) as small:
        assert coordinator_client.get(TEAM).status_code == 200

    add(90, 10)
    for _ in range(3):
        cast.fire(draft_claim(applicant=cast.person), "submit")  # without a guide
    assert Claim.objects.count() == 103

    with django_assert_num_queries(len(small)):
        response = coordinator_client.get(TEAM)
    assert response.status_code == 200
    assert sum(guide.open_count for guide in response.context["overview"].loads) == 100
    print(f"team view queries: {len(small)}; {time.monotonic() - started:.1f}s")
    assert len(small) <= 15
