"""sendSMS: US E.164 destinations only, an optional checked file, QUEUED with uuid and UTC time."""

import base64
import re
from datetime import UTC, datetime

import pytest

from sandbox import media
from sandbox.models import MessageStatus, SandboxMessage
from tests.sandbox.factories import SandboxNumberFactory

DESTINATION = "+18056421415"


def send(sms_call, **params):
    body = {"sourceNumber": "+13109549528", "destinationNumbers": [DESTINATION],
            "text": "Hello", **params}
    return sms_call("sendSMS", **body).json()


def test_send_answers_ok_with_uuid_and_utc_time(sms_call, number, time_machine):
    time_machine.move_to(datetime(2024, 5, 2, 15, 22, 18, tzinfo=UTC), tick=False)
    body = send(sms_call)
    assert set(body) == {"RESULT", "time", "uuid"}
    assert body["RESULT"] == "OK"
    assert body["time"] == "2024-05-02 15:22:18"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                        body["uuid"])


def test_send_echoes_the_customer_provided_id(sms_call, number):
    assert send(sms_call, customerProvidedId="order-17")["customerProvidedId"] == "order-17"


def test_sent_message_is_queued(sms_call, number):
    body = send(sms_call)
    message = SandboxMessage.objects.get(uuid=body["uuid"])
    assert message.status == MessageStatus.QUEUED
    assert message.dst == [DESTINATION]
    assert message.number == number


def test_send_to_several_destinations_is_one_message(sms_call, number):
    send(sms_call, destinationNumbers=[DESTINATION, "+12135550143"])
    assert SandboxMessage.objects.get().dst == [DESTINATION, "+12135550143"]


@pytest.mark.parametrize("destination", ["+442071838750", "18056421415", "+1805642141",
                                         "+10056421415", ""])
def test_send_to_a_non_us_or_non_e164_number_is_missing_parameters(sms_call, number, destination):
    body = send(sms_call, destinationNumbers=[DESTINATION, destination])
    assert body == {"RESULT": "ERROR", "ERROR": "MISSING PARAMETERS"}
    assert not SandboxMessage.objects.exists()


@pytest.mark.parametrize("destinations", [[], DESTINATION, None])
def test_send_needs_a_list_of_destinations(sms_call, number, destinations):
    assert send(sms_call, destinationNumbers=destinations)["ERROR"] == "MISSING PARAMETERS"


def test_send_from_a_number_of_another_account_is_not_found(sms_call, number):
    other = SandboxNumberFactory()
    assert send(sms_call, sourceNumber=other.number)["ERROR"] == "NOT FOUND"


def test_send_without_text_or_file_is_missing_parameters(sms_call, number):
    assert send(sms_call, text="")["ERROR"] == "MISSING PARAMETERS"


@pytest.mark.parametrize("kind", ["png", "gif", "jpeg", "mp3"])
def test_send_with_a_supported_file_stores_its_media(sms_call, number, kind):
    media_kind, data = media.sample(kind)
    body = send(sms_call, text="", file=base64.b64encode(data).decode())
    stored = SandboxMessage.objects.get(uuid=body["uuid"]).media.get()
    assert bytes(stored.data) == data
    assert stored.content_type == media_kind.content_type


def test_send_with_a_file_of_another_type_is_missing_parameters(sms_call, number):
    pdf = base64.b64encode(b"%PDF-1.4 not an image").decode()
    assert send(sms_call, file=pdf)["ERROR"] == "MISSING PARAMETERS"


def test_send_with_a_file_that_is_not_base64_is_missing_parameters(sms_call, number):
    assert send(sms_call, file="not base64!")["ERROR"] == "MISSING PARAMETERS"


def test_send_with_a_file_over_3_5_mb_is_missing_parameters(sms_call, number):
    too_big = media.png_bytes() + b"\x00" * media.MAX_FILE_BYTES
    assert send(sms_call, file=base64.b64encode(too_big).decode())["ERROR"] == (
        "MISSING PARAMETERS")


def test_send_with_a_file_of_exactly_3_5_mb_is_accepted(sms_call, number):
    data = media.png_bytes()
    data += b"\x00" * (media.MAX_FILE_BYTES - len(data))
    assert send(sms_call, file=base64.b64encode(data).decode())["RESULT"] == "OK"
