"""Fixtures shared by every test: the network guard, organizations and their members.

Each role has a logged-in client fixture in organization `org`; `outsider_client` is an
owner of another organization, so every view test can check the cross-tenant 404.
"""

import ipaddress
import socket

import pytest
from django.test import Client

from accounts.models import Role
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

PASSWORD = "correct horse battery"


def _is_loopback(host) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any outbound connection beyond loopback: tests use `responses` or the sandbox."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def check(address):
        if isinstance(address, tuple) and not _is_loopback(address[0]):
            raise RuntimeError(f"Test tried to reach the network: {address!r}")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2's million rounds per fixture user make the suite minutes slower; what is
    tested is who may log in, not how the hash is made."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
