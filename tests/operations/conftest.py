"""Fixtures of the operations tests: the still clock, and a job queue whose worker is down."""

import pytest


@pytest.fixture(autouse=True)
def clock(clock):
    """Every operations test runs on the still clock of tests/conftest.py (at NOW)."""
    return clock


@pytest.fixture
def kicks(monkeypatch) -> list[tuple]:
    """The processing jobs the webhook view enqueued; none runs (the worker is down)."""
    calls = []
    monkeypatch.setattr("messaging.wakeup.async_task",
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls
