"""Fixtures of the operations tests: the still clock and a fresh webhook kick."""

import pytest

from messaging import webhooks


@pytest.fixture(autouse=True)
def clock(clock):
    """Every operations test runs on the still clock of tests/conftest.py (at NOW)."""
    return clock


@pytest.fixture(autouse=True)
def fresh_kick(monkeypatch):
    """The webhook kick, throttled per process, starts afresh in every test."""
    monkeypatch.setattr(webhooks, "_kick_throttle", webhooks._Throttle(seconds=1))


@pytest.fixture
def kicks(monkeypatch) -> list[tuple]:
    """The processing jobs the webhook view enqueued; none runs (the worker is down)."""
    calls = []
    monkeypatch.setattr("messaging.webhooks.async_task",
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls
