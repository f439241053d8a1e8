"""The resident's side of the decision (issue 5): the summary box, the route, the letters, the objection and
what became of it, the payment (IBAN full for the owner, masked for a representative), and the plain-words
status per state. Only claims rows are used: Letter rows with the context the letter helper stores, Payment rows."""

import datetime as dt
import hashlib
import itertools
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from claims import progress
from claims.deadlines import decision_clock
from claims.errors import TransitionRefused
from claims.models import (
    Document,
    DocumentKind,
    Letter,
    LetterKind,
    Mandate,
    Payment,
    PaymentBatch,
)
from claims.services import portal as service
from claims.timeutil import frozen, now, today
from tests.factories import Cast, UserFactory, claim_in, resident

pytestmark = pytest.mark.django_db

IBAN = "NL91ABNA0417164300"
_unique = itertools.count(1)


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def cast():
    return Cast()


@pytest.fixture
def me(client, cast):
    client.force_login(cast.resident)
    return client


def page_url(claim, name="portal_claim") -> str:
    return reverse(f"claims:{name}", kwargs={"reference": claim.reference})


def text_of(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace("&#x27;", "'").replace("&amp;", "&")


def long(day) -> str:
    with translation.override("nl"):
        return progress.long_date(day)


def letter(claim, kind, context=None, *, ready=True) -> Letter:
    """The newest letter of this kind made ready with a PDF (the lifecycle may have scheduled it already),
    or a new one: as the letters helper leaves them."""
    existing = claim.letters.filter(kind=kind).order_by("-created_at", "-pk").first()
    document = None
    if ready:
        data = b"%PDF-1.4 test " + str(next(_unique)).encode()
        document = Document(claim=claim, kind=DocumentKind.LETTER, letter_kind=kind, title=f"{kind} {claim.reference}",
                            original_name=f"{kind}-{claim.reference}.pdf", sha256=hashlib.sha256(data).hexdigest(),
                            size=len(data), content_type="application/pdf")
        document.file.save(document.sha256, SimpleUploadedFile("x.pdf", data), save=False)
        document.save()
    status = Letter.Status.READY if ready else Letter.Status.PENDING
    if existing is not None:
        Letter.objects.filter(pk=existing.pk).update(context=context or {}, status=status, document=document)
        existing.refresh_from_db()
        return existing
    return Letter.objects.create(claim=claim, kind=kind, key=f"test:{kind}:{next(_unique)}", recipient=claim.applicant,
                                 context=context or {}, status=status, document=document)


def decision_context(total="4250.00", outcome="granted", route="money", **extra) -> dict:
    return {
        "decision_id": 1, "outcome": outcome, "total": total, "route": route,
        "reasoning": "De scheuren in de gevel komen door de mijnbouw.", "objection_due_on": "2026-05-11",
        "items": [
            {"position": 1, "location": "Gevel", "kind": "crack", "plausibility": "yes", "percentage": None,
             "amount": "3000.00", "reasoning": "Typisch mijnbouwpatroon."},
            {"position": 2, "location": "Keuken", "kind": "subsidence", "plausibility": "partly", "percentage": 50,
             "amount": "1100.00", "reasoning": "Deels ouderdom."},
            {"position": 3, "location": "Schuur", "kind": "moisture", "plausibility": "no", "percentage": None,
             "amount": "0.00", "reasoning": "Lekkage van het dak."},
        ],
        "inspection_allowance": "150.00",
        **extra,
    }


def decided(cast, outcome="granted", amount="4250.00"):
    claim = claim_in(cast, "decision_pending")
    cast.fire(claim, "decide", outcome=outcome, awarded_amount=Decimal(amount),
              reason="De scheuren in de gevel komen door de mijnbouw.")
    claim.refresh_from_db()
    return claim


def batch(cast, total="4250.00") -> PaymentBatch:
    return PaymentBatch.objects.create(message_id=f"MS-TEST-{next(_unique)}", created_by=cast.finance,
                                       execution_date=today(), count=1, total=Decimal(total), xml="<Document/>")


def payment(cast, claim, status="recorded", amount="4250.00") -> Payment:
    approver = UserFactory(role="finance")
    values = {"claim": claim, "iban": IBAN, "account_holder": "J. Jansen", "amount": Decimal(amount),
              "status": status, "recorded_by": cast.finance}
    if status != "recorded":
        values.update(approved_by=approver, approved_at=now())
    if status in ("exported", "paid"):
        values["batch"] = batch(cast, amount)
    if status == "paid":
        values["paid_at"] = now()
    return Payment.objects.create(**values)


def representative_of(person):
    user, rep = resident()
    Mandate.objects.create(principal=person, representative=rep, scope=Mandate.Scope.ALL,
                           valid_from=today() - dt.timedelta(days=1))
    return user


# --- the summary box per outcome ---------------------------------------------------------------------------------

@pytest.mark.parametrize("outcome,amount,headline,explanation", [
    ("granted", "4250.00", "U krijgt € 4.250,00.", "Wij kennen uw aanvraag toe."),
    ("partly_granted", "2100.00", "U krijgt € 2.100,00.", "Wij kennen een deel van uw aanvraag toe."),
    ("rejected", "0", "Wij wijzen uw aanvraag af.", "U krijgt geen vergoeding."),
])
def test_the_summary_box_per_outcome(me, cast, outcome, amount, headline, explanation):
    claim = decided(cast, outcome, amount)
    route = "none" if outcome == "rejected" else "money"
    decision_letter = letter(claim, LetterKind.DECISION, decision_context(amount, outcome, route))
    response = me.get(page_url(claim))
    assert response.status_code == 200
    page, html = text_of(response), response.content.decode()
    assert "Ons besluit over uw aanvraag" in page
    assert headline in page and explanation in page
    assert reverse("claims:document_download", args=[decision_letter.document_id]) in html
    assert "Lees de brief met ons besluit" in page
    # The objection call to action, with the exact last day.
    assert f"Dat kan tot en met {long(claim.objection_due)}." in page
    assert html.count(page_url(claim, "portal_objection")) >= 1
    if outcome == "rejected":
        assert "Hoe krijgt u het?" not in page


def test_a_not_admissible_decision_has_its_summary_and_letter(me, cast):
    claim = claim_in(cast, "not_admissible")
    not_admissible = letter(claim, LetterKind.NOT_ADMISSIBLE, {"reason": "De woning ligt buiten het gebied."})
    response = me.get(page_url(claim))
    page = text_of(response)
    assert "Ons besluit over uw melding" in page and "Wij behandelen uw aanvraag niet." in page
    assert reverse("claims:document_download", args=[not_admissible.document_id]) in response.content.decode()
    assert page_url(claim, "portal_objection") in response.content.decode()


def test_the_items_and_the_total_come_from_the_letter(me, cast):
    claim = decided(cast)
    letter(claim, LetterKind.DECISION, decision_context(reasoning="Uit het advies van de commissie blijkt dit."))
    page = text_of(me.get(page_url(claim)))
    assert "Waarom hebben wij zo besloten? Uit het advies van de commissie blijkt dit." in page
    assert "Ons besluit per schade" in page  # the table's caption
    assert "1. Scheur (Gevel) Ja € 3.000,00" in page
    assert "2. Verzakking (Keuken) Voor een deel (50%) € 1.100,00" in page
    assert "3. Vocht of wateroverlast (Schuur) Nee € 0,00" in page
    assert "Vergoeding voor de schade-opname bij u thuis € 150,00" in page
    assert "Totaal € 4.250,00" in page


@pytest.mark.parametrize("route,words", [
    ("money", "U krijgt het bedrag in geld. Wij maken het over op uw bankrekening."),
    ("middle", "U mag kiezen: u krijgt het bedrag in geld op uw bankrekening, of wij laten de schade herstellen"),
    ("repair", "Uw schade wordt hersteld. Dat doet een aannemer. Of u krijgt een bouwdepot"),
])
def test_the_route_in_words(me, cast, route, words):
    claim = decided(cast, amount="25000.00" if route == "repair" else "4250.00")
    letter(claim, LetterKind.DECISION, decision_context(str(claim.awarded_amount), route=route))
    page = text_of(me.get(page_url(claim)))
    assert "Hoe krijgt u het?" in page and words in page


def test_the_reasoning_is_not_said_twice(me, cast):
    claim = decided(cast)  # the step's reason is the letter's reasoning: the status box says it already
    letter(claim, LetterKind.DECISION, decision_context())
    page = text_of(me.get(page_url(claim)))
    assert "Toelichting bij het besluit De scheuren in de gevel komen door de mijnbouw." in page
    assert "Waarom hebben wij zo besloten?" not in page


def test_without_a_decision_letter_yet_the_summary_still_shows_and_the_letter_is_being_made(me, cast):
    claim = decided(cast)
    page = text_of(me.get(page_url(claim)))
    assert "U krijgt € 4.250,00." in page
    assert "Hoe krijgt u het?" not in page  # the route is only known from the letter
    letter(claim, LetterKind.DECISION, decision_context(), ready=False)
    page = text_of(me.get(page_url(claim)))
    assert "Lees de brief met ons besluit: de brief wordt gemaakt." in page


def test_a_broken_letter_context_does_not_break_the_page(me, cast):
    claim = decided(cast)
    letter(claim, LetterKind.DECISION, {"route": "money", "items": ["nonsense", {"amount": "NaN", "kind": "x"}],
                                        "inspection_allowance": "-5"})
    response = me.get(page_url(claim))
    assert response.status_code == 200
    assert "U krijgt € 4.250,00." in text_of(response)


# --- the objection: open in decided, not_admissible and settlement; late only with an excuse ---------------------

@pytest.mark.parametrize("state", ["decided", "not_admissible", "settlement"])
def test_the_objection_is_open_from_each_decision_state(me, cast, state):
    claim = claim_in(cast, state)
    response = me.get(page_url(claim))
    assert page_url(claim, "portal_objection") in response.content.decode()
    assert f"Dat kan tot en met {long(claim.objection_due)}." in text_of(response)
    form = me.get(page_url(claim, "portal_objection"))
    assert form.status_code == 200
    assert 'name="grounds"' in form.content.decode() and 'name="late_excuse"' not in form.content.decode()
    posted = me.post(page_url(claim, "portal_objection"), {"grounds": "Het bedrag is te laag."})
    assert posted.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "objection"


@pytest.mark.parametrize("state", ["decided", "not_admissible", "settlement"])
def test_after_the_window_the_objection_needs_the_excuse_field(me, cast, state):
    with frozen(now() - dt.timedelta(days=60)):
        claim = claim_in(cast, state)
    assert claim.objection_due < today()
    page = text_of(me.get(page_url(claim)))
    assert "De termijn is voorbij. Het kan nog als u uitlegt waarom u te laat bent." in page
    assert "Bezwaar maken kan tot en met" not in page  # the date that passed is no longer offered as open
    form = me.get(page_url(claim, "portal_objection")).content.decode()
    assert 'name="late_excuse"' in form
    refused = me.post(page_url(claim, "portal_objection"), {"grounds": "Te laag."})
    assert refused.status_code == 400
    claim.refresh_from_db()
    assert claim.status == state
    accepted = me.post(page_url(claim, "portal_objection"), {"grounds": "Te laag.", "late_excuse": "Ik was ziek."})
    assert accepted.status_code == 302
    claim.refresh_from_db()
    page = text_of(me.get(page_url(claim)))
    assert "Uw bezwaar kwam na de bezwaartermijn." in page
    assert f"{long(claim.objection_decision_due)} . Dat is 12 weken na de dag dat wij uw bezwaar ontvingen." in page


@pytest.mark.parametrize("state", ["commission_review", "decision_pending", "objection", "closed"])
def test_no_objection_button_outside_the_decision_states(me, cast, state):
    claim = claim_in(cast, state)
    assert page_url(claim, "portal_objection") not in me.get(page_url(claim)).content.decode()
    assert me.get(page_url(claim, "portal_objection")).status_code == 302


def test_after_a_decision_on_the_objection_no_second_objection(me, cast):
    claim = claim_in(cast, "objection")
    cast.fire(claim, "decide_objection", reason="Het bezwaar is gegrond.", well_founded=True,
              awarded_amount=Decimal("6000.00"))
    claim.refresh_from_db()
    assert claim.status == "settlement"
    response = me.get(page_url(claim))
    assert page_url(claim, "portal_objection") not in response.content.decode()
    redirected = me.get(page_url(claim, "portal_objection"), follow=True)
    assert "Dat heet beroep." in text_of(redirected)
    with pytest.raises(TransitionRefused) as refused:
        service.objection_file(claim=claim, actor=cast.resident, grounds="Nog steeds te laag.")
    assert refused.value.code == "objection_twice"
    claim.refresh_from_db()
    assert claim.status == "settlement"


def test_a_reopened_and_decided_again_claim_may_be_objected_to_again(me, cast):
    claim = claim_in(cast, "objection")
    cast.fire(claim, "decide_objection", reason="Ongegrond.", well_founded=False)
    with frozen(now() + dt.timedelta(weeks=7)):
        cast.fire(claim, "close")
    for name in ("reopen", "plan_inspection", "record_advice", "send_advice", "forward_to_commission", "advise"):
        cast.fire(claim, name)
    cast.fire(claim, "decide", actor=UserFactory(role="decision_maker"), outcome="granted",
              awarded_amount=Decimal("900.00"))
    claim.refresh_from_db()
    assert claim.status == "decided"
    assert page_url(claim, "portal_objection") in me.get(page_url(claim)).content.decode()


# --- after the objection ----------------------------------------------------------------------------------------

def test_an_objection_received_shows_the_date_the_letter_and_the_12_week_date(me, cast):
    claim = decided(cast)
    me.post(page_url(claim, "portal_objection"), {"grounds": "Het bedrag is te laag."})
    claim.refresh_from_db()
    received = letter(claim, LetterKind.OBJECTION_RECEIVED, {"received_on": today().isoformat()})
    response = me.get(page_url(claim))
    page, html = text_of(response), response.content.decode()
    assert f"Uw bezwaar is ontvangen op {long(today())}." in page
    assert reverse("claims:document_download", args=[received.document_id]) in html
    assert claim.objection_decision_due is not None
    assert f"Wij beslissen uiterlijk {long(claim.objection_decision_due)} . Dat is 12 weken na het einde van de " \
        "bezwaartermijn." in page
    assert "Dat heet een hoorzitting." in page  # the status box: a hearing may come, with an invitation first
    assert page_url(claim, "portal_objection") not in html
    # The first decision stays on the page, with its letter.
    assert "U krijgt € 4.250,00." in page


@pytest.mark.parametrize("well_founded,amount,headline,explanation,state", [
    (True, "6000.00", "Uw bezwaar is gegrond. Wij hebben ons besluit veranderd.", "U krijgt nu € 6.000,00.",
     "settlement"),
    (False, None, "Uw bezwaar is ongegrond. Ons besluit blijft zoals het was.",
     "U krijgt € 4.250,00, zoals in ons besluit stond.", "settlement"),
])
def test_the_decision_on_the_objection(me, cast, well_founded, amount, headline, explanation, state):
    claim = claim_in(cast, "objection")
    data = {"well_founded": well_founded}
    if amount:
        data["awarded_amount"] = Decimal(amount)
    cast.fire(claim, "decide_objection", reason="Beslissing.", **data)
    claim.refresh_from_db()
    assert claim.status == state
    outcome = "well_founded" if well_founded else "unfounded"
    decision_letter = letter(claim, LetterKind.OBJECTION_DECISION, {
        "decision_id": 2, "outcome": outcome, "reasoning": "De deskundige heeft de kelder opnieuw bekeken.",
        "total": amount or "4250.00", "route": "money", "appeal_due_on": "2026-09-01",
        "items": decision_context()["items"],
    })
    response = me.get(page_url(claim))
    page = text_of(response)
    assert "Onze beslissing op uw bezwaar" in page
    assert headline in page and explanation in page
    assert "De deskundige heeft de kelder opnieuw bekeken." in page
    assert "Dat heet beroep." in page and "Dat kan tot en met dinsdag 1 september 2026." in page
    assert reverse("claims:document_download", args=[decision_letter.document_id]) in response.content.decode()
    assert ("Onze nieuwe beslissing per schade" in page) is well_founded
    assert ("Na uw bezwaar hebben wij dit besluit veranderd." in page) is well_founded


def test_a_rejection_upheld_on_objection_closes_with_no_amount(me, cast):
    claim = claim_in(cast, "decision_pending")
    cast.fire(claim, "decide", outcome="rejected", awarded_amount=0)
    cast.fire(claim, "file_objection")
    cast.fire(claim, "decide_objection", reason="Ongegrond.", well_founded=False)
    claim.refresh_from_db()
    assert claim.status == "closed"
    page = text_of(me.get(page_url(claim)))
    assert "Wij wijzen uw aanvraag af." in page
    assert "Uw bezwaar is ongegrond. Ons besluit blijft zoals het was." in page and "U krijgt geen vergoeding." in page


# --- payment ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status,title,text", [
    ("recorded", "Wordt betaald", "Wij bereiden de betaling van € 4.250,00 voor."),
    ("approved", "Wordt betaald", "Wij bereiden de betaling van € 4.250,00 voor."),
    ("exported", "Wordt betaald", "Wij hebben de betaling van € 4.250,00 naar de bank gestuurd."),
    ("paid", None, "Wij hebben € 4.250,00 overgemaakt."),
])
def test_the_payment_status(me, cast, status, title, text):
    claim = claim_in(cast, "settlement")
    payment(cast, claim, status)
    page = text_of(me.get(page_url(claim)))
    assert "De betaling" in page
    assert (title or f"Betaald op {long(today())}") in page
    assert text in page


