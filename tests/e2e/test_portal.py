"""The resident portal in the browser: the list, every claim page variant and every action page; axe on all
of them (with a form error shown too); answer an info request with a refused file, and ask for a call back."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from claims.models import Document, DocumentKind, Letter, Message
from tests.claims.files import samples
from tests.e2e.axe import axe_check
from tests.factories import Cast, claim_in, draft_claim

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e-portal"))


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "nl-NL"}


def log_in(page, base: str, user) -> None:
    """A session made by the test client, handed to the browser as its cookie."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": base}])


def check(page, name: str, heading: str | None = None) -> None:
    page.wait_for_load_state()
    if heading is not None:
        assert page.get_by_role("heading", level=1).inner_text().strip() == heading
    assert page.locator("h1").count() == 1
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    axe_check(page)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def ready_letter(claim, kind: str) -> Letter:
    """A letter as the worker leaves it: ready, with its PDF (no worker runs in this test)."""
    letter = claim.letters.get(kind=kind)
    pdf = samples.pdf()
    document = Document(claim=claim, kind=DocumentKind.LETTER, letter_kind=kind, title=letter.get_kind_display(),
                        original_name=f"{kind}-{claim.reference}.pdf", sha256=f"{letter.pk:064x}", size=len(pdf),
                        content_type="application/pdf")
    document.file.save(document.sha256, SimpleUploadedFile("x", pdf), save=False)
    document.save()
    Letter.objects.filter(pk=letter.pk).update(status=Letter.Status.READY, document=document)
    return letter


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    SHOTS.mkdir(parents=True, exist_ok=True)
    cast = Cast()
    cast.person.name = "Maria Janssen"
    cast.person.phone = "045 571 23 86"
    cast.person.save()
    cast.caseworker.first_name, cast.caseworker.last_name = "Anouk", "Wetzels"
    cast.caseworker.email = "a.wetzels@i3ml.nl"
    cast.caseworker.save()
    claims = {state: claim_in(cast, state) for state in (
        "info_requested", "response_period", "decided", "submitted", "on_hold", "not_admissible", "closed")}
    claims["draft"] = draft_claim(applicant=cast.person)
    ready_letter(claims["info_requested"], "receipt")
    ready_letter(claims["decided"], "receipt")
    Message.objects.create(claim=claims["decided"], direction="out", author=cast.caseworker,
                           body="Goedemiddag mevrouw Janssen,\nHet besluit is verstuurd. Bel gerust als u vragen hebt.")
    return cast, claims


