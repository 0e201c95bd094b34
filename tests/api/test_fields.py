"""api/fields.py: what the API reads refuses exactly what its OpenAPI schema says it
refuses, so that a client generated from the schema validates as the server does.

The patterns are checked against a JSON Schema validator (the Rust one schemathesis uses)
on generated strings; the times and days against the validator's `date-time` and `date`
formats; the files' patterns against the portal's own sniffing of their bytes.
"""

import base64
import re
from datetime import UTC, datetime
from functools import cache

import jsonschema_rs
import pytest
from drf_spectacular.generators import SchemaGenerator
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from api import fields
from common.filetypes import MMS_TYPES, sniff

# Deterministic, and quick enough for every run of the suite.
EXAMPLES = settings(max_examples=150, derandomize=True, deadline=None, database=None)


@cache
def served_patterns() -> list[str]:
    """Every `pattern` of the schema the portal serves."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SchemaGenerator().get_schema(request=None, public=True))
    return sorted(set(found))


def as_the_server_reads_it(pattern: str) -> re.Pattern:
    """A served pattern as the server's validators write it: each ^ and $ outside a
    character class as \\A and \\Z (Python's $ also matches before a final line break,
    JSON Schema's does not)."""
    python, escaped, in_class = [], False, False
    for character in pattern:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == "[":
            in_class = True
        elif character == "]":
            in_class = False
        elif not in_class and character in "^$":
            character = r"\A" if character == "^" else r"\Z"
        python.append(character)
    return re.compile("".join(python))


def near(pattern: re.Pattern) -> st.SearchStrategy[str]:
    """Strings that match `pattern`, the same with a character added or dropped, and any
    text at all."""
    matching = st.from_regex(pattern, fullmatch=True)
    return st.one_of(
        matching,
        st.tuples(matching, st.sampled_from(["\n", "\r\n", " ", "\x00", "\u3000", "=", "x"]),
                  st.integers(0, 40)).map(lambda t: t[0][:t[2]] + t[1] + t[0][t[2]:]),
        matching.map(lambda s: s[1:]),
        st.text(),
    )


@pytest.mark.parametrize("validator", [fields.NO_NUL, fields.HAS_TEXT, fields.E164_US,
                                       fields.BASE64_FILE])
def test_the_servers_patterns_are_served(validator):
    assert fields.schema_pattern(validator.regex.pattern) in served_patterns()


def test_each_files_pattern_is_served():
    for pattern in fields.BASE64_FILES.values():
        assert fields.schema_pattern(pattern) in served_patterns()


@pytest.mark.parametrize("pattern", served_patterns(), ids=lambda pattern: pattern[:40])
def test_a_served_pattern_means_the_same_to_the_server_and_to_a_client(pattern):
    client = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    server = as_the_server_reads_it(pattern)

    @given(near(server))
    @EXAMPLES
    def agree(text):
        assert bool(server.search(text)) == client.is_valid(text), repr(text)

    agree()


@given(st.text())
@EXAMPLES
def test_has_text_means_something_is_left_once_stripped(text):
    text = text.replace("\x00", "")
    assert bool(fields.HAS_TEXT.regex.search(text)) == bool(text.strip())


@given(st.one_of(st.binary(max_size=40),
                 st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a",
                                  b"ID3", b"\xff\xe0", b"\xff\xfb"]).flatmap(
                     lambda head: st.binary(max_size=40).map(head.__add__))),
       st.booleans())
@EXAMPLES
def test_a_file_pattern_matches_the_base64_of_exactly_the_files_of_its_type(content, wrapped):
    encoded = (base64.encodebytes(content) if wrapped else base64.b64encode(content)).decode()
    for content_type in MMS_TYPES:
        matches = bool(re.search(fields.BASE64_FILES[content_type], encoded))
        assert matches == (sniff(content) == content_type), (content_type, encoded)


def read(field: serializers.Field, value):
    """What the field makes of `value`, or None when it refuses it."""
    try:
        return field.run_validation(value)
    except serializers.ValidationError:
        return None


# RFC 3339 times, and near misses: other separators, missing parts, out-of-range numbers.
TIMES = st.from_regex(
    r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2})?"
    r"(\.[0-9]{0,9})?([Zz]|[+-][0-9]{2}:?[0-9]{2}|-00:00)?\Z")


@given(st.one_of(TIMES, st.text(max_size=30)))
@EXAMPLES
def test_a_time_is_read_when_it_is_a_date_time_to_a_client(text):
    client = jsonschema_rs.validator_for({"type": "string", "format": "date-time"},
                                         validate_formats=True)
    assert (read(fields.TimeField(), text) is not None) == client.is_valid(text), repr(text)


DAYS = st.from_regex(r"\A[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\Z")


@given(st.one_of(DAYS, st.dates().map(str), st.text(max_size=12)))
@EXAMPLES
def test_a_day_is_read_when_it_is_a_date_to_a_client(text):
    client = jsonschema_rs.validator_for({"type": "string", "format": "date"},
                                         validate_formats=True)
    assert (read(fields.DayField(), text) is not None) == client.is_valid(text), repr(text)


def test_a_time_is_read_in_utc():
    assert read(fields.TimeField(), "2024-03-01T07:00:00.5-05:00") == datetime(
        2024, 3, 1, 12, 0, 0, 500000, tzinfo=UTC)


@pytest.mark.parametrize("text, moment", [
    ("9999-12-31T23:59:59-05:00", datetime.max.replace(tzinfo=UTC)),
    ("0001-01-01T00:00:00+05:00", datetime.min.replace(tzinfo=UTC)),
    ("0000-06-15T12:00:00Z", datetime.min.replace(tzinfo=UTC)),
])
def test_a_time_beyond_the_calendar_is_its_first_or_last_instant(text, moment):
    assert read(fields.TimeField(), text) == moment


def test_a_leap_second_is_the_last_instant_of_its_minute():
    assert read(fields.TimeField(), "2016-12-31T23:59:60Z") == datetime(
        2016, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


@pytest.mark.parametrize("value", ["5.0", " 5", "+5", "5_0", "\u0665", "", "1e3", 5.0, True])
def test_a_whole_number_is_digits_or_a_json_integer(value):
    assert read(fields.WholeNumberField(), value) is None


@pytest.mark.parametrize("value, number", [("42", 42), ("-7", -7), ("007", 7), (42, 42)])
def test_a_whole_number_is_read(value, number):
    assert read(fields.WholeNumberField(), value) == number


def test_a_whole_number_of_a_thousand_digits_is_refused_not_parsed():
    assert read(fields.WholeNumberField(max_value=10), "9" * 5000) is None


@pytest.mark.parametrize("value", [42, 4.2, True, None, ["x"], {"x": 1}])
def test_a_string_field_takes_only_a_string(value):
    assert read(fields.StringField(), value) is None


def test_a_string_field_keeps_white_space():
    assert read(fields.StringField(), " order 17 ") == " order 17 "
