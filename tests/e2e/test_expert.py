"""The expert in the browser: logs in, opens the inspection, records the findings of two damage items with a
photo, hands in the advice report (PDF), and the claim moves to the draft advice. Axe on every page state."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from casework.services.inspection import inspection_schedule
from claims import termijnen
from claims.models import ClaimTransition, Document, DocumentKind, Inspection
from claims.timeutil import today
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.e2e import login
from tests.e2e.axe import axe_check
from tests.e2e.login import at
from tests.factories import Cast, claim_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, user, *, lands_on: str) -> None:
    """Through the real login pages, as staff do (password, then the app's code); then the landing page."""
    login.log_in(page, base, user, lands_on=lands_on)


def one_h1(page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)
    assert page.locator("h1").count() == 1


def planned_visit(claim, guide) -> Inspection:
    day = termijnen.roll_forward(today() + dt.timedelta(days=7))
    zone = timezone.get_default_timezone()
    return inspection_schedule(
        inspection=claim.inspections.get(), actor=guide,
        starts_at=timezone.make_aware(dt.datetime.combine(day, dt.time(10)), zone),
        ends_at=timezone.make_aware(dt.datetime.combine(day, dt.time(11, 30)), zone),
    )


def test_expert_records_two_items_with_a_photo_and_hands_in_the_report(live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    cast = Cast()
    claim = claim_in(cast, "inspection", items=2)
    first, second = claim.damage_items.order_by("position")
    store_upload(claim=claim, file=SimpleUploadedFile("scheur.png", samples.png(), content_type="image/png"),
                 kind="photo", actor=cast.resident, damage_item=first)
    planned_visit(claim, cast.caseworker)

    # The list of inspections: only this one is open.
    log_in(page, base, cast.expert, lands_on="/deskundige/")
    one_h1(page, "Mijn schade-opnames")
    expect(page.get_by_role("link", name=claim.reference)).to_be_visible()
    axe_check(page)

    page.get_by_role("link", name=claim.reference).click()
    page.wait_for_url(at(f"/deskundige/{claim.reference}/"))
    one_h1(page, f"Schade-opname {claim.reference}")
    expect(page.get_by_role("img", name="Foto 1 bij schadepunt 1")).to_be_visible()  # the resident's photo
    expect(page.get_by_role("link", name=re.compile(r"\.ics-bestand"))).to_be_visible()
    axe_check(page)

    # A wrong amount: the page comes back with the error, nothing is stored.
    item1 = page.locator(f"#item-{first.pk}")
    item1.get_by_label("Herstelkosten in euro").fill("-5")
    item1.get_by_role("button", name="Schadepunt 1 opslaan").click()
    page.wait_for_load_state()
    expect(page.locator(".error-summary").first).to_be_visible()
    expect(page.locator(f"#item-{first.pk} .error-text").first).to_be_visible()
    axe_check(page)
    first.refresh_from_db()
    assert first.repair_cost is None

    # The report cannot go in while a verdict is missing: said plainly, accessible.
    pdf = tmp_path / "adviesrapport.pdf"
    pdf.write_bytes(samples.pdf())
    page.goto(base + f"/deskundige/{claim.reference}/")
    page.get_by_label("Adviesrapport (PDF)").set_input_files(str(pdf))
    page.get_by_label("Mijn oordeel over alle schadepunten is af").check()
    page.get_by_role("button", name="Adviesrapport inleveren").click()
    page.wait_for_load_state()
    expect(page.get_by_text("ontbreekt nog een oordeel").first).to_be_visible()
    axe_check(page)
    claim.refresh_from_db()
    assert claim.status == "inspection"

    # Item 1: findings, mining damage, repair cost typed the Dutch way.
    page.goto(base + f"/deskundige/{claim.reference}/")
    item1 = page.locator(f"#item-{first.pk}")
    item1.get_by_label("Plaats in of bij de woning").fill("Gevel voorkant, boven de voordeur")
    item1.get_by_label("Afmetingen").fill("Scheur 2 mm breed, 80 cm lang")
    item1.get_by_label("Toelichting").fill("Trapscheur in het metselwerk.")
    item1.get_by_label("Ja, mijnbouwschade").check()
    item1.get_by_label("Herstelkosten in euro").fill("1.250,50")
    item1.get_by_role("button", name="Schadepunt 1 opslaan").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Schadepunt 1 is opgeslagen.")).to_be_visible()

    # Item 2: partly, with a photo the expert took.
    item2 = page.locator(f"#item-{second.pk}")
    item2.get_by_label("Afmetingen").fill("Verzakking 1 cm over 2 meter")
    item2.get_by_label("Gedeeltelijk").check()
    item2.get_by_label("Herstelkosten in euro").fill("300")
    item2.get_by_role("button", name="Schadepunt 2 opslaan").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Schadepunt 2 is opgeslagen.")).to_be_visible()
    photo = tmp_path / "opname.jpg"
    photo.write_bytes(samples.jpeg())
    item2 = page.locator(f"#item-{second.pk}")
    item2.get_by_label("Foto toevoegen").set_input_files(str(photo))
    item2.get_by_role("button", name="Foto toevoegen bij schadepunt 2").click()
    page.wait_for_load_state()
    expect(page.get_by_text("De foto bij schadepunt 2 is opgeslagen.")).to_be_visible()
    expect(page.get_by_role("img", name="Foto 1 bij schadepunt 2")).to_be_visible()
    expect(page.get_by_text("Bij alle schadepunten staat uw oordeel.")).to_be_visible()
    axe_check(page)

    # The report: the claim moves to the draft advice, the page becomes read-only.
    page.get_by_label("Adviesrapport (PDF)").set_input_files(str(pdf))
    page.get_by_label("Mijn oordeel over alle schadepunten is af").check()
    page.get_by_role("button", name="Adviesrapport inleveren").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Het adviesrapport is ingeleverd.")).to_be_visible()
    expect(page.get_by_text("U hebt het adviesrapport ingeleverd. U kunt niets meer wijzigen.")).to_be_visible()
    expect(page.get_by_role("button", name="Schadepunt 1 opslaan")).to_have_count(0)
    expect(page.get_by_role("link", name="Uw adviesrapport (PDF)")).to_be_visible()
    axe_check(page)

    claim.refresh_from_db()
    assert claim.status == "advice_draft"
    step = ClaimTransition.objects.get(claim=claim, name="record_advice")
    assert step.actor == cast.expert
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.expert_verdict, str(first.repair_cost), first.measurements) == (
        "yes", "1250.50", "Scheur 2 mm breed, 80 cm lang")
    assert first.location == "Gevel voorkant, boven de voordeur"
    assert (second.expert_verdict, str(second.repair_cost)) == ("partly", "300.00")
    assert Document.objects.filter(claim=claim, kind=DocumentKind.PHOTO, damage_item=second,
                                   uploaded_by=cast.expert).count() == 1
    inspection = claim.inspections.get()
    assert inspection.status == Inspection.Status.DONE
    assert inspection.report.kind == DocumentKind.ADVICE_REPORT and inspection.report.uploaded_by == cast.expert

    # Back on the list: no longer open, listed as recently done.
    page.get_by_role("link", name="Terug naar mijn schade-opnames").click()
    page.wait_for_url(at("/deskundige/"))
    expect(page.get_by_text("U hebt nu geen open schade-opnames.")).to_be_visible()
    expect(page.get_by_role("link", name=claim.reference)).to_be_visible()
    axe_check(page)
