"""campaigns/segments.py: SMS segments as carriers count them."""

import pytest

from campaigns.segments import count_segments


@pytest.mark.parametrize(("text", "encoding", "count"), [
    ("", "GSM-7", 0),
    ("Flu shots are in.", "GSM-7", 1),
    ("a" * 160, "GSM-7", 1),
    ("a" * 161, "GSM-7", 2),
    ("a" * 306, "GSM-7", 2),
    ("a" * 307, "GSM-7", 3),
    ("é à ü ñ Ä", "GSM-7", 1),  # in the GSM alphabet
    ("x" * 70 + "😀", "UCS-2", 2),  # an emoji is two UTF-16 units
    ("’" * 70, "UCS-2", 1),  # a curly quote is not GSM
    ("’" * 71, "UCS-2", 2),
    ("’" * 134, "UCS-2", 2),
    ("’" * 135, "UCS-2", 3),
])
def test_segments(text, encoding, count):
    segments = count_segments(text)
    assert (segments.encoding, segments.count) == (encoding, count)


def test_extension_characters_take_two_septets():
    assert count_segments("€" * 80).count == 1
    assert count_segments("€" * 81).count == 2
    assert count_segments("{}").units == 4
