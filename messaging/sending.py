"""Sending and deleting messages, for the composer and the API alike.

A send is recorded before the provider is asked (status SENDING), so it shows at once and nothing
is lost if the process dies; the provider's answer turns it QUEUED with its uuid. `sendSMS` is not
idempotent upstream (docs/provider.md quirk 16): a send whose answer was lost is UNKNOWN and is
reconciled with getSMS, never repeated blindly; so is a send left SENDING by a process that died.
A repeated submission with the same idempotency key finds the first send instead of sending again:
its messages once they have an outcome, SendInProgress while they have none, and
IdempotencyKeyReused when the submission asks for another message than the first did.

A send with `send_at` is recorded SCHEDULED, with its attachment in storage, and handed over
at its time by the send_scheduled_messages job (messaging/scheduling.py). A FAILED message
is sent again as a new message linked to it (`resend_message`).

`send_batch` is the bulk form for campaigns: the same rules, the database work once per
batch instead of once per message.
"""

import base64
import copy
import uuid as uuid_module
from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

import axion
from accounts.models import Organization, Role, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from axion.errors import AxionError, NoConnection, OutcomeUnknown
from axion.sms import FILE_TOO_LARGE, MAX_FILE_BYTES, SmsClient
from axion.wording import describe_provider_error
from common.bulk import update_rows
from common.filetypes import MMS_TYPES, sniff
from common.phone import parse_us_number
from events import payloads as event_payloads
from events.services import emit, emit_many
from messaging.idempotency import (
    IdempotencyKeyReused,
    SendInProgress,
    check_earlier_send,
    check_earlier_sends,
    request_digest,
)
from messaging.ingest import (
    apply_waiting_events,
    conversation_preview,
    participants_key,
    refresh_preview,
)
from messaging.models import (
    Conversation,
    Direction,
    Media,
    MediaState,
    Message,
    MessageStatus,
    MessagingNumber,
)
from messaging.send_times import check_send_time
from messaging.services import sms_connection
from messaging.team import mark_changed
from messaging.webhooks import redact_message_events
from optouts.services import OptedOut, opt_outs_of, refuse_opted_out

MAX_TEXT_LENGTH = 1600
LOCAL_PREFIX = "local-"


@dataclass
class Attachment:
    content: bytes
    content_type: str


def check_attachment(content: bytes) -> Attachment:
    """The attachment if it is a jpg, png, gif or mp3 the provider takes, by its content."""
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError({"media": FILE_TOO_LARGE})
    content_type = sniff(content)
    if content_type is None:
        raise ValidationError({"media": "Only jpg, png, gif and mp3 files can be sent."})
    return Attachment(content=content, content_type=content_type)


def parse_destinations(values: list[str]) -> list[str]:
    """E.164 numbers of the recipients, without repeats; ValidationError naming the bad one."""
    numbers = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            number = parse_us_number(value)
        except ValueError as error:
            raise ValidationError({"to": f"{value}: {error}"}) from error
        if number not in numbers:
            numbers.append(number)
    if not numbers:
        raise ValidationError({"to": "Enter at least one recipient."})
    return numbers


def sendable_number(*, organization: Organization, user: User | None,
                    number: str) -> MessagingNumber:
    """The organization's number `number` if `user` may send from it. Without a user (an
    API key acts for the organization), any number of the organization."""
    with organization_scope(organization):
        own = MessagingNumber.objects.filter(number=number).first()
    if own is None:
        raise ValidationError({"from": f"{number} is not a number of this organization."})
    if user is not None and not own.may_send(user):
        raise PermissionDenied(f"You may not send from {own.number}.")
    own.organization = organization  # the caller's: no query to read it again
    return own


def _conversation(organization: Organization, own: MessagingNumber,
                  to: list[str]) -> Conversation:
    key = participants_key(own.number, to)
    conversation, _ = Conversation.objects.get_or_create(
        organization=organization, own_number=own, participants=key)
    return conversation


