"""The IBAN check (ISO 13616 mod-97, SEPA country lengths, Dutch messages) and the SEPA file (pain.001.001.03):
its structure and sums as the bank reads them, parsed back with xml.etree; and the file made by `batch_create`
from real payments, downloaded twice byte for byte the same."""

import datetime as dt
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from casework import iban as ibans
from casework import sepa
from casework.services import payments as pay
from claims import roles as R
from claims.errors import TransitionForbidden, TransitionRefused
from claims.models import Payment, PaymentBatch
from claims.timeutil import frozen, today
from tests.casework.test_payments import Payable, with_check_digits
from tests.factories import UserFactory

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def payable():
    return Payable()


# --- IBAN ---------------------------------------------------------------------------------------------------------

VALID = [
    ("NL91ABNA0417164300", "NL91ABNA0417164300"),
    ("nl91 abna 0417 1643 00", "NL91ABNA0417164300"),  # spaces and lower case, as people type it
    (" NL91-ABNA-0417-1643-00 ", "NL91ABNA0417164300"),
    ("NL91\u00a0ABNA\u00a00417\u00a01643\u00a000", "NL91ABNA0417164300"),  # copied from a web page
    ("BE68 5390 0754 7034", "BE68539007547034"),
    ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
    ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
    ("LU28 0019 4006 4475 0000", "LU280019400644750000"),
    ("GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
]

INVALID = [
    ("", "required", "Vul het IBAN in."),
    ("   ", "required", "Vul het IBAN in."),
    ("NL91ABNA04171643OO!", "characters", "alleen uit letters en cijfers"),
    ("NLAB ABNA 0417 1643 00", "start", "landcode en twee cijfers"),
    ("0417164300", "start", "landcode en twee cijfers"),
    ("US64SVBKUS6S3300958879", "country", "SEPA-land"),
    ("NL91ABNA041716430", "length", "heeft 18 tekens. Dit IBAN heeft er 17"),
    ("NL91ABNA04171643000", "length", "heeft 18 tekens. Dit IBAN heeft er 19"),
    ("BE6853900754703", "length", "heeft 16 tekens"),
    ("DE8937040044053201300", "length", "heeft 22 tekens"),
    ("FR142004101005050001", "length", "heeft 27 tekens"),
    ("LU28001940064475000", "length", "heeft 20 tekens"),
    ("NL91ABNA041716430X", "layout", "klopt niet voor NL"),
    ("NL9112340417164300", "layout", "klopt niet voor NL"),
    ("NL92ABNA0417164300", "checksum", "de controle klopt niet"),  # one check digit off
    ("NL91ABNA0417164301", "checksum", "de controle klopt niet"),  # one account digit off
    ("NL91ABNA0417163400", "checksum", "de controle klopt niet"),  # two digits swapped
    ("BE68539007547035", "checksum", "de controle klopt niet"),
    ("DE89370400440532013001", "checksum", "de controle klopt niet"),
]


@pytest.mark.parametrize("typed,compact", VALID)
def test_valid_ibans_are_accepted_in_their_compact_form(typed, compact):
    assert ibans.validate(typed) == compact
    assert ibans.is_valid(typed)


@pytest.mark.parametrize("typed,code,words", INVALID)
def test_invalid_ibans_are_refused_with_a_dutch_sentence(typed, code, words):
    with pytest.raises(ValidationError) as refused:
        ibans.validate(typed)
    assert refused.value.code == code
    assert words in refused.value.messages[0]
    assert not ibans.is_valid(typed)


@pytest.mark.parametrize("account", ["0417164300", "0123456789", "9999999999", "0000000001"])
def test_any_dutch_account_with_correct_check_digits_passes_and_one_changed_digit_fails(account):
    good = with_check_digits("NL", "INGB" + account)
    assert ibans.validate(good) == good
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert not ibans.is_valid(wrong)


def test_dutch_ibans_are_exactly_18_characters():
    assert ibans.LENGTHS["NL"] == 18
    assert {ibans.LENGTHS[c] for c in ("BE", "DE", "FR", "LU")} == {16, 22, 27, 20}


def test_mask_and_formatted():
    assert ibans.mask("NL91 ABNA 0417 1643 00") == "NL91 **** **** 4300"
    assert ibans.mask("short") == "****"
    assert ibans.formatted("nl91abna0417164300") == "NL91 ABNA 0417 1643 00"
    # The model's own mask says the same, so pages and letters agree.
    assert Payment(iban="NL91ABNA0417164300").iban_masked == ibans.mask("NL91ABNA0417164300")


# --- the SEPA character set ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,expected", [
    ("José Hénault-Müller", "Jose Henault-Muller"),
    ("Ç. Ørsted & Søn", "C. Orsted + Son"),
    ("Straße 12 «Haus»", "Strasse 12 Haus"),
    ("Ĳsbrand van ’t Hoff", "IJsbrand van 't Hoff"),
    ("Łukasz Żółć", "Lukasz Zolc"),
    ("  twee   spaties\tof tab ", "twee spaties of tab"),
    ("naam@example.nl #1", "naam example.nl 1"),
    ("李小龍", ""),
])
def test_transliterate_to_the_sepa_character_set(name, expected):
    result = sepa.transliterate(name)
    assert result == expected
    assert re.fullmatch(r"[A-Za-z0-9/\-?:().,'+ ]*", result)