def test_a_cancelled_payment_is_not_shown(me, cast):
    claim = claim_in(cast, "settlement")
    Payment.objects.create(claim=claim, iban=IBAN, account_holder="J. Jansen", amount=Decimal("4250.00"),
                           status="cancelled", recorded_by=cast.finance)
    page = text_of(me.get(page_url(claim)))
    assert "De betaling" not in page and "NL91" not in page


def test_the_owner_sees_the_full_iban_and_the_total_paid(me, cast):
    claim = claim_in(cast, "settlement")
    payment(cast, claim, "paid")
    type(claim).objects.filter(pk=claim.pk).update(paid_amount=Decimal("4250.00"))
    page = text_of(me.get(page_url(claim)))
    assert "NL91 ABNA 0417 1643 00" in page and "J. Jansen" in page
    assert "Totaal betaald € 4.250,00" in page


def test_a_co_owner_is_an_owner_too(client, cast):
    claim = claim_in(cast, "settlement")
    co_user, co_person = resident()
    claim.co_applicants.add(co_person)
    payment(cast, claim)
    client.force_login(co_user)
    assert "NL91 ABNA 0417 1643 00" in text_of(client.get(page_url(claim)))


def test_a_representative_sees_the_iban_masked(client, cast):
    claim = claim_in(cast, "settlement")
    payment(cast, claim)
    client.force_login(representative_of(cast.person))
    response = client.get(page_url(claim))
    assert response.status_code == 200
    page, html = text_of(response), response.content.decode()
    assert "NL91 **** **** 4300" in page
    assert IBAN not in html and "0417 1643" not in html and "ABNA" not in html
    assert "J. Jansen" not in page  # the account holder is the owner's too


