"""Fixtures of the outgoing webhooks' tests: names resolve from a table, the clock stands
still, the jitter is known, the delivery job is not started by commits, and 127.0.0.1 is
allowed for the tests' local receivers."""

import pytest

from common import outbound
from tests.common.resolving import PUBLIC, resolver
from webhooks_out import delivery


@pytest.fixture(autouse=True)
def dns(monkeypatch):
    """Names under .example resolve to a public address (as a customer's endpoint would);
    a test adds its own (`dns["intranet.example"] = ["10.0.0.1"]`)."""
    table: dict = {}
    monkeypatch.setattr(outbound, "system_resolver",
                        resolver(table, suffix_default=(".example", [PUBLIC])))
    return table


@pytest.fixture(autouse=True)
def clock(clock):
    return clock


@pytest.fixture(autouse=True)
def full_steps(monkeypatch):
    """The jitter draws 1: each wait is its whole step (a test may draw otherwise)."""
    monkeypatch.setattr(delivery, "draw", lambda: 1.0)


@pytest.fixture(autouse=True)
def kicks(monkeypatch) -> list[tuple]:
    """Delivery runs that commits and clicks enqueued; none runs by itself."""
    calls = []
    monkeypatch.setattr("webhooks_out.queue.async_task",
                        lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


@pytest.fixture
def loopback_allowed(settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
