"""getMMSMedia returns the bytes with their content type; media URLs are not public."""

import struct
import zlib
from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox import media
from tests.sandbox.factories import SandboxMediaFactory, SandboxMessageFactory


@pytest.fixture
def picture(number):
    message = SandboxMessageFactory(number=number)
    return SandboxMediaFactory(message=message, data=media.jpeg_bytes(), content_type="image/jpeg",
                               extension="jpg")


def url_of(item):
    return f"https://portal.example.test/sandbox/media/{item.key}.{item.extension}"


def test_get_mms_media_returns_the_bytes(sms_call, picture):
    response = sms_call("getMMSMedia", mediaUrl=url_of(picture))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response.content == media.jpeg_bytes()


def test_media_of_another_account_is_not_found(sms_call, number):
    stranger = SandboxMediaFactory()
    assert sms_call("getMMSMedia", mediaUrl=url_of(stranger)).json()["ERROR"] == "NOT FOUND"


def test_unknown_media_url_is_not_found(sms_call, number):
    body = sms_call("getMMSMedia", mediaUrl="https://portal.example.test/sandbox/media/x.png")
    assert body.json() == {"RESULT": "ERROR", "ERROR": "NOT FOUND"}


def test_media_older_than_30_days_is_not_found(sms_call, number):
    old = SandboxMessageFactory(number=number, time=timezone.now() - timedelta(days=30, hours=1))
    item = SandboxMediaFactory(message=old)
    assert sms_call("getMMSMedia", mediaUrl=url_of(item)).json()["ERROR"] == "NOT FOUND"


def test_media_url_cannot_be_fetched_directly(client, picture):
    response = client.get(f"/sandbox/media/{picture.key}.jpg")
    assert response.status_code == 403
    assert response.json() == {"RESULT": "ERROR", "ERROR": "NOT ALLOWED"}


def test_sample_png_is_a_valid_png():
    data = media.png_bytes(width=4, height=3)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (4, 3)
    # Every chunk's CRC is right and the pixels inflate to 3 rows of filter byte + 4 RGB.
    length = struct.unpack(">I", data[33:37])[0]
    assert data[37:41] == b"IDAT"
    assert len(zlib.decompress(data[41:41 + length])) == 3 * (1 + 4 * 3)


def test_sample_files_are_recognised_by_their_bytes():
    for name, kind in media.KINDS.items():
        assert media.sniff(media.sample(name)[1]) == kind


def test_sample_jpeg_starts_and_ends_with_its_markers():
    data = media.jpeg_bytes()
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"


def test_unknown_bytes_are_not_recognised():
    assert media.sniff(b"%PDF-1.7") is None