def send_message(*, organization: Organization, user: User | None, own_number: str,
                 to: list[str], text: str, attachment: Attachment | None = None,
                 idempotency_key: str = "", client_reference: str = "",
                 actor_label: str = "", ip: str | None = None,
                 group: bool = False, send_at: datetime | None = None,
                 resent_from: Message | None = None,
                 confirming_opt_out: bool = False,
                 client: SmsClient | None = None) -> list[Message]:
    """Send one message to each recipient (each in its own conversation); returns them.
    With `group` (a reply in a group conversation), one message to all of them together.
    With `send_at` (aware, in the future), the messages are SCHEDULED for that time instead;
    `resent_from` is the failed message they send again.
    `client`: an open SMS client of the organization's connection to send with, left open
    (a bulk send keeps one for many sends: one login, one connection pool); without it,
    each call opens its own for a person waiting (one attempt, a short timeout).

    Raises ValidationError for bad input, optouts.services.OptedOut (nothing sent) when a
    recipient opted out, and PermissionDenied for a number the user may not use. Provider
    failures do not raise: they are the returned messages' status.

    `confirming_opt_out` is for one send only: the confirmation that carriers require in
    answer to STOP (optouts.tasks), which goes to the number that just opted out. It is
    never set by a page or the API, and it refuses anything but that send: one recipient,
    no member, no attachment, no group (ValueError).
    """
    text = _checked_text(text, attachment)
    if send_at is not None:
        check_send_time(send_at)
        if sms_connection(organization) is None:
            raise ValidationError({"send_at": NO_CONNECTION})
    destinations = parse_destinations(to)
    own = sendable_number(organization=organization, user=user, number=own_number)
    if confirming_opt_out:
        if user is not None or attachment is not None or group or len(destinations) != 1:
            raise ValueError("confirming_opt_out is only the opt-out confirmation: one "
                             "recipient, no member, no attachment, no group.")
    else:
        refuse_opted_out(organization=organization, numbers=destinations)
    batches = [destinations] if group else [[n] for n in destinations]
    keys = [f"{idempotency_key}:{batch[0]}" if idempotency_key else "" for batch in batches]
    digest = request_digest(own_number=own.number, destinations=destinations, text=text,
                            media=attachment.content if attachment else None,
                            client_reference=client_reference,
                            group=group, send_at=send_at) if idempotency_key else ""
    with organization_scope(organization):
        check_earlier_sends(keys, digest)
    sent = []
    for batch, key in zip(batches, keys, strict=True):
        message, created = _record_send(organization, own, batch, text, user, key, digest,
                                        client_reference, send_at=send_at,
                                        resent_from=resent_from)
        if not created:
            # The same key at the same moment from another request, which sends it.
            check_earlier_send(message, digest)
        if created and send_at is not None:
            _keep_scheduled(message, attachment, actor_label=actor_label, ip=ip)
            sent.append(message)
            continue
        if created:
            _hand_to_provider(message, own, attachment, client)
            audit(organization=organization, action="message.sent", actor=user,
                  actor_label=actor_label, target=",".join(batch)[:300], ip=ip,
                  detail={"from": own.number, "status": message.status,
                          "media": attachment.content_type if attachment else ""})
        sent.append(message)
    return sent


@dataclass
class BatchSend:
    """One message of a batch: its one recipient (E.164), its text, its idempotency key
    (send_batch normalises the first two in place)."""

    to: str
    text: str
    idempotency_key: str


@dataclass
class BatchResult:
    """What became of one send of a batch: its message (sent now, or the earlier send of
    its idempotency key, which may have no outcome yet), or why nothing was sent
    (`refused`: OptedOut, IdempotencyKeyReused or ValidationError)."""

    send: BatchSend
    message: Message | None = None
    refused: Exception | None = None


