"""The webhook endpoint limits requests per client address, so one address flooding it
cannot use up another's (the provider's) allowance."""

import pytest
from django.core.cache import cache

from tests.messaging.factories import MessagingNumberFactory


@pytest.fixture(autouse=True)
def small_limit(settings):
    cache.clear()
    settings.WEBHOOK_RATE_PER_MINUTE = 3
    yield
    cache.clear()


def _post(client, path, address):
    return client.post(path, b"{}", content_type="application/json", REMOTE_ADDR=address)


def test_an_address_over_the_limit_gets_429_with_retry_after(client, org, time_machine):
    time_machine.move_to("2026-11-27 10:00:10", tick=False)
    number = MessagingNumberFactory(organization=org)
    for _ in range(3):
        assert _post(client, number.webhook_path, "198.51.100.9").status_code == 400
    response = _post(client, number.webhook_path, "198.51.100.9")
    assert response.status_code == 429
    assert response["Retry-After"] == "50"


def test_another_address_is_not_limited_by_a_flood(client, org, time_machine):
    time_machine.move_to("2026-11-27 10:00:10", tick=False)
    number = MessagingNumberFactory(organization=org)
    for _ in range(5):
        _post(client, "/hooks/sms/guessed-secret/", "198.51.100.9")
    assert _post(client, number.webhook_path, "203.0.113.50").status_code == 400


def test_unknown_secrets_count_against_the_address(client, org, time_machine):
    time_machine.move_to("2026-11-27 10:00:10", tick=False)
    for _ in range(3):
        assert _post(client, "/hooks/sms/guess/", "198.51.100.9").status_code == 404
    assert _post(client, "/hooks/sms/guess/", "198.51.100.9").status_code == 429
