"""SmsClient (axion/sms.py): every method, camelCase keys; docs/provider.md, quirks 9, 10, 12,
15, 16 and 18."""

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest
import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from axion import errors
from axion.sms import MediaFile, SendResult, SmsClient, SmsMessage
from tests.axion.bodies import (
    API_KEY,
    INBOUND_MESSAGE,
    MESSAGE_UUID,
    PASSWORD,
    SEND_OK,
    SMS_LOGIN_OK,
    SMS_VERSION_OK,
    TOKEN,
    USERNAME,
    messages_page,
)
from tests.axion.recorded import SMS_URL, answer, make_transport, sent

GOT = {"RESULT": "OK", "customerProvidedId": None, "messages": [INBOUND_MESSAGE]}


def reply(provider, method, body, **kwargs):
    answer(provider, method, body, url=SMS_URL, **kwargs)


def payloads(provider, method):
    return sent(provider, method, url=SMS_URL)


@pytest.fixture
def client(sms_transport) -> SmsClient:
    return SmsClient(sms_transport)


def test_version_sends_only_the_api_key(provider, client):
    reply(provider, "userLogin", SMS_VERSION_OK)
    info = client.version()
    assert payloads(provider, "userLogin") == [{"method": "userLogin", "apiKey": API_KEY}]
    assert (info.version, info.hash, info.build_time) == ("9", "4f1c2ab", "2021-04-30 10:00:00")


def test_login_sends_username_and_password_and_stores_the_token(provider, empty_store, sleeps):
    reply(provider, "userLogin", SMS_LOGIN_OK)
    SmsClient(make_transport(empty_store, sleeps, url=SMS_URL)).login()
    assert payloads(provider, "userLogin") == [{"method": "userLogin", "apiKey": API_KEY,
                                                "username": USERNAME, "password": PASSWORD}]
    assert empty_store.token == TOKEN


# --- sendSMS -------------------------------------------------------------------------------

def test_send_sms_sends_camel_case_keys_and_e164_numbers(provider, client):
    reply(provider, "sendSMS", SEND_OK)
    client.send_sms("(805) 642-1414", ["805.642.1415"], "Hello", customer_provided_id="order-17")
    assert payloads(provider, "sendSMS") == [{
        "method": "sendSMS", "apiKey": API_KEY, "sessionToken": TOKEN,
        "sourceNumber": "+18056421414", "destinationNumbers": ["+18056421415"],
        "text": "Hello", "customerProvidedId": "order-17"}]


def test_send_sms_returns_the_receipt_in_utc(provider, client):
    reply(provider, "sendSMS", SEND_OK)
    result = client.send_sms("+18056421414", ["+18056421415"], "Hello")
    assert result == SendResult(uuid=MESSAGE_UUID, time=datetime(2021, 5, 2, 15, 22, 18,
                                tzinfo=UTC), customer_provided_id="order-17", raw={})


def test_send_mms_sends_the_base64_file(provider, client):
    reply(provider, "sendSMS", SEND_OK)
    picture = base64.b64encode(b"GIF89a...").decode()
    client.send_sms("+18056421414", ["+18056421415"], "", file_b64=picture)
    assert payloads(provider, "sendSMS")[0]["file"] == picture


def test_send_sms_refuses_a_file_over_3_5_mb(provider, client):
    too_big = base64.b64encode(b"x" * 3_500_001).decode()
    with pytest.raises(ValueError, match="3.5 MB"):
        client.send_sms("+18056421414", ["+18056421415"], "", file_b64=too_big)
    assert len(provider.calls) == 0


@pytest.mark.parametrize("lost", [
    requests.ReadTimeout(),
    requests.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError())),
], ids=["read timeout", "reset after send"])
def test_send_sms_with_lost_answer_raises_outcome_unknown_and_is_not_retried(
        provider, client, sleeps, lost):
    reply(provider, "sendSMS", lost)
    with pytest.raises(errors.OutcomeUnknown):
        client.send_sms("+18056421414", ["+18056421415"], "Hello")
    assert len(payloads(provider, "sendSMS")) == 1
    assert sleeps == []


