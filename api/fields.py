"""Fields of what the API reads, each refusing exactly what its OpenAPI schema refuses.

A client generated from the schema validates as the server does only if both read a value
alike, and DRF's own fields are more lenient than the schema they produce: CharField takes
JSON numbers and trims white space before it checks a length, DateTimeField takes times
without an offset and any ISO 8601 spelling, IntegerField takes "5.0" and " 5". These take
what the schema's `string`, `date-time`, `date` and `integer` say, no more.

Patterns are written for Python with \\A and \\Z, which drf-spectacular serves as ^ and $
(Python's $ would also match before a final line break, JSON Schema's does not), and with
explicit character classes: \\d and \\s mean other characters to Python than to a JSON
Schema validator.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone

from django.core.validators import RegexValidator
from rest_framework import serializers
from rest_framework.utils import html

# The largest id of a BigAutoField: a larger one is no id, and no database integer.
LARGEST_ID = 2**63 - 1

# What str.strip() removes: Python's white space, spelt out for the schema's patterns.
_WHITE_SPACE = "".join(f"\\u{ord(c):04x}" for c in map(chr, range(0x10000)) if c.isspace())

# One or more characters: drf-spectacular serves a field that may be blank as oneOf this
# pattern or maxLength 0, and "" must not match both.
NO_NUL = RegexValidator(r"\A[^\x00]+\Z", "Null characters are not allowed.")
HAS_TEXT = RegexValidator(rf"\A[{_WHITE_SPACE}]*[^\x00{_WHITE_SPACE}][^\x00]*\Z",
                          "Write something other than spaces (and no null characters).")
E164_US = RegexValidator(r"\A\+1[2-9][0-9]{2}[2-9][0-9]{6}\Z",
                         "Enter a US number in E.164, such as +18056421414.")


def stripped_length(shortest: int, longest: int, message: str) -> RegexValidator:
    """Text of `shortest` (2 or more) to `longest` characters once the white space around
    it is stripped (str.strip()), without a null character."""
    return RegexValidator(
        rf"\A[{_WHITE_SPACE}]*[^\x00{_WHITE_SPACE}][^\x00]{{{shortest - 2},{longest - 2}}}"
        rf"[^\x00{_WHITE_SPACE}][{_WHITE_SPACE}]*\Z", message)


# Base64 of a file whose first bytes are those common.filetypes.sniff() knows, with line
# breaks between 4-character groups as MIME encoders write them. Each pattern spells the
# groups that the file's first bytes decide, then any whole groups and the padding.
_B64 = "[A-Za-z0-9+/]"
_BREAK = r"(?:\r?\n)?"
_GROUPS = rf"(?:{_BREAK}{_B64}{{4}})*(?:{_BREAK}(?:{_B64}{{2}}==|{_B64}{{3}}=))?{_BREAK}"
BASE64_FILES = {
    # FF D8 FF
    "image/jpeg": rf"\A/9j/{_GROUPS}\Z",
    # 89 50 4E 47 0D 0A | 1A 0A: the third group's third character holds 0A's low nibble.
    "image/png": rf"\AiVBORw0KGg[o-r](?:={_BREAK}|{_B64}{_GROUPS})\Z",
    # GIF87a, GIF89a
    "image/gif": rf"\AR0lGOD[dl]h{_GROUPS}\Z",
    # "ID3", or FF followed by a byte of three high bits (an MPEG frame's sync).
    "audio/mpeg": rf"\A(?:SUQz{_GROUPS}|/[+/](?:{_B64}={_BREAK}|{_B64}{{2}}{_GROUPS}))\Z",
}
BASE64_FILE = RegexValidator(
    "|".join(f"(?:{pattern})" for _, pattern in sorted(BASE64_FILES.items())),
    "Give a jpg, png, gif or mp3 file in base64.")


def schema_pattern(pattern: str) -> str:
    """A pattern of this module as the schema serves it, as drf-spectacular writes a
    field's: for the rules that a serializer states in JSON Schema itself."""
    return pattern.replace(r"\A", "^").replace(r"\Z", "$").replace(r"\x", r"\u00")