def send_batch(*, organization: Organization, own_number: str, sends: list[BatchSend],
               client: SmsClient | None, attachment: Attachment | None = None,
               actor_label: str = "", audit_target: str = "",
               pace: Callable[[], None] | None = None) -> list[BatchResult]:
    """Send many one-recipient messages for the organization (no member: a bulk send), with
    the rules of send_message and its database work done once for the whole batch: opted-out
    recipients refused before the provider is asked, a key sent before answered with its
    first send, every message recorded SENDING (in bulk) before the provider calls, one
    sendSMS each through `client` (`pace` called before each), then the outcomes written
    together where the rows still have none, one message.status_changed each, and one
    audit entry for the batch (`actor_label`, `audit_target`). Rare conflicts (the same key
    sent at the same moment elsewhere, the provider's copy stored first by a webhook) take
    send_message's path one message at a time.

    A process that dies amid the provider calls leaves the rest of its batch SENDING: like
    any send left SENDING, they are reconciled (found at the provider, else failed), and
    their keys keep them from being sent again."""
    own = sendable_number(organization=organization, user=None, number=own_number)
    media = attachment.content if attachment else None
    results = [BatchResult(send=send) for send in sends]
    digests = {}
    for result in results:
        send = result.send
        try:
            send.text = _checked_text(send.text, attachment)
            send.to = parse_destinations([send.to])[0]
        except ValidationError as error:
            result.refused = error
            continue
        digests[send.idempotency_key] = request_digest(
            own_number=own.number, destinations=[send.to], text=send.text, media=media,
            client_reference="", group=False) if send.idempotency_key else ""
    waiting = [r for r in results if r.refused is None]
    opted = opt_outs_of(organization=organization, numbers=[r.send.to for r in waiting])
    with organization_scope(organization):
        earlier = {m.idempotency_key: m for m in Message.objects.filter(
            idempotency_key__in=[r.send.idempotency_key for r in waiting
                                 if r.send.idempotency_key])}
    for result in waiting:
        key = result.send.idempotency_key
        if result.send.to in opted:
            result.refused = OptedOut([result.send.to], [opted[result.send.to]])
        elif key in earlier:
            _answer_with_earlier(result, earlier[key], digests[key])
    to_send = [r for r in waiting if r.refused is None and r.message is None]
    if not to_send:
        return results
    recorded = _record_batch(organization, own, to_send, digests)
    opened = nullcontext(client) if client is not None else _client_of(organization)
    with opened as sender:
        file_b64 = _file_b64(attachment)
        outcomes = []
        for message in recorded:
            if pace is not None:
                pace()
            outcomes.append((message, _ask_provider(sender, own, message, file_b64)
                             if sender is not None else {"status": MessageStatus.FAILED,
                                                         "status_reason": NO_CONNECTION}))
    _apply_send_results(organization, outcomes)
    if attachment is not None:
        # Kept whatever the outcome, as send_message keeps it.
        for message in recorded:
            _keep_sent_attachment(message, attachment)
        with organization_scope(organization):
            mark_changed([m.conversation_id for m in recorded])  # the pictures show now
    audit(organization=organization, action="message.sent", actor_label=actor_label,
          target=(audit_target or f"{len(recorded)} recipients")[:300],
          detail={"from": own.number, "count": len(recorded),
                  "statuses": dict(Counter(m.status for m in recorded)),
                  "media": attachment.content_type if attachment else ""})
    return results


def _checked_text(text: str, attachment: Attachment | None) -> str:
    text = (text or "").strip()
    if not text and attachment is None:
        raise ValidationError({"text": "Write a message or attach a file."})
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError({"text": f"At most {MAX_TEXT_LENGTH} characters."})
    return text


def _answer_with_earlier(result: BatchResult, message: Message, digest: str) -> None:
    """A send whose key was sent before: its first message (even without an outcome yet:
    it is not sent again), unless the key was used for another message."""
    try:
        check_earlier_send(message, digest)
    except IdempotencyKeyReused as error:
        result.refused = error
        return
    except SendInProgress:
        pass
    result.message = message


def _client_of(organization: Organization):
    """An SMS client of the organization's connection, or None without one."""
    connection = sms_connection(organization)
    return axion.client_for(connection) if connection else nullcontext(None)