@pytest.mark.parametrize(("body", "status"), [("<h1>Bad gateway</h1>", 502), ("", 200)])
def test_send_sms_with_server_error_or_unreadable_answer_is_outcome_unknown(
        provider, client, body, status):
    reply(provider, "sendSMS", body, status=status, content_type="text/html")
    with pytest.raises(errors.OutcomeUnknown):
        client.send_sms("+18056421414", ["+18056421415"], "Hello")
    assert len(payloads(provider, "sendSMS")) == 1


def test_send_sms_ok_without_uuid_is_outcome_unknown(provider, client):
    reply(provider, "sendSMS", {"RESULT": "OK", "time": "2021-05-02T15:22:18Z"})
    with pytest.raises(errors.OutcomeUnknown):
        client.send_sms("+18056421414", ["+18056421415"], "Hello")


def test_send_sms_refused_connection_is_a_plain_transport_error(provider, client):
    refused = requests.ConnectionError(MaxRetryError(
        None, SMS_URL, NewConnectionError(None, "Connection refused")))
    reply(provider, "sendSMS", refused)
    with pytest.raises(errors.TransportError) as caught:
        client.send_sms("+18056421414", ["+18056421415"], "Hello")
    assert caught.value.request_sent is False
    assert len(payloads(provider, "sendSMS")) == 1


def test_send_sms_not_allowed_is_repeated_once_after_login(provider, client):
    reply(provider, "sendSMS", {"RESULT": "ERROR", "ERROR": "NOT ALLOWED"})
    reply(provider, "sendSMS", SEND_OK)
    reply(provider, "userLogin", SMS_LOGIN_OK)
    assert client.send_sms("+18056421414", ["+18056421415"], "Hello").uuid == MESSAGE_UUID
    assert len(payloads(provider, "sendSMS")) == 2


# --- getSMS --------------------------------------------------------------------------------

def test_get_sms_sends_filters_under_provider_names(provider, client):
    reply(provider, "getSMS", GOT)
    client.get_sms(messaging_number="13109549528", number="(805) 642-1415",
                   from_time=datetime(2021, 5, 2, 8, 0, tzinfo=timezone(timedelta(hours=-7))),
                   limit=50, offset=100, sort="asc", customerProvidedId="x")
    payload = payloads(provider, "getSMS")[0]
    assert {k: v for k, v in payload.items() if k not in ("method", "apiKey")} == {
        "sessionToken": TOKEN, "messagingNumber": "13109549528", "number": "+18056421415",
        "fromTime": "2021-05-02T15:00:00Z", "limit": 50, "offset": 100, "sort": "ASC",
        "customerProvidedId": "x"}


def test_get_sms_returns_normalised_messages(provider, client):
    reply(provider, "getSMS", GOT)
    assert client.get_sms(uuid=MESSAGE_UUID) == [SmsMessage(
        uuid=MESSAGE_UUID, source="+18056421415", destinations=["+18056421414"],
        text="message text", time=datetime(2021, 5, 2, 15, 22, 18, tzinfo=UTC), media=[],
        status="RECEIVED", user_uuid=None, associated_number="+18056421414", raw={})]


@pytest.mark.parametrize(("changes", "field", "expected"), [
    ({"text": None}, "text", ""),
    ({"text": ...}, "text", ""),
    ({"media": ...}, "media", []),
    ({"media": ["https://media.example/a.png"]}, "media", ["https://media.example/a.png"]),
    ({"time": "2021-05-02 15:22:18"}, "time", datetime(2021, 5, 2, 15, 22, 18, tzinfo=UTC)),
    ({"dst": ["13109549528"]}, "destinations", ["+13109549528"]),
])
def test_get_sms_tolerates_the_providers_variants(provider, client, changes, field, expected):
    message = {k: v for k, v in {**INBOUND_MESSAGE, **changes}.items() if v is not ...}
    reply(provider, "getSMS", {"RESULT": "OK", "messages": [message]})
    assert getattr(client.get_sms()[0], field) == expected


