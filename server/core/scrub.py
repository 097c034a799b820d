"""Personal details out of free-text comments: e-mail, phone, IBAN and postcode placeholders.

Pure functions. The patterns are anchored so that what a shop's customers also write —
prices (€ 12,95), dates (12-03-2026), quantities (3 x 250 g), order numbers (#100234,
2026123456) — stays as it was. Names are not recognised: that needs a language model.
"""

from __future__ import annotations

import re

EMAIL = "[email]"
PHONE = "[phone]"
IBAN = "[iban]"
POSTCODE = "[postcode]"

EMAIL_PATTERN = re.compile(
    r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])", re.IGNORECASE)

# An IBAN: two letters, two check digits, then 11-30 letters and digits, written in groups of
# four or in one piece. Dutch ones (NL91 ABNA 0417 1643 00) are the usual case.
IBAN_PATTERN = re.compile(
    r"(?<![\w])[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?![\w])",
    re.IGNORECASE)

# International: +31 6 12345678, +31 (0)20 123 4567, 0031 6 1234 5678, +44 20 7946 0958.
INTERNATIONAL_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)[1-9]\d{0,2}[ .\-]?(?:\(0\)[ .\-]?)?(?:\d[ .\-/]?){6,12}\d(?!\d)")
# Dutch national: 10 digits beginning with 0 and a non-zero digit (06-12345678, 020-1234567),
# optionally with the area code in brackets: (020) 123 4567.
NATIONAL_PHONE = re.compile(
    r"(?<![\w#€$.,/\-])(?:\(0[1-9]\d{0,2}\)[ ]?|0[1-9])(?:[ .\-/]?\d){6,8}(?![\w]|[.,\-/]\d)")

# A Dutch postcode: four digits (not starting with 0) and two letters. Written with a space and
# lower case, the letters must not be a short word or a unit: "in 2025 en", "1000 mg" stay.
POSTCODE_PATTERN = re.compile(r"(?<![\w€$.,#/\-])([1-9]\d{3})( ?)([A-Za-z]{2})(?![\w])")
NOT_POSTCODE_LETTERS = frozenset(
    "en in op of is al te ze we je ik er na om nu zo ja at on to as an it by be do go he me my "
    "no or so up us am pm mg ml kg cm mm km gb mb kb tb st pk kw cl dl ex eu xl ct ss sa sd "
    "uu ca tv pc".split())


def _national_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return PHONE if len(digits) == 10 else match.group(0)


def _postcode(match: re.Match) -> str:
    return match.group(0) if match.group(3).lower() in NOT_POSTCODE_LETTERS else POSTCODE


def scrub(text: str | None) -> str | None:
    """The comment with e-mail addresses, phone numbers, IBANs and postcodes replaced."""
    if not text:
        return text
    text = EMAIL_PATTERN.sub(EMAIL, text)
    text = IBAN_PATTERN.sub(lambda m: IBAN if _is_iban(m.group(0)) else m.group(0), text)
    text = INTERNATIONAL_PHONE.sub(PHONE, text)
    text = NATIONAL_PHONE.sub(_national_phone, text)
    return POSTCODE_PATTERN.sub(_postcode, text)


def _is_iban(candidate: str) -> bool:
    """Whether the candidate passes the IBAN check (ISO 13616 mod 97), so that product codes
    like 'AB12 CDEF 3456' that merely look like one stay."""
    compact = candidate.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1
