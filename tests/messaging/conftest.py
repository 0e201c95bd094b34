"""Fixtures of the messaging tests: a frozen clock, a recorded provider, an organization
with a number and a valid SMS connection, and a job queue whose worker is down."""

from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.core.cache import cache

from messaging import webhooks
from tests.messaging.factories import (
    ConversationFactory,
    MessagingNumberFactory,
    SmsConnectionFactory,
)
from tests.messaging.provider import OTHER, OWN

NOW = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock(time_machine):
    """The clock stands still at NOW unless a test moves it (`clock.shift(seconds)`)."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch):
    """Rate limits live in the cache and the webhook kick is throttled per process: no test
    sees another's."""
    cache.clear()
    monkeypatch.setattr(webhooks, "_kick_throttle", webhooks._Throttle(seconds=1))
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    """The transport retries failed reads after a backoff; tests do not wait for it."""
    monkeypatch.setattr("axion.transport.BACKOFF_SECONDS", 0)


@pytest.fixture
def provider():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def sms(org):
    """The organization's SMS connection, with a token valid for 20 more days."""
    return SmsConnectionFactory(organization=org)


@pytest.fixture
def number(org):
    return MessagingNumberFactory(organization=org, number=OWN)


@pytest.fixture
def kicks(monkeypatch) -> list[tuple]:
    """The processing jobs the webhook view enqueued; none runs (the worker is down)."""
    calls = []
    monkeypatch.setattr("messaging.webhooks.async_task",
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


@pytest.fixture
def media_root(settings, tmp_path):
    """Archived media go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def conversation(number):
    """A conversation of `number` with OTHER, last active two minutes ago."""
    return ConversationFactory(own_number=number, participants=OTHER,
                               last_message_at=NOW - timedelta(minutes=2),
                               last_preview="Can I move my appointment?")