def test_transliterate_cuts_names_to_70():
    long_name = "Maria Josephina Hubertina " * 5
    assert len(sepa.transliterate(long_name)) <= 70
    assert not sepa.transliterate(long_name).endswith(" ")


# --- the file itself ---------------------------------------------------------------------------------------------

def parse(xml: str) -> ET.Element:
    return ET.fromstring(xml.encode("utf-8"))


def text(element: ET.Element, path: str) -> str:
    found = element.find(path, NS)
    assert found is not None, path
    return found.text


def _transfers() -> list[sepa.Transfer]:
    return [
        sepa.Transfer("MS-2026-000001-1", Decimal("4250"), "Élise Dóbbelsteen", "NL91ABNA0417164300",
                      "Mijnschade MS-2026-000001"),
        sepa.Transfer("MS-2026-000002-2", Decimal("0.5"), "Jan Janssen", "BE68539007547034",
                      "Mijnschade MS-2026-000002"),
        sepa.Transfer("MS-2026-000003-3", Decimal("9999.99"), "K. Krüger", "DE89370400440532013000",
                      "Mijnschade MS-2026-000003"),
    ]


def test_build_writes_a_well_formed_pain_001_001_03():
    xml = sepa.build(msg_id="I3ML-20260417-0001", created_at=dt.datetime(2026, 4, 17, 10, 30, 5),
                     execution_date=dt.date(2026, 4, 20),
                     debtor=sepa.Debtor(name="Instituut voor Milieu, Mens en Mijnbouw Limburg",
                                        iban="NL91ABNA0417164300", bic="ABNANL2A"),
                     transfers=_transfers())
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    root = parse(xml)
    assert root.tag == "{urn:iso:std:iso:20022:tech:xsd:pain.001.001.03}Document"
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert text(header, "p:MsgId") == "I3ML-20260417-0001"
    assert text(header, "p:CreDtTm") == "2026-04-17T10:30:05"
    assert text(header, "p:NbOfTxs") == "3"
    assert text(header, "p:CtrlSum") == "14250.49"
    assert text(header, "p:InitgPty/p:Nm") == "Instituut voor Milieu, Mens en Mijnbouw Limburg"
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    # The order of the elements is the schema's order.
    assert [child.tag.split("}")[1] for child in info][:12] == [
        "PmtInfId", "PmtMtd", "BtchBookg", "NbOfTxs", "CtrlSum", "PmtTpInf", "ReqdExctnDt", "Dbtr", "DbtrAcct",
        "DbtrAgt", "ChrgBr", "CdtTrfTxInf"]
    assert text(info, "p:PmtMtd") == "TRF"
    assert text(info, "p:BtchBookg") == "true"
    assert text(info, "p:NbOfTxs") == "3"
    assert text(info, "p:CtrlSum") == "14250.49"
    assert text(info, "p:PmtTpInf/p:SvcLvl/p:Cd") == "SEPA"
    assert text(info, "p:ReqdExctnDt") == "2026-04-20"
    assert text(info, "p:DbtrAcct/p:Id/p:IBAN") == "NL91ABNA0417164300"
    assert text(info, "p:DbtrAgt/p:FinInstnId/p:BIC") == "ABNANL2A"
    assert text(info, "p:ChrgBr") == "SLEV"
    txs = info.findall("p:CdtTrfTxInf", NS)
    assert [text(tx, "p:Amt/p:InstdAmt") for tx in txs] == ["4250.00", "0.50", "9999.99"]
    assert {tx.find("p:Amt/p:InstdAmt", NS).get("Ccy") for tx in txs} == {"EUR"}
    assert [text(tx, "p:Cdtr/p:Nm") for tx in txs] == ["Elise Dobbelsteen", "Jan Janssen", "K. Kruger"]
    assert [text(tx, "p:CdtrAcct/p:Id/p:IBAN") for tx in txs] == [
        "NL91ABNA0417164300", "BE68539007547034", "DE89370400440532013000"]
    assert text(txs[0], "p:RmtInf/p:Ustrd") == "Mijnschade MS-2026-000001"
    assert text(txs[0], "p:PmtId/p:EndToEndId") == "MS-2026-000001-1"


