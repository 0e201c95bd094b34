"""getSMS: message bodies, at most 100 per call, limit/offset, sort, and every filter."""

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.models import MessageStatus
from tests.sandbox.factories import (
    SandboxMediaFactory,
    SandboxMessageFactory,
    SandboxNumberFactory,
)

START = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def get(sms_call, **filters):
    return sms_call("getSMS", **filters).json()


def texts(body):
    return [message["text"] for message in body["messages"]]


@pytest.fixture
def history(number):
    """Five outbound messages "m0".."m4", one a minute from START."""
    return [SandboxMessageFactory(number=number, text=f"m{i}", time=START + timedelta(minutes=i))
            for i in range(5)]


def test_outbound_message_body(sms_call, number, account):
    message = SandboxMessageFactory(number=number, dst=["+18056421415"], text="Hi",
                                    time=START)
    assert get(sms_call) == {"RESULT": "OK", "messages": [{
        "uuid": str(message.uuid), "src": "+13109549528", "dst": ["+18056421415"],
        "text": "Hi", "time": "2024-05-01 12:00:00", "status": "SENT",
        "userUuid": str(account.user_uuid), "associatedNumber": "+13109549528"}]}


def test_inbound_picture_without_text_has_no_text_key_and_media_urls(sms_call, number):
    message = SandboxMessageFactory(number=number, direction="in", src="+18056421415",
                                    dst=[number.number], text="", status=MessageStatus.RECEIVED,
                                    user_uuid="")
    media = SandboxMediaFactory(message=message)
    body = get(sms_call)["messages"][0]
    assert "text" not in body
    assert body["media"] == [f"https://portal.example.test/sandbox/media/{media.key}.png"]
    assert body["status"] == "RECEIVED"


def test_message_without_media_has_no_media_key(sms_call, history):
    message = get(sms_call)["messages"][0]
    assert message["text"] == "m4"  # the control: a whole message body, newest first
    assert "media" not in message


def test_get_echoes_the_customer_provided_id(sms_call, history):
    assert get(sms_call, customerProvidedId=42)["customerProvidedId"] == 42


def test_newest_come_first_by_default(sms_call, history):
    assert texts(get(sms_call)) == ["m4", "m3", "m2", "m1", "m0"]


def test_sort_asc_gives_oldest_first(sms_call, history):
    assert texts(get(sms_call, sort="ASC")) == ["m0", "m1", "m2", "m3", "m4"]


def test_bad_sort_is_missing_parameters(sms_call, history):
    assert get(sms_call, sort="NEWEST")["ERROR"] == "MISSING PARAMETERS"


def test_limit_and_offset_page_through(sms_call, history):
    assert texts(get(sms_call, sort="ASC", limit=2, offset=2)) == ["m2", "m3"]


def test_limit_and_offset_may_be_strings(sms_call, history):
    assert texts(get(sms_call, sort="ASC", limit="2", offset="3")) == ["m3", "m4"]


def test_offset_past_the_end_is_not_found(sms_call, history):
    assert get(sms_call, offset=5) == {"RESULT": "ERROR", "ERROR": "NOT FOUND"}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": "ten"}, {"offset": -1},
                                    {"limit": True}])
def test_bad_limit_or_offset_is_missing_parameters(sms_call, history, params):
    assert get(sms_call, **params)["ERROR"] == "MISSING PARAMETERS"


def test_at_most_100_messages_per_call(sms_call, number):
    for i in range(105):
        SandboxMessageFactory(number=number, time=START + timedelta(seconds=i))
    assert len(get(sms_call)["messages"]) == 100


def test_limit_above_100_is_capped(sms_call, number):
    for i in range(105):
        SandboxMessageFactory(number=number, time=START + timedelta(seconds=i))
    assert len(get(sms_call, limit=500)["messages"]) == 100
    assert len(get(sms_call, limit=500, offset=100)["messages"]) == 5


def test_filter_by_uuid_reads_one_message(sms_call, history):
    body = get(sms_call, uuid=str(history[2].uuid))
    assert texts(body) == ["m2"]


def test_filter_by_malformed_uuid_is_missing_parameters(sms_call, history):
    assert get(sms_call, uuid="+18056421414")["ERROR"] == "MISSING PARAMETERS"


def test_filter_by_messaging_number(sms_call, history, account):
    other_own = SandboxNumberFactory(account=account, number="+18056421414")
    SandboxMessageFactory(number=other_own, text="other line", time=START)
    assert texts(get(sms_call, messagingNumber="+18056421414")) == ["other line"]


def test_messaging_number_may_come_without_plus(sms_call, history):
    assert len(get(sms_call, messagingNumber="13109549528")["messages"]) == 5


def test_filter_by_number_matches_sender_or_destination(sms_call, number):
    SandboxMessageFactory(number=number, dst=["+12135550143"], text="to her")
    SandboxMessageFactory(number=number, direction="in", src="+12135550143",
                          dst=[number.number], text="from her", status="RECEIVED")
    SandboxMessageFactory(number=number, dst=["+16195550122"], text="to someone else")
    assert sorted(texts(get(sms_call, number="+12135550143"))) == ["from her", "to her"]


def test_number_filter_needs_e164(sms_call, history):
    assert get(sms_call, number="2135550143")["ERROR"] == "MISSING PARAMETERS"


def test_filter_by_message_status(sms_call, history):
    SandboxMessageFactory(number=history[0].number, text="failed", status="FAILED", time=START)
    assert texts(get(sms_call, messageStatus="FAILED")) == ["failed"]


def test_unknown_message_status_is_missing_parameters(sms_call, history):
    assert get(sms_call, messageStatus="LOST")["ERROR"] == "MISSING PARAMETERS"


def test_filter_by_time_window_is_inclusive_utc(sms_call, history):
    body = get(sms_call, fromTime="2024-05-01 12:01:00", toTime="2024-05-01T12:03:00Z",
               sort="ASC")
    assert texts(body) == ["m1", "m2", "m3"]


def test_bad_time_is_missing_parameters(sms_call, history):
    assert get(sms_call, fromTime="yesterday")["ERROR"] == "MISSING PARAMETERS"


def test_filters_combine(sms_call, history):
    body = get(sms_call, fromTime="2024-05-01 12:01:00", messageStatus="SENT", limit=1,
               sort="ASC")
    assert texts(body) == ["m1"]


def test_messages_of_other_accounts_are_not_listed(sms_call, number):
    SandboxMessageFactory()
    assert get(sms_call) == {"RESULT": "ERROR", "ERROR": "NOT FOUND"}