def _record_batch(organization: Organization, own: MessagingNumber,
                  results: list[BatchResult], digests: dict) -> list[Message]:
    """The SENDING rows of a batch's sends, in their conversations (found or created in
    bulk), which show them at once. When one of the keys was sent meanwhile by another
    process, each is recorded (or found) as send_message does."""
    now = timezone.now()
    with organization_scope(organization):
        conversations = _conversations(organization, own,
                                       {participants_key(own.number, [r.send.to])
                                        for r in results})
        messages = []
        for result in results:
            conversation = conversations[participants_key(own.number, [result.send.to])]
            messages.append(Message(
                organization=organization, uuid=LOCAL_PREFIX + uuid_module.uuid4().hex,
                conversation=conversation, direction=Direction.OUTBOUND, source=own.number,
                destinations=[result.send.to], text=result.send.text,
                status=MessageStatus.SENDING, sent_at=now,
                idempotency_key=result.send.idempotency_key,
                idempotency_digest=digests[result.send.idempotency_key]))
            conversation.last_message_at, conversation.changed_at = now, now
            conversation.last_direction = Direction.OUTBOUND
            conversation.last_preview = conversation_preview(
                result.send.text, media_count=0 if result.send.text else 1)
        try:
            with transaction.atomic():
                Message.objects.bulk_create(messages)
                update_rows(
                    Conversation.objects.all(), list(conversations.values()),
                    ["last_message_at", "last_preview", "last_direction", "changed_at"])
        except IntegrityError:
            messages = []
    if messages:
        for result, message in zip(results, messages, strict=True):
            result.message = message
        return messages
    for result in results:
        message, created = _record_send(organization, own, [result.send.to],
                                        result.send.text, None, result.send.idempotency_key,
                                        digests[result.send.idempotency_key], "")
        if created:
            result.message = message
            messages.append(message)
        else:
            _answer_with_earlier(result, message, digests[result.send.idempotency_key])
    return messages


def _conversations(organization: Organization, own: MessagingNumber,
                   keys: set[str]) -> dict[str, Conversation]:
    """The conversations of `own` with each of these participants keys, created when new
    (in the organization's scope)."""
    found = {c.participants: c for c in Conversation.objects.filter(
        own_number=own, participants__in=keys)}
    missing = keys - set(found)
    if missing:
        Conversation.objects.bulk_create(
            [Conversation(organization=organization, own_number=own, participants=key)
             for key in missing], ignore_conflicts=True)  # one made meanwhile is found next
        found.update({c.participants: c for c in Conversation.objects.filter(
            own_number=own, participants__in=missing)})
    return found


def _apply_send_results(organization: Organization,
                        outcomes: list[tuple[Message, dict]]) -> None:
    """_apply_send_result for a batch: the outcomes written with one UPDATE where the rows
    still have none, one message.status_changed each. A row settled meanwhile keeps its
    outcome (and is read again); a uuid whose copy a webhook or sync stored first takes
    _apply_send_result, which keeps that copy."""
    now = timezone.now()
    for _, values in outcomes:
        values["updated_at"] = now
    with organization_scope(organization):
        stored = set(Message.objects.filter(
            uuid__in=[v["uuid"] for _, v in outcomes if "uuid" in v]
        ).values_list("uuid", flat=True))
        alone = [(m, v) for m, v in outcomes if v.get("uuid", "") in stored]
        together = [(m, v) for m, v in outcomes if v.get("uuid", "") not in stored]
        try:
            with transaction.atomic():
                written, settled = _write_outcomes(organization, together)
        except IntegrityError:  # a copy stored between the read and the write
            alone, written, settled = outcomes, [], []
        for message in settled:
            message.refresh_from_db()
        for message, values in written:
            for name, value in values.items():
                setattr(message, name, value)
        mark_changed([m.conversation_id for m, _ in written], now)
        answered = [m for m, values in written if "uuid" in values]
        if answered:
            apply_waiting_events(organization=organization, messages=answered)
    for message, values in alone:
        _apply_send_result(message, values)