def test_another_resident_gets_a_404(client, cast):
    claim = claim_in(cast, "settlement")
    payment(cast, claim)
    client.force_login(resident()[0])
    response = client.get(page_url(claim))
    assert response.status_code == 404
    assert b"NL91" not in response.content


def test_the_payment_letter_is_linked(me, cast):
    claim = claim_in(cast, "settlement")
    payment(cast, claim, "paid")
    paid_letter = letter(claim, LetterKind.PAYMENT, {"payment_id": 1, "amount": "4250.00",
                                                     "iban_masked": "NL91 **** **** 4300"})
    html = me.get(page_url(claim)).content.decode()
    assert reverse("claims:document_download", args=[paid_letter.document_id]) in html


def test_the_page_after_a_decision_runs_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    def settled(letters: int):
        claim = claim_in(cast, "settlement")
        payment(cast, claim, "paid")
        for _ in range(letters):
            letter(claim, LetterKind.DECISION, decision_context())
            Letter.objects.create(claim=claim, kind=LetterKind.PAYMENT, key=f"extra:{next(_unique)}",
                                  recipient=claim.applicant, context={})
        return claim

    small, large = settled(1), settled(12)
    client.force_login(cast.resident)
    client.get(page_url(small))
    with django_assert_max_num_queries(45) as few:
        assert client.get(page_url(small)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page_url(large)).status_code == 200


