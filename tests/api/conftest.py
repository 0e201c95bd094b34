"""Fixtures of the API tests: keys and clients that present them, a recorded provider, and
the organization's fax and SMS connections and number.

`api` holds a read+send key of `org`; `reader` a read-only key; `outsider_api` a key of
another organization, for the cross-organization 404s.
"""

import pytest
import responses
from django.core.cache import cache
from django.test import Client

from accounts.api_keys import create_api_key
from tests.faxes.factories import connection_for
from tests.messaging.factories import MessagingNumberFactory, SmsConnectionFactory
from tests.messaging.provider import OWN


def key_client(clear: str, **options) -> Client:
    return Client(headers={"Authorization": f"Bearer {clear}"}, **options)


def make_key(organization, scopes="read,send", name="Billing system"):
    """A key of `organization`: (row, clear key)."""
    return create_api_key(organization=organization, name=name, scopes=scopes)


@pytest.fixture(autouse=True)
def empty_cache():
    """The rate limit counts requests in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Sent and archived media files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    """The transport retries failed reads after a backoff; tests do not wait for it."""
    monkeypatch.setattr("axion.transport.BACKOFF_SECONDS", 0)


@pytest.fixture
def api_key(org):
    return make_key(org)


@pytest.fixture
def api(api_key):
    return key_client(api_key[1])


@pytest.fixture
def reader(org):
    return key_client(make_key(org, scopes="read", name="Reports")[1])


@pytest.fixture
def sender_only(org):
    return key_client(make_key(org, scopes="send", name="Alerts")[1])


@pytest.fixture
def outsider_api(other_org):
    return key_client(make_key(other_org)[1])


@pytest.fixture
def provider():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def fax_connection(org):
    return connection_for(org)


@pytest.fixture
def sms(org):
    return SmsConnectionFactory(organization=org)


@pytest.fixture
def number(org):
    return MessagingNumberFactory(organization=org, number=OWN)


def error_of(response) -> dict:
    """The `error` object of an error answer, checking the shape every error has."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]