def _write_outcomes(organization: Organization, outcomes: list[tuple[Message, dict]]):
    """In a transaction: write the outcomes on the rows still unsettled (locked first),
    emit their events; returns ((message, values) written, messages settled meanwhile)."""
    unsettled = Message.objects.filter(status__in=MessageStatus.unsettled())
    open_pks = set(unsettled.select_for_update().filter(
        pk__in=[m.pk for m, _ in outcomes]).values_list("pk", flat=True))
    written = [(m, v) for m, v in outcomes if m.pk in open_pks]
    changes = [_status_change(m, v, m.status, m.uuid) for m, v in written]
    # Only the rows found unsettled above: locked (SQLite's transactions are IMMEDIATE).
    update_rows(Message.objects.all(), [changed for changed, _, _ in changes],
                ["uuid", "status", "status_reason", "sent_at", "updated_at"])
    emit_many(organization=organization, events=event_payloads.message_status_events(
        [change for change in changes if change[0].status != change[1]]))
    return written, [m for m, _ in outcomes if m.pk not in open_pks]


def _keep_scheduled(message: Message, attachment: Attachment | None, *, actor_label: str,
                    ip: str | None) -> None:
    """A scheduled send's attachment goes to storage now, as the message's media: the job
    that sends it later (perhaps after a restart) reads it from there."""
    if attachment is not None:
        _keep_sent_attachment(message, attachment)
    audit(organization=message.organization, action="message.scheduled",
          actor=message.sender_user, actor_label=actor_label,
          target=",".join(message.destinations)[:300], ip=ip,
          detail={"from": message.source, "uuid": message.uuid,
                  "send_at": message.send_at.isoformat(),
                  "media": attachment.content_type if attachment else ""})


def _record_send(organization, own, destinations, text, user, key, digest, client_reference,
                 *, send_at=None, resent_from=None):
    """The SENDING row of a send (SCHEDULED with `send_at`), or the existing one for a
    repeated idempotency key."""
    with organization_scope(organization):
        if key:
            existing = Message.objects.filter(idempotency_key=key).first()
            if existing:
                return existing, False
        now = timezone.now()
        try:
            with transaction.atomic():
                message = Message.objects.create(
                    organization=organization, uuid=LOCAL_PREFIX + uuid_module.uuid4().hex,
                    conversation=_conversation(organization, own, destinations),
                    direction=Direction.OUTBOUND, source=own.number,
                    destinations=destinations, text=text,
                    status=MessageStatus.SCHEDULED if send_at else MessageStatus.SENDING,
                    sent_at=send_at or now, send_at=send_at, resent_from=resent_from,
                    sender_user=user, idempotency_key=key,
                    idempotency_digest=digest, customer_provided_id=client_reference[:200])
                if send_at:
                    # Shown in the conversation; its place in the inbox moves once it is sent.
                    mark_changed([message.conversation_id], now)
                else:
                    _touch(message)
        except IntegrityError:
            # The same key was submitted twice at once: the other request sends it.
            return Message.objects.get(idempotency_key=key), False
    return message, True


def _touch(message: Message) -> None:
    # A send has a text or an attachment: no text means an attachment.
    preview = conversation_preview(message.text, media_count=0 if message.text else 1)
    Conversation.objects.filter(pk=message.conversation_id).update(
        last_message_at=message.sent_at, last_preview=preview,
        last_direction=Direction.OUTBOUND, changed_at=timezone.now())


