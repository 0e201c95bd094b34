"""How many SMS segments a text takes, as carriers count (and bill) them.

A text in the GSM 03.38 alphabet travels as 7-bit characters: 160 fit one SMS, and a longer
text is split into parts of 153 (each part carries a header). Characters of the alphabet's
extension table (€ [ ] { } \\ ^ ~ |) take two. Any other character (an emoji, a curly
quote, most accents) turns the whole text into UCS-2: 70 UTF-16 units in one SMS, parts of
67. Which characters are GSM 03.38 is the `gsm0338` package's codec, not a table of ours.
"""

from dataclasses import dataclass

import gsm0338

GSM_SINGLE, GSM_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

_CODEC = gsm0338.Codec()


@dataclass(frozen=True)
class Segments:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int  # SMS parts


def _parts(units: int, single: int, part: int) -> int:
    if units == 0:
        return 0
    if units <= single:
        return 1
    return -(-units // part)


def count_segments(text: str) -> Segments:
    """The encoding, length and number of parts of `text` as an SMS."""
    try:
        septets = len(_CODEC.encode(text)[0])  # an extension character is two bytes
    except UnicodeError:
        units = len(text.encode("utf-16-le")) // 2
        return Segments("UCS-2", units, _parts(units, UCS2_SINGLE, UCS2_PART))
    return Segments("GSM-7", septets, _parts(septets, GSM_SINGLE, GSM_PART))
