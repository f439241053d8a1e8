"""Every page state of issue 5 in headless Chromium, with axe: the commission (queue empty and full, the
declaration, the review with the advice form, its errors, the check page), the decisions (queue, form, errors,
the advisor's read-only view), the objections (queue, take, hearing, decide with errors), finance (each section,
the IBAN error, approve, cancel, the SEPA file), and the resident's portal after the decision, after an objection
and with the payment. And four eyes and recusal through the pages: who advised cannot decide (no form; a POST is
refused with 403), a member who declared a conflict cannot open the dossier (404).

Data is built with the services (the lifecycle itself is clicked through in test_lifecycle.py)."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from casework.forms.finance import first_execution_day
from casework.models import Objection, ReviewDeclaration
from casework.services import payments as pay
from casework.services.commission import advice_record, review_declare
from casework.services.decisions import decision_make
from claims import roles as R
from claims.models import Claim, ClaimTransition, Payment, Recusal
from claims.services.portal import objection_file
from claims.uploads import store_upload
from tests.claims.files import samples
from tests.e2e.axe import axe_check
from tests.e2e.test_casework import claim_for, named, people, with_advice_report
from tests.e2e.test_expert import at, one_h1
from tests.e2e.test_lifecycle import open_session
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IBAN = "NL02ABNA0123456789"


@pytest.fixture(autouse=True)
def files_and_hashing(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sessions(browser, live_server):
    contexts = []
    yield lambda user, *, lands_on: open_session(browser, live_server.url, user, lands_on=lands_on, contexts=contexts)
    for context in contexts:
        context.close()


# --- data, through the services ---------------------------------------------------------------------------------

def staff():
    cast = people()
    named(cast.commission, "Ria", "Offermans")
    named(cast.decision_maker, "Peter", "Bours")
    named(cast.objection_handler, "Anja", "Dassen")
    named(cast.finance, "Kim", "Douven")
    cast.finance2 = named(UserFactory(role=R.FINANCE), "Tom", "Bemelmans")
    return cast


def in_review(cast, *, items: int = 2, **kwargs) -> Claim:
    """Inspected, the draft advice sent and the claim forwarded: waiting for the commission."""
    claim = with_advice_report(cast, claim_for(cast, items=items, **kwargs))
    claim = cast.fire(claim, "send_advice")
    return cast.fire(claim, "forward_to_commission")


def advised(cast, *, member=None, amount: str = "1250.00", **kwargs) -> Claim:
    claim = in_review(cast, **kwargs)
    member = member or cast.commission
    review_declare(claim=claim, member=member, has_conflict=False)
    advice_record(claim=claim, member=member, reasoning="De schade past bij de bodemdaling.",
                  inspection_allowance=True,
                  items=[{"damage_item": item, "plausibility": "yes", "amount": Decimal(amount),
                          "reasoning": "Herstel van de scheur."} for item in claim.damage_items.all()])
    return Claim.objects.get(pk=claim.pk)


def decided(cast, *, amount: str = "1250.00", **kwargs) -> Claim:
    claim = advised(cast, amount=amount, **kwargs)
    decision_make(claim=claim, actor=cast.decision_maker, outcome="granted", reasoning="Wij volgen het advies.",
                  items=[{"damage_item": item, "plausibility": "yes", "amount": Decimal(amount)}
                         for item in claim.damage_items.all()])
    return Claim.objects.get(pk=claim.pk)


# --- page helpers -----------------------------------------------------------------------------------------------

def shown(page, heading: str) -> None:
    page.wait_for_load_state()
    one_h1(page, heading)
    axe_check(page)


def visit(page, base: str, path: str, *, status: int = 200):
    response = page.goto(base + path)
    page.wait_for_load_state()
    assert response.status == status, (path, response.status)
    return response


def send(page, button: str, *, scope=None, status: int | None = None, to: str | None = None) -> int:
    """Press a submit button; the status of the POST's own answer (302 after a success, 400 with errors)."""
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        (scope or page).get_by_role("button", name=button, exact=True).click()
    if to is not None:
        page.wait_for_url(at(to))
    page.wait_for_load_state()
    if status is not None:
        assert answer.value.status == status, (button, answer.value.status)
    return answer.value.status


def with_errors(page) -> None:
    expect(page.locator(".error-summary").first).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Fout: "))
    axe_check(page)


