"""Fixtures of the opt-out tests: the still clock, and a provider that takes every send."""

import pytest

from tests.messaging.provider import accepted, answer


@pytest.fixture(autouse=True)
def clock(clock):
    return clock


@pytest.fixture
def takes_sends(provider):
    answer(provider, "sendSMS", accepted())
    return provider
