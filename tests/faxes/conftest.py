"""Fixtures of the faxes tests: a fax connection with a valid token, and a client that never
waits between retries (the recorded provider is tests/conftest.py's `provider`)."""

import pytest

import axion
from axion.fax import FaxClient
from tests.faxes.backfill_provider import day_provider
from tests.faxes.factories import connection_for


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    """The transport retries failed lookups after a backoff: record it instead of sleeping."""
    waits: list[float] = []
    client_for = axion.client_for

    def recording_waits(connection, **options):
        options.setdefault("sleep", waits.append)
        return client_for(connection, **options)

    monkeypatch.setattr(axion, "client_for", recording_waits)
    return waits


@pytest.fixture
def connection(org):
    return connection_for(org)


@pytest.fixture
def opened_clients(monkeypatch, no_backoff):
    """Every fax client made during the test; each one's `closed` says whether it was closed."""
    opened = []
    client_for = axion.client_for
    real_close = FaxClient.close

    def recording_clients(connection, **options):
        client = client_for(connection, **options)
        client.closed = False
        opened.append(client)
        return client

    def close(self):
        self.closed = True
        real_close(self)

    monkeypatch.setattr(axion, "client_for", recording_clients)
    monkeypatch.setattr(FaxClient, "close", close)
    return opened


@pytest.fixture
def days(provider):
    """The provider answering All_Faxes_Status with one fax a day (the backfill's tests)."""
    return day_provider(provider)
