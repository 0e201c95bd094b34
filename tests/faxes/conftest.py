"""Fixtures of the faxes tests: a recorded provider, a fax connection with a valid token,
and a client that never waits between retries."""

import pytest
import responses

from faxes.client import FaxClient
from tests.faxes.factories import connection_for


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    """The transport retries failed lookups after a backoff: record it instead of sleeping."""
    waits: list[float] = []
    original = FaxClient.for_connection.__func__

    def for_connection(cls, connection, **options):
        options.setdefault("sleep", waits.append)
        return original(cls, connection, **options)

    monkeypatch.setattr(FaxClient, "for_connection", classmethod(for_connection))
    return waits


@pytest.fixture
def provider():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def connection(org):
    return connection_for(org)


@pytest.fixture
def opened_clients(monkeypatch, no_backoff):
    """Every FaxClient made during the test; each one's `closed` says whether it was closed."""
    opened = []
    made_by = FaxClient.for_connection.__func__
    real_close = FaxClient.close

    def for_connection(cls, connection, **options):
        client = made_by(cls, connection, **options)
        client.closed = False
        opened.append(client)
        return client

    def close(self):
        self.closed = True
        real_close(self)

    monkeypatch.setattr(FaxClient, "for_connection", classmethod(for_connection))
    monkeypatch.setattr(FaxClient, "close", close)
    return opened
