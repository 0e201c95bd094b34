"""MMS media, served through the portal to members only: the archived copy first, else
fetched with getMMSMedia; never a redirect to the provider."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled
from requests.exceptions import ConnectionError as RequestsConnectionError

from messaging.models import MediaState, Message
from tests.clock import NOW
from tests.messaging.factories import MediaFactory
from tests.messaging.provider import answer, sent
from tests.messaging.samples import MP3, PNG

pytestmark = pytest.mark.usefixtures("sms", "media_root")


@pytest.fixture
def media(conversation):
    return MediaFactory(message__conversation=conversation,
                        url="https://media.axion.example/mms/abc.png")


@pytest.fixture
def archived(media):
    media.file.save("archived.mp3", ContentFile(MP3), save=False)
    media.state, media.content_type = MediaState.ARCHIVED, "audio/mpeg"
    with scopes_disabled():
        media.save()
    return media


def url(media) -> str:
    return reverse("media", args=[media.pk])


def test_anonymous_is_sent_to_login(client, media):
    response = client.get(url(media))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_outsider_gets_404(outsider_client, archived, provider):
    assert outsider_client.get(url(archived)).status_code == 404
    assert sent(provider, "getMMSMedia") == []


def test_archived_copy_is_served_without_asking_the_provider(viewer_client, archived,
                                                             provider):
    response = viewer_client.get(url(archived))
    assert (response.status_code, response.content, response["Content-Type"]) == (
        200, MP3, "audio/mpeg")
    assert sent(provider, "getMMSMedia") == []


def test_media_is_shown_inline_and_kept_private(viewer_client, archived):
    response = viewer_client.get(url(archived))
    assert response["Content-Disposition"] == "inline"
    assert response["Cache-Control"].startswith("private")


def test_media_not_archived_yet_is_fetched_with_get_mms_media(viewer_client, media, provider):
    answer(provider, "getMMSMedia", PNG, content_type="application/octet-stream")
    response = viewer_client.get(url(media))
    assert (response.status_code, response.content) == (200, PNG)
    assert sent(provider, "getMMSMedia")[0]["mediaUrl"] == media.url


def test_fetched_media_type_is_read_from_its_bytes(viewer_client, media, provider):
    answer(provider, "getMMSMedia", PNG, content_type="application/octet-stream")
    assert viewer_client.get(url(media))["Content-Type"] == "image/png"


def test_provider_failure_is_a_clear_502(viewer_client, media, provider):
    answer(provider, "getMMSMedia", RequestsConnectionError("refused"))
    response = viewer_client.get(url(media))
    assert response.status_code == 502
    assert "Axion could not be reached" in response.content.decode()


def test_media_of_a_deleted_message_is_404(viewer_client, archived, provider):
    with scopes_disabled():
        Message.objects.filter(pk=archived.message_id).update(deleted_at=NOW)
    assert viewer_client.get(url(archived)).status_code == 404
    assert sent(provider, "getMMSMedia") == []
