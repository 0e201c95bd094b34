"""Recording messages that the provider tells us about, from webhooks and from sync alike.

Both sources arrive here as `IncomingMessage`s and are stored in bulk by `record_messages`:
a message is keyed by its uuid within the organization, so the same message from a webhook
and from sync (or the same webhook twice) is one row; its status only moves forward; the
conversation's last message, preview and unread count change in the same transaction.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization
from accounts.services import audit
from accounts.tenancy import organization_scope
from axion.sms import SmsMessage
from common.phone import normalize_number
from events import payloads as event_payloads
from events.services import emit_many
from messaging.events import parse_event
from messaging.models import (
    Conversation,
    ConversationStatus,
    Direction,
    EventState,
    Media,
    Message,
    MessageStatus,
    MessagingNumber,
    WebhookEvent,
)
from messaging.team import mark_changed
from messaging.wakeup import kick_processing
from optouts.inbound import act_on_keywords

log = logging.getLogger(__name__)

PREVIEW_LENGTH = 140


@dataclass
class IncomingMessage:
    """A message as the provider describes it, numbers already in E.164 where US."""

    uuid: str
    own_number: str
    source: str
    destinations: list[str]
    text: str
    status: str
    sent_at: datetime
    media: list[str] = field(default_factory=list)
    sender_uuid: str = ""
    customer_provided_id: str = ""

    @property
    def direction(self) -> str:
        inbound = self.status == MessageStatus.RECEIVED or self.source != self.own_number
        return Direction.INBOUND if inbound else Direction.OUTBOUND

    @property
    def participants(self) -> str:
        return participants_key(self.own_number, [self.source, *self.destinations])


def incoming_from_provider(message: SmsMessage) -> IncomingMessage:
    """A message as getSMS returns it (the client has normalised its numbers and time)."""
    return IncomingMessage(
        uuid=message.uuid, own_number=message.associated_number, source=message.source,
        destinations=list(message.destinations), text=message.text, status=message.status,
        sent_at=message.time, media=list(message.media), sender_uuid=message.user_uuid or "")


def participants_key(own_number: str, numbers: list[str]) -> str:
    """The other parties of a conversation, normalised, sorted and comma-joined."""
    others = {normalize_number(n) for n in numbers if n} - {own_number}
    return ",".join(sorted(others))


def conversation_preview(text: str, media_count: int) -> str:
    """The inbox line of a message: its text on one line, or a note of its attachment."""
    text = " ".join((text or "").split())
    if not text and media_count:
        return "📎 Attachment"
    return text[:PREVIEW_LENGTH]


def record_messages(*, organization: Organization, incoming: list[IncomingMessage],
                    add_unknown_numbers: bool = False) -> list[Message]:
    """Store a batch of messages; returns the stored rows (new and known).

    Numbers of the organization are matched in E.164. A message for a number the
    organization does not have is skipped, unless `add_unknown_numbers` (sync: the
    provider's own list of the account's numbers) adds the number first.
    """
    if not incoming:
        return []
    for attempt in range(3):
        try:
            with organization_scope(organization), transaction.atomic():
                return _record(organization, incoming, add_unknown_numbers)
        except IntegrityError:
            # Another process stored some of these messages meanwhile: read them as known
            # and try again.
            if attempt == 2:
                raise
            log.info("concurrent insert of messages, retrying the batch")
    return []


def _numbers(organization, incoming, add_unknown) -> dict[str, MessagingNumber]:
    wanted = {m.own_number for m in incoming}
    numbers = {n.number: n for n in MessagingNumber.objects.filter(number__in=wanted)}
    if add_unknown:
        unknown = wanted - numbers.keys()
        with scopes_disabled():
            # A number active in another organization stays theirs: its messages are
            # skipped. One only claimed there (never accepted by the provider) is added: the
            # provider lists it for this organization's own credentials.
            taken = set(MessagingNumber.objects.filter(number__in=unknown,
                                                       activated_at__isnull=False)
                        .values_list("number", flat=True))
        for number in sorted(unknown - taken):
            if not number.startswith("+"):
                continue  # not a number the portal can match (empty, or not E.164)
            new = MessagingNumber(organization=organization, number=number,
                                  label="Found by sync")
            new.set_new_secret()
            new.save()
            numbers[number] = new
            log.info("added messaging number found by sync to organization %s",
                     organization.pk)
    return numbers


def _conversations(organization, incoming, numbers) -> dict[tuple[int, str], Conversation]:
    keys = {(numbers[m.own_number].pk, m.participants) for m in incoming}
    own_ids = {k[0] for k in keys}
    found = {(c.own_number_id, c.participants): c for c in Conversation.objects.filter(
        own_number_id__in=own_ids, participants__in={k[1] for k in keys})}
    missing = [Conversation(organization=organization, own_number_id=own, participants=p)
               for own, p in keys - found.keys()]
    for conversation in Conversation.objects.bulk_create(missing):
        found[(conversation.own_number_id, conversation.participants)] = conversation
    if any(c.pk is None for c in found.values()):
        # Backends that return no ids from bulk_create: read them back.
        found = {(c.own_number_id, c.participants): c for c in Conversation.objects.filter(
            own_number_id__in=own_ids, participants__in={k[1] for k in keys})}
    return found


def _record(organization, incoming, add_unknown) -> list[Message]:
    numbers = _numbers(organization, incoming, add_unknown)
    incoming = [m for m in incoming if m.own_number in numbers]
    by_uuid = {m.uuid: m for m in incoming}
    # Locked (in id order, the same in every process): a sync and the webhook processing
    # may hold the same message at once, and only the one that moves its status may say so
    # (message.status_changed); the other then reads the status already moved.
    known = {m.uuid: m for m in Message.objects.select_for_update()
             .filter(uuid__in=by_uuid).order_by("pk")}
    now = timezone.now()

    upgraded: dict[str, list[int]] = {}
    shown_in: set[int] = set()
    status_changes = []  # (message, previous status, previous uuid): message.status_changed
    for uuid, message in known.items():
        status = MessageStatus.from_provider(by_uuid[uuid].status)
        if MessageStatus.moves_forward(message.status, status):
            status_changes.append((message, message.status, None))
            message.status, message.updated_at = status, now
            upgraded.setdefault(status, []).append(message.pk)
            shown_in.add(message.conversation_id)
    for status, ids in upgraded.items():
        # One UPDATE per new status (a few at most), each only from the statuses before it.
        Message.objects.filter(pk__in=ids, status__in=MessageStatus.before(status)).update(
            status=status, updated_at=now)
    # A status shows in its conversation: live pages must see it moved.
    mark_changed(shown_in, now)
    emit_many(organization=organization,
              events=event_payloads.message_status_events(status_changes))

    new = [m for uuid, m in by_uuid.items() if uuid not in known]
    if not new:
        # Known messages too: one stored by the send path may have a status update that
        # arrived before its uuid was known.
        apply_waiting_events(organization=organization, messages=list(known.values()))
        return list(known.values())
    conversations = _conversations(organization, new, numbers)
    rows = []
    for m in new:
        rows.append(Message(
            organization=organization, uuid=m.uuid,
            conversation=conversations[(numbers[m.own_number].pk, m.participants)],
            direction=m.direction, source=m.source, destinations=m.destinations,
            text=m.text, status=MessageStatus.from_provider(m.status), sent_at=m.sent_at,
            sender_uuid=m.sender_uuid or "", customer_provided_id=m.customer_provided_id or "",
            created_at=now, updated_at=now))
    Message.objects.bulk_create(rows)
    if any(r.pk is None for r in rows):
        ids = dict(Message.objects.filter(uuid__in=[r.uuid for r in rows])
                   .values_list("uuid", "pk"))
        for r in rows:
            r.pk = r.id = ids[r.uuid]
    Media.objects.bulk_create([
        Media(organization=organization, message=row, position=i, url=url)
        for row, m in zip(rows, new, strict=True) for i, url in enumerate(m.media)])
    _touch_conversations(rows, {m.uuid: m for m in new})
    # One event per message stored for the first time (a message seen again is known), if
    # it is news rather than history (event_payloads.NEWS).
    emit_many(organization=organization, events=event_payloads.message_received_events(
        [row for row in rows if row.direction == Direction.INBOUND
         and event_payloads.is_news(row.sent_at, now)],
        {m.uuid: len(m.media) for m in new}))
    act_on_keywords(organization=organization, messages=rows, now=now)  # STOP, START, HELP
    apply_waiting_events(organization=organization, messages=[*known.values(), *rows])
    return [*known.values(), *rows]


def _touch_conversations(rows: list[Message], incoming: dict[str, IncomingMessage]) -> None:
    """Move each conversation's last message forward, count the new inbound ones, reopen
    a closed conversation that a new inbound message came to (its assignee, or nobody,
    stays), and move every one's change marker."""
    now = timezone.now()
    latest: dict[int, Message] = {}
    unread: dict[int, int] = {}
    for row in rows:
        cid = row.conversation_id
        if cid not in latest or (row.sent_at, row.uuid) > (latest[cid].sent_at, latest[cid].uuid):
            latest[cid] = row
        if row.direction == Direction.INBOUND:
            unread[cid] = unread.get(cid, 0) + 1
    # The batch's conversations read once, locked, and written with one UPDATE each (a sync
    # page often touches 100 of them; bulk_update's CASE costs more than it saves here).
    conversations = list(Conversation.objects.select_for_update().filter(pk__in=latest))
    reopened = []
    for conversation in conversations:
        row = latest[conversation.pk]
        conversation.unread_count += unread.get(conversation.pk, 0)
        if unread.get(conversation.pk) and conversation.status == ConversationStatus.CLOSED:
            # The customer wrote again: the team has something to answer.
            conversation.status = ConversationStatus.OPEN
            reopened.append(conversation)
        # Only a newer message replaces the last one (sync may bring older ones later).
        if conversation.last_message_at is None or conversation.last_message_at < row.sent_at:
            conversation.last_message_at = row.sent_at
            conversation.last_preview = conversation_preview(
                row.text, len(incoming[row.uuid].media))
            conversation.last_direction = row.direction
        Conversation.objects.filter(pk=conversation.pk).update(
            unread_count=conversation.unread_count,
            last_message_at=conversation.last_message_at,
            last_preview=conversation.last_preview, last_direction=conversation.last_direction,
            status=conversation.status, changed_at=now)
    for conversation in reopened:
        audit(organization=latest[conversation.pk].organization, action="conversation.reopened",
              actor_label="Inbound message", target=f"conversation {conversation.pk}")


