"""The expert's pages at /deskundige/: only their own inspections, only what the visit needs."""

import datetime as dt
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from casework.models import Note
from casework.services.inspection import (
    damage_item_record_findings,
    damage_photo_add,
    inspection_replace_expert,
    inspection_schedule,
)
from claims import roles as R
from claims.models import Claim, Document, Inspection
from claims.timeutil import frozen
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.factories import Cast, UserFactory, claim_in

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
MONDAY = dt.datetime(2027, 3, 1, 9, 0, tzinfo=AMS)
CLAIMED = Decimal("98765.43")
AWARDED_LOOKING = "98765"


@pytest.fixture(autouse=True)
def clock():
    with frozen(MONDAY):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    root = tmp_path / "files"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def cast():
    cast = Cast()
    cast.person.phone = "06 12345678"
    cast.person.email = "bewoner.geheim@example.nl"
    cast.person.save()
    return cast


@pytest.fixture
def claim(cast):
    claim = claim_in(cast, "inspection", items=2)
    Claim.objects.filter(pk=claim.pk).update(claimed_amount=CLAIMED)
    return claim


def page(claim, name="casework:expert_inspection"):
    return reverse(name, kwargs={"reference": claim.reference})


def plan(cast, claim):
    inspection = claim.inspections.get(status__in=["chosen", "planned"])
    return inspection_schedule(inspection=inspection, actor=cast.caseworker,
                               starts_at=dt.datetime(2027, 3, 2, 10, tzinfo=AMS),
                               ends_at=dt.datetime(2027, 3, 2, 11, tzinfo=AMS))


def resident_photo(cast, claim):
    item = claim.damage_items.order_by("position").first()
    file = SimpleUploadedFile("scheur.png", samples.png(), content_type="image/png")
    return store_upload(claim=claim, file=file, kind="photo", actor=cast.resident, damage_item=item)


def pdf():
    return SimpleUploadedFile("rapport.pdf", samples.pdf(), content_type="application/pdf")


# --- who gets in --------------------------------------------------------------------------------------


def test_anonymous_goes_to_the_login_page(client, claim):
    for url in (reverse("casework:expert_home"), page(claim), page(claim, "casework:expert_ics")):
        response = client.get(url)
        assert response.status_code == 302 and reverse("claims:login") in response.url


@pytest.mark.parametrize("role", ["caseworker", "coordinator", "resident", "desk"])
def test_other_roles_are_refused(client, cast, claim, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("casework:expert_home")).status_code == 403
    assert client.get(page(claim)).status_code == 403


def test_another_expert_gets_404_for_the_page_the_calendar_and_the_photos(client, cast, claim):
    plan(cast, claim)
    document = resident_photo(cast, claim)
    item = claim.damage_items.first()
    client.force_login(UserFactory(role=R.EXPERT))
    assert client.get(page(claim)).status_code == 404
    assert client.get(page(claim, "casework:expert_ics")).status_code == 404
    assert client.get(reverse("claims:document_download", args=[document.pk])).status_code == 404
    response = client.post(reverse("casework:expert_findings", args=[claim.reference, item.pk]),
                           {f"item{item.pk}-location": "Gevel", f"item{item.pk}-kind": "crack"})
    assert response.status_code == 404
    assert client.get(reverse("casework:expert_home")).content.decode().count(claim.reference) == 0


# --- the list -----------------------------------------------------------------------------------------


def test_the_list_shows_only_my_inspections(client, cast, claim):
    plan(cast, claim)
    someone_elses = claim_in(Cast(), "inspection")
    client.force_login(cast.expert)
    body = client.get(reverse("casework:expert_home")).content.decode()
    assert claim.reference in body
    assert someone_elses.reference not in body
    assert "dinsdag 2 maart 2027" in body
    assert str(claim.property) in body


def test_a_finished_inspection_is_listed_as_recently_done(client, cast, claim):
    for item in claim.damage_items.all():
        damage_item_record_findings(item=item, actor=cast.expert, location="Gevel", kind="crack", verdict="no")
    client.force_login(cast.expert)
    client.post(reverse("casework:expert_report", args=[claim.reference]),
                {"report-report": pdf(), "report-confirm": "on"})
    body = client.get(reverse("casework:expert_home")).content.decode()
    assert "U hebt nu geen open schade-opnames." in body
    assert claim.reference in body.split("Onlangs afgerond")[1]


