"""The media archive: copies of MMS media in Django's storage before the provider deletes
them (30 days after the message, docs/provider.md quirk 17), served to members from there."""

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

import axion
from accounts.models import Organization
from accounts.tenancy import organization_scope
from axion.errors import AxionError, NoConnection, NotFound, ReplyTooLarge
from axion.sms import SmsClient
from common.filetypes import MMS_TYPES, sniff
from messaging.models import Media, MediaState
from messaging.services import sms_connection

log = logging.getLogger(__name__)

BATCH = 50
# A run of the job goes on, a batch at a time, until nothing is due or this much time has
# passed: well inside the job timeout (Q_TIMEOUT); the next run goes on from there.
RUN_SECONDS = 60


def retry_delay(attempts: int) -> timedelta:
    """5 minutes, doubling with each failed attempt, at most a day."""
    return min(timedelta(minutes=5) * 2 ** max(attempts - 1, 0), timedelta(days=1))


def archive_organization_media(*, organization: Organization, now: datetime | None = None,
                               deadline: float | None = None) -> int:
    """Archive the organization's due media: one batch, then more until none is due or the
    run's `deadline` (time.monotonic()) has passed; returns how many were archived.

    A busy organization receives more media per run interval than one batch: stopping after
    a batch would let the backlog grow until the provider deletes what was never archived.
    Every organization gets its first batch, whatever the others took.
    """
    now = now or timezone.now()
    if deadline is None:
        deadline = time.monotonic() + RUN_SECONDS
    connection = sms_connection(organization)
    if connection is None:
        return 0
    archived = 0
    with axion.client_for(connection) as client:
        while True:
            # Every media of a batch leaves the due set: archived, gone, rejected, or due
            # again only after its retry delay.
            with organization_scope(organization):
                due = list(Media.objects.filter(state=MediaState.PENDING,
                                                next_attempt_at__lte=now)
                           .order_by("next_attempt_at", "id")[:BATCH])
            for media in due:
                archived += archive_one(media=media, client=client, now=now)
            if len(due) < BATCH or time.monotonic() >= deadline:
                return archived


def archive_one(*, media: Media, client: SmsClient, now: datetime) -> int:
    try:
        fetched = client.get_media(media.url)
    except NotFound:
        _update(media, state=MediaState.GONE, last_error="The provider no longer has it.")
        return 0
    except ReplyTooLarge:
        # The transport stopped reading at its cap, as it would again on every retry.
        _update(media, state=MediaState.REJECTED, last_error="Larger than the portal keeps.")
        return 0
    except AxionError as error:
        attempts = media.attempts + 1
        _update(media, attempts=attempts, next_attempt_at=now + retry_delay(attempts),
                last_error=f"{type(error).__name__}: will retry"[:300])
        return 0
    content_type = sniff(fetched.content)
    if content_type is None or len(fetched.content) > settings.MMS_MEDIA_MAX_BYTES:
        _update(media, state=MediaState.REJECTED, size=len(fetched.content),
                last_error="Not a jpg, png, gif or mp3 file, or too large.")
        return 0
    name = f"{media.organization_id}-{media.message_id}-{media.position}.{MMS_TYPES[content_type]}"
    media.file.save(name, ContentFile(fetched.content), save=False)
    _update(media, state=MediaState.ARCHIVED, file=media.file.name, content_type=content_type,
            size=len(fetched.content), archived_at=now, last_error="")
    return 1


def _update(media: Media, **values) -> None:
    with organization_scope(media.organization):
        Media.objects.filter(pk=media.pk).update(**values)


def media_bytes(*, media: Media) -> tuple[bytes, str]:
    """The media's bytes and type for a member: the archived copy first, else the provider.

    Raises AxionError when the provider cannot give it.
    """
    if media.state == MediaState.ARCHIVED and media.file:
        with media.file.open("rb") as handle:
            return handle.read(), media.content_type
    connection = sms_connection(media.organization)
    if connection is None:
        raise NoConnection("This organization has no SMS connection to fetch the media with: "
                           "an admin can add one under Connections.")
    with axion.client_for(connection, interactive=True) as client:
        fetched = client.get_media(media.url)
    return fetched.content, sniff(fetched.content) or "application/octet-stream"