def test_build_without_bic_says_not_provided():
    xml = sepa.build(msg_id="I3ML-20260417-0002", created_at=dt.datetime(2026, 4, 17, 10, 0),
                     execution_date=dt.date(2026, 4, 20), debtor=sepa.Debtor(name="I3ML", iban="NL91ABNA0417164300"),
                     transfers=_transfers()[:1])
    assert text(parse(xml), ".//p:DbtrAgt/p:FinInstnId/p:Othr/p:Id") == "NOTPROVIDED"


@pytest.mark.parametrize("transfers,message", [
    ([], "at least one"),
    ([sepa.Transfer("A", Decimal("1"), "X", "NL91ABNA0417164300", "r")] * 2, "unique"),
    ([sepa.Transfer("A" * 36, Decimal("1"), "X", "NL91ABNA0417164300", "r")], "35"),
    ([sepa.Transfer("A", Decimal("0"), "X", "NL91ABNA0417164300", "r")], "positive"),
])
def test_build_refuses_a_file_the_bank_would_refuse(transfers, message):
    with pytest.raises(ValueError, match=message):
        sepa.build(msg_id="I3ML-20260417-0003", created_at=dt.datetime(2026, 4, 17),
                   execution_date=dt.date(2026, 4, 20), debtor=sepa.Debtor(name="I3ML", iban="NL91ABNA0417164300"),
                   transfers=transfers)


def test_message_ids_fit_35_characters():
    assert sepa.message_id(dt.date(2026, 4, 17), 7) == "I3ML-20260417-0007"
    assert len(sepa.message_id(dt.date(2026, 12, 31), 9999)) <= 35


# --- the file from real payments --------------------------------------------------------------------------------

@pytest.mark.django_db
def test_batch_file_holds_each_approved_payment_exactly_once(payable):
    claims = [payable(amount) for amount in ("4250.00", "1234.56", "99.90", "10000.00")]
    approved = [payable.approve(claim) for claim in claims]
    recorded_only = payable.record(payable(Decimal("500.00")))  # not approved: stays out
    batch = pay.batch_create(actor=payable.finance, execution_date=today() + dt.timedelta(days=1))

    root = parse(batch.xml)
    txs = root.findall(".//p:CdtTrfTxInf", NS)
    amounts = [Decimal(text(tx, "p:Amt/p:InstdAmt")) for tx in txs]
    assert text(root, ".//p:GrpHdr/p:NbOfTxs") == text(root, ".//p:PmtInf/p:NbOfTxs") == str(len(approved)) == "4"
    assert Decimal(text(root, ".//p:GrpHdr/p:CtrlSum")) == sum(amounts) == Decimal("15584.46")
    assert text(root, ".//p:PmtInf/p:CtrlSum") == "15584.46"
    assert all(re.fullmatch(r"\d+\.\d{2}", text(tx, "p:Amt/p:InstdAmt")) for tx in txs)
    ends = [text(tx, "p:PmtId/p:EndToEndId") for tx in txs]
    assert len(set(ends)) == len(ends)
    assert sorted(ends) == sorted(f"{p.claim.reference}-{p.pk}" for p in approved)
    assert recorded_only.claim.reference not in batch.xml
    assert [text(tx, "p:RmtInf/p:Ustrd") for tx in txs] == [f"Mijnschade {p.claim.reference}" for p in approved]
    assert re.fullmatch(r"I3ML-\d{8}-0001", text(root, ".//p:GrpHdr/p:MsgId"))
    assert (batch.count, batch.total) == (4, Decimal("15584.46"))
    assert set(Payment.objects.filter(batch=batch).values_list("status", flat=True)) == {Payment.Status.EXPORTED}


