"""From events to notifications: who is told what, decided once, where the event is written.

`notify` runs inside the transaction that wrote the events (it receives
events.signals.events_emitted), so notifications commit or roll back with the change. It
works per batch (an ingest stores hundreds of messages at once) and stays cheap whatever
the batch's size: one query for the members who may be told, a query or two for what the
events are about (once per conversation or number), one bulk INSERT. Nothing here sends
e-mail (notifications/emails.py does, from a job).

Who is told:

- a message received: the conversation's assignee; while nobody is assigned, the agents
  and above who may use its number (nobody listed on the number: every one of them).
  Owners and admins see every number, but are told only of numbers they use;
- a note: the members it @-mentions;
- a send that failed: the member who sent it;
- a fax that failed, or one of the other fax alerts: not here, but by the organization's
  alert rules (fax_alerts/alerting.py), once per fax and rule, to the watchers of its
  reference and the roles a rule names (its "failed" rule is what tells of a failure, as
  FAX_FAILED, so nobody is told twice of one);
- a connection failing: owners and admins, who alone may fix it.

Whoever caused an event (a note's author) is never told of it. A message or fax sent more
than FRESH before its event is history, not news (a first sync's backfill of 30 days, a
lookup of an old day's faxes): it shows in the inbox or the history, and tells nobody. The
payloads read here are the events' documented ones (events/payloads.py).
"""

import logging
from collections import defaultdict
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils.text import Truncator

from accounts.models import Membership, Organization, Role
from accounts.tenancy import organization_scope
from common.phone import display_number
from contacts.names import contacts_by_number
from events import payloads as event_payloads
from events.models import Event, EventType
from messaging.ingest import conversation_preview
from messaging.models import Conversation, Message, MessageStatus, MessagingNumber
from notifications.models import Kind, Notification

log = logging.getLogger(__name__)

BODY_CHARS = 140
# How long after it was sent a message or fax is still news: a webhook or sync that was down
# for hours still tells, a backfill of older history does not.
FRESH = event_payloads.NEWS


def receive_events(sender, organization: Organization, events: list[Event], **kwargs) -> None:
    """events.signals.events_emitted: one batch (one emit, or an ingest's emit_many)."""
    notify(organization=organization, events=events)


def notify(*, organization: Organization, events: list[Event]) -> None:
    """Make the notifications of `events`. A failure here is logged and undone alone (a
    savepoint), never the change that emitted the events: a lost notification is better
    than a lost message."""
    wanted = [event for event in events if event.type in _MAKERS]
    if not wanted:
        return
    try:
        with organization_scope(organization), transaction.atomic():
            batch = Batch(organization, wanted)
            for event in wanted:
                _MAKERS[event.type](batch, event)
            batch.save()
    except Exception:  # noqa: BLE001 - see the docstring
        log.exception("Notifications of events %s failed", [event.pk for event in wanted])


class Batch:
    """The notifications of one batch of events, and what they share, each read with one
    query for the whole batch: the members, the conversations that received messages,
    and the allowed users of their numbers."""

    def __init__(self, organization: Organization, events: list[Event]):
        self.organization = organization
        self.events = events
        self.rows: list[Notification] = []
        self._roles: dict[int, Role] | None = None
        self._conversations: dict[int, Conversation] | None = None
        self._allowed: dict[int, set[int]] | None = None

    def members(self, least_role: Role) -> set[int]:
        """Users of the organization's members with at least `least_role`."""
        if self._roles is None:
            self._roles = {user: Role(role) for user, role in Membership.objects.filter(
                role__in=[r for r in Role if r.allows(Role.AGENT)]).order_by()
                .values_list("user_id", "role")}
        return {user for user, role in self._roles.items() if role.allows(least_role)}

    def conversation(self, pk: int | None) -> Conversation | None:
        """A conversation that received a message in this batch: whom it is assigned to,
        and its number."""
        if self._conversations is None:
            ids = {subject_id(event) for event in self.events
                   if event.type == EventType.MESSAGE_RECEIVED}
            self._conversations = {c.pk: c for c in Conversation.objects.filter(pk__in=ids)
                                   .only("pk", "own_number_id", "assignee_id")}
        return self._conversations.get(pk)

    def allowed_users(self, number_id: int) -> set[int]:
        """Users listed on a number of those conversations (none: every member may use
        it)."""
        if self._allowed is None:
            numbers = {c.own_number_id for c in self._conversations.values()}
            self._allowed = defaultdict(set)
            for number, user in MessagingNumber.allowed_users.through.objects.filter(
                    messagingnumber_id__in=numbers).values_list("messagingnumber_id", "user_id"):
                self._allowed[number].add(user)
        return self._allowed[number_id]

    def add(self, event: Event, users, *, kind: Kind, title: str, about: str, url: str,
            body: str = "", actor: int | None = None) -> None:
        for user in sorted(set(users) - {actor}):
            self.rows.append(Notification(
                organization=self.organization, user_id=user, kind=kind,
                title=Truncator(title).chars(200), about=Truncator(about).chars(200),
                body=Truncator(body).chars(BODY_CHARS), url=url, subject=event.subject,
                created_at=event.created_at))

    def save(self) -> None:
        Notification.objects.bulk_create(self.rows)


