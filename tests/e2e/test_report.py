"""The online damage report in the browser: two items and a photo, stop halfway, resume, send; axe everywhere."""

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from claims.models import Claim, Document
from tests.e2e.axe import axe_check
from tests.e2e.login import log_in
from tests.factories import resident

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-report"))


def jpeg_bytes(colour: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def check_page(page, name: str, heading: str | None = None) -> None:
    """The page is what we expect, has one h1, shows the current step, and axe finds nothing."""
    page.wait_for_load_state()
    if heading is not None:
        assert page.get_by_role("heading", level=1).inner_text().strip() == heading
    assert page.locator("h1").count() == 1
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    axe_check(page)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_report_damage_stop_halfway_resume_and_send(live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    user, person = resident()

    page.goto(base + "/melden/")
    check_page(page, "00-start-anonymous", "Schade door de mijnbouw melden")

    log_in(page, base, user)
    page.goto(base + "/melden/")
    check_page(page, "01-start", "Schade door de mijnbouw melden")
    page.get_by_role("link", name="Start uw melding").click()

    # Step 1: the address; first with mistakes, then right.
    check_page(page, "02-woning", "Waar staat uw huis?")
    assert page.locator('[aria-current="step"]').inner_text() == "Uw huis"
    page.get_by_label("Postcode").fill("641 AB")
    click(page, "Opslaan en verder")
    assert page.locator(".error-summary").is_visible()
    assert page.get_by_text("Vul een Nederlandse postcode in").first.is_visible()
    check_page(page, "03-woning-errors")
    page.get_by_label("Postcode").fill("6411 ab")
    page.get_by_label("Huisnummer").fill("12")
    page.get_by_label("Straat").fill("Akerstraat")
    page.get_by_label("Plaats").fill("Heerlen")
    page.get_by_label("Gemeente", exact=True).select_option("Heerlen")
    click(page, "Opslaan en verder")

    # Step 2: ownership and a co-owner.
    check_page(page, "04-eigendom", "Van wie is het huis?")
    page.get_by_label("Ja, ik ben eigenaar en ik woon er zelf").check()
    page.get_by_role("radio", name="Nee", exact=True).check()
    page.locator("#id_mede-0-name").fill("Anna Janssen")
    page.locator("#id_mede-0-email").fill("anna@example.nl")
    click(page, "Opslaan en verder")

    # Step 3: no representative; stop here and come back later.
    check_page(page, "05-gemachtigde", "Helpt iemand u met uw melding?")
    click(page, "Opslaan en later verder")
    check_page(page, "06-start-with-draft", "Schade door de mijnbouw melden")
    claim = Claim.objects.get(applicant=person)
    assert page.get_by_role("rowheader", name=claim.reference).is_visible()
    page.get_by_role("link", name=f"Verder gaan met melding {claim.reference}").click()

    # Step 4: resumed at the damage; first item with a photo.
    check_page(page, "07-schade", "Welke schade ziet u?")
    page.get_by_label("Waar zit de schade?").fill("Voorgevel")
    page.get_by_label("Scheur", exact=True).check()
    page.get_by_label("Beschrijf de schade").fill("Scheur van de dakgoot tot het raam.")
    page.get_by_label("Sinds wanneer ziet u de schade?").fill("1-3-2024")
    page.get_by_label("Foto's").set_input_files(
        [{"name": "gevel.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()}])
    click(page, "Deze schade toevoegen")
    assert page.get_by_role("heading", name="Schade 1: Voorgevel").is_visible()
    check_page(page, "08-schade-one-item")

    # The item's own page: a refused file is named and explained; the rest stays.
    page.get_by_role("link", name="Wijzigen of foto's toevoegen bij schade 1").click()
    check_page(page, "09-schade-item", "Schade 1 wijzigen: Voorgevel")
    page.get_by_label("Foto's").set_input_files(
        [{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"MZ\x90\x00" + b"\x00" * 100}])
    click(page, "Opslaan")
    assert page.get_by_text("De foto ‘photo.jpg’ is niet opgeslagen.").is_visible()
    check_page(page, "10-schade-item-refused")
    page.get_by_role("link", name="Terug naar de lijst met schade").click()

    # Second item, added with 'Opslaan en verder' straight away.
    page.wait_for_load_state()
    page.get_by_label("Waar zit de schade?").fill("Kelder")
    page.get_by_label("Vocht of wateroverlast").check()
    page.get_by_label("Beschrijf de schade").fill("De muur is nat sinds de winter.")
    click(page, "Opslaan en verder")

    # Step 5: safety.
    check_page(page, "11-veiligheid", "Is het nu onveilig?")
    page.get_by_role("radio", name="Nee", exact=True).check()
    click(page, "Opslaan en verder")

    # Step 6: check and send.
    check_page(page, "12-controle", "Kijk uw melding na")
    assert page.get_by_role("heading", name="Schade 2: Kelder").is_visible()
    click(page, "Melding versturen")  # forgot the statement
    assert page.get_by_text("Zet een vinkje als u alles naar waarheid hebt ingevuld.").first.is_visible()
    check_page(page, "13-controle-error")
    page.get_by_label("Ik heb alles naar waarheid ingevuld").check()
    click(page, "Melding versturen")

    check_page(page, "14-verstuurd", "Uw melding is verstuurd")
    assert page.locator(".reference").inner_text() == claim.reference
    claim.refresh_from_db()
    assert claim.status == "submitted"
    assert [i.location for i in claim.damage_items.order_by("position")] == ["Voorgevel", "Kelder"]
    assert Document.objects.filter(claim=claim, kind="photo").count() == 1
    assert list(claim.co_applicants.values_list("name", flat=True)) == ["Anna Janssen"]


def test_remove_page_and_outside_area_notice(live_server, page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    user, _person = resident()
    log_in(page, base, user)
    page.goto(base + "/melden/nieuw/")
    page.get_by_label("Postcode").fill("6211 AB")
    page.get_by_label("Huisnummer").fill("1")
    page.get_by_label("Straat").fill("Markt")
    page.get_by_label("Plaats").fill("Maastricht")
    page.get_by_label("Gemeente", exact=True).select_option(label="Een andere gemeente")
    page.get_by_label("Welke andere gemeente?").fill("Maastricht")
    click(page, "Opslaan en verder")
    assert page.get_by_role("heading", name="Uw huis ligt buiten het mijnbouwschadegebied").is_visible()
    check_page(page, "20-eigendom-outside-area", "Van wie is het huis?")
    page.get_by_label("Nee, ik huur het huis of ik woon er niet zelf").check()
    page.get_by_role("radio", name="Nee", exact=True).check()
    click(page, "Opslaan en verder")
    click(page, "Opslaan en verder")
    page.get_by_label("Waar zit de schade?").fill("Hal")
    page.get_by_label("Scheur", exact=True).check()
    page.get_by_label("Beschrijf de schade").fill("Scheur in de tegels.")
    click(page, "Deze schade toevoegen")
    page.get_by_role("link", name="Verwijderen schade 1").click()
    check_page(page, "21-schade-remove", "Schade 1 verwijderen: Hal")
    click(page, "Ja, verwijderen")
    assert page.get_by_text("U hebt nog geen schade beschreven.").first.is_visible()
    click(page, "Opslaan en verder")
    assert page.get_by_text("Beschrijf ten minste één schade voordat u verdergaat.").first.is_visible()
    check_page(page, "22-schade-no-items")
