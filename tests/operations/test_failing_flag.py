"""A failing connection is flagged on every page for owners and admins until it recovers;
the flag costs their pages one query, and nobody else's any."""

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.models import Connection
from tests.clock import NOW
from tests.messaging.factories import SmsConnectionFactory

FLAG = "Connection failing"


@pytest.fixture
def failing(org):
    return SmsConnectionFactory(organization=org, failing_since=NOW,
                                last_error="Axion rejected the stored username or password.")


@pytest.mark.parametrize("path", ["/", "/messaging/", "/faxes/", "/contacts/", "/operations/"])
def test_admins_see_the_flag_on_every_page(admin_client_, failing, path):
    page = admin_client_.get(path).content.decode()
    assert FLAG in page and "SMS API since 2024-03-01 07:00" in page


def test_owners_see_the_flag(owner_client, failing):
    assert FLAG in owner_client.get("/faxes/").content.decode()


def test_agents_and_viewers_do_not(agent_client, viewer_client, failing):
    assert FLAG not in agent_client.get("/faxes/").content.decode()
    assert FLAG not in viewer_client.get("/faxes/").content.decode()


def test_the_flag_goes_once_the_connection_recovers(admin_client_, failing):
    with scopes_disabled():
        Connection.objects.filter(pk=failing.pk).update(failing_since=None)
    assert FLAG not in admin_client_.get("/faxes/").content.decode()


def test_another_organizations_failing_connection_is_not_flagged(admin_client_, other_org):
    SmsConnectionFactory(organization=other_org, failing_since=NOW)
    assert FLAG not in admin_client_.get("/faxes/").content.decode()


def flag_queries(client) -> int:
    with CaptureQueriesContext(db) as captured:
        client.get("/faxes/")
    return sum('"failing_since" IS NOT NULL' in q["sql"] for q in captured)


def test_the_flag_costs_an_admins_page_one_query(admin_client_, failing):
    assert flag_queries(admin_client_) == 1


def test_the_flag_costs_an_agents_page_nothing(agent_client, failing):
    assert flag_queries(agent_client) == 0