# --- reading payloads ------------------------------------------------------------------------


def subject_id(event: Event) -> int | None:
    """12 of the subject "conversation:12" or "fax:12"."""
    tail = event.subject.partition(":")[2]
    return int(tail) if tail.isdigit() else None


def is_news(event: Event, sent_at: str | None) -> bool:
    """Whether what the event is about (sent at `sent_at`, ISO 8601) is recent enough to
    tell anyone about (FRESH)."""
    if not sent_at:
        return True
    return datetime.fromisoformat(sent_at) >= event.created_at - FRESH


def named(contact: dict | None, number: str) -> str:
    """A payload's contact ({"id", "name"} or null) or its number, as people read it."""
    return contact["name"] if contact else display_number(number)


def _conversation_url(conversation_id: int) -> str:
    return reverse("conversation", args=[conversation_id])


# --- one maker per event type -----------------------------------------------------------------


def _messages_received(batch: Batch, event: Event) -> None:
    message = event.payload["message"]
    if not is_news(event, message.get("sent_at")):
        return
    agents = batch.members(Kind.NEW_MESSAGE.least_role)
    conversation = batch.conversation(subject_id(event)) if agents else None
    if conversation is None:
        return
    allowed = batch.allowed_users(conversation.own_number_id)
    if conversation.assignee_id is not None:
        # Assigned: it is the assignee's, not the others' who share the number; told while
        # they still see it (the number's allowed users may have changed since).
        assignee = conversation.assignee_id
        sees = not allowed or assignee in allowed or assignee in batch.members(Role.ADMIN)
        users = agents & {assignee} if sees else set()
    else:
        users = agents & allowed if allowed else agents
    party = named(event.payload.get("contact"), message["from"])
    batch.add(event, users, kind=Kind.NEW_MESSAGE, title=f"New message from {party}",
              about=party, url=_conversation_url(conversation.pk),
              body=conversation_preview(message.get("text", ""), message.get("media_count", 0)))


def _note_added(batch: Batch, event: Event) -> None:
    note = event.payload["note"]
    conversation = event.payload["conversation"]
    author = (note.get("author") or {}).get("id")
    contacts = contacts_by_number(conversation["participants"])
    party = ", ".join(contacts[number].name if number in contacts else display_number(number)
                      for number in conversation["participants"]) or "nobody"
    users = batch.members(Kind.MENTION.least_role) & set(note.get("mentions", []))
    batch.add(event, users, kind=Kind.MENTION, actor=author, about=party,
              title=f"{_username(note)} mentioned you in a note on {party}",
              body=note.get("text", ""), url=_conversation_url(conversation["id"]))


def _username(note: dict) -> str:
    return (note.get("author") or {}).get("username") or "Someone"


def _message_status_changed(batch: Batch, event: Event) -> None:
    if event.payload.get("status") != MessageStatus.FAILED:
        return
    message = event.payload["message"]
    sender = (Message.objects.filter(uuid=message["uuid"])
              .values_list("sender_user_id", flat=True).first())
    if sender is None:
        return  # sent through the API or from Axion's own tools: nobody's own send
    to = message.get("to") or []
    party = named(event.payload.get("contact"), to[0] if len(to) == 1 else ", ".join(to))
    batch.add(event, batch.members(Kind.SEND_FAILED.least_role) & {sender},
              kind=Kind.SEND_FAILED, title=f"Your message to {party} failed", about=party,
              body=message.get("status_reason") or "Axion did not deliver it.",
              url=_conversation_url(message["conversation"]))


def _connection_failing(batch: Batch, event: Event) -> None:
    kind = event.payload.get("connection", {}).get("kind", "")
    name = {"sms": "SMS", "fax": "fax"}.get(kind, kind)
    # Not the provider's error text: a fixed sentence is enough to act on, and says
    # nothing of the credentials.
    batch.add(event, batch.members(Kind.CONNECTION_FAILING.least_role),
              kind=Kind.CONNECTION_FAILING, title=f"The {name} connection to Axion is failing",
              about=f"the {name} connection", url=reverse("connections"),
              body="Axion refused its credentials: nothing is synced or sent until they "
                   "are corrected.")


_MAKERS = {
    EventType.MESSAGE_RECEIVED: _messages_received,
    EventType.NOTE_ADDED: _note_added,
    EventType.MESSAGE_STATUS_CHANGED: _message_status_changed,
    EventType.CONNECTION_FAILING: _connection_failing,
}