class StringField(serializers.CharField):
    """A JSON string, kept as sent, without a null character (or with `validators` of its
    own that say what it takes).

    DRF's CharField also takes numbers, and trims white space before it checks the length,
    so " x" * 200 would pass a maxLength of 255 that a client checks on the string sent.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("trim_whitespace", False)
        kwargs.setdefault("validators", [NO_NUL])
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class _EmptyIsAValue:
    """A query parameter given empty (`?until=`) is a value to check, not one left out, as
    DRF reads an optional field's: the schema's date-time or integer is never empty."""

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return ""
        return super().get_value(dictionary)


class WholeNumberField(_EmptyIsAValue, serializers.IntegerField):
    """The schema's integer: plain digits with an optional minus in a query string, a JSON
    integer in a body. (DRF's takes "5.0", " 5", "+5", "5_0" and other scripts' digits.)"""

    def to_internal_value(self, data):
        if isinstance(data, str) and re.fullmatch(r"-?[0-9]+", data):
            if len(data) > self.MAX_STRING_LENGTH:
                # int() refuses to read more than 4300 digits; say what is wrong first.
                self.fail("max_string_length")
            return int(data)
        if isinstance(data, int) and not isinstance(data, bool):
            return data
        self.fail("invalid")


_RFC_3339 = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<offset_hours>[0-9]{2}):(?P<offset_minutes>[0-9]{2}))")
_FIRST = datetime.min.replace(tzinfo=UTC)
_LAST = datetime.max.replace(tzinfo=UTC)
# A leap year, as year 0 is: the days of year 0 are checked against it.
_LIKE_YEAR_ZERO = 2000


class TimeField(_EmptyIsAValue, serializers.DateTimeField):
    """An RFC 3339 time (the schema's date-time), offset included, read in UTC.

    A time whose instant in UTC is beyond the calendar a datetime holds
    (9999-12-31T23:59:59-05:00, or any of year 0) is read as its first or last instant:
    as the bound of a filter, it means the same. A leap second is the last instant of its
    minute.
    """

    default_error_messages = {
        "invalid": "Datetime has wrong format. Use one of these formats instead: RFC 3339 "
                   "with its offset, such as 2024-03-01T12:00:00Z."}

    def to_internal_value(self, value):
        parts = _RFC_3339.fullmatch(value) if isinstance(value, str) else None
        if parts is None:
            self.fail("invalid")
        numbers = {name: int(parts[name]) for name in
                   ("year", "month", "day", "hour", "minute", "second")}
        if numbers.pop("second") == 60:
            numbers.update(second=59, microsecond=999999)
        else:
            numbers.update(second=int(parts["second"]),
                           microsecond=int((parts["fraction"] or "0")[:6].ljust(6, "0")))
        offset = timedelta()
        if not parts["utc"]:
            hours, minutes = int(parts["offset_hours"]), int(parts["offset_minutes"])
            if hours > 23 or minutes > 59:
                self.fail("invalid")
            offset = timedelta(hours=hours, minutes=minutes)
            if parts["sign"] == "-":
                offset = -offset
        year = numbers.pop("year")
        try:
            wall = datetime(year or _LIKE_YEAR_ZERO, **numbers, tzinfo=timezone(offset))
        except ValueError:
            self.fail("invalid")
        if year == 0:
            return _FIRST
        try:
            return wall.astimezone(UTC)
        except OverflowError:
            return _FIRST if year == 1 else _LAST


class DayField(_EmptyIsAValue, serializers.DateField):
    """A day as the schema's date: YYYY-MM-DD only (DRF's also takes 20240301 and
    2024-W09-5). Year 0, which the format allows and a date does not hold, is read as the
    first day a date holds."""

    def to_internal_value(self, value):
        parts = (re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
                 if isinstance(value, str) else None)
        if parts is None:
            self.fail("invalid", format="YYYY-MM-DD")
        year, month, day = (int(part) for part in parts.groups())
        try:
            read = date(year or _LIKE_YEAR_ZERO, month, day)
        except ValueError:
            self.fail("invalid", format="YYYY-MM-DD")
        return read if year else date.min