# --- the status texts per state (claims.progress) ---------------------------------------------------------------

def status_of(claim, *, route="", day=None):
    day = day or today()
    transitions = list(claim.transitions.all())
    clock = decision_clock(claim.clock_events.all(), as_of=day)
    with translation.override("nl"):
        return progress.status(claim, transitions=transitions, clock=clock, today=day, route=route)


def test_commission_review_and_decision_pending_texts(cast):
    review = status_of(claim_in(cast, "commission_review"))
    assert review.meaning.startswith("De commissie bekijkt uw dossier")
    assert "U hoeft nu niets te doen." in review.meaning
    assert review.next_step == "Wij nemen een besluit over uw schade. U krijgt het besluit in een brief."
    pending = status_of(claim_in(cast, "decision_pending"))
    assert "Nu neemt een medewerker van I3ML het besluit." in pending.meaning
    assert "iemand anders dan wie het advies gaf" in pending.meaning


@pytest.mark.parametrize("route,next_step", [
    ("money", "Wij maken het bedrag over op uw bankrekening."),
    ("middle", "U mag kiezen: geld op uw bankrekening, of herstel van de schade."),
    ("repair", "Wij regelen het herstel door een aannemer of met een bouwdepot."),
    ("", "Wij regelen de uitbetaling of het herstel van uw huis."),
])
def test_decided_says_the_objection_window_and_the_payment_next(cast, route, next_step):
    claim = claim_in(cast, "decided")
    status = status_of(claim, route=route)
    assert status.action == "Bent u het niet eens met het besluit? Dan kunt u bezwaar maken."
    assert status.action_due == claim.objection_due
    assert status.next_when == f"Bezwaar maken kan tot en met {long(claim.objection_due)}."
    assert status.next_step.startswith(next_step)