def test_get_sms_refuses_a_limit_over_100(client):
    with pytest.raises(ValueError, match="limit"):
        client.get_sms(limit=101)


def test_get_sms_refuses_an_unknown_filter(client):
    with pytest.raises(TypeError, match="colour"):
        client.get_sms(colour="red")


@pytest.mark.parametrize(("total", "calls"), [(250, 3), (200, 3), (0, 1)])
def test_iter_sms_pages_by_100_until_a_short_page(provider, client, total, calls):
    for start in range(0, total + 1, 100):
        reply(provider, "getSMS", messages_page(min(100, total - start), start))
    uuids = [m.uuid for m in client.iter_sms({"messaging_number": "13109549528"})]
    assert uuids == [f"message-{n}" for n in range(total)]
    sent_pages = payloads(provider, "getSMS")
    assert [(p["limit"], p["offset"], p["sort"]) for p in sent_pages] == [
        (100, 100 * n, "ASC") for n in range(calls)]


def test_get_sms_not_found_is_an_empty_list(provider, client):
    reply(provider, "getSMS", {"RESULT": "ERROR", "ERROR": "NOT FOUND"})
    assert client.get_sms(number="+18056421415") == []


def test_iter_sms_ends_on_a_not_found_page(provider, client):
    reply(provider, "getSMS", messages_page(100))
    reply(provider, "getSMS", {"RESULT": "ERROR", "ERROR": "NOT FOUND"})
    assert len(list(client.iter_sms())) == 100
    assert len(payloads(provider, "getSMS")) == 2


def test_iter_sms_fetches_a_page_only_when_needed(provider, client):
    reply(provider, "getSMS", messages_page(100))
    next(client.iter_sms())
    assert len(payloads(provider, "getSMS")) == 1


# --- Media, delete, number -------------------------------------------------------------

def test_get_media_returns_bytes_and_content_type(provider, client):
    reply(provider, "getMMSMedia", b"\x89PNG\r\n\x1a\nbytes", content_type="image/png")
    assert client.get_media("https://media.example/a.png") == MediaFile(
        b"\x89PNG\r\n\x1a\nbytes", "image/png")
    assert payloads(provider, "getMMSMedia")[0]["mediaUrl"] == "https://media.example/a.png"


def test_get_media_json_error_is_raised(provider, client):
    reply(provider, "getMMSMedia", {"RESULT": "NOT FOUND"})
    with pytest.raises(errors.NotFound):
        client.get_media("https://media.example/expired.png")


def test_delete_sms_sends_the_message_uuid(provider, client):
    reply(provider, "deleteSMS", {"RESULT": "OK", "customerProvidedId": "d-1"})
    client.delete_sms(MESSAGE_UUID, customer_provided_id="d-1")
    assert payloads(provider, "deleteSMS")[0]["uuid"] == MESSAGE_UUID
    assert payloads(provider, "deleteSMS")[0]["customerProvidedId"] == "d-1"


def test_delete_sms_is_not_retried(provider, client):
    reply(provider, "deleteSMS", "", status=503)
    with pytest.raises(errors.TransportError):
        client.delete_sms(MESSAGE_UUID)
    assert len(payloads(provider, "deleteSMS")) == 1


def test_update_number_sends_e164_number_and_callback(provider, client):
    reply(provider, "updateNumber", {"RESULT": "OK"})
    client.update_number("13109549528", "https://portal.example.test/hooks/s3cr3t")
    payload = payloads(provider, "updateNumber")[0]
    assert (payload["number"], payload["callbackUrl"]) == (
        "+13109549528", "https://portal.example.test/hooks/s3cr3t")
