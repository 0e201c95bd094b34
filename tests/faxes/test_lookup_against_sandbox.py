"""The three lookups end to end: the lookup page, the client, HTTP, and the sandbox's fax API
on the live test server, with an account made with the sandbox's own models and services."""

import gc
from datetime import UTC, datetime

import pytest
from django_scopes import scopes_disabled

from faxes.models import Fax
from sandbox.models import SandboxAccount, SandboxFax, SandboxToken
from tests.factories import ConnectionFactory
from tests.faxes.pages import table_rows

LOOKUP = "/faxes/lookup/"
# Noon in New York, where the sandbox account, the connection and the organization are.
NOON = datetime(2024, 5, 2, 16, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def release_sockets():
    """The transport never closes its HTTP responses, so a provider error's traceback keeps
    one socket open until the garbage collector frees it, and the live server's thread for
    it outlives the server (a thread error at the end of the run). Free them after each test."""
    yield
    gc.collect()


@pytest.fixture
def account(live_server):
    return SandboxAccount.objects.create(name="Harbor Clinic", username="harbor-fax",
                                         password="sandbox-password-1",
                                         time_zone="America/New_York")


@pytest.fixture
def connection(org, account, live_server, settings):
    """The organization's fax connection to the sandbox; no token yet, so it logs in. The
    portal's base URL is the live server's, so this is the sandbox's own URL, which the
    portal calls while AXION_SANDBOX is on."""
    settings.PORTAL_BASE_URL = live_server.url
    return ConnectionFactory(organization=org, api_url=live_server.url + "/sandbox/fax",
                             api_key=account.api_key, username=account.username,
                             password=account.password, time_zone="America/New_York")


@pytest.fixture(autouse=True)
def faxes(account, time_machine):
    """Sent, failed, without reference to "1234", in progress; yesterday's; another
    account's with the same reference."""
    time_machine.move_to(NOON)  # the clock ticks on: the live server runs in a thread

    def fax(customer_field, hour, minute, second=0, **fields):
        values = {"account": account, "source": "18056421414", "destination": "18002255288",
                  "pages": 2, "outcome": "SENT", "try_count": 1, **fields}
        return SandboxFax.objects.create(
            customer_field=customer_field,
            time=datetime(2024, 5, 2, hour, minute, second, tzinfo=UTC), **values)

    fax("INV-1001", 14, 0)
    fax("INV-1002", 15, 0, outcome="FAILED", try_count=3, pages=5)
    fax(None, 15, 30, source="13103560491", destination="1234")
    fax("INV-1003", 15, 58, 30, try_count=2)  # in its first try at noon
    fax("INV-0999", 3, 0)  # 23:00 on May 1st in New York
    other = SandboxAccount.objects.create(username="someone-else", password="x")
    fax("INV-1001", 14, 30, account=other, destination="18005550100")


def test_one_reference(viewer_client, connection):
    response = viewer_client.get(LOOKUP, {"references": "INV-1001"})
    assert [row[:7] for row in table_rows(response)] == [
        ["INV-1001", "(805) 642-1414", "(800) 225-5288", "2024-05-02 10:00:00", "2", "Sent",
         "1 of 3"]]


def test_several_references(viewer_client, connection):
    response = viewer_client.get(LOOKUP, {"references": "INV-1001, INV-1002\nINV-404"})
    assert sorted(row[0] + " " + row[5] + " " + row[6] for row in table_rows(response)) == [
        "INV-1001 Sent 1 of 3", "INV-1002 Failed 3 of 3"]
    assert b"No fax with the reference <strong>INV-404</strong>" in response.content


def test_a_day(viewer_client, connection):
    response = viewer_client.get(LOOKUP, {"day": "2024-05-02"})
    assert [row[:7] for row in table_rows(response)] == [
        ["INV-1003", "(805) 642-1414", "(800) 225-5288", "2024-05-02 11:58:30", "2",
         "In progress", "1 of 3"],
        ["no reference", "(310) 356-0491", "1234", "2024-05-02 11:30:00", "2", "Sent", "1 of 3"],
        ["INV-1002", "(805) 642-1414", "(800) 225-5288", "2024-05-02 11:00:00", "5", "Failed",
         "3 of 3"],
        ["INV-1001", "(805) 642-1414", "(800) 225-5288", "2024-05-02 10:00:00", "2", "Sent",
         "1 of 3"],
    ]


def test_an_unknown_reference_is_not_found(viewer_client, connection):
    response = viewer_client.get(LOOKUP, {"references": "INV-404"})
    assert b"No fax with the reference <strong>INV-404</strong>" in response.content
    assert b'role="alert"' not in response.content


def test_lookups_are_kept_in_the_history(viewer_client, org, connection):
    viewer_client.get(LOOKUP, {"day": "2024-05-02"})
    viewer_client.get(LOOKUP, {"references": "INV-1001\nINV-1003"})
    with scopes_disabled():
        assert Fax.objects.filter(organization=org).count() == 4


def test_one_login_then_the_stored_token_is_reused(viewer_client, connection):
    viewer_client.get(LOOKUP, {"references": "INV-1001"})
    viewer_client.get(LOOKUP, {"day": "2024-05-02"})
    assert SandboxToken.objects.filter(api=SandboxToken.Api.FAX).count() == 1
    connection.refresh_from_db()
    assert connection.session_token


def test_wrong_credentials_are_a_clear_message_and_flag_the_connection(viewer_client, org,
                                                                       connection):
    connection.password = "not-the-password"
    connection.save()
    response = viewer_client.get(LOOKUP, {"references": "INV-1001"})
    assert b"Axion rejected the stored username or password" in response.content
    connection.refresh_from_db()
    assert connection.failing_since is not None