def _home_queries(client, expert) -> int:
    client.force_login(expert)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("casework:expert_home"))
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_a_fixed_number_of_queries(client):
    cast = Cast()
    for _ in range(2):
        plan(cast, claim_in(cast, "inspection"))
    few = _home_queries(client, cast.expert)
    for _ in range(18):
        claim_in(cast, "inspection")
    many = _home_queries(client, cast.expert)
    assert Inspection.objects.filter(expert=cast.expert).count() == 20
    assert few == many


# --- the inspection page ------------------------------------------------------------------------------


def test_the_page_shows_what_the_visit_needs_and_no_money_email_or_notes(client, cast, claim):
    plan(cast, claim)
    resident_photo(cast, claim)
    Note.objects.create(claim=claim, author=cast.caseworker, body="Interne notitie: bewoner is lastig.")
    client.force_login(cast.expert)
    response = client.get(page(claim))
    body = response.content.decode()

    assert response.status_code == 200
    assert str(claim.property) in body
    assert cast.person.name in body and "06 12345678" in body
    assert "Scheur van 2 mm boven de deur" in body
    assert "dinsdag 2 maart 2027" in body
    assert page(claim, "casework:expert_ics") in body
    assert "bewoner.geheim@example.nl" not in body
    assert AWARDED_LOOKING not in body and "98.765" not in body
    assert "Interne notitie" not in body
    assert "IBAN" not in body
    photo = Document.objects.get(kind="photo")
    assert reverse("claims:document_download", args=[photo.pk]) in body


def test_the_expert_can_open_the_residents_photo(client, cast, claim):
    document = resident_photo(cast, claim)
    client.force_login(cast.expert)
    response = client.get(reverse("claims:document_download", args=[document.pk]) + "?inline=1")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"


def test_saving_findings(client, cast, claim):
    item = claim.damage_items.order_by("position").first()
    client.force_login(cast.expert)
    prefix = f"item{item.pk}"
    response = client.post(reverse("casework:expert_findings", args=[claim.reference, item.pk]), {
        f"{prefix}-location": "Gevel voorkant", f"{prefix}-kind": "crack", f"{prefix}-measurements": "2 mm",
        f"{prefix}-expert_notes": "Trapscheur", f"{prefix}-verdict": "partly", f"{prefix}-repair_cost": "1.250,50",
    })
    assert response.status_code == 302 and response.url.endswith(f"#item-{item.pk}")
    item.refresh_from_db()
    assert (item.location, item.expert_verdict, item.repair_cost) == ("Gevel voorkant", "partly", Decimal("1250.50"))


def test_bad_findings_are_shown_with_the_error(client, cast, claim):
    item = claim.damage_items.first()
    client.force_login(cast.expert)
    prefix = f"item{item.pk}"
    response = client.post(reverse("casework:expert_findings", args=[claim.reference, item.pk]), {
        f"{prefix}-location": "Gevel", f"{prefix}-kind": "crack", f"{prefix}-repair_cost": "-5",
    })
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body and f'id="id_{prefix}-repair_cost_error"' in body
    assert f'href="#item-{item.pk}"' in body  # the message at the top leads to the form with the error
    item.refresh_from_db()
    assert item.repair_cost is None


def test_adding_a_photo_and_an_item(client, cast, claim):
    item = claim.damage_items.first()
    client.force_login(cast.expert)
    response = client.post(reverse("casework:expert_photo", args=[claim.reference, item.pk]), {
        f"photo{item.pk}-photo": SimpleUploadedFile("foto.jpg", samples.jpeg(), content_type="image/jpeg"),
    })
    assert response.status_code == 302
    document = Document.objects.get(kind="photo", damage_item=item)
    assert document.uploaded_by == cast.expert

    response = client.post(reverse("casework:expert_add_item", args=[claim.reference]), {
        "new-location": "Kelder", "new-kind": "moisture", "new-description": "Vochtplek", "new-verdict": "no",
    })
    assert response.status_code == 302
    added = claim.damage_items.get(added_by_expert=True)
    assert (added.position, added.location) == (3, "Kelder")


def form_token(response, name: str) -> str:
    return re.search(rf'name="{name}" value="([0-9a-f]{{32}})"', response.content.decode()).group(1)


