"""parse_event and check_event: the provider's raw webhook bodies
(docs/provider.md, quirks 11, 12, 13 and 18)."""

import json
import re
from datetime import UTC, datetime

import pytest

from messaging.events import NEW_SMS, UPDATED_SMS, InvalidEvent, check_event, parse_event
from tests.messaging.provider import new_sms, updated_sms


def parse(body: dict):
    return parse_event(json.dumps(body).encode())


def test_new_sms_gives_its_message():
    event = parse(new_sms("in-7", text="hello"))
    assert (event.kind, event.uuid, event.text) == (NEW_SMS, "in-7", "hello")
    assert (event.own_number, event.source, event.destinations) == (
        "+18056421414", "+18056421415", ["+18056421414"])


def test_new_sms_time_with_z_is_utc():
    assert parse(new_sms(time="2021-05-02T15:22:18Z")).time == datetime(
        2021, 5, 2, 15, 22, 18, tzinfo=UTC)


def test_new_sms_time_without_zone_is_read_as_utc():
    assert parse(new_sms(time="2021-05-02T15:22:18")).time == datetime(
        2021, 5, 2, 15, 22, 18, tzinfo=UTC)


@pytest.mark.parametrize("number", ["+18056421414", "18056421414", "8056421414"])
def test_numbers_in_every_format_become_e164(number):
    event = parse(new_sms(number=number, source=number))
    assert event.own_number == event.source == "+18056421414"


def test_media_empty_string_is_no_media():
    assert parse(new_sms(media="")).media == []


def test_media_missing_is_no_media():
    body = new_sms()
    del body["media"]
    assert parse(body).media == []


def test_media_list_keeps_its_urls_in_order():
    urls = ["https://media.example/1.png", "https://media.example/2.gif"]
    assert parse(new_sms(media=urls)).media == urls


def test_text_missing_is_empty():
    body = new_sms()
    del body["text"]
    assert parse(body).text == ""


def test_updated_sms_gives_uuid_and_upper_case_status():
    event = parse(updated_sms("out-9", status="sent"))
    assert (event.kind, event.uuid, event.status) == (UPDATED_SMS, "out-9", "SENT")


def test_updated_sms_messaging_number_without_plus_becomes_e164():
    assert parse(updated_sms(messaging_number="13109549528")).own_number == "+13109549528"


@pytest.mark.parametrize("raw", [b"", b"{not json", b"\xff\xfe\x00", b"<html>502</html>"])
def test_body_that_is_not_json_is_invalid(raw):
    with pytest.raises(InvalidEvent, match="not valid JSON"):
        parse_event(raw)


def test_json_that_is_not_an_object_is_invalid():
    with pytest.raises(InvalidEvent, match="not a JSON object"):
        parse_event(b'["newSMS"]')


def test_unknown_event_is_invalid():
    with pytest.raises(InvalidEvent, match="Unknown event"):
        parse({**new_sms(), "event": "deletedSMS"})


def test_event_lacking_fields_names_them():
    with pytest.raises(InvalidEvent, match="lacks uuid, sourceNumber"):
        parse({**new_sms(), "uuid": "", "sourceNumber": None})


def test_updated_sms_lacking_status_is_invalid():
    body = updated_sms()
    del body["status"]
    with pytest.raises(InvalidEvent, match="lacks status"):
        parse(body)


def test_new_sms_time_that_is_not_iso_is_invalid():
    with pytest.raises(InvalidEvent, match="ISO 8601"):
        parse(new_sms(time="yesterday"))


def test_new_sms_destinations_not_a_list_is_invalid():
    with pytest.raises(InvalidEvent, match="not a list"):
        parse({**new_sms(), "destinationNumbers": "+18056421414"})


def test_provider_updated_sms_example_with_stray_brace_is_invalid():
    raw = json.dumps(updated_sms()).encode()[:-1] + b"}}"
    with pytest.raises(InvalidEvent):
        parse_event(raw)


def test_new_sms_time_that_does_not_exist_is_invalid():
    with pytest.raises(InvalidEvent, match="ISO 8601"):
        parse(new_sms(time="2024-02-30T10:00:00Z"))


def test_updated_sms_time_that_does_not_exist_is_no_time():
    assert parse({**updated_sms(), "time": "2024-02-30T10:00:00Z"}).time is None


def test_uuid_longer_than_64_characters_is_invalid():
    with pytest.raises(InvalidEvent, match="longer than 64"):
        parse(new_sms("u" * 65))


# check_event: what the webhook endpoint runs before it stores a body.

def test_check_event_gives_kind_and_uuid():
    assert check_event(json.dumps(new_sms(" in-0042 ")).encode()) == (NEW_SMS, "in-0042")
    assert check_event(json.dumps(updated_sms()).encode())[0] == UPDATED_SMS


@pytest.mark.parametrize("body", [
    b"{not json", b"[]", json.dumps({"event": "deletedSMS", "uuid": "1"}).encode(),
    json.dumps({"event": "newSMS", "uuid": "1"}).encode(),
    json.dumps(new_sms(time="2024-02-30T10:00:00Z")).encode(),
    json.dumps({**new_sms(), "destinationNumbers": "+18056421414"}).encode(),
    json.dumps(new_sms("u" * 65)).encode(),
])
def test_check_event_refuses_what_parse_event_refuses_with_the_same_reason(body):
    with pytest.raises(InvalidEvent) as parsing:
        parse_event(body)
    with pytest.raises(InvalidEvent, match=re.escape(str(parsing.value))):
        check_event(body)