@pytest.mark.django_db
def test_exporting_twice_pays_nothing_twice(payable, client):
    first_claims = [payable.approve(payable(amount)) for amount in ("100.00", "200.00")]
    batch = pay.batch_create(actor=payable.finance, execution_date=today())
    with pytest.raises(TransitionRefused) as refused:
        pay.batch_create(actor=payable.finance, execution_date=today())
    assert refused.value.code == "nothing_to_export"
    assert PaymentBatch.objects.count() == 1

    # A payment approved later goes into a new file, the old ones never again.
    later = payable.approve(payable("300.00"))
    second = pay.batch_create(actor=payable.finance, execution_date=today())
    assert second.message_id.endswith("-0002")
    assert second.count == 1 and later.claim.reference in second.xml
    assert all(p.claim.reference not in second.xml for p in first_claims)

    # Downloading again gives the stored file byte for byte, also after new payments were approved.
    payable.approve(payable("400.00"))
    client.force_login(payable.finance)
    one = client.get(f"/financien/betaalbestanden/{batch.pk}/sepa.xml")
    two = client.get(f"/financien/betaalbestanden/{batch.pk}/sepa.xml")
    assert one.status_code == two.status_code == 200
    assert one["Content-Type"].startswith("application/xml")
    assert f'filename="{batch.message_id}.xml"' in one["Content-Disposition"]
    assert one.content == two.content == batch.xml.encode("utf-8")
    assert len(parse(one.content.decode()).findall(".//p:CdtTrfTxInf", NS)) == 2


@pytest.mark.django_db
def test_message_ids_count_per_day(payable):
    with frozen(dt.datetime(2026, 4, 17, 9, 0)):
        payable.approve(payable("100.00"))
        a = pay.batch_create(actor=payable.finance, execution_date=dt.date(2026, 4, 20))
        payable.approve(payable("100.00"))
        b = pay.batch_create(actor=payable.finance, execution_date=dt.date(2026, 4, 20))
    with frozen(dt.datetime(2026, 4, 18, 9, 0)):
        payable.approve(payable("100.00"))
        c = pay.batch_create(actor=payable.finance, execution_date=dt.date(2026, 4, 20))
    assert [a.message_id, b.message_id, c.message_id] == [
        "I3ML-20260417-0001", "I3ML-20260417-0002", "I3ML-20260418-0001"]


@pytest.mark.django_db
def test_the_resident_s_name_is_transliterated_in_the_file(payable):
    claim = payable("750.00")
    payable.approve(claim, holder="Hélène Çağlar-Groß")
    batch = pay.batch_create(actor=payable.finance, execution_date=today())
    assert text(parse(batch.xml), ".//p:Cdtr/p:Nm") == "Helene Caglar-Gross"


def test_only_finance_may_make_a_file():
    with pytest.raises(TransitionForbidden):
        pay._finance(None)


@pytest.mark.django_db
def test_a_coordinator_may_not_make_a_file(payable):
    payable.approve(payable("100.00"))
    with pytest.raises(TransitionForbidden):
        pay.batch_create(actor=UserFactory(role=R.COORDINATOR), execution_date=today())
    assert not PaymentBatch.objects.exists()


# --- review: amounts, identifiers, escaping, business days ---------------------------------------------------------

def _one(**overrides):
    values = {"end_to_end_id": "MS-2026-00001-1", "amount": Decimal("10.00"), "name": "J. Jansen",
              "iban": "NL91ABNA0417164300", "remittance": "Mijnschade MS-2026-00001"}
    values.update(overrides)
    return sepa.Transfer(**values)