def test_an_item_or_a_photo_sent_twice_is_added_once(client, cast, claim):
    item = claim.damage_items.first()
    client.force_login(cast.expert)
    shown = client.get(page(claim))
    added = {"new-location": "Kelder", "new-kind": "moisture", "new-description": "Vochtplek", "new-verdict": "no",
             "new-form_token": form_token(shown, "new-form_token")}
    url = reverse("casework:expert_add_item", args=[claim.reference])
    assert client.post(url, added).status_code == 302
    again = client.post(url, added)
    assert again.status_code == 302 and again.url == page(claim) + "#add-title"
    assert claim.damage_items.filter(added_by_expert=True).count() == 1
    assert "Dit formulier was al verstuurd." in client.get(again.url).content.decode()

    token = form_token(shown, f"photo{item.pk}-form_token")
    for _ in range(2):
        response = client.post(reverse("casework:expert_photo", args=[claim.reference, item.pk]), {
            f"photo{item.pk}-photo": SimpleUploadedFile("foto.jpg", samples.jpeg(), content_type="image/jpeg"),
            f"photo{item.pk}-form_token": token,
        })
        assert response.status_code == 302
    assert Document.objects.filter(kind="photo", damage_item=item).count() == 1


def test_a_page_with_an_error_is_not_cached_either(client, cast, claim):
    item = claim.damage_items.first()
    client.force_login(cast.expert)
    response = client.post(reverse("casework:expert_findings", args=[claim.reference, item.pk]),
                           {f"item{item.pk}-location": ""})
    assert response.status_code == 400
    assert "06 12345678" in response.content.decode()  # the resident's phone: never kept by a browser or proxy
    assert "no-store" in response["Cache-Control"]
    for name in ("expert_add_item", "expert_visit", "expert_report"):
        response = client.post(reverse(f"casework:{name}", args=[claim.reference]), {})
        assert response.status_code == 400 and "no-store" in response["Cache-Control"]


def test_a_malformed_reference_is_a_404_not_an_error(client, cast):
    client.force_login(cast.expert)
    for url in ("/deskundige/%00/", "/deskundige/%00/afspraak.ics", "/deskundige/MS-2026-1/"):
        assert client.get(url).status_code == 404
    assert client.post("/deskundige/%00/rapport/", {}).status_code == 404


def test_forms_need_the_csrf_token_and_a_post(cast, claim):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.expert)
    url = reverse("casework:expert_add_item", args=[claim.reference])
    assert client.post(url, {"new-location": "Kelder", "new-kind": "moisture",
                             "new-description": "Vochtplek"}).status_code == 403
    assert client.get(url).status_code == 405
    assert not claim.damage_items.filter(added_by_expert=True).exists()


def test_a_refused_photo_says_why(client, cast, claim):
    item = claim.damage_items.first()
    client.force_login(cast.expert)
    response = client.post(reverse("casework:expert_photo", args=[claim.reference, item.pk]), {
        f"photo{item.pk}-photo": SimpleUploadedFile("foto.jpg", samples.html(), content_type="image/jpeg"),
    })
    assert response.status_code == 400
    assert "Stuur een foto" in response.content.decode()
    assert not Document.objects.filter(kind="photo").exists()


def test_the_report_needs_verdicts_first(client, cast, claim):
    client.force_login(cast.expert)
    response = client.post(reverse("casework:expert_report", args=[claim.reference]),
                           {"report-report": pdf(), "report-confirm": "on"})
    assert response.status_code == 409
    assert "1. Woonkamer, 2. Woonkamer" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "inspection"