def test_the_portal_pages_work_and_are_accessible(live_server, page, world, tmp_path):
    cast, claims = world
    base = live_server.url
    log_in(page, base, cast.resident)

    page.goto(base + reverse("claims:portal"))
    check(page, "list", "Mijn meldingen")
    cards = page.locator(".portal-card")
    assert page.locator(".portal-card-action").count() == 2  # the info request and the draft ...
    assert "portal-card-action" in cards.nth(0).get_attribute("class")  # ... come first
    assert "portal-card-action" in cards.nth(1).get_attribute("class")
    assert "Wij wachten op uw aanvulling, uiterlijk" in page.locator(".portal-card-action").nth(1).inner_text()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    check(page, "list-phone")
    page.set_viewport_size({"width": 1280, "height": 720})

    for state, claim in claims.items():
        page.goto(base + reverse("claims:portal_claim", kwargs={"reference": claim.reference}))
        check(page, f"claim-{state}", f"Melding {claim.reference}")
        assert page.locator(".portal-status").is_visible()
        if state not in ("draft", "closed"):
            assert page.locator('[aria-current="step"]').count() == 1

    # The info request: the question, an empty answer, a refused file, then confirm.
    info = claims["info_requested"]
    page.goto(base + reverse("claims:portal_claim", kwargs={"reference": info.reference}))
    assert page.get_by_text("Stuur ons foto's van de scheur in de gevel.").first.is_visible()
    page.locator(".portal-status").get_by_role("link", name="Informatie sturen").click()
    check(page, "answer", "Informatie sturen")
    click(page, "Aanvulling versturen")
    assert page.locator(".error-summary").is_visible()
    check(page, "answer-error")
    good, bad = tmp_path / "gevel.jpg", tmp_path / "scan.jpg"
    good.write_bytes(samples.jpeg())
    bad.write_bytes(samples.windows_exe())
    page.get_by_label("Uw antwoord").fill("Hierbij de foto van de gevel. De scheur is 3 mm breed.")
    page.get_by_label("Bestanden").set_input_files([str(good), str(bad)])
    click(page, "Aanvulling versturen")
    assert page.locator(".portal-refused").is_visible()
    assert "scan.jpg" in page.locator(".portal-refused").inner_text()
    assert "gevel.jpg" in page.locator(".portal-kept").inner_text()
    assert page.get_by_label("Uw antwoord").input_value().startswith("Hierbij de foto van de gevel.")
    check(page, "answer-refused")
    info.refresh_from_db()
    assert info.status == "info_requested"
    click(page, "Aanvulling versturen")
    check(page, "answer-done", f"Melding {info.reference}")
    assert "Wij hebben uw aanvulling ontvangen" in page.locator(".messages").inner_text()
    info.refresh_from_db()
    assert info.status == "intake"
    assert "gevel.jpg" in Message.objects.get(claim=info, kind="info_answer").body

    # A call back about the decision letter: a wrong number first, then a good one.
    decided = claims["decided"]
    page.goto(base + reverse("claims:portal_claim", kwargs={"reference": decided.reference}))
    page.get_by_role("link", name="Bel mij terug").click()
    check(page, "callback", "Bel mij terug")
    assert page.get_by_label("Op welk telefoonnummer kunnen wij u bellen?").input_value() == "045 571 23 86"
    page.get_by_label("Op welk telefoonnummer kunnen wij u bellen?").fill("12")
    click(page, "Bel mij terug")
    assert page.locator(".error-summary").is_visible()
    check(page, "callback-error")
    page.get_by_label("Op welk telefoonnummer kunnen wij u bellen?").fill("045 571 23 86")
    page.get_by_label("De brief ‘Ontvangstbevestiging’", exact=False).check()
    page.get_by_label("Wat is er niet duidelijk?").fill("Ik begrijp het bedrag niet.")
    click(page, "Bel mij terug")
    assert "Uw zaakbegeleider belt u binnen 2 werkdagen terug op 045 571 23 86." in \
        page.locator(".messages").inner_text()
    check(page, "callback-done", f"Melding {decided.reference}")
    assert Message.objects.get(claim=decided, kind="callback").phone == "045 571 23 86"

    # Every other action page, empty and with an error shown.
    pages = [
        (decided, "portal_objection", "Bezwaar maken", "Bezwaar versturen"),
        (claims["response_period"], "portal_response", "Reageren op het conceptadvies", "Zienswijze versturen"),
        (claims["response_period"], "portal_message", "Bericht sturen", "Bericht versturen"),
    ]
    for claim, name, heading, button in pages:
        page.goto(base + reverse(f"claims:{name}", kwargs={"reference": claim.reference}))
        check(page, name, heading)
        click(page, button)
        assert page.locator(".error-summary").is_visible(), name
        check(page, f"{name}-error")
    page.goto(base + reverse("claims:portal_withdraw", kwargs={"reference": claims["on_hold"].reference}))
    check(page, "withdraw", "Weet u zeker dat u uw melding wilt intrekken?")

    # The message form on the claim page itself.
    page.goto(base + reverse("claims:portal_claim", kwargs={"reference": decided.reference}))
    page.get_by_label("Uw bericht").fill("Dank u wel voor het besluit.")
    click(page, "Bericht versturen")
    assert page.get_by_text("Dank u wel voor het besluit.").is_visible()
    check(page, "claim-decided-after-message")
