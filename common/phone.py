"""Phone numbers: one spelling for storage and matching (docs/provider.md quirk 11).

The provider writes one number several ways (`+18056421414` in webhooks, `13109549528` as
a messaging number, `18056421414` in faxes) and fax destinations can be short strings such
as `1234`. `normalize_number` turns every US number into E.164 (`+1XXXXXXXXXX`) and keeps
anything else as it came, so that values from the provider always compare equal.
`parse_us_number` is the strict version for what users type: it accepts only valid US
numbers and says why it refuses the others.

Both apply the same rule, so `parse_us_number(x) == normalize_number(x)` whenever the first
one succeeds.
"""

import re

# Digits with the usual separators: "+1 (805) 642-1414", "805.642.1414", "1-805-642-1414".
_PHONE_CHARACTERS = re.compile(r"\+?[\d\s().\-]+")
# NANP: area code and exchange start with 2-9; the line number is any four digits.
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}")


def _national_digits(text: str) -> str:
    """The ten national digits of a US number; ValueError with the reason, for users, if the
    text is not one."""
    if not text:
        raise ValueError("Enter a phone number.")
    if not _PHONE_CHARACTERS.fullmatch(text):
        raise ValueError("Enter a phone number with digits only, such as +1 805 642 1414.")
    digits = re.sub(r"\D", "", text)
    has_country_code = text.startswith("+") or len(digits) == 11
    if has_country_code:
        if not digits.startswith("1") or len(digits) > 11:
            raise ValueError("Only US numbers (country code +1) are supported.")
        digits = digits[1:]
    if len(digits) != 10:
        raise ValueError("A US number has 10 digits (area code and number), "
                         "optionally preceded by 1 or +1.")
    if not _NANP.fullmatch(digits):
        raise ValueError("This is not a valid US number: its area code and exchange "
                         "cannot start with 0 or 1.")
    return digits


def normalize_number(text: str) -> str:
    """E.164 (`+1XXXXXXXXXX`) for a US number in any common format; anything else stripped.

    Never raises: a number that is not a US one (a fax extension such as `1234`, a foreign
    number) is returned as it came, without surrounding space.
    """
    stripped = text.strip()
    try:
        return "+1" + _national_digits(stripped)
    except ValueError:
        return stripped


def parse_us_number(text: str) -> str:
    """The E.164 form of a US number typed by a user; ValueError with a clear message if not."""
    return "+1" + _national_digits(text.strip())


def is_us_number(text: str) -> bool:
    """Whether `text` is a valid US number in one of the accepted formats."""
    try:
        _national_digits(text.strip())
    except ValueError:
        return False
    return True
