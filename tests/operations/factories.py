"""Factories of the operations tests (scopes disabled, like tests/factories.py)."""

from datetime import date

import factory

from accounts.models import ConnectionCheck, JobState
from operations.models import MissedWebhook, WebhookDay
from tests.clock import NOW
from tests.factories import ScopeFreeFactory
from tests.messaging.factories import MessagingNumberFactory


class JobStateFactory(ScopeFreeFactory):
    class Meta:
        model = JobState

    job = "sync_messages"


class ConnectionCheckFactory(ScopeFreeFactory):
    class Meta:
        model = ConnectionCheck

    organization = factory.SelfAttribute("connection.organization")
    kind = ConnectionCheck.Kind.RENEWAL
    ok = True
    detail = "Logged in: a new session token for 30 days."
    at = NOW


class WebhookDayFactory(ScopeFreeFactory):
    class Meta:
        model = WebhookDay

    number = factory.SubFactory(MessagingNumberFactory)
    organization = factory.SelfAttribute("number.organization")
    day = date(2024, 3, 1)


class MissedWebhookFactory(ScopeFreeFactory):
    class Meta:
        model = MissedWebhook

    number = factory.SubFactory(MessagingNumberFactory)
    organization = factory.SelfAttribute("number.organization")
    message_uuid = factory.Sequence(lambda n: f"missed-{n:04d}")
    message_time = NOW
