"""Fixtures of the messaging tests: the clock stands still, the cache is empty, a
conversation, and a job queue whose worker is down. The recorded provider, the
organization's SMS connection and number are tests/conftest.py's."""

from datetime import timedelta

import pytest

from tests.clock import NOW
from tests.messaging.factories import ConversationFactory
from tests.messaging.provider import OTHER


@pytest.fixture(autouse=True)
def clock(clock):
    """Every messaging test runs on the still clock of tests/conftest.py (at NOW)."""
    return clock


@pytest.fixture(autouse=True)
def empty_cache(empty_cache):
    """The cache is empty (tests/conftest.py): no test sees another's."""


@pytest.fixture
def kicks(monkeypatch) -> list[tuple]:
    """The processing jobs the webhook view enqueued; none runs (the worker is down)."""
    calls = []
    monkeypatch.setattr("messaging.wakeup.async_task",
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


@pytest.fixture
def conversation(number):
    """A conversation of `number` with OTHER, last active two minutes ago."""
    return ConversationFactory(own_number=number, participants=OTHER,
                               last_message_at=NOW - timedelta(minutes=2),
                               last_preview="Can I move my appointment?")
