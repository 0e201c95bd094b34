"""axion.client_for: the client of a saved connection, with its token store and timeouts."""

from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

import axion
from accounts.models import Connection
from axion import errors
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
from tests.common import servers
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


# --- The outbound policy, deadline and cap come from settings ----------------------------

def test_a_loopback_url_is_refused(valid_login_server):
    connection = ConnectionFactory(api_url=valid_login_server.url)
    with pytest.raises(errors.URLNotAllowed), axion.client_for(connection) as client:
        client.login()
    assert valid_login_server.connections == 0


@override_settings(AXION_ALLOWED_HOSTS=["127.0.0.1"])
def test_a_host_in_axion_allowed_hosts_is_called_over_http(valid_login_server):
    connection = ConnectionFactory(api_url=valid_login_server.url)
    with axion.client_for(connection) as client:
        client.login()
    assert len(valid_login_server.requests) == 1


@pytest.mark.parametrize(("sandbox", "allowed"), [(True, True), (False, False)])
def test_the_sandboxs_own_url_is_allowed_only_while_the_sandbox_is_on(
        settings, valid_login_server, sandbox, allowed):
    settings.AXION_SANDBOX = sandbox
    settings.PORTAL_BASE_URL = f"http://127.0.0.1:{valid_login_server.port}"
    connection = ConnectionFactory(api_url=f"{settings.PORTAL_BASE_URL}/sandbox/fax")
    with axion.client_for(connection) as client:
        if allowed:
            client.login()
        else:
            with pytest.raises(errors.URLNotAllowed):
                client.login()
    assert len(valid_login_server.requests) == int(allowed)


@override_settings(AXION_ALLOWED_HOSTS=["127.0.0.1"], AXION_CALL_DEADLINE_SECONDS=1.0)
def test_the_call_deadline_is_axion_call_deadline_seconds():
    with servers.LoopbackServer(servers.drip(0.3)) as server:
        connection = ConnectionFactory(api_url=server.url)
        with pytest.raises(errors.TransportTimeout, match="within 1 s"), \
                axion.client_for(connection, attempts=1) as client:
            client.login()


@override_settings(AXION_MAX_REPLY_BYTES=100)
def test_the_answer_cap_is_axion_max_reply_bytes(provider):
    connection = ConnectionFactory(api_key=API_KEY, password=PASSWORD, username=USERNAME)
    answer(provider, "User_Login", FAX_LOGIN_OK)  # longer than 100 bytes
    with pytest.raises(errors.ReplyTooLarge), axion.client_for(connection) as client:
        client.login()


@pytest.fixture
def valid_login_server():
    with servers.LoopbackServer(servers.answer(FAX_LOGIN_OK.encode())) as server:
        yield server


@pytest.mark.parametrize(("media_limit", "fetched"), [(10_000, True), (1_000, False)])
def test_media_files_may_be_as_large_as_mms_media_max_bytes(provider, settings, media_limit,
                                                            fetched):
    settings.AXION_MAX_REPLY_BYTES = 500  # the login's answer fits
    settings.MMS_MEDIA_MAX_BYTES = media_limit
    connection = ConnectionFactory(kind=Connection.Kind.SMS, api_url=SMS_URL, api_key=API_KEY)
    answer(provider, "userLogin", SMS_LOGIN_OK, url=SMS_URL)
    answer(provider, "getMMSMedia", PNG_5000, url=SMS_URL, content_type="image/png")
    with axion.client_for(connection) as client:
        if fetched:
            assert client.get_media("https://media.axion.example/1.png").content == PNG_5000
        else:
            with pytest.raises(errors.ReplyTooLarge):
                client.get_media("https://media.axion.example/1.png")


def test_media_cap_never_falls_below_the_answer_cap(provider, settings):
    """getMMSMedia answers errors as JSON, which AXION_MAX_REPLY_BYTES admits."""
    settings.AXION_MAX_REPLY_BYTES = 10_000
    settings.MMS_MEDIA_MAX_BYTES = 1_000
    connection = ConnectionFactory(kind=Connection.Kind.SMS, api_url=SMS_URL, api_key=API_KEY)
    answer(provider, "userLogin", SMS_LOGIN_OK, url=SMS_URL)
    answer(provider, "getMMSMedia", PNG_5000, url=SMS_URL, content_type="image/png")
    with axion.client_for(connection) as client:
        assert client.get_media("https://media.axion.example/1.png").content == PNG_5000


PNG_5000 = b"\x89PNG\r\n\x1a\n" + b"\0" * 4_992


@override_settings(AXION_CONNECT_TIMEOUT=2.0, AXION_INTERACTIVE_READ_TIMEOUT=4.0,
                   AXION_CALL_DEADLINE_SECONDS=30)
def test_an_interactive_call_ends_by_the_connect_and_read_timeouts_together():
    connection = ConnectionFactory()
    with axion.client_for(connection, interactive=True) as client:
        assert client.transport.deadline == 6.0