def refresh_preview(*, conversation_id: int) -> None:
    """The conversation's preview and direction from its newest message not deleted, or no
    preview when none is left: after a delete, the deleted text must not stay in the inbox.
    The conversation keeps its time, and so its place in the inbox."""
    with transaction.atomic():
        # Locked like _touch_conversations does, so a message arriving meanwhile wins.
        conversation = (Conversation.objects.select_for_update()
                        .filter(pk=conversation_id).first())
        if conversation is None:
            return
        newest = (Message.objects.filter(conversation_id=conversation_id, deleted_at=None)
                  .exclude(status=MessageStatus.SCHEDULED)  # not sent yet: not shown there
                  .order_by("-sent_at", "-id").first())
        values = {"last_preview": "", "changed_at": timezone.now()}
        if newest is not None:
            values.update(last_preview=conversation_preview(newest.text, newest.media.count()),
                          last_direction=newest.direction)
        Conversation.objects.filter(pk=conversation_id).update(**values)


def apply_status(*, message: Message, status: str, reason: str = "") -> bool:
    """Apply a status change to a stored message if it moves forward; True if it did."""
    status = MessageStatus.from_provider(status)
    if not MessageStatus.moves_forward(message.status, status):
        return False
    reason = reason[:300] if reason else message.status_reason
    now = timezone.now()
    previous = message.status
    with transaction.atomic():
        # Conditional: another process may have moved the status since it was read.
        if not Message.objects.filter(pk=message.pk,
                                      status__in=MessageStatus.before(status)).update(
                status=status, status_reason=reason, updated_at=now):
            return False
        mark_changed([message.conversation_id], now)
        message.status, message.status_reason, message.updated_at = status, reason, now
        emit_many(organization=message.organization,
                  events=event_payloads.message_status_events([(message, previous, None)]))
    return True


def apply_waiting_events(*, organization: Organization, messages: list[Message]) -> int:
    """Status updates that arrived before their message (webhooks are unordered), now that
    it is here: applied at once when webhooks are taken on trust; with
    WEBHOOK_CONFIRM_NEW_SMS, put back as pending for the webhook job to confirm with getSMS
    like any other update, and the job is woken. Returns how many were put back."""
    by_uuid = {m.uuid: m for m in messages}
    waiting = WebhookEvent.objects.filter(state=EventState.WAITING,
                                          message_uuid__in=by_uuid).order_by("id")
    if settings.WEBHOOK_CONFIRM_NEW_SMS:
        put_back = waiting.update(state=EventState.PENDING, processed_at=None)
        if put_back:
            # Woken once they are committed. In the processing job itself, the run's own
            # last pass takes them, and the run it wakes asks it for one more round at most.
            transaction.on_commit(kick_processing)
        return put_back
    for event in waiting:
        apply_status(message=by_uuid[event.message_uuid],
                     status=parse_event(bytes(event.body)).status)
        WebhookEvent.objects.filter(pk=event.pk).update(
            state=EventState.PROCESSED, processed_at=timezone.now(), error="")
    return 0
