"""Phone numbers: one spelling for storage and matching (docs/provider.md quirk 11), and
the spelling people read.

The provider writes one number several ways (`+18056421414` in webhooks, `13109549528` as
a messaging number, `18056421414` in faxes) and fax destinations can be short strings such
as `1234`. `normalize_number` turns every valid North American number into E.164
(`+1XXXXXXXXXX`) and keeps anything else as it came, so that values from the provider
always compare equal. `parse_us_number` is the strict version for what people type: it
accepts only valid US numbers and says why it refuses the others. `display_number` writes a
stored number as people read it, `(805) 642-1414`.

The `phonenumbers` library (Google's libphonenumber) decides what a valid number is; the
checks before it only word the reason for a refusal.
"""

import re

import phonenumbers

# Digits with the usual separators: "+1 (805) 642-1414", "805.642.1414", "1-805-642-1414".
_PHONE_CHARACTERS = re.compile(r"\+?[\d\s().\-]+")
NORTH_AMERICA = 1  # the country calling code of the US (and the rest of the NANP)


def _parse(text: str) -> phonenumbers.PhoneNumber:
    """The valid North American number `text` spells; ValueError with the reason, for
    people, if it is not one."""
    if not text:
        raise ValueError("Enter a phone number.")
    # phonenumbers would read letters as a keypad's ("805-CALL-NOW"): people mean digits.
    if not _PHONE_CHARACTERS.fullmatch(text):
        raise ValueError("Enter a phone number with digits only, such as +1 805 642 1414.")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") or len(digits) == 11:
        if not digits.startswith("1") or len(digits) > 11:
            raise ValueError("Only US numbers (country code +1) are supported.")
        digits = digits[1:]
    if len(digits) != 10:
        raise ValueError("A US number has 10 digits (area code and number), "
                         "optionally preceded by 1 or +1.")
    number = phonenumbers.parse(digits, "US")
    if number.country_code != NORTH_AMERICA or not phonenumbers.is_valid_number(number):
        raise ValueError("This is not a valid US number: check its area code and exchange.")
    return number


def normalize_number(text: str) -> str:
    """E.164 (`+1XXXXXXXXXX`) for a US number in any common format; anything else stripped.

    Never raises: a number that is not a US one (a fax extension such as `1234`, a foreign
    number) is returned as it came, without surrounding space.
    """
    stripped = text.strip()
    try:
        return phonenumbers.format_number(_parse(stripped), phonenumbers.PhoneNumberFormat.E164)
    except ValueError:
        return stripped


def parse_us_number(text: str) -> str:
    """The E.164 form of a US number typed by a person; ValueError with a clear reason if
    it is not one."""
    return phonenumbers.format_number(_parse(text.strip()), phonenumbers.PhoneNumberFormat.E164)


def is_us_number(text: str) -> bool:
    """Whether `text` is a valid US number in one of the accepted formats."""
    try:
        _parse(text.strip())
    except ValueError:
        return False
    return True


def display_number(number: str) -> str:
    """A stored number as people read it: `(805) 642-1414` for a US one, the international
    format (`+44 20 7946 0958`) for another valid one, anything else as it is."""
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, "US")
    except phonenumbers.NumberParseException:
        return number
    if not phonenumbers.is_valid_number(parsed):
        return number
    style = (phonenumbers.PhoneNumberFormat.NATIONAL if parsed.country_code == NORTH_AMERICA
             else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    return phonenumbers.format_number(parsed, style)
