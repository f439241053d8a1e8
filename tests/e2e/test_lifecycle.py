"""The second half of the lifecycle end to end, in headless Chromium against a real Celery worker (issue 5).

Claim A goes from `submitted` to `closed`: the worker assigns the guide, the guide chooses the expert, the expert
records the damage and hands in the report, the guide sends the draft advice and forwards the claim, a commission
member declares no conflict and advises per damage item, a decision maker decides, the worker renders the decision
letter (its text is read from the PDF), finance records the IBAN, a colleague approves it (four eyes), makes the
SEPA file, downloads it and reports it paid; the claim is in settlement and is closed by the daily task once the
objection window has passed. Claim B goes through an objection: the resident files it in the portal, another
decision maker takes it, plans a hearing and decides it well-founded with a new amount; the worker renders the
letters. Data is built with the services only where clicking would add nothing.
"""

import datetime as dt
import re
import time
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import formats, translation
from playwright.sync_api import expect
from pypdf import PdfReader

from casework.models import CommissionAdvice, Decision, Objection, ReviewDeclaration
from casework.services.commission import advice_record, review_declare
from casework.services.decisions import decision_make
from casework.services.inspection import damage_item_record_findings, inspection_submit_report
from casework.tasks_finance import close_settled_claims
from claims import roles as R
from claims import termijnen
from claims.models import Claim, ClaimTransition, Letter, LetterKind, Payment, PaymentBatch
from claims.timeutil import frozen, today
from tests.claims.files import samples
from tests.e2e.axe import axe_check
from tests.e2e.login import log_in
from tests.e2e.test_casework import named, people, work_day
from tests.e2e.test_expert import at, one_h1
from tests.factories import UserFactory, draft_claim

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT = 40.0  # seconds for the worker (assignment, letters)
PAIN = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
IBAN = "NL02ABNA0123456789"  # a valid Dutch IBAN (mod 97), not the institute's own


# --- infrastructure ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def media_root(tmp_path_factory):
    """One place for files, shared by the live server and the worker; in force before the worker starts."""
    root = tmp_path_factory.mktemp("lifecycle-files")
    with override_settings(MEDIA_ROOT=str(root)):
        yield root


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def open_session(browser, base: str, user, *, lands_on: str, contexts: list):
    """A browser of its own for this person, logged in through the real login page, on their landing page."""
    context = browser.new_context(locale="nl-NL", accept_downloads=True)
    contexts.append(context)
    page = context.new_page()
    log_in(page, base, user, lands_on=lands_on)  # the password, and for staff the code from their app
    return page


@pytest.fixture
def sessions(browser, live_server):
    """`open_as(user, lands_on=...)`: each person in a browser of their own, as at their own desk."""
    contexts = []
    yield lambda user, *, lands_on: open_session(browser, live_server.url, user, lands_on=lands_on, contexts=contexts)
    for context in contexts:
        context.close()