def _hand_to_provider(message: Message, own: MessagingNumber,
                      attachment: Attachment | None, client: SmsClient | None = None) -> None:
    organization = own.organization
    connection = sms_connection(organization) if client is None else None
    values: dict = {}
    if client is None and connection is None:
        values = {"status": MessageStatus.FAILED,
                  "status_reason": "No SMS connection: an admin can add one under Connections."}
    else:
        try:
            opened = (nullcontext(client) if client is not None
                      else axion.client_for(connection, interactive=True))
            with opened as sender:
                values = _ask_provider(sender, own, message, _file_b64(attachment))
        except AxionError as error:  # the login of a client opened here
            values = _failure(error)
    _apply_send_result(message, values)
    # Kept whatever the outcome: it shows at once, and a failed send can be sent again.
    if attachment is not None:
        _keep_sent_attachment(message, attachment)
        with organization_scope(organization):
            mark_changed([message.conversation_id])  # the picture shows now


def _file_b64(attachment: Attachment | None) -> str | None:
    return base64.b64encode(attachment.content).decode() if attachment else None


def _failure(error: AxionError) -> dict:
    """A send's outcome when the provider failed: UNKNOWN when its answer was lost (it may
    have gone), FAILED when it refused."""
    status = MessageStatus.UNKNOWN if isinstance(error, OutcomeUnknown) else MessageStatus.FAILED
    return {"status": status, "status_reason": describe_provider_error(error)[:300]}


def _ask_provider(sender: SmsClient, own: MessagingNumber, message: Message,
                  file_b64: str | None) -> dict:
    """One sendSMS of a recorded send; its outcome as the values to write on its row."""
    try:
        result = sender.send_sms(own.number, message.destinations, message.text,
                                 file_b64=file_b64,
                                 customer_provided_id=message.customer_provided_id or None)
    except AxionError as error:
        return _failure(error)
    return {"uuid": result.uuid, "status": MessageStatus.QUEUED,
            "sent_at": result.time or message.sent_at}


def _apply_send_result(message: Message, values: dict) -> None:
    """Write a send's outcome on its row while it has none (SENDING or UNKNOWN). A send
    settled meanwhile (reconciled while its process seemed dead) keeps that outcome: a
    status never moves back."""
    values["updated_at"] = timezone.now()
    previous_status, previous_uuid = message.status, message.uuid
    with organization_scope(message.organization):
        try:
            with transaction.atomic():
                updated = Message.objects.filter(
                    pk=message.pk, status__in=MessageStatus.unsettled()).update(**values)
                if updated and values.get("status", previous_status) != previous_status:
                    _emit_send_status(message, values, previous_status, previous_uuid)
            if not updated:
                message.refresh_from_db()
                return
            mark_changed([message.conversation_id], values["updated_at"])
        except IntegrityError:
            # Sync or a webhook stored the provider's copy first: keep that row, with who
            # sent it and the key of this send, instead of ours.
            with transaction.atomic():
                Message.objects.filter(pk=message.pk).delete()
                Message.objects.filter(uuid=values["uuid"]).update(
                    sender_user=message.sender_user, idempotency_key=message.idempotency_key,
                    idempotency_digest=message.idempotency_digest)
            kept = Message.objects.get(uuid=values["uuid"])
            message.pk = message.id = kept.pk
            mark_changed([message.conversation_id, kept.conversation_id], values["updated_at"])
    for name, value in values.items():
        setattr(message, name, value)
    if "uuid" in values:
        # An updatedSMS may have come before the provider's answer did; to be confirmed,
        # it is put back for the webhook job, which is started at once.
        with organization_scope(message.organization):
            apply_waiting_events(organization=message.organization, messages=[message])


def _emit_send_status(message: Message, values: dict, previous_status: str,
                      previous_uuid: str) -> None:
    """message.status_changed for a send's outcome, the row's new values on a copy."""
    emit_many(organization=message.organization, events=event_payloads.message_status_events(
        [_status_change(message, values, previous_status, previous_uuid)]))


def _status_change(message: Message, values: dict, previous_status: str,
                   previous_uuid: str) -> tuple[Message, str, str | None]:
    """(the message with its new values, on a copy; its status before; its uuid before
    when the provider's answer renamed it), as event_payloads.message_status_events takes."""
    changed = copy.copy(message)
    for name, value in values.items():
        setattr(changed, name, value)
    renamed = previous_uuid if changed.uuid != previous_uuid else None
    return changed, previous_status, renamed


