"""axion.client_for: the client of a saved connection, with its token store and timeouts."""

from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

import axion
from accounts.models import Connection
from axion.fax import FaxClient
from axion.sms import SmsClient
from tests.axion.bodies import (
    API_KEY,
    FAX_LOGIN_OK,
    FAX_STATUS_OK,
    PASSWORD,
    SMS_LOGIN_OK,
    TOKEN,
    USERNAME,
)
from tests.axion.recorded import FAX_URL, SMS_URL, answer, sent
from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db

LOS_ANGELES = ZoneInfo("America/Los_Angeles")


@override_settings(AXION_CONNECT_TIMEOUT=2.0, AXION_READ_TIMEOUT=9.0)
def test_a_fax_client_uses_the_connections_account_zone_and_timeouts(provider):
    connection = ConnectionFactory(api_key=API_KEY, password=PASSWORD, username=USERNAME,
                                   time_zone="America/Los_Angeles")
    answer(provider, "User_Login", FAX_LOGIN_OK)
    answer(provider, "Fax_Status", FAX_STATUS_OK)
    faxes = axion.client_for(connection).fax_status("test 1")
    assert faxes[0].time.tzinfo == LOS_ANGELES
    assert provider.calls[0].request.url == FAX_URL
    assert provider.calls[0].request.req_kwargs["timeout"] == (2.0, 9.0)
    assert sent(provider, "User_Login")[0]["PASSWORD"] == PASSWORD
    connection.refresh_from_db()
    assert connection.session_token == TOKEN


def test_an_sms_client_logs_in_with_the_connections_account(provider):
    connection = ConnectionFactory(kind=Connection.Kind.SMS, api_url=SMS_URL, api_key=API_KEY)
    answer(provider, "userLogin", SMS_LOGIN_OK, url=SMS_URL)
    answer(provider, "updateNumber", {"RESULT": "OK"}, url=SMS_URL)
    axion.client_for(connection).update_number("+13109549528", "https://x.test/h")
    assert sent(provider, "updateNumber", url=SMS_URL)[0]["sessionToken"] == TOKEN


@pytest.mark.parametrize(("kind", "client_class"), [(Connection.Kind.FAX, FaxClient),
                                                     (Connection.Kind.SMS, SmsClient)])
def test_the_client_is_the_one_of_the_connections_kind(kind, client_class):
    with axion.client_for(ConnectionFactory(kind=kind)) as client:
        assert type(client) is client_class


@override_settings(AXION_READ_TIMEOUT=9.0, AXION_INTERACTIVE_READ_TIMEOUT=4.0)
def test_an_interactive_client_waits_the_shorter_read_timeout(provider):
    connection = ConnectionFactory(api_key=API_KEY, password=PASSWORD, username=USERNAME)
    answer(provider, "User_Login", FAX_LOGIN_OK)
    answer(provider, "Fax_Status", FAX_STATUS_OK)
    axion.client_for(connection, interactive=True).fax_status("test 1")
    assert provider.calls[0].request.req_kwargs["timeout"][1] == 4.0
