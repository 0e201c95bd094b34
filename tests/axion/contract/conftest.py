"""Contract fixtures: the real clients against the sandbox over the live test server.

Connections are ordinary `Connection` rows whose api_url is the live server's
/sandbox/fax or /sandbox/sms (loopback only), with the credentials of a sandbox account.
The portal's base URL is the live server's, as in `make run`: those are the sandbox's own
URLs, which the portal calls while AXION_SANDBOX is on, over http on loopback included.
Transports get a `sleep` that fails the test: nothing here may need a retry.
"""

import pytest

import axion
from tests.axion.contract.account import OWN_NUMBER, TIME_ZONE
from tests.factories import ConnectionFactory, OrganizationFactory
from tests.sandbox.factories import SandboxAccountFactory, SandboxNumberFactory


def no_sleep(seconds):
    pytest.fail(f"the client wanted to retry after {seconds} s")


@pytest.fixture(autouse=True)
def portal_on_the_live_server(settings, live_server):
    settings.PORTAL_BASE_URL = live_server.url


@pytest.fixture
def account(transactional_db):
    return SandboxAccountFactory(username="portal-user", password="portal-pass-1",
                                 time_zone=TIME_ZONE)


@pytest.fixture
def own_number(account):
    return SandboxNumberFactory(account=account, number=OWN_NUMBER)


@pytest.fixture
def organization(transactional_db):
    return OrganizationFactory(slug="contract")


def _connection(live_server, organization, account, kind, **overrides):
    values = {"organization": organization, "kind": kind,
              "api_url": f"{live_server.url}/sandbox/{kind}", "api_key": account.api_key,
              "username": account.username, "password": account.password,
              "time_zone": TIME_ZONE, **overrides}
    return ConnectionFactory(**values)


@pytest.fixture
def fax_connection(live_server, organization, account):
    return _connection(live_server, organization, account, "fax")


@pytest.fixture
def sms_connection(live_server, organization, account):
    return _connection(live_server, organization, account, "sms")


@pytest.fixture
def fax_client(fax_connection):
    with axion.client_for(fax_connection, sleep=no_sleep) as client:
        yield client


@pytest.fixture
def sms_client(sms_connection):
    with axion.client_for(sms_connection, sleep=no_sleep) as client:
        yield client


@pytest.fixture
def connection_with(live_server, organization, account):
    """A connection of `kind` with some values changed (a wrong password, say)."""
    def make(kind, **overrides):
        return _connection(live_server, organization, account, kind, **overrides)

    return make
