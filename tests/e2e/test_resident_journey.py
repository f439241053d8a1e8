"""The whole resident journey in one browser session, against a real Celery worker: register, confirm the
e-mail address, report damage with a photo, stop halfway and resume, send, follow the claim in the portal
and download the receipt letter the worker rendered. Axe on every distinct page on the way."""

import io
import re
import time
from pathlib import Path

import pytest
from django.test import override_settings
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from claims import accounts
from claims.models import Claim, Document, Letter, LetterKind, OutgoingEmail, Person
from tests.e2e.axe import axe_check

pytestmark = [pytest.mark.e2e, pytest.mark.worker]

NAME, EMAIL, SECRET = "Maria Janssen", "maria.janssen@example.nl", "kolenmijn schacht lamp"
VERIFY_PATH = re.compile(r"https?://[^/\s]+(/registreren/bevestigen/[\w-]+/)")
LETTER_TIMEOUT = 40.0
STEP = r"/melden/MS-\d{4}-\d{6}/"  # a step of the report wizard, after this path


@pytest.fixture(scope="module", autouse=True)
def media_root(tmp_path_factory):
    """One place for files, shared by the live server (photos, downloads) and the worker (letter PDFs).
    Module scoped and autouse, so it is in force before `celery_worker_process` reads MEDIA_ROOT."""
    root = tmp_path_factory.mktemp("journey-files")
    with override_settings(MEDIA_ROOT=str(root)):
        yield root


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # The live server shares these settings: registration hashes with MD5 here, not a second per password.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def jpeg_file(path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "firebrick").save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def page_is(page, heading: str) -> None:
    """The page loaded, has exactly this one h1, and axe finds nothing on it."""
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert page.locator("h1").count() == 1
    axe_check(page)


def at(path: str) -> re.Pattern:
    """A page of the live server by its path (a regex). A fragment may ride along: after a redirect the
    browser keeps the one of the page the form was posted from (e.g. `#schadelijst`)."""
    return re.compile(r"^https?://[^/]+" + path + r"(#.*)?$")


def press(page, name: str, *, then: str) -> None:
    """Press a button and wait until the browser is at the page `then` (a path regex)."""
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_url(at(then))
    page.wait_for_load_state()


def wait_for_ready_receipt(page, claim: Claim, worker) -> Letter:
    """The worker renders the receipt after commit; reload the claim page until the portal offers it."""
    deadline = time.monotonic() + LETTER_TIMEOUT
    while time.monotonic() < deadline:
        letter = Letter.objects.filter(claim=claim, kind=LetterKind.RECEIPT).first()
        if letter is not None and letter.status == Letter.Status.READY:
            page.reload()
            page.wait_for_load_state()
            return letter
        worker._assert_alive()
        time.sleep(0.5)
        page.reload()
    pytest.fail(f"no ready receipt letter after {LETTER_TIMEOUT}s ({letter and letter.status}, "
                f"{letter and letter.last_error!r})\n{worker.log_tail()}")