def test_objection_says_when_it_was_received_and_by_when_we_decide(cast):
    claim = claim_in(cast, "objection")
    status = status_of(claim)
    assert status.meaning.startswith(f"Uw bezwaar is ontvangen op {long(today())}.")
    assert status.next_due == claim.objection_decision_due
    assert status.next_when == f"Uiterlijk {long(claim.objection_decision_due)}."


@pytest.mark.parametrize("route,meaning", [
    ("money", "Wij betalen u € 4.250,00. Wij maken het geld over op uw bankrekening."),
    ("middle", "U mag kiezen: wij maken het geld over, of wij laten de schade herstellen."),
    ("repair", "Dat geld is voor het herstel van uw huis: door een aannemer, of met een bouwdepot."),
])
def test_settlement_says_how_we_pay_or_repair(cast, route, meaning):
    claim = claim_in(cast, "settlement")
    status = status_of(claim, route=route)
    assert meaning in status.meaning
    assert status.action.startswith("Bent u het niet eens met het besluit?")  # objection still possible
    assert status.next_step.startswith("Is het geld betaald of de schade hersteld?")


def test_settlement_after_an_objection_offers_no_new_objection(cast):
    claim = claim_in(cast, "objection")
    cast.fire(claim, "decide_objection", reason="Gegrond.", well_founded=True, awarded_amount=Decimal("5000.00"))
    claim.refresh_from_db()
    status = status_of(claim, route="money")
    assert status.action == "" and "€ 5.000,00" in status.meaning


