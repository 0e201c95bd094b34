"""Simulated inbound messages: stored RECEIVED and announced with a newSMS event."""

import json
from datetime import UTC, datetime

import pytest
import responses
from django.core.management import CommandError, call_command

from sandbox import services
from sandbox.models import MessageStatus, SandboxMessage
from tests.sandbox.callback import CALLBACK

RECEIVED_AT = datetime(2021, 5, 2, 15, 22, 18, tzinfo=UTC)


@pytest.fixture
def hooked(number):
    number.callback_url = CALLBACK
    number.save()
    return number


@pytest.fixture
def webhook():
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, CALLBACK, status=200)
        yield mock


def event(webhook):
    return json.loads(webhook.calls[0].request.body)


def test_inbound_message_is_stored_received(hooked, webhook):
    message, _ = services.simulate_inbound(number="+13109549528", source="+18056421415",
                                           text="message text")
    assert message.status == MessageStatus.RECEIVED
    assert message.src == "+18056421415"
    assert message.dst == ["+13109549528"]


def test_inbound_message_sends_new_sms(hooked, webhook, time_machine):
    time_machine.move_to(RECEIVED_AT, tick=False)
    message, delivered = services.simulate_inbound(number="+13109549528", source="+18056421415",
                                                   text="message text")
    assert delivered is True
    assert event(webhook) == {
        "event": "newSMS", "uuid": str(message.uuid), "time": "2021-05-02T15:22:18Z",
        "number": "+13109549528", "sourceNumber": "+18056421415",
        "destinationNumbers": ["+13109549528"], "text": "message text", "media": ""}


def test_inbound_mms_lists_its_media_urls(hooked, webhook):
    message, _ = services.simulate_inbound(number="+13109549528", source="+18056421415",
                                           media_names=["png", "mp3"])
    urls = event(webhook)["media"]
    keys = [f"{m.key}.{m.extension}" for m in message.media.all()]
    assert urls == [f"https://portal.example.test/sandbox/media/{key}" for key in keys]
    assert [m.content_type for m in message.media.all()] == ["image/png", "audio/mpeg"]


def test_inbound_without_callback_url_is_stored_without_event(number):
    with responses.RequestsMock() as mock:
        message, delivered = services.simulate_inbound(number="+13109549528",
                                                       source="+18056421415", text="hi")
        assert len(mock.calls) == 0
    assert delivered is None
    assert SandboxMessage.objects.filter(pk=message.pk).exists()


def test_inbound_message_is_listed_by_get_sms(sms_call, number):
    services.simulate_inbound(number="+13109549528", source="+18056421415", text="hi")
    body = sms_call("getSMS").json()["messages"][0]
    assert (body["src"], body["status"], body["text"]) == ("+18056421415", "RECEIVED", "hi")


def test_inbound_to_an_unknown_number_is_refused(db):
    with pytest.raises(ValueError, match="not a sandbox messaging number"):
        services.simulate_inbound(number="+13109549999", source="+18056421415", text="hi")


def test_empty_inbound_message_is_refused(number):
    with pytest.raises(ValueError, match="needs a text or media"):
        services.simulate_inbound(number=number.number, source="+18056421415")


def test_command_stores_and_delivers(hooked, webhook, capsys):
    call_command("sandbox_inbound", "+13109549528", "--from", "+18056421415", "--text", "Hi",
                 "--media", "png")
    assert "Delivered the newSMS event" in capsys.readouterr().out
    assert event(webhook)["text"] == "Hi"
    assert SandboxMessage.objects.get().media.count() == 1


def test_command_takes_the_number_without_plus(hooked, webhook):
    call_command("sandbox_inbound", "13109549528", "--text", "Hi")
    assert event(webhook)["number"] == "+13109549528"


def test_command_fails_for_an_unknown_number(db):
    with pytest.raises(CommandError, match="not a sandbox messaging number"):
        call_command("sandbox_inbound", "+13109549999", "--text", "Hi")


def test_command_fails_when_delivery_fails(hooked):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, CALLBACK, status=503)
        with pytest.raises(CommandError, match="the message is stored"):
            call_command("sandbox_inbound", "+13109549528", "--text", "Hi")
    assert SandboxMessage.objects.count() == 1