def _keep_sent_attachment(message: Message, attachment: Attachment) -> None:
    """Store what was sent as the message's archived media, so it shows at once (a scheduled
    send's was stored when it was scheduled)."""
    with organization_scope(message.organization):
        if Media.objects.filter(message=message, position=0).exists():
            return
        media = Media(organization=message.organization, message=message, position=0,
                      url="", content_type=attachment.content_type,
                      size=len(attachment.content), state=MediaState.ARCHIVED,
                      archived_at=timezone.now())
        media.file.save(f"{message.organization_id}-{message.pk}-0."
                        f"{MMS_TYPES[attachment.content_type]}",
                        ContentFile(attachment.content), save=False)
        media.save()


class NotResendable(Exception):
    """Only a failed outbound message, not deleted, can be sent again."""


def resendable(message: Message) -> bool:
    """Whether "Send again" applies: a failed outbound message not deleted. A send whose
    outcome is unknown (SENDING, UNKNOWN) is not: it may yet have gone."""
    return (message.direction == Direction.OUTBOUND and message.status == MessageStatus.FAILED
            and message.deleted_at is None)


def stored_attachment(message: Message) -> Attachment | None:
    """The message's media file from storage (None when it has none); ValidationError on
    `media` when its file is no longer stored, or when it has more than the one a send
    takes."""
    with organization_scope(message.organization):
        media = list(Media.objects.filter(message=message).order_by("position"))
    if not media:
        return None
    if len(media) > 1:
        raise ValidationError({"media": f"This message has {len(media)} attachments; a send "
                                        "takes one. Send a new message instead."})
    item = media[0]
    gone = ValidationError({"media": "Its attachment is no longer stored: send a new "
                                     "message with the file instead."})
    if item.state != MediaState.ARCHIVED or not item.file:
        raise gone
    try:
        with item.file.open("rb") as stored:
            content = stored.read()
    except OSError as error:
        raise gone from error
    return Attachment(content=content, content_type=item.content_type)


def resend_message(*, message: Message, user: User | None, actor_label: str = "",
                   ip: str | None = None) -> list[Message]:
    """Send a failed outbound message's text and media again, as a new message linked to it
    (`resent_from`), through send_message: the same checks (a recipient who opted out meanwhile
    is refused), and an idempotency key of the failed message, so that a double click or a
    client's retry finds the first resend instead of sending twice.

    Raises NotResendable for a message that is not failed or not outbound, ValidationError
    when its media is gone, and what send_message raises."""
    if not resendable(message):
        raise NotResendable(
            f"Only a failed outbound message can be sent again; this one is "
            f"{'deleted' if message.deleted_at else message.get_status_display().lower()}"
            f"{'' if message.direction == Direction.OUTBOUND else ' and inbound'}.")
    organization = message.organization
    with organization_scope(organization):
        own = Conversation.objects.select_related("own_number").get(
            pk=message.conversation_id).own_number
    sent = send_message(
        organization=organization, user=user, own_number=own.number,
        to=message.destinations, text=message.text, attachment=stored_attachment(message),
        idempotency_key=f"resend-{message.pk}", client_reference=message.customer_provided_id,
        actor_label=actor_label, ip=ip, group=len(message.destinations) > 1,
        resent_from=message)
    audit(organization=organization, action="message.resent", actor=user,
          actor_label=actor_label, target=message.uuid, ip=ip,
          detail={"as": [m.uuid for m in sent]})
    return sent


