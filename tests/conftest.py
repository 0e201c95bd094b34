"""Fixtures shared by the tests of several folders: the network guard, an empty cache, a
temporary media folder, no retry backoff, organizations and their members, a recorded
provider, a still clock, API keys, and the organization's connections and number.

Each role has a logged-in client fixture in organization `org`; `outsider_client` is an
owner of another organization, so every view test can check the cross-tenant 404. `api`
holds a read+send key of `org`; `reader` a read-only key; `sender_only` a send-only key;
`outsider_api` a key of another organization, for the cross-organization 404s.
"""

import os

import pytest
import responses
from django.core.cache import cache
from django.test import Client

from accounts.models import Role
from common import wakeups
from tests.api.helpers import key_client, make_key
from tests.clock import NOW
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.faxes.factories import connection_for
from tests.messaging.factories import MessagingNumberFactory, SmsConnectionFactory
from tests.messaging.provider import OWN
from tests.network_guard import guard_network
from tests.services import EXPECTED_DATABASE

pytest_plugins = ["pytester"]  # tests/test_network_guard.py runs a suite of its own

no_network = pytest.fixture(autouse=True)(guard_network)


def pytest_sessionstart(session):
    expected = os.environ.get(EXPECTED_DATABASE)
    if expected:
        from django.db import connection

        if connection.vendor != expected:
            pytest.exit(f"{EXPECTED_DATABASE}={expected} but the tests would run on "
                        f"{connection.vendor}: is DATABASE_URL set?", returncode=4)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2's million rounds per fixture user make the suite minutes slower; what is
    tested is who may log in, not how the hash is made."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and other counters live in the cache: no test sees another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def no_wake_leases():
    """What a process's reads of a wake-up marker cover (common.wakeups) is per process: no
    test sees another's."""
    wakeups.forget_leases()
    yield
    wakeups.forget_leases()


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
def org(db):
    return OrganizationFactory(name="Harbor Clinic", slug="harbor")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Summit Law", slug="summit")


def _member(organization, role):
    return MembershipFactory(organization=organization, role=role,
                             user=UserFactory(username=f"{role}-{organization.slug}"))


def _client_for(membership):
    client = Client()
    client.force_login(membership.user)
    return client


@pytest.fixture
def owner(org):
    return _member(org, Role.OWNER)


@pytest.fixture
def admin_member(org):
    return _member(org, Role.ADMIN)


@pytest.fixture
def agent(org):
    return _member(org, Role.AGENT)


@pytest.fixture
def viewer(org):
    return _member(org, Role.VIEWER)


@pytest.fixture
def outsider(other_org):
    return _member(other_org, Role.OWNER)


@pytest.fixture
def owner_client(owner):
    return _client_for(owner)


@pytest.fixture
def admin_client_(admin_member):
    return _client_for(admin_member)


@pytest.fixture
def agent_client(agent):
    return _client_for(agent)


@pytest.fixture
def viewer_client(viewer):
    return _client_for(viewer)


@pytest.fixture
def outsider_client(outsider):
    return _client_for(outsider)


@pytest.fixture
def server_drops_connection():
    """Call it to have the PostgreSQL server end the default connection's session, as a
    restart or a failover does; the connection object does not know yet."""
    from django.db import connection, connections

    def drop():
        connection.ensure_connection()
        backend = connection.connection.info.backend_pid
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(%s)", [backend])
        finally:
            other.close()

    return drop


@pytest.fixture
def provider():
    """The provider, recorded: answer it with tests/axion/recorded.py, tests/faxes/recorded.py
    or tests/messaging/provider.py."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def clock(time_machine):
    """The clock stands still at tests.clock.NOW unless a test moves it (`clock.shift(seconds)`)."""
    time_machine.move_to(NOW, tick=False)
    return time_machine


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
def fax_connection(org):
    """The organization's fax connection, with a valid token."""
    return connection_for(org)


@pytest.fixture
def sms(org):
    """The organization's SMS connection, with a token valid for 20 more days."""
    return SmsConnectionFactory(organization=org)


@pytest.fixture
def number(org):
    return MessagingNumberFactory(organization=org, number=OWN)
