"""Outbound messages go QUEUED -> SENT (or FAILED) a few seconds after sendSMS, and the
number's callback URL gets an updatedSMS event."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import responses
from django.core.management import call_command

from sandbox import services, tasks
from sandbox.models import MessageStatus, SandboxMessage
from tests.sandbox.callback import CALLBACK

SENT_AT = datetime(2024, 5, 2, 15, 22, 18, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(SENT_AT, tick=False)
    return time_machine


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


def send(sms_call, destination="+18056421415"):
    body = sms_call("sendSMS", sourceNumber="+13109549528", destinationNumbers=[destination],
                    text="Hello").json()
    return SandboxMessage.objects.get(uuid=body["uuid"])


def test_message_stays_queued_until_due(sms_call, hooked, clock):
    message = send(sms_call)
    clock.shift(timedelta(seconds=2))
    assert tasks.advance_due_messages() == "advanced 0 message(s)"
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED


def test_message_is_sent_a_few_seconds_later(sms_call, hooked, clock, webhook):
    message = send(sms_call)
    clock.shift(services.SEND_DELAY)
    assert tasks.advance_due_messages() == "advanced 1 message(s)"
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_sent_message_notifies_updated_sms(sms_call, hooked, clock, webhook, account):
    message = send(sms_call)
    clock.shift(timedelta(seconds=5))
    tasks.advance_due_messages()
    assert len(webhook.calls) == 1
    assert json.loads(webhook.calls[0].request.body) == {
        "event": "updatedSMS", "uuid": str(message.uuid), "time": "2024-05-02T15:22:23Z",
        "status": "SENT", "messagingNumber": "13109549528",
        "accountNumber": account.account_number}


def test_message_to_a_number_ending_in_0000_fails(sms_call, hooked, clock, webhook):
    message = send(sms_call, destination="+12125550000")
    clock.shift(timedelta(seconds=5))
    tasks.advance_due_messages()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert json.loads(webhook.calls[0].request.body)["status"] == "FAILED"


def test_message_is_advanced_and_notified_only_once(sms_call, hooked, clock, webhook):
    message = send(sms_call)
    clock.shift(timedelta(seconds=5))
    tasks.advance_message(message.pk)
    tasks.advance_due_messages()
    assert len(webhook.calls) == 1


def test_send_enqueues_the_advance_task_which_never_sleeps_inline(
        sms_call, hooked, clock, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(tasks.time, "sleep", lambda seconds: pytest.fail("slept"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = send(sms_call)
    assert len(callbacks) == 1  # the async_task, run inline in sync mode
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED


def test_advance_task_moves_the_message_once_due(sms_call, hooked, clock, webhook):
    message = send(sms_call)
    clock.shift(timedelta(seconds=3))
    assert tasks.advance_message(message.pk) == "advanced 1 message(s)"


def test_number_without_callback_url_gets_no_event(sms_call, number, clock):
    with responses.RequestsMock() as mock:
        message = send(sms_call)
        clock.shift(timedelta(seconds=5))
        tasks.advance_due_messages()
        assert len(mock.calls) == 0
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT


def test_failing_webhook_is_logged_and_the_message_still_moves(sms_call, hooked, clock, caplog):
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, CALLBACK, status=500)
        message = send(sms_call)
        clock.shift(timedelta(seconds=5))
        with caplog.at_level(logging.WARNING, logger="sandbox.services"):
            tasks.advance_due_messages()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert "HTTP 500" in caplog.text
    assert "hooks/sms/abc" not in caplog.text  # the URL's secret stays out of the log


def test_sandbox_advance_is_a_job_of_the_portal(sms_call, hooked, clock, webhook, capsys):
    send(sms_call)
    clock.shift(timedelta(seconds=5))
    call_command("run_job", "sandbox_advance")
    assert "advanced 1 message(s)" in capsys.readouterr().out
