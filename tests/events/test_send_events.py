"""message.status_changed when a send gets its outcome, and message.deleted when a member
deletes a message (its text stays out of the event)."""

from django_scopes import scopes_disabled
from requests.exceptions import ReadTimeout

from messaging import sending
from messaging.models import Message
from tests.events.helpers import emitted, payloads
from tests.messaging.factories import ConversationFactory, MessageFactory
from tests.messaging.provider import OTHER, OWN, accepted, answer, error


def send(org, agent):
    return sending.send_message(organization=org, user=agent.user, own_number=OWN,
                                to=[OTHER], text="See you at 9")


def test_an_accepted_send_changes_from_sending_to_queued_with_the_providers_uuid(
        org, agent, number, sms, provider):
    answer(provider, "sendSMS", accepted("out-0001"))
    [row] = send(org, agent)
    [change] = payloads("message.status_changed")
    assert (change["previous_status"], change["status"], change["message"]["uuid"]) == (
        "SENDING", "QUEUED", "out-0001")
    assert change["previous_uuid"].startswith(sending.LOCAL_PREFIX)
    assert emitted()[0].subject == f"conversation:{row.conversation_id}"


def test_a_refused_send_changes_to_failed_with_the_reason(org, agent, number, sms, provider):
    answer(provider, "sendSMS", error("INVALID DESTINATION NUMBER"))
    send(org, agent)
    [change] = payloads("message.status_changed")
    assert (change["previous_status"], change["status"], change["previous_uuid"]) == (
        "SENDING", "FAILED", None)
    assert "INVALID DESTINATION NUMBER" in change["message"]["status_reason"]


def test_a_send_whose_answer_was_lost_changes_to_unknown(org, agent, number, sms, provider):
    answer(provider, "sendSMS", ReadTimeout("read timed out"))
    send(org, agent)
    assert [(c["previous_status"], c["status"])
            for c in payloads("message.status_changed")] == [("SENDING", "UNKNOWN")]


def test_a_deleted_message_is_an_event_without_its_text(org, agent, number, sms, provider):
    conversation = ConversationFactory(own_number=number, participants=OTHER)
    row = MessageFactory(conversation=conversation, uuid="out-0001", text="Secret plans")
    answer(provider, "deleteSMS", {"RESULT": "OK"})
    sending.delete_message(message=row, user=agent.user)
    [event] = emitted("message.deleted")
    assert event.subject == f"conversation:{conversation.pk}"
    assert event.payload["message"]["uuid"] == "out-0001"
    assert event.payload["deleted_at"].endswith("Z")
    assert "Secret plans" not in str(event.payload)


def test_a_delete_the_provider_refuses_is_no_event(org, agent, number, sms, provider):
    row = MessageFactory(conversation=ConversationFactory(own_number=number), uuid="out-0002")
    answer(provider, "deleteSMS", error("NOT FOUND"))
    try:
        sending.delete_message(message=row, user=agent.user)
    except Exception:  # noqa: BLE001 - the refusal is what this test makes
        pass
    assert emitted("message.deleted") == []
    with scopes_disabled():
        assert Message.objects.get(pk=row.pk).deleted_at is None
