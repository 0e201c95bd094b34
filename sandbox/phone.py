"""Phone numbers as the sandbox checks and writes them.

The provider's text asks for E.164 wherever it names a format and accepts only US
destinations; the sandbox holds requests to exactly that. Where the text names no format
(getSMS `messagingNumber`), it also takes the bare 11 digits the provider itself writes in
events (docs/provider.md quirk 11).
"""

import re

# +1, then a NANP area code and exchange (neither starts with 0 or 1), then 4 digits.
US_E164 = re.compile(r"\+1[2-9]\d{2}[2-9]\d{6}")


def is_us_e164(value) -> bool:
    return isinstance(value, str) and US_E164.fullmatch(value) is not None


def lenient_us_number(value) -> str | None:
    """E.164 for "+1XXXXXXXXXX", "1XXXXXXXXXX" or "XXXXXXXXXX"; None for anything else."""
    if not isinstance(value, str):
        return None
    digits = value.strip().lstrip("+")
    if len(digits) == 10:
        digits = "1" + digits
    candidate = "+" + digits
    return candidate if is_us_e164(candidate) else None


def is_unreachable(number: str) -> bool:
    """The sandbox's rule for a destination the carrier rejects: it ends in 0000."""
    return number.endswith("0000")
