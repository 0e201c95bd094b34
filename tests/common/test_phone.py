"""Phone numbers (common/phone.py): US numbers to E.164, anything else as it came
(docs/provider.md, quirk 11)."""

import pytest

from common.phone import display_number, is_us_number, normalize_number, parse_us_number

US_FORMATS = [
    "+18056421414", "18056421414", "8056421414", "(805) 642-1414", "805.642.1414",
    "1-805-642-1414", "+1 805 642 1414", " 805-642-1414 ",
]


@pytest.mark.parametrize("text", US_FORMATS)
def test_us_number_in_any_common_format_becomes_e164(text):
    assert normalize_number(text) == "+18056421414"


@pytest.mark.parametrize("text", ["1234", "+442079460958", "0123456789", "sales", "", "805-642"])
def test_anything_else_is_kept_as_it_came(text):
    assert normalize_number(f"  {text} ") == text


@pytest.mark.parametrize("text", US_FORMATS)
def test_parse_accepts_the_same_formats(text):
    assert parse_us_number(text) == normalize_number(text)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "Enter a phone number"),
    ("805-CALL-NOW", "digits only"),
    ("+44 20 7946 0958", "Only US numbers"),
    ("28056421414", "Only US numbers"),
    ("642-1414", "10 digits"),
    ("(055) 642-1414", "not a valid US number"),
    ("(805) 142-1414", "not a valid US number"),
    ("(555) 642-1414", "not a valid US number"),
])
def test_parse_refuses_with_a_clear_reason(text, reason):
    with pytest.raises(ValueError, match=reason):
        parse_us_number(text)


def test_is_us_number_tells_them_apart():
    assert is_us_number("805.642.1414")
    assert not is_us_number("1234")


@pytest.mark.parametrize(("stored", "shown"), [
    ("+13235550187", "(323) 555-0187"),
    ("+442079460958", "+44 20 7946 0958"),
    ("1234", "1234"),
    ("", ""),
    ("not a number", "not a number"),
])
def test_display_number_writes_numbers_as_people_read_them(stored, shown):
    assert display_number(stored) == shown
