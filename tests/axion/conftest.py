"""Fixtures of the provider client tests: token stores and transports that never sleep
(the recorded provider is tests/conftest.py's `provider`; the helpers that answer it are in
tests/axion/recorded.py)."""

from datetime import UTC, datetime

import pytest

from axion.tokens import MemoryTokenStore
from axion.transport import AxionTransport
from tests.axion.bodies import TOKEN
from tests.axion.recorded import NOW, SMS_URL, make_transport


@pytest.fixture(autouse=True)
def no_backoff():
    """Unlike the other tests' (tests/conftest.py), the transport's backoff stays as it is:
    these tests give the transport a `sleep` that records the delays, and check them."""


@pytest.fixture
def sleeps() -> list[float]:
    """The backoff delays the transport asked for (it never really sleeps in tests)."""
    return []


@pytest.fixture
def empty_store() -> MemoryTokenStore:
    return MemoryTokenStore(clock=lambda: NOW)


@pytest.fixture
def valid_store() -> MemoryTokenStore:
    return MemoryTokenStore(TOKEN, datetime(2024, 3, 20, tzinfo=UTC), clock=lambda: NOW)


@pytest.fixture
def fax_transport(valid_store, sleeps) -> AxionTransport:
    return make_transport(valid_store, sleeps)


@pytest.fixture
def sms_transport(valid_store, sleeps) -> AxionTransport:
    return make_transport(valid_store, sleeps, url=SMS_URL)
