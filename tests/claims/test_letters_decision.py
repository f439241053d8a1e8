"""The letters of the second half of the lifecycle: the decision, the receipt of an objection, the decision on
the objection and the payment confirmation. Each renders to a PDF in the resident's language, with amounts and
dates written the way that language writes them. The objection receipt is recorded by `file_objection` itself;
the other three are recorded by the decision and payment services with the context keys used here."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation
from pypdf import PdfReader

from claims import letter_content, letters, timeutil
from claims.errors import TransitionRefused
from claims.models import Document, Letter, LetterKind, Payment
from tests.factories import Cast, claim_in

pytestmark = pytest.mark.django_db

# Decided on Tuesday 1 December 2026: the objection window (6 weeks from the day after) ends on Tuesday
# 12 January 2027. An objection filed in time is decided within 12 weeks after that: Tuesday 6 April 2027.
DECIDED = dt.datetime(2026, 12, 1, 10, 0)
OBJECTION_FILED = dt.datetime(2026, 12, 15, 11, 0)
OBJECTION_DECIDED = dt.datetime(2027, 3, 1, 9, 0)  # a Monday; appeal until Monday 12 April 2027
REASONING = ("De deskundige en de commissie vinden het aannemelijk dat de scheuren door de mijnbouw komen. "
             "De verzakking van de keukenvloer komt voor een deel door de oude fundering.")
REJECTION = ("De schade komt niet door de mijnbouw. De scheuren zijn ontstaan doordat het hout van de "
             "vloerbalken is gaan werken.")
ITEMS = [
    {"position": 1, "location": "Woonkamer", "kind": "crack", "plausibility": "yes", "percentage": None,
     "amount": "2500.00", "reasoning": "De scheur loopt door de draagmuur, zoals bij bodembeweging."},
    {"position": 2, "location": "Keuken", "kind": "subsidence", "plausibility": "partly", "percentage": 60,
     "amount": "1750.00", "reasoning": "De vloer is verzakt. Voor 60% komt dat door de mijnbouw."},
    {"position": 3, "location": "Zolder", "kind": "moisture", "plausibility": "no", "percentage": None,
     "amount": "0.00", "reasoning": "De vochtplek komt door een lekkend dakraam."},
]
NEW_KINDS = (LetterKind.DECISION, LetterKind.OBJECTION_RECEIVED, LetterKind.OBJECTION_DECISION, LetterKind.PAYMENT)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.SITE_URL = "https://mijnschade.i3ml.example"
    return settings.MEDIA_ROOT


@pytest.fixture
def cast():
    return Cast()


def english(cast) -> None:
    cast.person.language = "en"
    cast.person.save()


def pdf_reader(document: Document) -> PdfReader:
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def pdf_text(document: Document) -> str:
    text = " ".join(page.extract_text() for page in pdf_reader(document).pages)
    return " ".join(text.replace("\N{NO-BREAK SPACE}", " ").split())


def in_language(language: str, text: str) -> str:
    """A source string as the letter in that language says it (Dutch until the lead fills the catalogue)."""
    with translation.override(language):
        return translation.gettext(text)


def rendered(letter: Letter) -> tuple[Letter, str]:
    letter = letters.render(letter.pk)
    return letter, pdf_text(letter.document)


# --- making the occasions ---------------------------------------------------------------------------------

def decided_claim(cast, **decide):
    with timeutil.frozen(DECIDED):
        claim = claim_in(cast, "decision_pending", items=3)
        return cast.fire(claim, "decide", **decide)


def decision_letter(cast, *, outcome="granted", total="4250.00", route="money", items=ITEMS, reasoning=REASONING,
                    **extra) -> Letter:
    """As the decision service records it (key f"decision:{decision.pk}")."""
    claim = decided_claim(cast, outcome=outcome, awarded_amount=Decimal(total))
    with timeutil.frozen(DECIDED):
        return letters.schedule(
            claim=claim, kind=LetterKind.DECISION, key=f"decision:{claim.pk}01",
            context={"decision_id": claim.pk * 100 + 1, "outcome": outcome, "total": total, "route": route,
                     "reasoning": reasoning, "objection_due_on": claim.objection_due, "items": items, **extra},
        )


def objected_claim(cast, at=OBJECTION_FILED, **data):
    claim = decided_claim(cast, outcome="granted", awarded_amount=Decimal("4250.00"))
    with timeutil.frozen(at):
        return cast.fire(claim, "file_objection", **data)


def objection_decision_letter(cast, *, well_founded=True, total="5500.00", route="money") -> Letter:
    """As the objection service records it (key f"objection_decision:{decision.pk}")."""
    claim = objected_claim(cast)
    with timeutil.frozen(OBJECTION_DECIDED):
        if well_founded:
            claim = cast.fire(claim, "decide_objection", well_founded=True, awarded_amount=Decimal(total),
                              reason="De commissie heeft de keuken opnieuw bekeken.")
        else:
            claim = cast.fire(claim, "decide_objection")
            total = str(claim.awarded_amount)
        items = [{**ITEMS[0]}, {**ITEMS[1], "plausibility": "yes", "percentage": None, "amount": "3000.00"},
                 ITEMS[2]]
        return letters.schedule(
            claim=claim, kind=LetterKind.OBJECTION_DECISION, key=f"objection_decision:{claim.pk}02",
            context={"decision_id": claim.pk * 100 + 2, "outcome": "well_founded" if well_founded else "unfounded",
                     "reasoning": "Uit nieuwe foto's blijkt dat de hele verzakking door de mijnbouw komt.",
                     "total": total, "route": route, "items": items if well_founded else []},
        )


def a_payment(claim, cast, amount="4250.00") -> Payment:
    return Payment.objects.create(claim=claim, iban="NL91ABNA0417164300", account_holder=cast.person.name,
                                  amount=Decimal(amount), recorded_by=cast.finance)


def payment_letter(cast) -> Letter:
    """As the payment service records it (key f"payment:{payment.pk}")."""
    claim = decided_claim(cast, outcome="granted", awarded_amount=Decimal("4250.00"))
    payment = a_payment(claim, cast)
    with timeutil.frozen(dt.datetime(2027, 2, 1, 15, 0)):
        return letters.schedule(
            claim=claim, kind=LetterKind.PAYMENT, key=f"payment:{payment.pk}",
            context={"payment_id": payment.pk, "amount": "4250.00", "iban_masked": payment.iban_masked,
                     "paid_on": dt.date(2027, 2, 1)},
        )


def objection_received_letter(cast) -> Letter:
    return Letter.objects.get(claim=objected_claim(cast), kind=LetterKind.OBJECTION_RECEIVED)


MAKERS = {
    LetterKind.DECISION: decision_letter,
    LetterKind.OBJECTION_RECEIVED: objection_received_letter,
    LetterKind.OBJECTION_DECISION: objection_decision_letter,
    LetterKind.PAYMENT: payment_letter,
}


# --- the decision ---------------------------------------------------------------------------------------------

def test_the_decision_letter_puts_the_outcome_first_then_the_items_reasoning_route_and_objection(cast):
    letter, text = rendered(decision_letter(cast))
    claim = letter.claim
    assert claim.objection_due == dt.date(2027, 1, 12)

    assert claim.reference in text
    assert "Ons besluit over uw schademelding" in text  # the subject
    # The summary box comes first, before anything else the letter says.
    assert text.index("Wat betekent dit voor u? U krijgt € 4.250,00.") < text.index("Een deskundige heeft de schade")
    # The items, each with its outcome and amount, and the total.
    assert "Uw schade per schadepunt" in text
    assert "1 Scheur (Woonkamer) Ja € 2.500,00" in text
    assert "2 Verzakking (Keuken) Gedeeltelijk (60%) € 1.750,00" in text
    assert "3 Vocht of wateroverlast (Zolder) Nee € 0,00" in text
    assert "Totaal € 4.250,00" in text
    # The reasoning, in general and per item.
    assert REASONING in text
    assert "Schadepunt 3, Vocht of wateroverlast: De vochtplek komt door een lekkend dakraam." in text
    # The route and what happens next.
    assert "Hoe krijgt u het geld?" in text and "Wij maken het bedrag over op uw bankrekening" in text
    assert "rekeningnummer (IBAN)" in text and "Financiën" in text
    # How to object, and the exact last day, written out.
    assert "Uw bezwaar moet uiterlijk dinsdag 12 januari 2027 bij ons zijn" in text
    assert "6 weken" in text and "6:7" in text
    assert "Online:" in text and "Bezwaar maken" in text
    assert "Per post:" in text and "handtekening" in text
    assert "Aan het loket:" in text and "Heerlen" in text
    assert letter.document.title == f"Besluit {claim.reference}"
    assert len(pdf_reader(letter.document).pages) <= 2  # three items still fit on two pages


def test_a_decision_with_more_costs_than_the_items_shows_them_before_the_total(cast):
    _, text = rendered(decision_letter(cast, total="4486.50", inspection_allowance="150.00",
                                       statutory_interest="86.50"))
    assert "U krijgt € 4.486,50." in text
    assert "Vergoeding voor de schade-opname bij u thuis € 150,00" in text
    assert "Wettelijke rente € 86,50" in text and "Totaal € 4.486,50" in text
    assert "Andere kosten" not in text

    _, text = rendered(decision_letter(cast, total="4400.00"))  # the caller did not name the extra costs
    assert "Andere kosten die wij vergoeden € 150,00" in text and "Totaal € 4.400,00" in text


def test_a_partly_granted_decision_in_the_middle_class_lets_the_resident_choose(cast):
    items = [{**item, "amount": str(Decimal(item["amount"]) * 3)} for item in ITEMS]
    letter = decision_letter(cast, outcome="partly_granted", total="12750.00", route="middle", items=items,
                             claimed_amount="18000.00")
    _, text = rendered(letter)
    assert "U krijgt een deel van wat u vroeg: € 12.750,00. U vroeg € 18.000,00." in text
    assert "U mag kiezen: geld of herstel" in text and "een aannemer herstelt de schade" in text
    assert "€ 7.500,00" in text and "€ 5.250,00" in text


def test_a_large_award_is_repaired_by_a_contractor_or_a_repair_fund(cast):
    _, text = rendered(decision_letter(cast, total="24000.00", route="repair", items=[
        {**ITEMS[0], "amount": "24000.00"}]))
    assert "U krijgt € 24.000,00." in text
    assert "Een aannemer herstelt de schade, of u krijgt een bouwdepot" in text
    assert "Hoe krijgt u het geld?" not in text


def test_a_rejection_says_why_in_the_first_sentence_and_offers_no_route(cast):
    items = [{**item, "plausibility": "no", "percentage": None, "amount": "0.00"} for item in ITEMS]
    _, text = rendered(decision_letter(cast, outcome="rejected", total="0.00", route="none", items=items,
                                       reasoning=REJECTION))
    assert "Wij wijzen uw aanvraag af. De reden: de schade komt niet door de mijnbouw." in text
    assert "U krijgt geen vergoeding voor deze schade." in text
    assert REJECTION in text and "Totaal € 0,00" in text
    assert "Hoe krijgt u het geld?" not in text and "bouwdepot" not in text and "U mag kiezen" not in text
    assert "Uw bezwaar moet uiterlijk dinsdag 12 januari 2027 bij ons zijn" in text


def test_the_decision_letter_in_english(cast):
    english(cast)
    letter, text = rendered(decision_letter(cast))
    assert letter.language == "en"
    assert letter.claim.reference in text
    assert "€4,250.00" in text and "€2,500.00" in text and "€1,750.00" in text
    assert "4.250,00" not in text
    assert "Tuesday 12 January 2027" in text and "januari" not in text
    assert in_language("en", "Wat betekent dit voor u?") in text
    assert in_language("en", "Hoe krijgt u het geld?") in text
    assert pdf_reader(letter.document).trailer["/Root"]["/Lang"] == "en"


def test_the_decision_snapshot_keeps_the_callers_facts_and_adds_the_terms(cast):
    letter = decision_letter(cast)
    facts = letter.context
    assert facts["outcome"] == "granted" and facts["total"] == "4250.00" and facts["route"] == "money"
    assert facts["objection_due_on"] == "2027-01-12" and facts["objection_weeks"] == 6
    assert facts["decided_on"] == "2026-12-01" and facts["dated_on"] == "2026-12-01"
    assert facts["items"] == ITEMS and facts["items_total"] == "4250.00" and facts["other_amount"] is None


# --- the objection is received ------------------------------------------------------------------------------

def test_filing_an_objection_records_its_receipt_once(cast, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("claims.tasks.render_letter.delay", lambda letter_id: sent.append(letter_id))
    with django_capture_on_commit_callbacks(execute=True):
        claim = objected_claim(cast)
    letter = Letter.objects.get(claim=claim, kind=LetterKind.OBJECTION_RECEIVED)
    assert sent.count(letter.pk) == 1
    assert letter.key == letters.transition_key(claim, "file_objection", LetterKind.OBJECTION_RECEIVED)
    facts = letter.context
    assert facts["received_on"] == "2026-12-15" and facts["late"] is False and facts["against"] == "decided"
    assert facts["decided_on"] == "2026-12-01"
    assert facts["objection_decision_due_on"] == "2027-04-06" == claim.objection_decision_due.isoformat()

    # The same occasion again makes nothing new; a second click is refused by the lifecycle.
    again = letters.schedule(claim=claim, kind=LetterKind.OBJECTION_RECEIVED, key=letter.key)
    assert again.pk == letter.pk
    with timeutil.frozen(OBJECTION_FILED), pytest.raises(TransitionRefused):
        cast.fire(claim, "file_objection")
    assert Letter.objects.filter(claim=claim, kind=LetterKind.OBJECTION_RECEIVED).count() == 1


def test_a_refused_objection_records_no_letter(cast):
    claim = decided_claim(cast, outcome="granted", awarded_amount=Decimal("4250.00"))
    with timeutil.frozen(dt.datetime(2027, 1, 20, 9, 0)), pytest.raises(TransitionRefused):
        cast.fire(claim, "file_objection")  # late, without an excuse
    assert not Letter.objects.filter(claim=claim, kind=LetterKind.OBJECTION_RECEIVED).exists()


def test_the_objection_receipt_says_what_happens_and_by_when(cast):
    letter, text = rendered(objection_received_letter(cast))
    assert letter.claim.reference in text
    assert "Wij hebben uw bezwaar ontvangen" in text
    assert "Op dinsdag 15 december 2026 hebben wij uw bezwaar ontvangen tegen ons besluit van dinsdag 1 december 2026" \
        in text
    assert "uiterlijk op dinsdag 6 april 2027" in text and "12 weken" in text and "7:10" in text
    assert "hoorzitting" in text
    assert "te laat" not in text
    assert letter.document.title == f"Ontvangst bezwaar {letter.claim.reference}"


def test_a_late_objection_is_told_it_is_looked_at_first(cast):
    claim = objected_claim(cast, at=dt.datetime(2027, 1, 20, 9, 0), late_excuse="Ik lag in het ziekenhuis.")
    letter = Letter.objects.get(claim=claim, kind=LetterKind.OBJECTION_RECEIVED)
    assert letter.context["late"] is True
    # A late objection is decided within 12 weeks of the day it came in: Wednesday 14 April 2027.
    assert letter.context["objection_decision_due_on"] == "2027-04-14"
    letter, text = rendered(letter)
    assert "Uw bezwaar kwam te laat" in text
    assert "De laatste dag om bezwaar te maken was dinsdag 12 januari 2027" in text
    assert "niet-ontvankelijk" in text and "woensdag 14 april 2027" in text


def test_the_objection_receipt_in_english(cast):
    english(cast)
    letter, text = rendered(objection_received_letter(cast))
    assert letter.claim.reference in text
    assert "Tuesday 6 April 2027" in text and "Tuesday 15 December 2026" in text and "april" not in text
    assert in_language("en", "Wanneer krijgt u onze beslissing?") in text
    assert pdf_reader(letter.document).trailer["/Root"]["/Lang"] == "en"


# --- the decision on the objection ----------------------------------------------------------------------------

def test_a_well_founded_objection_gives_the_new_amount_the_items_and_the_way_to_court(cast):
    letter, text = rendered(objection_decision_letter(cast))
    claim = letter.claim
    assert claim.reference in text
    assert "Onze beslissing op uw bezwaar" in text
    assert text.index("Uw bezwaar is gegrond") < text.index("Op dinsdag 15 december 2026 hebt u bezwaar gemaakt")
    assert "U krijgt nu € 5.500,00. In ons eerste besluit was dat € 4.250,00." in text
    assert "2 Verzakking (Keuken) Ja € 3.000,00" in text and "Totaal € 5.500,00" in text
    assert "Uit nieuwe foto's blijkt" in text
    assert "Hoe krijgt u het geld?" in text
    assert "rechtbank Limburg" in text and "maandag 12 april 2027" in text and "6 weken" in text
    assert "8:1" in text and "rechtspraak.nl" in text
    assert letter.document.title == f"Beslissing op bezwaar {claim.reference}"
    assert letter.context["previous_total"] == "4250.00" and letter.context["appeal_due_on"] == "2027-04-12"


def test_an_unfounded_objection_keeps_the_decision_and_shows_no_new_table(cast):
    _, text = rendered(objection_decision_letter(cast, well_founded=False))
    assert "Uw bezwaar is ongegrond. Ons besluit blijft zoals het was." in text
    assert "U krijgt € 4.250,00." in text and "eerste besluit was" not in text
    assert "Uw schade per schadepunt" not in text
    assert "rechtbank Limburg" in text and "maandag 12 april 2027" in text


def test_the_objection_decision_in_english(cast):
    english(cast)
    letter, text = rendered(objection_decision_letter(cast))
    assert letter.claim.reference in text
    assert "€5,500.00" in text and "€4,250.00" in text and "5.500,00" not in text
    assert "Monday 12 April 2027" in text and "april 2027" not in text
    assert in_language("en", "Bent u het niet eens met deze beslissing?") in text
    assert pdf_reader(letter.document).trailer["/Root"]["/Lang"] == "en"


# --- the payment --------------------------------------------------------------------------------------------

def test_the_payment_letter_says_how_much_to_which_account_and_when(cast):
    letter, text = rendered(payment_letter(cast))
    assert letter.claim.reference in text
    assert "Wij hebben uw vergoeding betaald" in text
    assert "Wij hebben € 4.250,00 overgemaakt naar rekening NL91 **** **** 4300 op maandag 1 februari 2027." in text
    assert "0417164300" not in text  # never the whole account number
    assert "Hebt u het geld niet gekregen?" in text and "5 werkdagen" in text
    assert letter.document.title == f"Betaling {letter.claim.reference}"


def test_the_payment_letter_reads_what_the_caller_leaves_out_from_the_payment(cast):
    claim = decided_claim(cast, outcome="granted", awarded_amount=Decimal("4250.00"))
    payment = a_payment(claim, cast, amount="4250.00")
    with timeutil.frozen(dt.datetime(2027, 2, 3, 9, 0)):
        letter = letters.schedule(claim=claim, kind=LetterKind.PAYMENT, key=f"payment:{payment.pk}",
                                  context={"payment_id": payment.pk})
    facts = letter.context
    assert facts["amount"] == "4250.00" and facts["iban_masked"] == "NL91 **** **** 4300"
    assert facts["paid_on"] == "2027-02-03" and facts["account_holder"] == cast.person.name


def test_the_payment_letter_in_english(cast):
    english(cast)
    letter, text = rendered(payment_letter(cast))
    assert letter.claim.reference in text
    assert "€4,250.00" in text and "Monday 1 February 2027" in text and "februari" not in text
    assert "NL91 **** **** 4300" in text
    assert pdf_reader(letter.document).trailer["/Root"]["/Lang"] == "en"


# --- every new kind ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", NEW_KINDS)
def test_every_fact_the_template_uses_is_in_the_snapshot(cast, kind, settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "OPTIONS": {**engine["OPTIONS"], "string_if_invalid": "MISSING(%s)"}}]
    letter = MAKERS[kind](cast)
    html = letters.render_html(letter)
    assert "MISSING(" not in html
    assert '<html lang="nl">' in html and html.count("<h1>") == 1


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_letter_renders_without_warnings_and_on_two_pages_at_most(cast, kind, caplog):
    cast.caseworker.first_name, cast.caseworker.last_name = "Anja", "Smeets-Vanderheijden"  # named: a longer letter
    cast.caseworker.save()
    letter = MAKERS[kind](cast)
    assert letter.context["guide_name"]
    with caplog.at_level("INFO", logger="weasyprint"):
        letters.render(letter.pk)
    # HarfBuzz-Subset missing on the machine is not about the letter (test_letters.py checks it strictly).
    assert [r.getMessage() for r in caplog.records if r.name == "weasyprint" and r.levelno >= 20
            and "HarfBuzz-Subset" not in r.getMessage()] == []
    assert len(pdf_reader(Letter.objects.get(pk=letter.pk).document).pages) <= 2


@pytest.mark.parametrize("kind", NEW_KINDS)
def test_each_kind_has_its_own_subject_line(kind):
    with translation.override("nl"):
        assert letters.subject(kind) != str(LetterKind(kind).label)
        assert letters.document_title(kind, "MS-2026-000001").endswith(" MS-2026-000001")


# --- the wording helpers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("language,amount,expected", [
    ("nl", "4250.00", "€ 4.250,00"),
    ("nl", Decimal("1234567.5"), "€ 1.234.567,50"),
    ("nl", "0.00", "€ 0,00"),
    ("en", "4250.00", "€4,250.00"),
    ("en", Decimal("1234567.5"), "€1,234,567.50"),
])
def test_amounts_are_written_the_way_the_language_writes_them(language, amount, expected):
    with translation.override(language):
        assert letter_content.euro(amount).replace("\N{NO-BREAK SPACE}", " ") == expected
    assert letter_content.euro(None) == "" and letter_content.euro("") == ""


@pytest.mark.parametrize("reasoning,clause", [
    (REJECTION, "de schade komt niet door de mijnbouw"),
    ("Er is geen schade, bijv. geen scheur. Ook niet elders.", "er is geen schade, bijv. geen scheur"),
    ("NAM-gegevens tonen geen beving in die periode.", "NAM-gegevens tonen geen beving in die periode"),
    ("Heerlen ligt buiten het gebied!", "Heerlen ligt buiten het gebied"),
    ("   ", ""),
])
def test_the_first_sentence_of_a_rejection_is_its_reason_in_the_summary(reasoning, clause):
    assert letter_content.reason_clause(reasoning) == clause
