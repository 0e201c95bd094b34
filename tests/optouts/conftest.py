"""Fixtures of the opt-out tests: the still clock, and a provider that takes every send."""

import pytest

from messaging import webhooks
from tests.messaging.provider import accepted, answer


@pytest.fixture(autouse=True)
def clock(clock):
    return clock


@pytest.fixture
def takes_sends(provider):
    answer(provider, "sendSMS", accepted())
    return provider


@pytest.fixture(autouse=True)
def fresh_webhook_kick(monkeypatch):
    """The webhook kick is throttled per process: each test starts afresh."""
    monkeypatch.setattr(webhooks, "_kick_throttle", webhooks._Throttle(seconds=1))
