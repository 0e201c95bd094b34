"""Scheduled sends: sending them at their time, changing and cancelling them before.

A scheduled send is a Message in status SCHEDULED with its `send_at` (send_message with
`send_at` records it, its attachment already in storage). It does not move its
conversation's preview or place in the inbox until it is sent. Every change of state is one
compare-and-set UPDATE "where still SCHEDULED": the job's claim (to SENDING), a cancel, an
edit, a failure for lateness or an opt-out. Whichever comes first wins and the others find
nothing to do, so two job clusters, a task run twice, a restart in the middle or a cancel
racing the claim never send one message twice, nor send a cancelled one.
"""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from common.phone import display_number
from messaging.models import Media, Message, MessageStatus
from messaging.send_times import check_send_time
from messaging.sending import (
    MAX_TEXT_LENGTH,
    _emit_send_status,
    _hand_to_provider,
    _touch,
    stored_attachment,
)
from messaging.team import mark_changed
from optouts.services import opted_out_numbers

log = logging.getLogger(__name__)

# Messages one run hands over per organization; the rest wait for the next minute's run.
BATCH = 200


class NotScheduled(Exception):
    """The message is no longer scheduled: sent (or being sent), failed or cancelled."""


def _still_scheduled(message: Message):
    return Message.objects.filter(pk=message.pk, status=MessageStatus.SCHEDULED,
                                  deleted_at=None)


def _gone(message: Message) -> NotScheduled:
    return NotScheduled("This message is no longer scheduled: it has been sent, is being "
                        "sent, failed or was cancelled.")


def cancel_scheduled(*, message: Message, user: User | None, actor_label: str = "",
                     ip: str | None = None) -> None:
    """Cancel a scheduled send: it is never handed over. It stays in its conversation as a
    cancelled message without its text (deleted_at), its stored attachment removed.
    NotScheduled when the job claimed it first (or it was cancelled already)."""
    organization = message.organization
    now = timezone.now()
    with organization_scope(organization):
        if not _still_scheduled(message).update(deleted_at=now, text="", updated_at=now):
            raise _gone(message)
        mark_changed([message.conversation_id], now)
        for media in Media.objects.filter(message=message):
            if media.file:
                media.file.delete(save=False)
        Media.objects.filter(message=message).delete()
    audit(organization=organization, action="message.schedule_cancelled", actor=user,
          actor_label=actor_label, target=",".join(message.destinations)[:300], ip=ip,
          detail={"uuid": message.uuid, "send_at": message.send_at.isoformat()})


def change_scheduled(*, message: Message, user: User | None, text: str | None = None,
                     send_at: datetime | None = None, actor_label: str = "",
                     ip: str | None = None) -> Message:
    """Change a scheduled send's text and/or time (None: kept); the message as it is now.
    ValidationError for a bad text or time, NotScheduled when it is no longer scheduled."""
    values = {}
    if text is not None:
        text = text.strip()
        if len(text) > MAX_TEXT_LENGTH:
            raise ValidationError({"text": f"At most {MAX_TEXT_LENGTH} characters."})
        if not text:
            with organization_scope(message.organization):
                has_media = Media.objects.filter(message=message).exists()
            if not has_media:
                raise ValidationError({"text": "Write a message: it has no attachment."})
        values["text"] = text
    if send_at is not None:
        values.update(send_at=check_send_time(send_at), sent_at=send_at)
    if not values:
        return message
    now = timezone.now()
    with organization_scope(message.organization):
        if not _still_scheduled(message).update(updated_at=now, **values):
            raise _gone(message)
        mark_changed([message.conversation_id], now)
        changed = Message.objects.get(pk=message.pk)
    audit(organization=message.organization, action="message.schedule_changed", actor=user,
          actor_label=actor_label, target=",".join(message.destinations)[:300], ip=ip,
          detail={"uuid": message.uuid, "send_at": changed.send_at.isoformat(),
                  "changed": sorted(name for name in values if name != "sent_at")})
    return changed


def due_organizations(now: datetime) -> list[int]:
    """Ids of the organizations with a scheduled send due (the partial index's read)."""
    with scopes_disabled():
        return sorted(set(Message.objects.filter(status=MessageStatus.SCHEDULED,
                                                 deleted_at=None, send_at__lte=now)
                          .values_list("organization_id", flat=True)))


def send_due_messages(*, organization: Organization, now: datetime | None = None) -> int:
    """Hand over the organization's scheduled sends whose time has come (oldest first, at
    most BATCH); fail those too late or to a number that opted out meanwhile. Returns how
    many it settled this way."""
    now = now or timezone.now()
    with organization_scope(organization):
        due = list(Message.objects.filter(status=MessageStatus.SCHEDULED, deleted_at=None,
                                          send_at__lte=now)
                   .select_related("organization", "sender_user", "conversation__own_number")
                   .order_by("send_at", "id")[:BATCH])
    handled = 0
    for message in due:
        try:
            handled += _send_scheduled(message, now)
        except Exception:  # noqa: BLE001 - one message must not keep the others waiting
            log.exception("scheduled message %s could not be sent", message.pk)
    return handled


def _send_scheduled(message: Message, now: datetime) -> bool:
    late = now - message.send_at
    if late > timedelta(minutes=settings.SCHEDULED_SEND_MAX_LATE_MINUTES):
        minutes = int(late.total_seconds() // 60)
        return _fail(message, now, f"Not sent: its time passed {minutes} minutes ago while "
                                   "the portal's jobs were stopped.")
    # Read just before its claim: a STOP that came while earlier ones were sent counts.
    opted_out = opted_out_numbers(organization=message.organization,
                                  numbers=message.destinations)
    refused = [n for n in message.destinations if n in opted_out]
    if refused:
        return _fail(message, now, "Not sent: " + ", ".join(display_number(n) for n in refused)
                     + " opted out of this organization's messages.")
    own = message.conversation.own_number
    sender = message.sender_user
    if sender is not None and not own.may_send(sender):
        return _fail(message, now, f"Not sent: {sender.get_username()} may no longer send "
                                   f"from {display_number(own.number)}.")
    try:
        attachment = stored_attachment(message)
    except ValidationError as error:
        return _fail(message, now, "Not sent: " + " ".join(error.message_dict["media"]))
    # The claim: whoever moves it from SCHEDULED sends it; everyone else finds nothing.
    with organization_scope(message.organization):
        if not _still_scheduled(message).update(status=MessageStatus.SENDING, sent_at=now,
                                                updated_at=now):
            return False
        message.status, message.sent_at = MessageStatus.SENDING, now
        _touch(message)  # now it moves its conversation: preview and place in the inbox
    _hand_to_provider(message, own, attachment)
    audit(organization=message.organization, action="message.sent", actor=message.sender_user,
          actor_label="" if message.sender_user else "scheduled send",
          target=",".join(message.destinations)[:300],
          detail={"from": own.number, "status": message.status, "scheduled": True,
                  "media": attachment.content_type if attachment else ""})
    return True


def _fail(message: Message, now: datetime, reason: str) -> bool:
    """FAILED with `reason`, nothing handed over, if it is still scheduled."""
    values = {"status": MessageStatus.FAILED, "status_reason": reason[:300], "updated_at": now}
    with organization_scope(message.organization):
        with transaction.atomic():
            if not _still_scheduled(message).update(**values):
                return False
            _emit_send_status(message, values, MessageStatus.SCHEDULED, message.uuid)
        mark_changed([message.conversation_id], now)
    return True