def test_uploading_the_report_moves_the_claim_and_the_page_becomes_read_only(client, cast, claim):
    plan(cast, claim)
    for item in claim.damage_items.all():
        damage_item_record_findings(item=item, actor=cast.expert, location="Gevel", kind="crack", verdict="yes",
                                    repair_cost="750")
    client.force_login(cast.expert)
    response = client.post(reverse("casework:expert_report", args=[claim.reference]),
                           {"report-report": pdf(), "report-confirm": "on"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "advice_draft"

    body = client.get(page(claim)).content.decode()
    assert "U hebt het adviesrapport ingeleverd" in body
    assert "<form" not in body.split('id="inhoud"')[1]  # no forms left in the page content
    assert "Ja, mijnbouwschade" in body
    item = claim.damage_items.first()
    response = client.post(reverse("casework:expert_findings", args=[claim.reference, item.pk]), {
        f"item{item.pk}-location": "Anders", f"item{item.pk}-kind": "crack", f"item{item.pk}-verdict": "no",
    })
    assert response.status_code == 409
    body = response.content.decode()
    assert "Deze stap kan nu niet: de zaak staat op ‘Conceptadvies’." in body  # why, though the form is gone
    assert "Ga naar het formulier met de fout" not in body
    item.refresh_from_db()
    assert item.location == "Gevel"


def test_the_report_must_be_confirmed(client, cast, claim):
    client.force_login(cast.expert)
    response = client.post(reverse("casework:expert_report", args=[claim.reference]), {"report-report": pdf()})
    assert response.status_code == 400
    assert not Document.objects.filter(kind="advice_report").exists()


def test_after_another_expert_is_chosen_the_old_one_sees_nothing(client, cast, claim):
    plan(cast, claim)
    photo = damage_photo_add(item=claim.damage_items.first(), actor=cast.expert,
                             upload=SimpleUploadedFile("foto.jpg", samples.jpeg(), content_type="image/jpeg"))
    newcomer = UserFactory(role=R.EXPERT)
    inspection_replace_expert(claim=claim, actor=cast.caseworker, expert=newcomer, reason="Bezwaar van de bewoner.")

    client.force_login(cast.expert)
    assert client.get(page(claim)).status_code == 404
    assert client.get(page(claim, "casework:expert_ics")).status_code == 404
    assert client.get(reverse("claims:document_download", args=[photo.pk])).status_code == 404
    assert claim.reference not in client.get(reverse("casework:expert_home")).content.decode()

    client.force_login(newcomer)
    body = client.get(page(claim)).content.decode()
    assert "De zaakbegeleider plant de afspraak nog met de bewoner." in body  # the new inspection is unplanned
    assert client.get(page(claim, "casework:expert_ics")).status_code == 404


# --- the calendar file --------------------------------------------------------------------------------


def test_the_calendar_file(client, cast, claim):
    inspection = plan(cast, claim)
    client.force_login(cast.expert)
    response = client.get(page(claim, "casework:expert_ics"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="schade-opname-{claim.reference}.ics"'
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["UID"]) == f"inspection-{inspection.pk}@mijnschade.i3ml.nl"
    assert event.decoded("DTSTART") == dt.datetime(2027, 3, 2, 10, tzinfo=AMS)
    assert "06 12345678" in str(event["DESCRIPTION"])
    assert b"bewoner.geheim@example.nl" not in response.content


def test_no_calendar_file_before_the_visit_is_planned(client, cast, claim):
    client.force_login(cast.expert)
    assert client.get(page(claim, "casework:expert_ics")).status_code == 404


@pytest.mark.parametrize("typed,amount", [
    ("1.250,50", Decimal("1250.50")), ("1250,50", Decimal("1250.50")), ("1,250.50", Decimal("1250.50")),
    ("1250.5", Decimal("1250.5")), ("€ 1.250", Decimal("1250")), ("0", Decimal("0")),
    ("-5", None), ("1.2345", None), ("veel", None),
])
def test_amounts_are_read_as_people_type_them(typed, amount):
    from casework.forms.expert import FindingsForm

    form = FindingsForm({"location": "Gevel", "kind": "crack", "repair_cost": typed})
    assert form.is_valid() is (amount is not None)
    if amount is not None:
        assert form.cleaned_data["repair_cost"] == amount


def test_the_expert_downloads_their_own_report_but_no_letters(client, cast, claim):
    for item in claim.damage_items.all():
        damage_item_record_findings(item=item, actor=cast.expert, location="Gevel", kind="crack", verdict="no")
    client.force_login(cast.expert)
    client.post(reverse("casework:expert_report", args=[claim.reference]),
                {"report-report": pdf(), "report-confirm": "on"})
    report = Inspection.objects.get(claim=claim).report
    body = client.get(page(claim)).content.decode()
    assert reverse("claims:document_download", args=[report.pk]) in body
    assert client.get(reverse("claims:document_download", args=[report.pk])).status_code == 200
    letter = store_upload(claim=claim, file=pdf(), kind="letter", actor=None, title="Ontvangstbevestiging")
    assert client.get(reverse("claims:document_download", args=[letter.pk])).status_code == 404
