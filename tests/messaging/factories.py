"""Factories for the messaging models, with scopes disabled like tests/factories.py: setting
up data is not the code under test."""

import json
from datetime import UTC, datetime, timedelta

import factory
from django.utils import timezone

from accounts.models import Connection
from messaging.models import (
    Conversation,
    Direction,
    EventState,
    Media,
    Message,
    MessageStatus,
    MessagingNumber,
    WebhookEvent,
    secret_digest,
)
from tests.axion.bodies import TOKEN
from tests.factories import ConnectionFactory, OrganizationFactory, ScopeFreeFactory

SMS_URL = "https://sms.axion.example/api"


class SmsConnectionFactory(ConnectionFactory):
    """An SMS connection whose token is valid for 20 more days: calls need no login."""

    kind = Connection.Kind.SMS
    api_url = SMS_URL
    session_token = TOKEN
    token_expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=20))


class MessagingNumberFactory(ScopeFreeFactory):
    """An active number (the provider accepted its webhook); pass `webhook_secret=` to know
    its URL (the digest follows it), `activated_at=None` for one not accepted yet."""

    class Meta:
        model = MessagingNumber

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.Sequence(lambda n: f"+1805642{n % 10000:04d}")
    webhook_secret = factory.Sequence(lambda n: f"webhook-secret-{n:04d}-9b7d4c1e5a3f8e2d6c0b")
    webhook_secret_digest = factory.LazyAttribute(lambda n: secret_digest(n.webhook_secret))
    activated_at = factory.LazyFunction(timezone.now)


class ConversationFactory(ScopeFreeFactory):
    class Meta:
        model = Conversation

    own_number = factory.SubFactory(MessagingNumberFactory)
    organization = factory.SelfAttribute("own_number.organization")
    participants = factory.Sequence(lambda n: f"+1310555{n % 10000:04d}")


class MessageFactory(ScopeFreeFactory):
    """An outbound message, QUEUED at the provider."""

    class Meta:
        model = Message

    conversation = factory.SubFactory(ConversationFactory)
    organization = factory.SelfAttribute("conversation.organization")
    uuid = factory.Sequence(lambda n: f"msg-{n:06d}")
    direction = Direction.OUTBOUND
    source = factory.SelfAttribute("conversation.own_number.number")
    destinations = factory.LazyAttribute(lambda m: m.conversation.participant_list)
    text = "Your appointment is tomorrow at 9."
    status = MessageStatus.QUEUED
    sent_at = datetime(2024, 2, 28, 9, 0, tzinfo=UTC)


class MediaFactory(ScopeFreeFactory):
    class Meta:
        model = Media

    message = factory.SubFactory(MessageFactory)
    organization = factory.SelfAttribute("message.organization")
    position = 0
    url = factory.Sequence(lambda n: f"https://media.axion.example/mms/{n:06d}.png")


class WebhookEventFactory(ScopeFreeFactory):
    """A stored, pending event; `payload` (a dict) becomes its raw body."""

    class Meta:
        model = WebhookEvent
        exclude = ("payload",)

    number = factory.SubFactory(MessagingNumberFactory)
    organization = factory.SelfAttribute("number.organization")
    payload = factory.LazyAttribute(lambda e: {"event": "updatedSMS", "uuid": "msg-000000",
                                               "time": "2024-03-01T11:59:00Z",
                                               "status": "SENT",
                                               "messagingNumber": e.number.number[1:]})
    body = factory.LazyAttribute(lambda e: json.dumps(e.payload).encode())
    event_type = factory.LazyAttribute(lambda e: e.payload.get("event", ""))
    message_uuid = factory.LazyAttribute(lambda e: e.payload.get("uuid", ""))
    state = EventState.PENDING
