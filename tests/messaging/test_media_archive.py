"""archive_media: copies of MMS media in storage before the provider deletes them
(docs/provider.md, quirk 17)."""

from collections import Counter
from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from messaging.media import BATCH, archive_organization_media
from messaging.models import Media, MediaState
from messaging.tasks import archive_media
from tests.clock import NOW
from tests.messaging.factories import (
    MediaFactory,
    MessagingNumberFactory,
    SmsConnectionFactory,
)
from tests.messaging.provider import answer, error, sent

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x01" * 40
JPG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x02" * 40
GIF = b"GIF89a" + b"\x03" * 40
MP3 = b"ID3\x04\x00\x00" + b"\x04" * 40
PDF = b"%PDF-1.7\n" + b"\x05" * 40


@pytest.fixture(autouse=True)
def _storage(settings, tmp_path, sms):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def media(number):
    return MediaFactory(message__conversation__own_number=number,
                        url="https://media.axion.example/mms/abc.png")


def reloaded(media) -> Media:
    with scopes_disabled():
        return Media.objects.get(pk=media.pk)


def test_media_is_fetched_with_get_mms_media(provider, media):
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    archive_media()
    assert sent(provider, "getMMSMedia")[0]["mediaUrl"] == media.url


def test_media_bytes_are_stored(provider, media, tmp_path):
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    archive_media()
    stored = reloaded(media)
    assert (stored.state, stored.content_type, stored.size, stored.archived_at) == (
        MediaState.ARCHIVED, "image/png", len(PNG), NOW)
    assert (tmp_path / stored.file.name).read_bytes() == PNG


@pytest.mark.parametrize(("content", "content_type"), [
    (JPG, "image/jpeg"), (PNG, "image/png"), (GIF, "image/gif"), (MP3, "audio/mpeg")])
def test_type_is_read_from_the_bytes(provider, media, content, content_type):
    answer(provider, "getMMSMedia", content, content_type="application/octet-stream")
    archive_media()
    assert reloaded(media).content_type == content_type


def test_archived_media_is_not_fetched_again(provider, media):
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    archive_media()
    archive_media()
    assert len(sent(provider, "getMMSMedia")) == 1


def test_media_of_another_type_is_rejected_and_not_stored(provider, media, tmp_path):
    answer(provider, "getMMSMedia", PDF, content_type="application/pdf")
    archive_media()
    stored = reloaded(media)
    assert (stored.state, stored.file.name) == (MediaState.REJECTED, "")
    assert list(tmp_path.rglob("*.*")) == []


def test_media_larger_than_the_limit_is_rejected(provider, media, settings):
    settings.MMS_MEDIA_MAX_BYTES = len(PNG) - 1
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    archive_media()
    assert (reloaded(media).state, reloaded(media).size) == (MediaState.REJECTED, len(PNG))


def test_media_larger_than_the_transport_reads_is_rejected_not_retried(provider, media,
                                                                       settings):
    # The transport stops reading past its cap: fetching it again would stop there again.
    settings.MMS_MEDIA_MAX_BYTES = settings.AXION_MAX_REPLY_BYTES = len(PNG) - 1
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    archive_media()
    assert reloaded(media).state == MediaState.REJECTED


def test_media_the_provider_deleted_is_marked_gone(provider, media):
    answer(provider, "getMMSMedia", error("NOT FOUND"))
    archive_media()
    assert reloaded(media).state == MediaState.GONE


def test_failure_is_retried_in_5_minutes(provider, media):
    answer(provider, "getMMSMedia", "Service Unavailable", status=503,
           content_type="text/plain")
    archive_media()
    stored = reloaded(media)
    assert (stored.state, stored.attempts, stored.next_attempt_at) == (
        MediaState.PENDING, 1, NOW + timedelta(minutes=5))
    assert "will retry" in stored.last_error


def test_each_failure_doubles_the_wait(provider, media, clock):
    answer(provider, "getMMSMedia", "Service Unavailable", status=503,
           content_type="text/plain")
    archive_media()
    clock.shift(timedelta(minutes=5))
    archive_media()
    assert reloaded(media).next_attempt_at == NOW + timedelta(minutes=5 + 10)


def test_media_is_not_fetched_before_its_retry_time(provider, media, clock):
    answer(provider, "getMMSMedia", "Service Unavailable", status=503,
           content_type="text/plain")
    archive_media()
    calls = len(provider.calls)
    clock.shift(timedelta(minutes=4))
    archive_media()
    assert len(provider.calls) == calls


def test_media_is_archived_when_the_provider_is_back(provider, media, clock):
    answer(provider, "getMMSMedia", "Service Unavailable", status=503,
           content_type="text/plain")
    archive_media()
    provider.replace("POST", "https://sms.axion.example/api", body=PNG,
                     content_type="image/png")
    clock.shift(timedelta(minutes=5))
    archive_media()
    assert (reloaded(media).state, reloaded(media).last_error) == (MediaState.ARCHIVED, "")


def test_wait_is_at_most_a_day(provider, media):
    with scopes_disabled():
        Media.objects.filter(pk=media.pk).update(attempts=20)
    answer(provider, "getMMSMedia", "Service Unavailable", status=503,
           content_type="text/plain")
    archive_media()
    assert reloaded(media).next_attempt_at == NOW + timedelta(days=1)


def test_gone_and_rejected_media_are_not_fetched_again(provider, number):
    MediaFactory(message__conversation__own_number=number, state=MediaState.GONE)
    MediaFactory(message__conversation__own_number=number, state=MediaState.REJECTED)
    assert archive_media().startswith("1 organizations done")  # the control: the run ran
    assert len(provider.calls) == 0


def test_a_run_archives_more_than_one_batch(provider, number):
    many = MediaFactory.create_batch(BATCH + 10, message__conversation__own_number=number)
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    archive_media()
    assert {reloaded(m).state for m in many} == {MediaState.ARCHIVED}


def test_a_run_past_its_time_stops_after_a_batch_and_the_next_goes_on(provider, number):
    many = MediaFactory.create_batch(BATCH + 10, message__conversation__own_number=number)
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    assert archive_organization_media(organization=number.organization, deadline=0) == BATCH
    assert archive_organization_media(organization=number.organization) == 10
    assert {reloaded(m).state for m in many} == {MediaState.ARCHIVED}


def test_every_organization_gets_a_batch_when_the_run_is_out_of_time(
        provider, number, other_org, monkeypatch):
    SmsConnectionFactory(organization=other_org)
    theirs = MessagingNumberFactory(organization=other_org, number="+13109549528")
    for own_number in (number, theirs):
        MediaFactory.create_batch(BATCH + 1, message__conversation__own_number=own_number)
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    monkeypatch.setattr("messaging.media.RUN_SECONDS", 0)
    archive_media()
    with scopes_disabled():
        archived = Counter(Media.objects.filter(state=MediaState.ARCHIVED)
                           .values_list("organization_id", flat=True))
    assert archived == {number.organization_id: BATCH, other_org.pk: BATCH}


def test_a_batch_of_failures_ends_the_run(provider, number):
    # Failed media wait for their retry time, so they are not fetched again in this run.
    many = MediaFactory.create_batch(BATCH + 10, message__conversation__own_number=number)
    answer(provider, "getMMSMedia", "Service Unavailable", status=503,
           content_type="text/plain")
    archive_media()
    assert {reloaded(m).attempts for m in many} == {1}