def delete_message(*, message: Message, user: User | None, actor_label: str = "",
                   ip: str | None = None) -> None:
    """Delete a message at the provider (permanent) and mark it deleted here.

    Raises AxionError when the provider fails; the message is then left as it was.
    """
    organization = message.organization
    if not message.uuid.startswith(LOCAL_PREFIX):
        connection = sms_connection(organization)
        if connection is None:
            raise NoConnection("This organization has no SMS connection to delete the message "
                               "with: an admin can add one under Connections.")
        with axion.client_for(connection, interactive=True) as client:
            client.delete_sms(message.uuid)
    with organization_scope(organization):
        # Its text goes everywhere the portal keeps it: the row (and with it the search
        # index: SQLite's FTS5 triggers, PostgreSQL's trigram index of the column), the
        # stored webhook bodies, and the conversation's preview.
        with transaction.atomic():
            deleted_at = timezone.now()
            Message.objects.filter(pk=message.pk).update(deleted_at=deleted_at, text="")
            redact_message_events(message_uuid=message.uuid)
            refresh_preview(conversation_id=message.conversation_id)
            deleted = event_payloads.message_deleted_event(message, deleted_at)
            emit(organization=organization, type=deleted.type, subject=deleted.subject,
                 payload=deleted.payload)
        # The provider's delete is permanent: the portal's copies of its media go too.
        for media in Media.objects.filter(message=message):
            if media.file:
                media.file.delete(save=False)
        Media.objects.filter(message=message).update(file="", state=MediaState.GONE)
    audit(organization=organization, action="message.deleted", actor=user,
          actor_label=actor_label, target=message.uuid, ip=ip)


def may_send_or_delete(membership) -> bool:
    return membership is not None and membership.allows(Role.AGENT)


NO_CONNECTION = "No SMS connection: an admin can add one under Connections."
STALE_REASON = "The send stopped before Axion answered."
NO_RECORD = "Axion has no record of this message: it was not sent."


def _mark_stale_sends_unknown(now: datetime) -> None:
    """A send still SENDING after SEND_STALE_MINUTES lost its process (a send waits
    seconds for its answer, never minutes): its outcome is unknown, and it is settled like
    any other unknown send. The process, should it still answer, overwrites this.

    Measured from sent_at, the moment the send was handed over: when it was written for a
    send now, when the job claimed it for a scheduled one (not when it was scheduled)."""
    cutoff = now - timedelta(minutes=settings.SEND_STALE_MINUTES)
    stale = Message.objects.filter(status=MessageStatus.SENDING, sent_at__lt=cutoff)
    shown_in = set(stale.values_list("conversation_id", flat=True))
    stale.update(status=MessageStatus.UNKNOWN, status_reason=STALE_REASON, updated_at=now)
    mark_changed(shown_in, now)


def reconcile_unknown_sends(*, organization: Organization, now: datetime | None = None) -> int:
    """Look up sends whose outcome is unknown with getSMS (by number and time window) and
    adopt the provider's copy; after RECONCILE_GIVE_UP_MINUTES without a match, mark them
    failed so a person can decide to send again. Sends left SENDING by a process that died
    are settled the same way. Returns how many were settled."""
    now = now or timezone.now()
    with organization_scope(organization):
        _mark_stale_sends_unknown(now)
        unknown = list(Message.objects.filter(status=MessageStatus.UNKNOWN))
    if not unknown:
        return 0
    connection = sms_connection(organization)
    if connection is None:
        return 0
    settled = 0
    window = timedelta(minutes=10)
    with axion.client_for(connection) as client:
        for message in unknown:
            found = client.get_sms(messaging_number=message.source,
                                   number=message.destinations[0],
                                   from_time=message.sent_at - window,
                                   to_time=message.sent_at + window, limit=100)
            match = next((m for m in found if m.text == message.text
                          and m.source == message.source), None)
            if match is not None:
                _apply_send_result(message, {"uuid": match.uuid,
                                             "status": MessageStatus.from_provider(match.status),
                                             "sent_at": match.time, "status_reason": ""})
                settled += 1
            elif now - message.sent_at > timedelta(minutes=settings.RECONCILE_GIVE_UP_MINUTES):
                # What went wrong first (a lost answer, a stopped send), then the outcome.
                first = message.status_reason[:300 - len(NO_RECORD) - 1]
                _apply_send_result(message, {"status": MessageStatus.FAILED,
                                             "status_reason": f"{first} {NO_RECORD}".strip()})
                settled += 1
    return settled
