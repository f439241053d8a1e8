"""The SEPA credit-transfer file for the bank: ISO 20022 pain.001.001.03, one payment information block with
one transaction per payment. Pure: it turns data into XML and knows nothing of claims or the database.

Text fields use the SEPA (EPC) basic Latin character set; names are transliterated (é → e, ß → ss) and cut
to their maximum length, so a bank never refuses the file for a resident's name."""

import datetime as dt
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
CENT = Decimal("0.01")
MAX_ID = 35  # Max35Text: MsgId, PmtInfId, EndToEndId
MAX_NAME = 70  # Max70Text: Nm
MAX_REMITTANCE = 140  # Max140Text: Ustrd
# The EPC rulebook caps one credit transfer at 999,999,999.99 euro (AT-04); a bigger InstdAmt is refused.
MAX_AMOUNT = Decimal("999999999.99")
_ID = re.compile(r"[A-Za-z0-9/\-?:().,'+ ]{1,35}")  # identifiers: the same basic Latin set, no leading '/'

# Letters the EPC set has no room for and that do not decompose to a letter with a mark.
_SPECIAL = str.maketrans({
    "ß": "ss", "Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Œ": "OE", "œ": "oe", "Ł": "L", "ł": "l",
    "Đ": "D", "đ": "d", "Þ": "TH", "þ": "th", "ı": "i", "&": "+", "‘": "'", "’": "'", "‚": "'",
    "“": "'", "”": "'", "„": "'", '"': "'", "`": "'", "–": "-", "—": "-", "‐": "-",
})
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")
_SPACES = re.compile(r"\s+")


