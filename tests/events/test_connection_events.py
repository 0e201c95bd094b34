"""connection.failing and connection.recovered: accounts sends a signal on a real change of
Connection.failing_since, and events writes the event in that transaction."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import services
from accounts.tokens import ConnectionTokenStore
from axion.errors import TransportError, WrongCredentials
from tests.events.helpers import emitted, payloads
from tests.factories import ConnectionFactory

VALUES = {"api_url": "https://fax.axion.example/api", "username": "harbor",
          "api_key": "AK-svc-0a1b", "password": "PW-svc-2c3d", "time_zone": "UTC"}


@pytest.fixture
def fax(org):
    return ConnectionFactory(organization=org, kind="fax")


def fail(org, error=None):
    services.note_provider_failure(organization=org, kind="fax",
                                   error=error or WrongCredentials("WRONG CREDENTIALS"))


def test_a_connection_that_starts_failing_is_an_event(org, fax, clock):
    fail(org)
    [event] = emitted()
    assert (event.type, event.subject) == ("connection.failing", "connection:fax")
    assert event.payload["connection"] == {"kind": "fax"}
    assert event.payload["failing_since"] == "2024-03-01T12:00:00Z"
    assert event.payload["error"]


def test_failing_again_is_no_new_event(org, fax):
    fail(org)
    fail(org)
    assert len(emitted("connection.failing")) == 1


def test_a_failure_that_says_nothing_of_the_connection_is_no_event(org, fax):
    fail(org, TransportError("down"))
    assert emitted() == []


def test_a_good_login_after_failing_is_a_recovery(org, fax, clock):
    fail(org)
    clock.shift(600)
    ConnectionTokenStore(fax).save("token", timezone.now() + timedelta(days=30))
    [recovered] = payloads("connection.recovered")
    assert recovered == {"connection": {"kind": "fax"}, "failing_since": "2024-03-01T12:00:00Z",
                         "recovered_at": "2024-03-01T12:10:00Z", "reason": "login_succeeded"}


def test_a_good_login_of_a_healthy_connection_is_no_event(org, fax):
    ConnectionTokenStore(fax).save("token", timezone.now() + timedelta(days=30))
    assert emitted() == []


def test_new_credentials_clear_the_failure_as_a_recovery(org, fax, settings):
    settings.AXION_ALLOWED_HOSTS = ["fax.axion.example"]  # no look-up of the name
    fail(org)
    services.save_connection(organization=org, kind="fax",
                             values={**VALUES, "password": "PW-new"}, actor=None)
    assert [p["reason"] for p in payloads("connection.recovered")] == ["settings_changed"]


def test_changing_only_the_time_zone_of_a_failing_connection_is_no_recovery(org, fax):
    fail(org)
    services.save_connection(organization=org, kind="fax",
                             values={"time_zone": "America/Chicago"}, actor=None)
    assert emitted("connection.recovered") == []