def wait_for(what: str, check, worker, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if found := check():
            return found
        worker._assert_alive()
        time.sleep(0.25)
    pytest.fail(f"{what}: not within {timeout}s\n{worker.log_tail()}")


def ready_letter(claim, kind: str, worker) -> Letter:
    def check():
        letter = Letter.objects.filter(claim=claim, kind=kind).order_by("-pk").first()
        if letter is not None and letter.status == Letter.Status.FAILED:
            pytest.fail(f"letter {kind} failed: {letter.last_error}\n{worker.log_tail()}")
        return letter if letter is not None and letter.status == Letter.Status.READY else None

    return wait_for(f"the {kind} letter", check, worker)


def assigned(claim, worker) -> Claim:
    """The worker takes the submitted claim into intake with the team's guide (automatic assignment)."""
    return wait_for("automatic assignment",
                    lambda: Claim.objects.filter(pk=claim.pk, status="intake").first(), worker)


def pdf_text(path: Path) -> str:
    """The PDF's text with all white space (line breaks, no-break spaces) as single spaces."""
    text = "\n".join(p.extract_text() or "" for p in PdfReader(path).pages)
    return " ".join(text.replace("\N{NO-BREAK SPACE}", " ").split())


def download(page, link, path: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    info.value.save_as(path)
    return path


def go(page, locator, *, to: str) -> None:
    locator.click()
    page.wait_for_url(at(to))
    page.wait_for_load_state()


def press(page, name: str, *, to: str | None = None, scope=None) -> None:
    (scope or page).get_by_role("button", name=name, exact=True).click()
    if to is not None:
        page.wait_for_url(at(to))
    page.wait_for_load_state()


def shown(page, heading: str) -> None:
    one_h1(page, heading)
    axe_check(page)


def long_date(day: dt.date) -> str:
    """As the letters write a date: 'dinsdag 12 januari 2027'."""
    with translation.override("nl"):
        return formats.date_format(day, "l j F Y")


def staff(cast):
    """Names for the people of the second half, and a second person in finance (four eyes)."""
    named(cast.commission, "Ria", "Offermans")
    named(cast.decision_maker, "Peter", "Bours")
    named(cast.objection_handler, "Anja", "Dassen")
    named(cast.finance, "Kim", "Douven")
    cast.finance2 = named(UserFactory(role=R.FINANCE), "Tom", "Bemelmans")
    cast.person.name = "Maria Janssen"
    cast.person.save(update_fields=["name"])
    return cast


def submitted_claim(cast, worker, *, items: tuple[tuple[str, str], ...]) -> Claim:
    """The resident's claim, sent (the service, as the report wizard does); the worker assigns the guide."""
    claim = draft_claim(applicant=cast.person, items=len(items))
    for item, (location, kind) in zip(claim.damage_items.order_by("position"), items, strict=True):
        item.location, item.kind = location, kind
        item.save(update_fields=["location", "kind"])
    claim = cast.fire(claim, "submit")
    assert claim.status == "submitted"
    claim = assigned(claim, worker)
    assert claim.caseworker == cast.caseworker
    return claim


# --- claim A: from submitted to closed ---------------------------------------------------------------------------

def test_a_claim_from_submission_to_closed_through_the_pages(live_server, sessions, celery_worker_process,
                                                             media_root, tmp_path):
    worker = celery_worker_process
    assert Path(worker.media_root) == media_root
    cast = staff(people())
    claim = submitted_claim(cast, worker, items=(("Voorgevel", "crack"), ("Kelder", "moisture")))
    ref = claim.reference
    dossier = f"/werk/zaken/{ref}/"
    front, cellar = claim.damage_items.order_by("position")

    # 1. The guide chooses the expert and plans the visit from the dossier.
    guide = sessions(cast.caseworker, lands_on="/werk/")
    go(guide, guide.get_by_role("link", name=ref), to=dossier)
    go(guide, guide.get_by_role("link", name="Deskundige kiezen", exact=True), to=dossier + "stap/plan_inspection/")
    guide.get_by_label("Jos Vroemen").check()
    guide.get_by_label("Datum van het bezoek").fill(work_day(10).isoformat())
    guide.get_by_label("Van (uur)").fill("10:00")
    guide.get_by_label("Tot (uur)").fill("11:30")
    press(guide, "Deskundige kiezen", to=dossier)
    expect(guide.get_by_text("De deskundige is gekozen: Jos Vroemen.")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "inspection" and claim.expert == cast.expert

    # 2. The expert records both damage items and hands in the advice report (PDF).
    expert = sessions(cast.expert, lands_on="/deskundige/")
    go(expert, expert.get_by_role("link", name=ref), to=f"/deskundige/{ref}/")
    for item, verdict, cost in ((front, "Ja, mijnbouwschade", "3.000,00"), (cellar, "Gedeeltelijk", "2.200,00")):
        section = expert.locator(f"#item-{item.pk}")
        section.get_by_label("Afmetingen").fill("Scheur 2 mm breed, 80 cm lang")
        section.get_by_label(verdict).check()
        section.get_by_label("Herstelkosten in euro").fill(cost)
        press(expert, f"Schadepunt {item.position} opslaan", scope=section)
        expect(expert.get_by_text(f"Schadepunt {item.position} is opgeslagen.")).to_be_visible()
    report = tmp_path / "adviesrapport.pdf"
    report.write_bytes(samples.pdf())
    expert.get_by_label("Adviesrapport (PDF)").set_input_files(str(report))
    expert.get_by_label("Mijn oordeel over alle schadepunten is af").check()
    press(expert, "Adviesrapport inleveren")
    expect(expert.get_by_text("Het adviesrapport is ingeleverd.")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "advice_draft"

    # 3. The guide sends the draft advice and forwards the claim to the commission.
    guide.goto(live_server.url + dossier)
    go(guide, guide.get_by_role("link", name="Conceptadvies versturen", exact=True), to=dossier + "stap/send_advice/")
    press(guide, "Conceptadvies versturen", to=dossier)
    go(guide, guide.get_by_role("link", name="Naar de commissie sturen", exact=True),
       to=dossier + "stap/forward_to_commission/")
    press(guide, "Naar de commissie sturen", to=dossier)
    expect(guide.get_by_text("Gelukt: Naar de commissie sturen.")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "commission_review"

    # 4. The commission member: declares no conflict, then advises per damage item with the allowance.
    member = sessions(cast.commission, lands_on="/commissie/")
    row = member.locator("table.commission-queue tbody tr").filter(has_text=ref)
    expect(row).to_contain_text("Nog niet verklaard")
    go(member, member.get_by_role("link", name=ref), to=f"/commissie/{ref}/")
    shown(member, f"Zaak {ref}: hebt u een belangenconflict?")
    member.get_by_label("Nee, ik heb geen belangenconflict bij deze zaak").check()
    press(member, "Verklaring vastleggen", to=f"/commissie/{ref}/")
    shown(member, f"Advies over zaak {ref}")
    expect(member.locator("#rapport").get_by_role("link")).to_have_count(1)  # the expert's report
    for item, plausibility, percentage, amount in ((front, "Ja, voldoende aannemelijk", None, "3.000,00"),
                                                   (cellar, "Gedeeltelijk", "50", "1.100,00")):
        section = member.locator(f"#item-{item.pk}")
        section.get_by_label(plausibility, exact=True).check()
        if percentage:
            section.get_by_label("Welk deel komt door mijnbouw, in procenten?").fill(percentage)
        section.get_by_label("Bedrag in euro").fill(amount)
        section.get_by_label("Motivering", exact=True).fill(f"Schadepunt {item.position}: past bij de bodemdaling.")
    member.get_by_label("Algemene motivering").fill("De schade past bij de mijnbouw onder deze straat.")
    member.get_by_label("Vergoeding voor de schade-opname toekennen").check()
    press(member, "Controleer het advies", to=f"/commissie/{ref}/advies/")
    shown(member, f"Advies controleren: zaak {ref}")
    totals = member.locator("dl.commission-totals")
    expect(totals).to_contain_text("4.100,00")  # the items
    expect(totals).to_contain_text("150,00")  # the inspection allowance
    expect(totals).to_contain_text("4.250,00")
    press(member, "Advies vastleggen", to="/commissie/")
    expect(member.get_by_text(f"Het advies over zaak {ref} is vastgelegd")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "decision_pending"
    advice = CommissionAdvice.objects.get(claim=claim)
    assert (advice.items_total, advice.inspection_allowance, advice.total) == (
        Decimal("4100.00"), Decimal("150.00"), Decimal("4250.00"))
    assert ReviewDeclaration.objects.get(claim=claim, member=cast.commission).has_conflict is False

    # 5. The decision maker decides on the advice (the form starts from it).
    decider = sessions(cast.decision_maker, lands_on="/besluiten/")
    go(decider, decider.get_by_role("link", name=ref), to=f"/besluiten/{ref}/")
    shown(decider, f"Besluit over zaak {ref}")
    expect(decider.locator("#totaal")).to_contain_text("4.250,00")
    expect(decider.locator("#totaal")).to_contain_text("Uitbetaling in geld")  # up to EUR 10,000
    decider.get_by_label("Toegekend", exact=True).check()
    press(decider, "Besluit nemen", to="/besluiten/")
    expect(decider.get_by_text(f"Het besluit over zaak {ref} is genomen")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "decided" and claim.awarded_amount == Decimal("4250.00")
    assert claim.objection_due is not None
    decision = Decision.objects.get(claim=claim, kind=Decision.Kind.FIRST)
    assert decision.decided_by == cast.decision_maker and decision.route == "money"

    # 6. The worker renders the decision letter; the resident downloads it from the portal.
    ready_letter(claim, LetterKind.DECISION, worker)
    resident = sessions(cast.resident, lands_on="/mijn/")
    resident.goto(live_server.url + f"/mijn/{ref}/")
    shown(resident, f"Melding {ref}")
    box = resident.locator(".portal-decision")
    expect(box).to_contain_text("4.250,00")
    expect(box.get_by_role("link", name="Bezwaar maken")).to_be_visible()
    letter_link = box.get_by_role("link", name=re.compile(r"^Lees de brief met ons besluit"))
    text = pdf_text(download(resident, letter_link, tmp_path / "besluit.pdf"))
    last_day = long_date(claim.objection_due)
    assert ref in text
    for amount in ("4.250,00", "3.000,00", "1.100,00"):
        assert amount in text, amount
    assert last_day in text, (last_day, text)
    assert "U krijgt € 4.250,00." in text

    # 7. Finance: one records the IBAN, a colleague approves it (four eyes), makes the file and reports it paid.
    clerk = sessions(cast.finance, lands_on="/financien/")
    go(clerk, clerk.get_by_role("link", name=f"IBAN vastleggen voor zaak {ref}"), to=f"/financien/{ref}/")
    shown(clerk, f"Betaling zaak {ref}")
    expect(clerk.get_by_label("Naam van de rekeninghouder")).to_have_value("Maria Janssen")
    clerk.get_by_label("IBAN").fill("NL02 ABNA 0123 4567 89")
    press(clerk, "Betaling vastleggen", to="/financien/")
    expect(clerk.get_by_text(f"voor zaak {ref} is vastgelegd")).to_be_visible()
    expect(clerk.locator("#goedkeuren")).to_contain_text("U legde deze betaling zelf vast.")
    expect(clerk.locator("#goedkeuren").get_by_role("button")).to_have_count(0)  # not their own payment
    payment = Payment.objects.get(claim=claim)
    assert (payment.iban, payment.amount, payment.status) == (IBAN, Decimal("4250.00"), "recorded")

    colleague = sessions(cast.finance2, lands_on="/financien/")
    press(colleague, f"Goedkeuren betaling voor zaak {ref}", to="/financien/")
    expect(colleague.get_by_text(f"De betaling voor zaak {ref} is goedgekeurd.")).to_be_visible()
    payment.refresh_from_db()
    assert payment.status == "approved" and payment.approved_by == cast.finance2
    press(colleague, "Betaalbestand maken", to=r"/financien/betaalbestanden/\d+/")
    batch = PaymentBatch.objects.get()
    shown(colleague, f"Betaalbestand {batch.message_id}")
    xml_path = download(colleague, colleague.get_by_role("link", name="Download het SEPA-bestand (XML)"),
                        tmp_path / "sepa.xml")
    root = ET.parse(xml_path).getroot()
    ns = {"p": PAIN}
    assert root.tag == f"{{{PAIN}}}Document"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId", namespaces=ns) == batch.message_id
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs", namespaces=ns) == "1"
    assert root.findtext("p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum", namespaces=ns) == "4250.00"
    transfers = root.findall(".//p:CdtTrfTxInf", ns)
    assert len(transfers) == 1
    assert transfers[0].findtext("p:Amt/p:InstdAmt", namespaces=ns) == "4250.00"
    assert transfers[0].findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=ns) == IBAN
    assert ref in transfers[0].findtext("p:PmtId/p:EndToEndId", namespaces=ns)
    colleague.get_by_label("Ik heb bij de bank gezien dat dit betaalbestand is uitgevoerd.").check()
    press(colleague, "Als betaald melden", to=rf"/financien/betaalbestanden/{batch.pk}/")
    expect(colleague.get_by_text(f"Betaalbestand {batch.message_id} is als betaald gemeld.")).to_be_visible()
    axe_check(colleague)

    # Paid, but the resident may still object: settlement, not closed yet.
    claim.refresh_from_db()
    payment.refresh_from_db()
    assert payment.status == "paid" and claim.paid_amount == Decimal("4250.00")
    assert claim.status == "settlement"
    ready_letter(claim, LetterKind.PAYMENT, worker)
    resident.reload()
    payment_box = resident.locator(".portal-payment")
    expect(payment_box).to_contain_text("Betaald op")
    expect(payment_box).to_contain_text("NL02 ABNA 0123 4567 89")  # the owner sees the whole number
    expect(payment_box.get_by_role("link", name=re.compile(r"^Lees de brief over de betaling"))).to_be_visible()
    axe_check(resident)

    # 8. The daily task closes the claim once the objection window has passed (the day after the last day).
    assert close_settled_claims() == 0
    after = dt.datetime.combine(claim.objection_due + dt.timedelta(days=1), dt.time(7))
    with frozen(after):
        assert close_settled_claims() == 1
    claim.refresh_from_db()
    assert claim.status == "closed"
    steps = ClaimTransition.objects.filter(claim=claim).order_by("created_at", "pk")
    names = list(steps.values_list("name", flat=True))
    assert names == ["submit", "start_intake", "plan_inspection", "record_advice", "send_advice",
                     "forward_to_commission", "advise", "decide", "start_settlement", "close"]
    resident.reload()  # closed: the decision and the payment stay on the resident's page
    shown(resident, f"Melding {ref}")
    expect(resident.locator(".portal-payment")).to_contain_text("Betaald op")
    expect(resident.get_by_role("link", name="Bezwaar maken")).to_have_count(0)


# --- claim B: an objection -------------------------------------------------------------------------------------

def decided_claim(cast, worker) -> Claim:
    """Through the services up to the decision (the pages for these steps are clicked in the test above)."""
    claim = submitted_claim(cast, worker, items=(("Achtergevel", "crack"),))
    claim = cast.fire(claim, "plan_inspection")
    item = claim.damage_items.get()
    damage_item_record_findings(item=item, actor=cast.expert, location=item.location, kind=item.kind,
                                measurements="3 mm", verdict="yes", repair_cost="2600.00")
    report = SimpleUploadedFile("rapport.pdf", samples.pdf(), content_type="application/pdf")
    claim = inspection_submit_report(claim=claim, actor=cast.expert, upload=report)
    claim = cast.fire(claim, "send_advice")
    claim = cast.fire(claim, "forward_to_commission")
    review_declare(claim=claim, member=cast.commission, has_conflict=False)
    advice_record(claim=claim, member=cast.commission, reasoning="De scheur past bij de bodemdaling.",
                  inspection_allowance=False,
                  items=[{"damage_item": item, "plausibility": "yes", "amount": Decimal("2000.00"),
                          "reasoning": "Herstel van de scheur."}])
    decision_make(claim=Claim.objects.get(pk=claim.pk), actor=cast.decision_maker, outcome="granted",
                  reasoning="Wij volgen het advies van de commissie.",
                  items=[{"damage_item": item, "plausibility": "yes", "amount": Decimal("2000.00")}])
    claim = Claim.objects.get(pk=claim.pk)
    assert claim.status == "decided" and claim.awarded_amount == Decimal("2000.00")
    return claim


def test_a_resident_objects_and_another_decision_maker_decides_it_well_founded(live_server, sessions,
                                                                               celery_worker_process, tmp_path):
    worker = celery_worker_process
    cast = staff(people())
    claim = decided_claim(cast, worker)
    ref = claim.reference
    item = claim.damage_items.get()

    # 1. The resident objects in the portal, within the window.
    resident = sessions(cast.resident, lands_on="/mijn/")
    resident.goto(live_server.url + f"/mijn/{ref}/")
    box = resident.locator(".portal-decision")
    expect(box).to_contain_text("2.000,00")
    go(resident, box.get_by_role("link", name="Bezwaar maken"), to=f"/mijn/{ref}/bezwaar/")
    resident.get_by_label("Waarom bent u het niet eens met het besluit?").fill(
        "Het bedrag is te laag: de aannemer rekent € 2.500 voor het herstel van de gevel.")
    press(resident, "Bezwaar versturen", to=f"/mijn/{ref}/")
    expect(resident.locator(".message-success")).to_contain_text("Wij hebben uw bezwaar ontvangen.")
    expect(resident.locator(".portal-objection")).to_contain_text("Wij beslissen uiterlijk")
    claim.refresh_from_db()
    assert claim.status == "objection"
    term_end = claim.objection_decision_due  # Awb 7:10: 12 weeks after the objection window
    assert term_end == termijnen.term_end(claim.objection_due, weeks=12)
    expect(resident.locator(".portal-objection")).to_contain_text(long_date(term_end))
    objection = Objection.objects.get(claim=claim)
    assert objection.grounds.startswith("Het bedrag is te laag") and not objection.late
    ready_letter(claim, LetterKind.OBJECTION_RECEIVED, worker)

    # 2. The handler (not who decided) takes it on, plans a hearing by video, and decides it well-founded.
    handler = sessions(cast.objection_handler, lands_on="/besluiten/")
    handler.goto(live_server.url + "/besluiten/bezwaren/")
    go(handler, handler.get_by_role("link", name=ref), to=f"/besluiten/bezwaren/{ref}/")
    shown(handler, f"Bezwaar bij zaak {ref}")
    press(handler, "Ik behandel dit bezwaar", to=f"/besluiten/bezwaren/{ref}/")
    expect(handler.get_by_text("U behandelt dit bezwaar.")).to_be_visible()
    hearing_day = work_day(7)
    form = handler.locator("#hoorzitting form")
    form.get_by_label("Datum van de hoorzitting").fill(hearing_day.isoformat())
    form.get_by_label("Tijd (uur)").fill("10:00")
    form.get_by_label("Via video").check()
    press(handler, "Hoorzitting opslaan", to=f"/besluiten/bezwaren/{ref}/")
    expect(handler.get_by_text("De hoorzitting is gepland.")).to_be_visible()
    objection.refresh_from_db()
    assert objection.handler == cast.objection_handler and objection.hearing_kind == "video"
    assert objection.hearing_at.date() == hearing_day

    form = handler.locator("#beslissen form")
    form.get_by_label("Gegrond: een nieuw besluit met nieuwe bedragen").check()
    form.get_by_label("Schadepunt 1: door mijnbouw?").select_option("yes")
    form.get_by_label("Schadepunt 1: nieuw bedrag in euro").fill("2.500,00")
    form.get_by_label("Motivering", exact=True).fill("De offerte van de aannemer laat zien dat herstel meer kost.")
    press(handler, "Beslissing vastleggen", to="/besluiten/bezwaren/")
    expect(handler.get_by_text(f"Het bezwaar van zaak {ref} is gegrond.")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "settlement" and claim.awarded_amount == Decimal("2500.00")
    objection.refresh_from_db()
    assert objection.outcome == "well_founded" and objection.decision.total == Decimal("2500.00")
    assert objection.decision.decided_by == cast.objection_handler
    item.refresh_from_db()
    assert item.awarded_amount == Decimal("2500.00")

    # 3. The worker renders the decision on the objection; the resident reads it.
    letter = ready_letter(claim, LetterKind.OBJECTION_DECISION, worker)
    assert letter.context["outcome"] == "well_founded" and letter.context["total"] == "2500.00"
    resident.reload()
    part = resident.locator(".portal-objection")
    expect(part).to_contain_text("Uw bezwaar is gegrond.")
    expect(part).to_contain_text("2.500,00")
    axe_check(resident)
    link = part.get_by_role("link", name=re.compile(r"^Lees de brief met onze beslissing op uw bezwaar"))
    text = pdf_text(download(resident, link, tmp_path / "beslissing-op-bezwaar.pdf"))
    assert ref in text and "2.500,00" in text
    assert today() <= term_end  # decided within the term
