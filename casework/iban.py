"""IBAN (ISO 13616): tidy up what a person typed, check it (country, length, layout, mod-97), and show it
masked to everyone but finance and the owner. We pay by SEPA transfer, so only SEPA countries are accepted."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Length per SEPA country (SWIFT IBAN registry). The French overseas departments use FR, Monaco MC.
LENGTHS: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
    "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
    "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
    "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}
# The account part (BBAN) of the countries most residents bank in: a wrong layout is a typing error.
BBAN_LAYOUT: dict[str, re.Pattern] = {
    "NL": re.compile(r"[A-Z]{4}\d{10}"),  # bank code (ABNA, INGB, RABO, ...) and a 10-digit account
    "BE": re.compile(r"\d{12}"),
    "DE": re.compile(r"\d{18}"),
    "FR": re.compile(r"\d{10}[0-9A-Z]{11}\d{2}"),
    "LU": re.compile(r"\d{3}[0-9A-Z]{13}"),
}
EXAMPLE = "NL91 ABNA 0417 1643 00"
_SEPARATORS = re.compile(r"[\s\-.]+")
_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]+")

MESSAGES = {
    "required": _("Vul het IBAN in."),
    "characters": _("Een IBAN bestaat alleen uit letters en cijfers, bijvoorbeeld %(example)s."),
    "start": _("Een IBAN begint met de landcode en twee cijfers, bijvoorbeeld %(example)s."),
    "country": _("Wij kunnen alleen betalen naar een rekening in een SEPA-land. Een Nederlands IBAN begint "
                 "met NL, bijvoorbeeld %(example)s."),
    "length": _("Een IBAN dat begint met %(country)s heeft %(expected)d tekens. Dit IBAN heeft er %(count)d."),
    "layout": _("Het rekeningnummer in dit IBAN klopt niet voor %(country)s. Kijk na of u letters en cijfers "
                "goed hebt overgenomen."),
    "checksum": _("Dit IBAN bestaat niet: de controle klopt niet. Waarschijnlijk is er een teken verkeerd "
                  "overgenomen. Kijk het nummer na op de bankpas of het bankafschrift."),
}


def normalize(value: str | None) -> str:
    """Upper case, without spaces, hyphens or dots: 'nl91 abna-0417.1643 00' → 'NL91ABNA0417164300'."""
    return _SEPARATORS.sub("", value or "").upper()


def _checksum_ok(compact: str) -> bool:
    # ISO 7064 mod 97-10: move the first four to the end, letters to 10..35, the number mod 97 must be 1.
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def validate(value: str | None) -> str:
    """The IBAN in its compact form, or a ValidationError with a sentence a person understands."""
    compact = normalize(value)
    if not compact:
        raise ValidationError(MESSAGES["required"], code="required")
    if not (compact.isascii() and compact.isalnum()):
        raise ValidationError(MESSAGES["characters"], code="characters", params={"example": EXAMPLE})
    if not _SHAPE.fullmatch(compact):
        raise ValidationError(MESSAGES["start"], code="start", params={"example": EXAMPLE})
    country = compact[:2]
    expected = LENGTHS.get(country)
    if expected is None:
        raise ValidationError(MESSAGES["country"], code="country", params={"example": EXAMPLE})
    if len(compact) != expected:
        raise ValidationError(MESSAGES["length"], code="length",
                              params={"country": country, "expected": expected, "count": len(compact)})
    layout = BBAN_LAYOUT.get(country)
    if layout is not None and not layout.fullmatch(compact[4:]):
        raise ValidationError(MESSAGES["layout"], code="layout", params={"country": country})
    if not _checksum_ok(compact):
        raise ValidationError(MESSAGES["checksum"], code="checksum")
    return compact


def is_valid(value: str | None) -> bool:
    try:
        validate(value)
    except ValidationError:
        return False
    return True


def formatted(value: str) -> str:
    """In groups of four, as on a bank card: 'NL91 ABNA 0417 1643 00'. For finance and the owner only."""
    compact = normalize(value)
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def mask(value: str) -> str:
    """Country, check digits and the last four: enough to recognise, not to use (as Payment.iban_masked)."""
    compact = normalize(value)
    return f"{compact[:4]} **** **** {compact[-4:]}" if len(compact) > 8 else "****"
