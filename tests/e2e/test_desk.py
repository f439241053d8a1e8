"""The desk in the browser: log in, look up, file for a new resident, print the receipt; axe on every page."""

import os
import re
from pathlib import Path

import pytest
from django.urls import reverse

from claims import roles as R
from claims.models import Claim
from claims.services import claim_transition
from tests.e2e.axe import axe_check
from tests.e2e.login import log_in
from tests.factories import PersonFactory, PropertyFactory, UserFactory, draft_claim

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b")
SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-desk"))


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL"}  # a desk PC in Heerlen


def test_desk_files_a_claim_for_a_new_resident_and_prints_the_receipt(live_server, page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    desk = UserFactory(role=R.DESK, first_name="Anouk", last_name="Wetzels")
    known = PersonFactory(name="Jo Bemelmans", phone="045 765 43 21")
    home = PropertyFactory(postcode="6411CD", house_number=3, street="Kloosterweg")
    claim = draft_claim(applicant=known, filed_by=desk)
    claim.property = home
    claim.save(update_fields=["property"])
    claim_transition(claim=claim, name="submit", actor=desk)

    log_in(page, base, desk)
    if not page.url.startswith(base + "/loket/"):
        page.goto(base + "/loket/")
    assert page.get_by_role("heading", level=1).inner_text() == "Loket: bewoner zoeken"
    axe_check(page)

    # A known home: the results, with a link to the claim this desk employee filed.
    page.get_by_label("Postcode").fill("6411 cd")
    page.get_by_label("Huisnummer").fill("3")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name=claim.reference).first.is_visible()
    assert page.get_by_text("Jo Bemelmans").first.is_visible()
    axe_check(page)
    page.screenshot(path=str(SHOTS / "search-results.png"), full_page=True)

    # An empty search: the error, accessible.
    page.goto(base + "/loket/?name=")
    assert page.locator(".error-summary").is_visible()
    axe_check(page)

    # The new resident is not known yet.
    page.get_by_label("Naam").fill("Petra Ubachs")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert page.get_by_text("Er is geen bewoner en geen woning gevonden").is_visible()
    axe_check(page)

    page.get_by_role("link", name="Melding voor een nieuwe bewoner").click()
    page.wait_for_load_state()
    assert page.get_by_label("Naam", exact=True).input_value() == "Petra Ubachs"
    axe_check(page)

    # Sent half-filled: every error named, the typed name kept.
    page.get_by_role("button", name="Melding indienen").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").is_visible()
    assert page.get_by_label("Naam", exact=True).input_value() == "Petra Ubachs"
    axe_check(page)
    page.screenshot(path=str(SHOTS / "new-with-errors.png"), full_page=True)

    page.get_by_label("Telefoonnummer").fill("045 111 22 33")
    page.get_by_label("Postcode").fill("6419 aa")
    page.get_by_label("Huisnummer").fill("41")
    page.get_by_label("Straat").fill("Schaesbergerweg")
    page.get_by_label("Plaats", exact=True).fill("Heerlen")
    page.get_by_label("Gemeente", exact=True).select_option("Heerlen")
    page.get_by_role("group", name="Hoe kwam de melding binnen?").get_by_label("Telefoon").check()
    page.get_by_role("group", name="Is de bewoner eigenaar").get_by_label("Ja").check()
    page.get_by_label("Plaats van schade 1").fill("Keuken")
    page.get_by_label("Soort schade 1").select_option("crack")
    page.get_by_label("Omschrijving van schade 1").fill("Een scheur in de tegels, twee meter lang.")
    page.get_by_label("Gescande papieren").set_input_files([
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" + b"\x00" * 64},
    ])
    page.get_by_role("button", name="Melding indienen").click()
    page.wait_for_load_state()

    filed = Claim.objects.get(applicant__name="Petra Ubachs")
    assert filed.status == "submitted" and filed.channel == "phone"
    assert page.url == base + reverse("claims:desk_receipt", args=[filed.reference])
    receipt = page.locator("article.receipt")
    assert filed.reference in receipt.inner_text()
    code = CODE.search(receipt.inner_text())
    assert code, "the activation code is on the receipt right after filing"
    assert "mijnschade.i3ml.nl/activeren" in receipt.inner_text()
    assert page.get_by_text("Het bestand ‘scan.pdf’ is niet opgeslagen.", exact=False).is_visible()
    assert page.get_by_role("button", name="Afdrukken").is_visible()  # print.js showed it
    axe_check(page)
    page.screenshot(path=str(SHOTS / "receipt-screen.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    assert not page.locator(".messages").is_visible()
    assert not page.get_by_role("button", name="Afdrukken").is_visible()
    page.screenshot(path=str(SHOTS / "receipt-print.png"), full_page=True)
    page.pdf(path=str(SHOTS / "receipt.pdf"), format="A4", print_background=True)
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Naar de melding (scan toevoegen)").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == f"Melding {filed.reference}"
    assert code.group() not in page.content()
    axe_check(page)
    page.screenshot(path=str(SHOTS / "claim.png"), full_page=True)

    page.get_by_role("link", name="Ontvangstbewijs afdrukken").click()
    page.wait_for_load_state()
    assert not CODE.search(page.locator("article.receipt").inner_text()), "a reprint shows no code"
    axe_check(page)

    # Without JavaScript the receipt still explains how to print.
    context = page.context.browser.new_context(java_script_enabled=False, locale="nl-NL")
    context.add_cookies(page.context.cookies())
    nojs = context.new_page()
    nojs.goto(base + reverse("claims:desk_receipt", args=[filed.reference]))
    assert nojs.get_by_text("Gebruik Ctrl+P om af te drukken.").is_visible()
    assert not nojs.get_by_role("button", name="Afdrukken").is_visible()
    context.close()