def transliterate(text: str, max_length: int = MAX_NAME) -> str:
    """Text in the SEPA character set: accents dropped, other signs a space, at most `max_length` long."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_SPECIAL))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = _NOT_SEPA.sub(" ", plain.translate(_SPECIAL))
    return _SPACES.sub(" ", plain).strip()[:max_length].rstrip()


def cents(amount) -> Decimal:
    """In whole cents, half a cent up (as casework.amounts.cents): the amount of a transfer and of its sum."""
    return Decimal(str(amount)).quantize(CENT, rounding=ROUND_HALF_UP)


def amount_text(amount: Decimal) -> str:
    """Two decimals, a point, no thousands separator: '4250.00'."""
    return f"{cents(amount):.2f}"


# --- TARGET2 business days ------------------------------------------------------------------------------------
# A SEPA transfer is carried out on a TARGET2 business day: not on Saturday or Sunday, New Year's Day, Good Friday,
# Easter Monday, 1 May, Christmas Day or 26 December. A requested execution date on another day is moved to the
# next business day by the bank anyway; we move it ourselves, so the stored file says the day it really happens.

def _easter(year: int) -> dt.date:
    """Easter Sunday (Gregorian; the anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lw = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * lw) // 433
    month, day = divmod(h + lw - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def target2_closed(day: dt.date) -> bool:
    if day.weekday() >= 5:
        return True
    easter = _easter(day.year)
    return (day.month, day.day) in {(1, 1), (5, 1), (12, 25), (12, 26)} or day in {
        easter - dt.timedelta(days=2), easter + dt.timedelta(days=1)}


def business_day_from(day: dt.date) -> dt.date:
    """The day itself when TARGET2 is open, else the next day it is."""
    while target2_closed(day):
        day += dt.timedelta(days=1)
    return day


def message_id(on: dt.date, number: int) -> str:
    """'I3ML-20260417-0001': the day the file was made and its number that day. Unique per file."""
    return f"I3ML-{on:%Y%m%d}-{number:04d}"


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str  # travels with the money to the resident's bank statement and back in returns
    amount: Decimal
    name: str
    iban: str
    remittance: str


@dataclass(frozen=True)
class Debtor:
    name: str
    iban: str
    bic: str = ""

    @classmethod
    def from_settings(cls, values: dict) -> "Debtor":
        return cls(name=values["name"], iban=values["iban"].replace(" ", "").upper(), bic=values.get("bic", ""))


def control_sum(transfers: Sequence[Transfer]) -> Decimal:
    """The sum of the amounts exactly as each InstdAmt writes them, so CtrlSum always equals their sum."""
    return sum((cents(t.amount) for t in transfers), Decimal("0.00"))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _path(parent: ET.Element, tags: str, text: str) -> ET.Element:
    """'DbtrAcct/Id/IBAN' → nested elements, the last with text."""
    *outer, last = tags.split("/")
    for tag in outer:
        parent = _sub(parent, tag)
    return _sub(parent, last, text)


def build(*, msg_id: str, created_at: dt.datetime, execution_date: dt.date, debtor: Debtor,
          transfers: Sequence[Transfer]) -> str:
    """The whole file as text (UTF-8 declared). The caller stores it: a download gives these same bytes."""
    if not transfers:
        raise ValueError("a SEPA file needs at least one transfer")
    if not _ID.fullmatch(msg_id) or msg_id.startswith("/"):
        raise ValueError(f"message id {msg_id!r} is not 1 to {MAX_ID} characters of the SEPA set")
    ids = [t.end_to_end_id for t in transfers]
    if len(set(ids)) != len(ids) or not all(_ID.fullmatch(i) and not i.startswith("/") for i in ids):
        raise ValueError("end-to-end ids must be unique, 1 to 35 characters of the SEPA set")
    for transfer in transfers:
        amount = Decimal(transfer.amount)
        if not amount.is_finite() or amount != cents(amount):
            raise ValueError("every transfer is in whole cents")
        if not Decimal("0.01") <= amount <= MAX_AMOUNT:
            raise ValueError(f"every transfer must be for a positive amount of at most {MAX_AMOUNT} euro")
        if not transliterate(transfer.name):
            raise ValueError("every transfer needs the account holder's name in the SEPA set")
    count, total = str(len(transfers)), amount_text(control_sum(transfers))
    debtor_name = transliterate(debtor.name)

    ET.register_namespace("", NAMESPACE)
    document = ET.Element(f"{{{NAMESPACE}}}Document")
    initiation = _sub(document, "CstmrCdtTrfInitn")

    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", msg_id)
    _sub(header, "CreDtTm", created_at.replace(microsecond=0, tzinfo=None).isoformat())
    _sub(header, "NbOfTxs", count)
    _sub(header, "CtrlSum", total)
    _path(header, "InitgPty/Nm", debtor_name)

    info = _sub(initiation, "PmtInf")
    _sub(info, "PmtInfId", msg_id)
    _sub(info, "PmtMtd", "TRF")
    _sub(info, "BtchBookg", "true")
    _sub(info, "NbOfTxs", count)
    _sub(info, "CtrlSum", total)
    _path(info, "PmtTpInf/SvcLvl/Cd", "SEPA")
    _sub(info, "ReqdExctnDt", execution_date.isoformat())
    _path(info, "Dbtr/Nm", debtor_name)
    _path(info, "DbtrAcct/Id/IBAN", debtor.iban)
    if debtor.bic:
        _path(info, "DbtrAgt/FinInstnId/BIC", debtor.bic)
    else:
        _path(info, "DbtrAgt/FinInstnId/Othr/Id", "NOTPROVIDED")
    _sub(info, "ChrgBr", "SLEV")

    for transfer in transfers:
        tx = _sub(info, "CdtTrfTxInf")
        _path(tx, "PmtId/EndToEndId", transfer.end_to_end_id)
        _sub(_sub(tx, "Amt"), "InstdAmt", amount_text(transfer.amount), Ccy="EUR")
        _path(tx, "Cdtr/Nm", transliterate(transfer.name))
        _path(tx, "CdtrAcct/Id/IBAN", transfer.iban)
        _path(tx, "RmtInf/Ustrd", transliterate(transfer.remittance, MAX_REMITTANCE))

    ET.indent(document, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(document, encoding="unicode") + "\n"