def post_from_page(page, fields: dict) -> int:
    """A POST to the page's own address with the page's CSRF token, as a crafted form would send it. The browser
    follows it, so the answer is on screen; returns its status."""
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.evaluate("""([token, fields]) => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = location.pathname;
            for (const [name, value] of Object.entries({csrfmiddlewaretoken: token, ...fields})) {
                const input = document.createElement('input');
                input.type = 'hidden'; input.name = name; input.value = value;
                form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
        }""", [token, fields])
    page.wait_for_load_state()
    return answer.value.status


# --- the commission ---------------------------------------------------------------------------------------------

def test_commission_queue_declaration_review_and_recusal(live_server, sessions):
    base = live_server.url
    cast = staff()
    member = sessions(cast.commission, lands_on="/commissie/")
    shown(member, "Zaken voor de commissie")
    expect(member.get_by_text("Er wachten nu geen zaken op uw advies.")).to_be_visible()

    claim = in_review(cast, name="Lies Kusters")
    in_review(cast, name="Jan Pelzer", urgent=True, items=1)
    ref = claim.reference
    first, second = claim.damage_items.order_by("position")
    store_upload(claim=claim, file=SimpleUploadedFile("scheur.png", samples.png(), content_type="image/png"),
                 kind="photo", actor=cast.caseworker, damage_item=first)
    member.reload()
    shown(member, "Zaken voor de commissie")
    rows = member.locator("table.commission-queue tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_have_class(re.compile("row-urgent"))

    # The declaration first: without a choice, and 'another reason' without an explanation, it comes back.
    member.get_by_role("link", name=ref).click()
    member.wait_for_url(at(f"/commissie/{ref}/"))
    shown(member, f"Zaak {ref}: hebt u een belangenconflict?")
    send(member, "Verklaring vastleggen", status=400)
    with_errors(member)
    member.get_by_label("Ja: om een andere reden").check()
    send(member, "Verklaring vastleggen", status=400)
    expect(member.locator(".error-summary")).to_contain_text("Schrijf op wat het belangenconflict is.")
    axe_check(member)
    member.get_by_label("Nee, ik heb geen belangenconflict bij deze zaak").check()
    send(member, "Verklaring vastleggen", status=302, to=f"/commissie/{ref}/")
    shown(member, f"Advies over zaak {ref}")  # the review page with the advice form
    expect(member.get_by_role("img", name="Foto 1 bij schadepunt 1 (groot openen)")).to_be_visible()

    # The advice form: empty, it comes back with an error per field; filled in, the check page shows the totals.
    send(member, "Controleer het advies", status=400)
    with_errors(member)
    one = member.locator(f"#item-{first.pk}")
    one.get_by_label("Ja, voldoende aannemelijk").check()
    one.get_by_label("Bedrag in euro").fill("1.250,00")
    one.get_by_label("Motivering", exact=True).fill("Past bij de bodemdaling.")
    two = member.locator(f"#item-{second.pk}")
    two.get_by_label("Gedeeltelijk").check()  # without the percentage: an error
    two.get_by_label("Bedrag in euro").fill("300")
    two.get_by_label("Motivering", exact=True).fill("Deels ouderdom.")
    member.get_by_label("Algemene motivering").fill("De schade komt grotendeels door de mijnbouw.")
    send(member, "Controleer het advies", status=400)
    expect(member.locator(".error-summary")).to_contain_text("Schadepunt 2")
    axe_check(member)
    member.locator(f"#item-{second.pk}").get_by_label("Welk deel komt door mijnbouw, in procenten?").fill("40")
    send(member, "Controleer het advies", status=200)
    shown(member, f"Advies controleren: zaak {ref}")
    expect(member.locator("dl.commission-totals")).to_contain_text("1.550,00")
    assert not ClaimTransition.objects.filter(claim=claim, name="advise").exists()  # checked, not recorded yet

    # Recusal: a second member declares a conflict; the claim leaves their queue and its dossier is a 404.
    neighbour = named(UserFactory(role=R.COMMISSION), "Huub", "Ramaekers")
    other = sessions(neighbour, lands_on="/commissie/")
    visit(other, base, f"/commissie/{ref}/")
    other.get_by_label("Ja: ik ben een buur van de aanvrager").check()
    send(other, "Verklaring vastleggen", status=302, to="/commissie/")
    expect(other.locator(".message-success")).to_contain_text("U hebt een belangenconflict gemeld")
    shown(other, "Zaken voor de commissie")
    expect(other.get_by_role("link", name=ref)).to_have_count(0)
    expect(other.locator("table.commission-queue tbody tr")).to_have_count(1)
    visit(other, base, f"/commissie/{ref}/", status=404)
    recusal = Recusal.objects.get(claim=claim)
    assert (recusal.member, recusal.ground) == (neighbour, "neighbour")
    assert ReviewDeclaration.objects.get(claim=claim, member=neighbour).has_conflict


# --- decisions: the form, its errors, and four eyes -------------------------------------------------------------

def test_decision_queue_form_errors_and_the_advisor_cannot_decide(live_server, sessions):
    base = live_server.url
    cast = staff()
    decider = sessions(cast.decision_maker, lands_on="/besluiten/")
    shown(decider, "Besluiten")
    expect(decider.get_by_text("Er wachten nu geen zaken op een besluit.")).to_be_visible()

    # One member who is also a decision maker advises on claim `own`; a colleague on `theirs`.
    both = named(UserFactory(role=R.COMMISSION), "Wiel", "Hendriks")
    both.groups.add(Group.objects.get(name=R.DECISION_MAKER))
    own = advised(cast, member=both, name="Truus Knops", items=1)
    theirs = advised(cast, name="Lies Kusters")

    decider.reload()
    shown(decider, "Besluiten")
    expect(decider.get_by_role("link", name=own.reference)).to_be_visible()
    decider.get_by_role("link", name=theirs.reference).click()
    decider.wait_for_url(at(f"/besluiten/{theirs.reference}/"))
    shown(decider, f"Besluit over zaak {theirs.reference}")
    expect(decider.locator("#totaal")).to_contain_text("2.650,00")  # twice 1.250,00 and the 150,00 allowance
    send(decider, "Besluit nemen", status=400)  # no outcome chosen
    with_errors(decider)
    decider.get_by_label("Afgewezen").check()
    send(decider, "Totaal opnieuw berekenen", status=200)
    expect(decider.locator("#totaal")).to_contain_text("Bij een afwijzing is het totaal nul.")
    axe_check(decider)

    # The advisor: the claim in the queue without a link; its page read-only; a POST refused (403).
    advisor = sessions(both, lands_on="/commissie/")
    visit(advisor, base, "/besluiten/")
    shown(advisor, "Besluiten")
    expect(advisor.get_by_role("link", name=own.reference)).to_have_count(0)
    expect(advisor.get_by_text("u adviseerde; een collega beslist")).to_be_visible()
    visit(advisor, base, f"/besluiten/{own.reference}/")
    shown(advisor, f"Besluit over zaak {own.reference}")
    expect(advisor.locator("#vier-ogen")).to_contain_text("U hebt als commissielid over deze zaak geadviseerd.")
    expect(advisor.get_by_role("button", name="Besluit nemen")).to_have_count(0)
    expect(advisor.locator("#besluit")).to_have_count(0)
    item = own.damage_items.get()
    status = post_from_page(advisor, {"decide": "1", "outcome": "granted", f"item{item.pk}_plausibility": "yes",
                                      f"item{item.pk}_amount": "1250,00", "reasoning": "Toegekend."})
    assert status == 403
    shown(advisor, "Dit mag u niet doen")
    expect(advisor.get_by_text("U hebt over deze zaak geadviseerd. Een collega moet besluiten.")).to_be_visible()
    own.refresh_from_db()
    assert own.status == "decision_pending" and not ClaimTransition.objects.filter(claim=own, name="decide").exists()


# --- objections -------------------------------------------------------------------------------------------------

def test_objection_queue_take_hearing_and_decide_with_errors(live_server, sessions):
    base = live_server.url
    cast = staff()
    handler = sessions(cast.objection_handler, lands_on="/besluiten/")
    visit(handler, base, "/besluiten/bezwaren/")
    shown(handler, "Bezwaren")

    claim = decided(cast, name="Gerda Smeets", items=2)
    objection_file(claim=claim, actor=cast.caseworker, grounds="Bezwaar per post: het bedrag is te laag.")
    ref = claim.reference
    handler.reload()
    shown(handler, "Bezwaren")
    expect(handler.locator("#bezwaren")).to_contain_text("Nog niemand")

    handler.get_by_role("link", name=ref).click()
    handler.wait_for_url(at(f"/besluiten/bezwaren/{ref}/"))
    shown(handler, f"Bezwaar bij zaak {ref}")  # with the take form
    expect(handler.get_by_role("button", name="Hoorzitting opslaan")).to_have_count(0)
    send(handler, "Ik behandel dit bezwaar", status=302, to=f"/besluiten/bezwaren/{ref}/")
    shown(handler, f"Bezwaar bij zaak {ref}")  # with the hearing and decide forms
    assert Objection.objects.get(claim=claim).handler == cast.objection_handler

    send(handler, "Hoorzitting opslaan", status=400)
    with_errors(handler)
    expect(handler.locator("#hoorzitting .error-summary")).to_be_visible()
    send(handler, "Beslissing vastleggen", status=400)
    with_errors(handler)
    expect(handler.locator("#beslissen .error-summary")).to_contain_text("Kies: gegrond of ongegrond.")
    decide = handler.locator("#beslissen form")
    decide.get_by_label("Gegrond: een nieuw besluit met nieuwe bedragen").check()
    decide.get_by_label("Schadepunt 1: door mijnbouw?").select_option("no")
    decide.get_by_label("Schadepunt 1: nieuw bedrag in euro").fill("500")
    decide.get_by_label("Motivering", exact=True).fill("Schadepunt 1 komt toch niet door de mijnbouw.")
    send(handler, "Beslissing vastleggen", status=400)
    expect(handler.locator("#beslissen .error-summary")).to_contain_text("krijgt bedrag nul")
    axe_check(handler)
    claim.refresh_from_db()
    assert claim.status == "objection"

    # Four eyes: who decided sees the objection in the queue without a link; its page is refused.
    decider = sessions(cast.decision_maker, lands_on="/besluiten/")
    visit(decider, base, "/besluiten/bezwaren/")
    expect(decider.get_by_role("link", name=ref)).to_have_count(0)
    expect(decider.get_by_text("Niet door u: vier ogen")).to_be_visible()
    visit(decider, base, f"/besluiten/bezwaren/{ref}/", status=403)
    shown(decider, "Dit mag u niet doen")
    visit(decider, base, f"/besluiten/{ref}/", status=409)  # decided already: no second first decision
    shown(decider, f"Besluit over zaak {ref}")


# --- finance ----------------------------------------------------------------------------------------------------

def test_finance_each_section_the_iban_error_approve_cancel_and_the_file(live_server, sessions):
    base = live_server.url
    cast = staff()
    clerk = sessions(cast.finance, lands_on="/financien/")
    shown(clerk, "Betalingen")
    expect(clerk.get_by_text("Er zijn geen zaken die op een betaling wachten.")).to_be_visible()
    # The file cannot be made without approved payments (and a date in the past is refused).
    clerk.get_by_label("Uitvoerdatum").fill("2020-01-02")
    send(clerk, "Betaalbestand maken", status=400)
    with_errors(clerk)

    in_file = decided(cast, name="Jan Pelzer", items=1)
    approved = decided(cast, name="Anna Wetzels", items=1)
    recorded = decided(cast, name="Harrie Coenen", items=1)
    ready = decided(cast, name="Lies Kusters", items=1)
    repair = decided(cast, name="Wim Bemelmans", items=1, amount="24000.00")
    for claim in (in_file, approved, recorded):
        payment = pay.payment_record(claim=claim, actor=cast.finance, iban=IBAN, account_holder=claim.applicant.name)
        if claim != recorded:
            pay.payment_approve(payment=payment, actor=cast.finance2)
        if claim == in_file:
            batch = pay.batch_create(actor=cast.finance2, execution_date=first_execution_day())

    # Every section filled in: seen by who recorded the payments, and by the colleague who may approve them.
    visit(clerk, base, "/financien/")
    shown(clerk, "Betalingen")
    expect(clerk.locator("#klaar")).to_contain_text(ready.reference)
    expect(clerk.locator("#klaar")).to_contain_text("Geen betaling: herstel via aannemer of bouwdepot")
    expect(clerk.locator("#goedkeuren")).to_contain_text("U legde deze betaling zelf vast.")
    expect(clerk.locator("#bestand")).to_contain_text(approved.reference)
    expect(clerk.locator("#betaalbestanden")).to_contain_text(batch.message_id)
    colleague = sessions(cast.finance2, lands_on="/financien/")
    shown(colleague, "Betalingen")
    expect(colleague.get_by_role("button", name=f"Goedkeuren betaling voor zaak {recorded.reference}")).to_be_visible()

    # The IBAN form: a wrong check digit comes back with the error; nothing is recorded.
    clerk.get_by_role("link", name=f"IBAN vastleggen voor zaak {ready.reference}").click()
    clerk.wait_for_url(at(f"/financien/{ready.reference}/"))
    shown(clerk, f"Betaling zaak {ready.reference}")
    clerk.get_by_label("IBAN").fill("NL03 ABNA 0123 4567 89")
    send(clerk, "Betaling vastleggen", status=400)
    with_errors(clerk)
    expect(clerk.locator(".error-summary")).to_contain_text("IBAN")
    assert not Payment.objects.filter(claim=ready).exists()
    visit(clerk, base, f"/financien/{repair.reference}/")
    shown(clerk, f"Betaling zaak {repair.reference}")  # repair route: no form, the reason why
    expect(clerk.get_by_role("button", name="Betaling vastleggen")).to_have_count(0)

    # Approve (own payment: four eyes says no), cancel, and the file with its paid form.
    own = Payment.objects.get(claim=recorded)
    visit(clerk, base, f"/financien/betalingen/{own.pk}/goedkeuren/")
    shown(clerk, "Betaling goedkeuren")
    expect(clerk.get_by_role("button", name="Goedkeuren")).to_have_count(0)
    assert post_from_page(clerk, {}) == 403  # four eyes: whoever recorded it cannot approve it
    shown(clerk, "Dit mag u niet doen")
    visit(colleague, base, f"/financien/betalingen/{own.pk}/goedkeuren/")
    shown(colleague, "Betaling goedkeuren")
    visit(clerk, base, f"/financien/betalingen/{own.pk}/annuleren/")
    shown(clerk, "Betaling annuleren")
    send(clerk, "Betaling annuleren", status=400)
    with_errors(clerk)
    visit(colleague, base, f"/financien/betaalbestanden/{batch.pk}/")
    shown(colleague, f"Betaalbestand {batch.message_id}")
    send(colleague, "Als betaald melden", status=400)
    with_errors(colleague)
    own.refresh_from_db()
    assert own.status == "recorded"


# --- the resident's portal ----------------------------------------------------------------------------------------

def test_portal_after_the_decision_the_objection_and_with_the_payment(live_server, sessions):
    base = live_server.url
    cast = staff()
    objecting = decided(cast, items=2)
    paid = decided(cast, items=1, amount="900.00")
    waiting = decided(cast, items=1, amount="700.00")
    payment = pay.payment_record(claim=paid, actor=cast.finance, iban=IBAN, account_holder="Maria Janssen")
    pay.payment_approve(payment=payment, actor=cast.finance2)
    pay.batch_mark_paid(batch=pay.batch_create(actor=cast.finance2, execution_date=first_execution_day()),
                        actor=cast.finance2)
    pay.payment_record(claim=waiting, actor=cast.finance, iban=IBAN, account_holder="Maria Janssen")

    resident = sessions(cast.resident, lands_on="/mijn/")
    ref = objecting.reference

    # After the decision: the summary box with the amount, the letter (being made), the objection button.
    visit(resident, base, f"/mijn/{ref}/")
    shown(resident, f"Melding {ref}")
    box = resident.locator(".portal-decision")
    expect(box).to_contain_text("2.650,00")
    expect(box).to_contain_text("de brief wordt gemaakt")
    expect(box.get_by_role("link", name="Bezwaar maken")).to_be_visible()

    # The objection form, empty (error), then sent.
    box.get_by_role("link", name="Bezwaar maken").click()
    resident.wait_for_url(at(f"/mijn/{ref}/bezwaar/"))
    shown(resident, "Bezwaar maken")
    send(resident, "Bezwaar versturen", status=400)
    with_errors(resident)
    resident.get_by_label("Waarom bent u het niet eens met het besluit?").fill("De scheur in de schuur ontbreekt.")
    send(resident, "Bezwaar versturen", status=302, to=f"/mijn/{ref}/")
    shown(resident, f"Melding {ref}")  # after the objection
    part = resident.locator(".portal-objection")
    expect(part).to_contain_text("Wij beslissen uiterlijk")
    expect(resident.get_by_role("link", name="Bezwaar maken")).to_have_count(0)
    objecting.refresh_from_db()
    assert objecting.status == "objection"

    # With the payment: paid, the account number in full for the owner.
    paid.refresh_from_db()
    assert paid.status in ("settlement", "closed") and paid.paid_amount == Decimal("1050.00")
    visit(resident, base, f"/mijn/{paid.reference}/")
    shown(resident, f"Melding {paid.reference}")
    money = resident.locator(".portal-payment")
    expect(money).to_contain_text("Betaald op")
    expect(money).to_contain_text("NL02 ABNA 0123 4567 89")
    expect(money).to_contain_text("1.050,00")

    # With a payment on its way: recorded, not paid yet.
    visit(resident, base, f"/mijn/{waiting.reference}/")
    shown(resident, f"Melding {waiting.reference}")
    expect(resident.locator(".portal-payment")).to_contain_text("Wordt betaald")
    expect(resident.locator(".portal-payment")).to_contain_text("850,00")