def _build(*transfers):
    return sepa.build(msg_id="I3ML-20260420-0001", created_at=dt.datetime(2026, 4, 17, 9, 30),
                      execution_date=dt.date(2026, 4, 20), debtor=sepa.Debtor(name="I3ML", iban="NL91ABNA0417164300"),
                      transfers=list(transfers))


def test_control_sum_equals_the_sum_of_the_amounts_as_written():
    transfers = [_one(end_to_end_id=f"E-{n}", amount=Decimal(a)) for n, a in
                 enumerate(["0.10", "0.20", "1234567.89", "999999999.99"])]
    root = ET.fromstring(_build(*transfers).encode())
    written = [Decimal(e.text) for e in root.iterfind(".//p:InstdAmt", NS)]
    assert all(re.fullmatch(r"\d+\.\d\d", e.text) for e in root.iterfind(".//p:InstdAmt", NS))
    for ctrl in root.iterfind(".//p:CtrlSum", NS):
        assert Decimal(ctrl.text) == sum(written) == Decimal("1001234568.18")
    assert sepa.amount_text(Decimal("0.005")) == "0.01"  # half a cent up, never half-even
    assert sepa.amount_text(Decimal("2.675")) == "2.68"


@pytest.mark.parametrize("transfer", [
    _one(amount=Decimal("1000000000.00")),  # above the EPC maximum for one transfer
    _one(amount=Decimal("10.005")),  # not in whole cents
    _one(end_to_end_id="MS<1>&2"),  # not the SEPA character set
    _one(end_to_end_id=""),
    _one(name="李小龍"),  # nothing left of the name in the SEPA set
])
def test_build_refuses_what_the_bank_would_refuse(transfer):
    with pytest.raises(ValueError):
        _build(transfer)


def test_names_and_remittance_are_escaped_and_in_the_sepa_set():
    xml = _build(_one(name="Bakker & Zn. <B.V.>", remittance="Schade <script>&amp;"))
    root = ET.fromstring(xml.encode())  # well formed: nothing unescaped went in
    assert root.find(".//p:Cdtr/p:Nm", NS).text == "Bakker + Zn. B.V."
    assert "<script>" not in xml and "<B.V.>" not in xml
    assert len(root.find(".//p:Cdtr/p:Nm", NS).text) <= sepa.MAX_NAME


def test_target2_business_days():
    assert sepa.business_day_from(dt.date(2026, 4, 18)) == dt.date(2026, 4, 20)  # Saturday → Monday
    assert sepa.business_day_from(dt.date(2026, 4, 3)) == dt.date(2026, 4, 7)  # Good Friday, Easter Monday
    assert sepa.business_day_from(dt.date(2026, 5, 1)) == dt.date(2026, 5, 4)  # 1 May (a Friday)
    assert sepa.business_day_from(dt.date(2026, 12, 25)) == dt.date(2026, 12, 28)
    assert sepa.business_day_from(dt.date(2027, 1, 1)) == dt.date(2027, 1, 4)
    assert sepa.business_day_from(dt.date(2026, 4, 27)) == dt.date(2026, 4, 27)  # King's Day: banks are open
    assert sepa._easter(2025) == dt.date(2025, 4, 20) and sepa._easter(2027) == dt.date(2027, 3, 28)


@pytest.mark.django_db
def test_a_file_for_a_weekend_day_is_carried_out_on_the_next_business_day(payable):
    payable.approve(payable())
    with frozen(timezone.make_aware(dt.datetime(2026, 4, 17, 10))):  # a Friday
        batch = pay.batch_create(actor=payable.finance, execution_date=dt.date(2026, 4, 18))
    assert batch.execution_date == dt.date(2026, 4, 20)
    root = ET.fromstring(batch.xml.encode())
    assert root.find(".//p:ReqdExctnDt", NS).text == "2026-04-20"


@pytest.mark.django_db
def test_end_to_end_ids_fit_35_characters_whatever_the_reference(payable):
    claim = payable()
    payment = payable.record(claim)
    payment.claim.reference = "MS-" + "9" * 40
    payment.pk = 123456789
    e2e = pay.end_to_end_id(payment)
    assert len(e2e) <= sepa.MAX_ID and e2e.endswith("-123456789")
    assert sepa._ID.fullmatch(e2e)
