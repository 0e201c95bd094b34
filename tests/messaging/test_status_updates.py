"""updatedSMS events: confirmed with getSMS by uuid before they change anything (webhooks are
unsigned, docs/provider.md quirk 14), and a message's status only ever moves forward."""

import pytest
from django_scopes import scopes_disabled
from responses import matchers

from messaging import sending
from messaging.ingest import IncomingMessage, record_messages
from messaging.models import EventState, Message, MessageStatus, WebhookEvent
from messaging.tasks import process_webhook_events
from tests.clock import NOW
from tests.messaging.factories import SMS_URL, MessageFactory, WebhookEventFactory
from tests.messaging.provider import (
    OTHER,
    OWN,
    accepted,
    answer,
    message,
    messages_reply,
    sent,
    updated_sms,
)

pytestmark = pytest.mark.usefixtures("sms")


@pytest.fixture
def queued(number):
    return MessageFactory(conversation__own_number=number, uuid="out-1", status="QUEUED")


def provider_says(provider, uuid, status):
    """getSMS for this uuid answers the message with this status."""
    provider.post(SMS_URL, json=messages_reply(
        message(uuid, src=OWN, dst=[OTHER], status=status)),
        match=[matchers.json_params_matcher({"method": "getSMS", "uuid": uuid},
                                            strict_match=False)])


def status_of(uuid="out-1") -> str:
    with scopes_disabled():
        return Message.objects.get(uuid=uuid).status


def events():
    with scopes_disabled():
        return list(WebhookEvent.objects.order_by("id"))


@pytest.mark.parametrize(("old", "new", "forward"), [
    ("SENDING", "QUEUED", True), ("UNKNOWN", "QUEUED", True), ("QUEUED", "SENT", True),
    ("QUEUED", "FAILED", True), ("SENDING", "SENT", True),
    ("QUEUED", "QUEUED", False), ("SENT", "QUEUED", False), ("SENT", "FAILED", False),
    ("FAILED", "SENT", False), ("RECEIVED", "SENT", False), ("QUEUED", "SENDING", False),
])
def test_status_order_is_defined_once_on_message_status(old, new, forward):
    assert MessageStatus.moves_forward(old, new) is forward


def test_updated_sms_is_confirmed_with_get_sms_by_its_uuid(queued, provider):
    provider_says(provider, "out-1", "SENT")
    WebhookEventFactory(number=queued.conversation.own_number, payload=updated_sms("out-1"))
    process_webhook_events()
    assert [call["uuid"] for call in sent(provider, "getSMS")] == ["out-1"]
    assert status_of() == MessageStatus.SENT


def test_updated_sms_the_provider_does_not_know_is_rejected_and_kept(queued, provider):
    answer(provider, "getSMS", messages_reply())
    WebhookEventFactory(number=queued.conversation.own_number,
                        payload=updated_sms("out-1", status="FAILED"))
    process_webhook_events()
    assert status_of() == MessageStatus.QUEUED
    [event] = events()
    assert event.state == EventState.REJECTED
    assert "does not know this message" in event.error


def test_updated_sms_the_provider_contradicts_is_rejected_with_the_reason(queued, provider):
    provider_says(provider, "out-1", "SENT")
    WebhookEventFactory(number=queued.conversation.own_number,
                        payload=updated_sms("out-1", status="FAILED"))
    process_webhook_events()
    assert status_of() == MessageStatus.QUEUED
    [event] = events()
    assert (event.state, event.error) == (
        EventState.REJECTED, "Axion reports this message as SENT, not FAILED: not applied.")


def test_updated_sms_is_failed_for_a_retry_when_the_provider_is_down(queued, provider):
    answer(provider, "getSMS", "Service Unavailable", status=503, content_type="text/plain")
    WebhookEventFactory(number=queued.conversation.own_number, payload=updated_sms("out-1"))
    process_webhook_events()
    assert status_of() == MessageStatus.QUEUED
    assert [(e.state, e.attempts) for e in events()] == [(EventState.FAILED, 1)]


def test_confirmed_update_never_moves_a_final_status_back(number, provider):
    MessageFactory(conversation__own_number=number, uuid="out-1", status="FAILED")
    provider_says(provider, "out-1", "SENT")
    WebhookEventFactory(number=number, payload=updated_sms("out-1", status="SENT"))
    process_webhook_events()
    assert status_of() == MessageStatus.FAILED


def test_update_of_an_unknown_message_waits_without_asking_the_provider(number, provider):
    WebhookEventFactory(number=number, payload=updated_sms("out-1"))
    process_webhook_events()
    assert [e.state for e in events()] == [EventState.WAITING]
    assert sent(provider, "getSMS") == []


def test_waiting_update_is_confirmed_once_its_message_arrives(org, number, provider):
    WebhookEventFactory(number=number, payload=updated_sms("out-1", status="FAILED"),
                        state=EventState.WAITING)
    record_messages(organization=org, incoming=[IncomingMessage(
        uuid="out-1", own_number=OWN, source=OWN, destinations=[OTHER], text="Hi",
        status="QUEUED", sent_at=NOW)])
    provider_says(provider, "out-1", "QUEUED")
    process_webhook_events()
    assert status_of() == MessageStatus.QUEUED
    assert [e.state for e in events()] == [EventState.REJECTED]


def test_update_and_its_message_in_one_batch_are_both_confirmed(number, provider):
    provider_says(provider, "out-1", "SENT")
    WebhookEventFactory(number=number, payload=updated_sms("out-1", status="SENT"))
    WebhookEventFactory(number=number, payload={
        "event": "newSMS", "uuid": "out-1", "time": "2024-03-01T11:58:00Z", "number": OWN,
        "sourceNumber": OWN, "destinationNumbers": [OTHER], "text": "Hi", "media": ""})
    process_webhook_events()
    assert status_of() == MessageStatus.SENT
    assert [e.state for e in events()] == [EventState.PROCESSED, EventState.PROCESSED]


def test_without_confirmation_updates_are_applied_as_they_come(queued, provider, settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False
    WebhookEventFactory(number=queued.conversation.own_number, payload=updated_sms("out-1"))
    process_webhook_events()
    assert status_of() == MessageStatus.SENT
    assert len(provider.calls) == 0


def test_waiting_update_of_a_send_is_queued_for_confirmation_when_the_send_is_answered(
        org, agent, number, provider, kicks, django_capture_on_commit_callbacks):
    WebhookEventFactory(number=number, payload=updated_sms("out-0001"), state=EventState.WAITING)
    answer(provider, "sendSMS", accepted("out-0001"))
    with django_capture_on_commit_callbacks(execute=True):  # woken once committed
        sending.send_message(organization=org, user=agent.user, own_number=OWN, to=[OTHER],
                             text="Hi")
    assert [e.state for e in events()] == [EventState.PENDING]
    assert [kwargs["task_name"] for _, kwargs in kicks] == ["process_webhook_events"]