@pytest.mark.django_db(transaction=True)
def test_a_resident_registers_reports_damage_and_downloads_the_receipt(
        live_server, page, celery_worker_process, media_root, tmp_path):
    base = live_server.url
    assert Path(celery_worker_process.media_root) == media_root

    # 1. Register, confirm the address from the queued e-mail, and be logged in.
    page.goto(base + "/registreren/")
    page_is(page, "Account aanmaken")
    page.get_by_label("Uw naam").fill(NAME)
    page.get_by_label("E-mailadres").fill(EMAIL)
    page.get_by_label("Kies een wachtwoord").fill(SECRET)
    page.get_by_label("Typ het wachtwoord nog een keer").fill(SECRET)
    page.get_by_label("Digitaal").check()
    page.get_by_label("Nederlands").check()
    page.get_by_label("Ik heb de privacyverklaring gelezen", exact=False).check()
    press(page, "Account aanmaken", then="/registreren/controleer-uw-e-mail/")
    page_is(page, "Kijk in uw e-mail")

    mail = OutgoingEmail.objects.get(purpose=accounts.PURPOSE_VERIFY, to=EMAIL)
    page.goto(base + VERIFY_PATH.search(mail.body).group(1))
    page_is(page, "E-mailadres bevestigen")
    press(page, "Bevestig mijn e-mailadres", then="/mijn/")
    expect(page.get_by_text("Uw e-mailadres is bevestigd. U bent nu ingelogd.")).to_be_visible()
    page_is(page, "Mijn meldingen")
    person = Person.objects.get(email=EMAIL)
    assert person.email_verified_at is not None and person.preferred_channel == "digital"

    # 2. Start a report: the address in Heerlen, ownership, no representative, the first damage with a photo.
    page.goto(base + "/melden/")
    page_is(page, "Schade door de mijnbouw melden")
    page.get_by_role("link", name="Start uw melding").click()
    page.wait_for_url(at("/melden/nieuw/"))  # the draft exists once the address is saved
    page_is(page, "Waar staat uw huis?")
    page.get_by_label("Postcode").fill("6411 AB")
    page.get_by_label("Huisnummer").fill("12")
    page.get_by_label("Straat").fill("Akerstraat")
    page.get_by_label("Plaats").fill("Heerlen")
    page.get_by_label("Gemeente", exact=True).select_option("Heerlen")
    press(page, "Opslaan en verder", then=STEP + "eigendom/")
    page_is(page, "Van wie is het huis?")
    page.get_by_label("Ja, ik ben eigenaar en ik woon er zelf").check()
    page.get_by_role("radio", name="Nee", exact=True).check()
    press(page, "Opslaan en verder", then=STEP + "gemachtigde/")
    page_is(page, "Helpt iemand u met uw melding?")
    press(page, "Opslaan en verder", then=STEP + "schade/")
    page_is(page, "Welke schade ziet u?")
    claim = Claim.objects.get(applicant=person)
    assert claim.status == "draft"

    page.get_by_label("Waar zit de schade?").fill("Voorgevel")
    page.get_by_label("Scheur", exact=True).check()
    page.get_by_label("Beschrijf de schade").fill("Een scheur van de dakgoot tot het raam.")
    page.get_by_label("Sinds wanneer ziet u de schade?").fill("1-3-2024")
    page.get_by_label("Foto's").set_input_files(str(jpeg_file(tmp_path / "gevel.jpg")))
    press(page, "Deze schade toevoegen", then=STEP + "schade/#schadelijst")
    expect(page.get_by_role("heading", name="Schade 1: Voorgevel")).to_be_visible()
    expect(page.get_by_text("1 foto", exact=True)).to_be_visible()
    axe_check(page)

    # 3. Stop halfway; come back through 'Schade melden' and resume the draft where it was left.
    press(page, "Opslaan en later verder", then="/melden/")
    expect(page.get_by_text("Uw melding is bewaard.", exact=False)).to_be_visible()
    page_is(page, "Schade door de mijnbouw melden")
    page.goto(base + "/mijn/")  # away for a while
    page.goto(base + "/melden/")
    expect(page.get_by_role("rowheader", name=claim.reference)).to_be_visible()
    page.get_by_role("link", name=f"Verder gaan met melding {claim.reference}").click()
    page.wait_for_url(at(STEP + "schade/"))
    page_is(page, "Welke schade ziet u?")
    expect(page.get_by_role("heading", name="Schade 1: Voorgevel")).to_be_visible()

    # The second damage item goes in with 'Opslaan en verder' straight away.
    page.get_by_label("Waar zit de schade?").fill("Kelder")
    page.get_by_label("Vocht of wateroverlast").check()
    page.get_by_label("Beschrijf de schade").fill("De muur van de kelder is nat sinds de winter.")
    press(page, "Opslaan en verder", then=STEP + "veiligheid/")

    # 4. Not unsafe; check the summary, tick the statement, send.
    page_is(page, "Is het nu onveilig?")
    page.get_by_role("radio", name="Nee", exact=True).check()
    press(page, "Opslaan en verder", then=STEP + "controle/")
    page_is(page, "Kijk uw melding na")
    summary = page.locator("main").inner_text()
    for expected in ("Akerstraat", "6411 AB", "Heerlen", "Schade 1: Voorgevel", "Schade 2: Kelder"):
        assert expected in summary, expected
    page.get_by_label("Ik heb alles naar waarheid ingevuld").check()
    press(page, "Melding versturen", then=STEP + "verstuurd/")
    page_is(page, "Uw melding is verstuurd")
    expect(page.locator(".reference")).to_have_text(claim.reference)
    claim.refresh_from_db()
    assert claim.status == "submitted" and claim.urgent is False
    assert [i.location for i in claim.damage_items.order_by("position")] == ["Voorgevel", "Kelder"]
    assert Document.objects.filter(claim=claim, kind="photo").count() == 1

    # 5. The portal: the claim, where it stands now and what happens next, in plain words.
    page.goto(base + "/mijn/")
    page_is(page, "Mijn meldingen")
    card = page.locator(".portal-card").filter(has_text=claim.reference)
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Akerstraat")
    expect(card.locator("dt", has_text="Nu").locator("xpath=following-sibling::dd[1]")).to_have_text(
        "Wij hebben uw melding ontvangen")
    expect(card.locator("dt", has_text="Hierna").locator("xpath=following-sibling::dd[1]")).to_contain_text(
        "U krijgt een vaste zaakbegeleider. Binnen 5 werkdagen: uiterlijk")
    card.get_by_role("link", name=f"Bekijk uw melding {claim.reference}").click()
    page.wait_for_url(at(f"/mijn/{claim.reference}/"))
    page_is(page, f"Melding {claim.reference}")
    status = page.locator(".portal-status")
    expect(status.locator(".portal-now")).to_have_text("Wij hebben uw melding ontvangen")
    expect(status).to_contain_text("Wat gebeurt hierna?")
    expect(status).to_contain_text("U krijgt een vaste zaakbegeleider.")

    # 6. The receipt the real worker renders appears on the claim page; download it and read it.
    letter = wait_for_ready_receipt(page, claim, celery_worker_process)
    assert letter.document_id is not None
    link = page.get_by_role("link", name=re.compile(r"^Ontvangstbevestiging"))
    expect(link).to_be_visible()
    expect(page.get_by_text("wordt gemaakt")).to_have_count(0)
    expect(page.get_by_role("link", name="gevel.jpg")).to_be_visible()  # the photo sent with the report
    axe_check(page)
    page.screenshot(path="/tmp/journey-portal.png", full_page=True)
    with page.expect_download() as download_info:
        link.click()
    pdf_path = tmp_path / "ontvangstbevestiging.pdf"
    download_info.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF-")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(pdf_path).pages)
    assert claim.reference in text
    assert "Wat betekent dit voor u?" in text
    assert NAME in text