def test_closed_says_what_was_paid(cast):
    claim = claim_in(cast, "closed")
    assert "betaald" not in status_of(claim).meaning
    type(claim).objects.filter(pk=claim.pk).update(paid_amount=Decimal("4250.00"))
    claim.refresh_from_db()
    status = status_of(claim)
    assert "Wij hebben u € 4.250,00 betaald." in status.meaning and status.final


def test_the_timeline_tells_the_new_amount_of_a_well_founded_objection(cast):
    claim = claim_in(cast, "objection")
    cast.fire(claim, "decide_objection", reason="Gegrond.", well_founded=True, awarded_amount=Decimal("5000.00"))
    with translation.override("nl"):
        events = [e.text for step in progress.timeline(claim, claim.transitions.all()) for e in step.events]
    assert "Wij hebben beslist op uw bezwaar: uw bezwaar is gegrond. Bedrag: € 5.000,00." in events


def test_the_list_shows_the_new_states_in_plain_words(me, cast):
    claim_in(cast, "commission_review")
    claim_in(cast, "settlement")
    page = text_of(me.get(reverse("claims:portal")))
    assert "De Commissie Mijnbouwschade bekijkt uw dossier" in page
    assert "Wij regelen de uitbetaling of het herstel" in page


def test_amounts_follow_the_language_of_the_page(me, cast, settings):
    claim = decided(cast)
    letter(claim, LetterKind.DECISION, decision_context())
    me.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = me.get(page_url(claim))
    assert response.status_code == 200
    assert "€4,250.00" in text_of(response) and "€ 4.250,00" not in text_of(response)
