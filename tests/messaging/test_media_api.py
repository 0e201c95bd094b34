"""GET /api/v1/messages/{uuid}/media/{n}/: the bytes of a media file, with their type."""

import pytest
import requests
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from messaging.models import MediaState
from tests.api.helpers import error_of
from tests.messaging.factories import MediaFactory, MessageFactory
from tests.messaging.provider import answer, error, sent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32


@pytest.fixture
def message(number):
    return MessageFactory(conversation__own_number=number, uuid="mms-1")


def url(message, position=0):
    return f"/api/v1/messages/{message.uuid}/media/{position}/"


def test_an_archived_file_is_served_from_the_archive(provider, message, api):
    name = default_storage.save("mms/a.gif", ContentFile(GIF))
    MediaFactory(message=message, content_type="image/gif", state=MediaState.ARCHIVED,
                 file=name)
    response = api.get(url(message))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content == GIF
    assert len(provider.calls) == 0


def test_a_file_not_archived_yet_is_fetched_from_the_provider(provider, sms, message, api):
    MediaFactory(message=message, url="https://media.axion.example/mms/a.png")
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    response = api.get(url(message))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content == PNG
    assert sent(provider, "getMMSMedia")[0]["mediaUrl"] == "https://media.axion.example/mms/a.png"


def test_the_type_comes_from_the_bytes_whatever_the_client_accepts(provider, sms, message, api):
    MediaFactory(message=message)
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    response = api.get(url(message), headers={"Accept": "image/png"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"


def test_a_provider_failure_is_502(provider, sms, message, api):
    MediaFactory(message=message)
    answer(provider, "getMMSMedia", error("SOMETHING BROKE"))
    response = api.get(url(message))
    assert response.status_code == 502
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "provider_error"


def test_a_provider_timeout_is_504(provider, sms, message, api):
    MediaFactory(message=message)
    answer(provider, "getMMSMedia", requests.ReadTimeout("read timed out"))
    assert api.get(url(message)).status_code == 504


def test_a_file_the_provider_no_longer_has_is_404(provider, sms, message, api):
    MediaFactory(message=message)
    answer(provider, "getMMSMedia", {"RESULT": "NOT FOUND"})
    response = api.get(url(message))
    assert response.status_code == 404
    assert "no longer" in error_of(response)["message"]


def test_without_an_sms_connection_it_is_409(message, api):
    MediaFactory(message=message)
    assert api.get(url(message)).status_code == 409


def test_no_file_at_this_position_is_404(message, api):
    MediaFactory(message=message, position=0)
    assert api.get(url(message, 1)).status_code == 404


def test_the_media_of_a_deleted_message_is_404(number, api):
    deleted = MessageFactory(conversation__own_number=number, deleted_at=timezone.now())
    MediaFactory(message=deleted)
    assert api.get(url(deleted)).status_code == 404


def test_the_media_of_another_organization_is_404(other_org, provider, api):
    theirs = MessageFactory(conversation__own_number__organization=other_org)
    MediaFactory(message=theirs)
    assert api.get(url(theirs)).status_code == 404
    assert len(provider.calls) == 0


def test_a_send_only_key_cannot_read_media(message, sender_only):
    MediaFactory(message=message)
    assert sender_only.get(url(message)).status_code == 403
