"""Mijn gegevens downloaden in the browser: reached from the portal home, the page passes axe, and its button gives the
ZIP, also in a browser with JavaScript switched off."""

import io
import json
import zipfile

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from claims.timeutil import today
from tests.e2e.axe import axe_check
from tests.factories import Cast, claim_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def session_cookie(base: str, user) -> dict:
    client = Client()
    client.force_login(user)
    return {"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "url": base}


def downloaded(page) -> zipfile.ZipFile:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download mijn gegevens (ZIP)").click()
    download = info.value
    assert download.suggested_filename == f"mijnschade-gegevens-{today().isoformat()}.zip"
    with open(download.path(), "rb") as file:
        return zipfile.ZipFile(io.BytesIO(file.read()))


@pytest.fixture
def resident_with_claims(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "files")
    cast = Cast()
    cast.person.name = "Maria Janssen"
    cast.person.save()
    claims = [claim_in(cast, "decided"), claim_in(cast, "info_requested")]
    return cast, claims


def test_the_page_is_reached_from_the_portal_passes_axe_and_gives_the_zip(live_server, page, resident_with_claims):
    cast, claims = resident_with_claims
    base = live_server.url
    page.context.add_cookies([session_cookie(base, cast.resident)])

    page.goto(base + "/mijn/")
    page.get_by_role("link", name="Mijn gegevens downloaden").click()
    page.wait_for_url(base + "/mijn/gegevens/")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens downloaden")
    assert page.locator("h1").count() == 1
    for claim in claims:
        expect(page.get_by_text(claim.reference)).to_be_visible()
    axe_check(page)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    axe_check(page)

    archive = downloaded(page)
    data = json.loads(archive.read("gegevens.json"))
    assert data["person"]["name"] == "Maria Janssen"
    assert {c["reference"] for c in data["claims"]} == {c.reference for c in claims}


def test_the_download_works_without_javascript(live_server, browser, resident_with_claims):
    cast, _claims = resident_with_claims
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, locale="nl-NL", accept_downloads=True)
    try:
        context.add_cookies([session_cookie(base, cast.resident)])
        page = context.new_page()
        page.goto(base + "/mijn/gegevens/")
        archive = downloaded(page)
        assert {"gegevens.json", "overzicht.pdf", "LEESMIJ-README.txt"} <= set(archive.namelist())
    finally:
        context.close()
