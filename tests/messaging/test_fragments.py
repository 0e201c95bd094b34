"""The fragments the inbox and conversation pages poll: new messages and status changes
appear without a reload, for members of the organization only."""

from datetime import timedelta

from django.urls import reverse
from django_scopes import scopes_disabled

from common.phone import display_number
from messaging.models import Conversation, Direction, MessageStatus
from messaging.tasks import process_webhook_events
from tests.clock import NOW
from tests.messaging.factories import (
    ConversationFactory,
    MessageFactory,
    MessagingNumberFactory,
    WebhookEventFactory,
)
from tests.messaging.provider import OTHER, OWN, answer, message, messages_reply, updated_sms

INBOX_FRAGMENT = reverse("inbox_fragment")


def url(conversation) -> str:
    return reverse("conversation_fragment", args=[conversation.pk])


def test_anonymous_is_sent_to_login(client, conversation):
    for path in (INBOX_FRAGMENT, url(conversation)):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_outsider_gets_404_for_a_conversation(outsider_client, conversation):
    assert outsider_client.get(url(conversation)).status_code == 404


def test_outsider_does_not_see_the_organizations_conversations(outsider_client, outsider,
                                                                conversation):
    ConversationFactory(own_number=MessagingNumberFactory(organization=outsider.organization),
                        participants="+13105550177", last_message_at=NOW)
    html = outsider_client.get(INBOX_FRAGMENT).content.decode()
    # Numbers as people read them (the phone filter).
    assert "(310) 555-0177" in html  # the control: their own organization's conversation
    assert display_number(OTHER) not in html


def test_inbox_fragment_shows_a_new_conversation(viewer_client, number):
    before = viewer_client.get(INBOX_FRAGMENT).content.decode()
    ConversationFactory(own_number=number, participants="+13105550142", last_message_at=NOW,
                        last_preview="Just arrived", unread_count=1)
    after = viewer_client.get(INBOX_FRAGMENT).content.decode()
    assert "Just arrived" not in before
    assert "Just arrived" in after and "1 unread" in after


def test_inbox_fragment_keeps_the_filters(viewer_client, number, conversation):
    ConversationFactory(own_number=number, participants="+13105550142", last_message_at=NOW,
                        unread_count=1)
    html = viewer_client.get(INBOX_FRAGMENT, {"unread": "1"}).content.decode()
    assert "(310) 555-0142" in html and display_number(OTHER) not in html


def test_conversation_fragment_shows_a_new_message(viewer_client, conversation):
    viewer_client.get(url(conversation))
    MessageFactory(conversation=conversation, direction=Direction.INBOUND,
                   status=MessageStatus.RECEIVED, text="Still there?")
    assert "Still there?" in viewer_client.get(url(conversation)).content.decode()


def test_conversation_fragment_shows_the_providers_confirmation(viewer_client, conversation,
                                                                sms, provider):
    MessageFactory(conversation=conversation, uuid="out-0001", status=MessageStatus.QUEUED,
                   sent_at=NOW - timedelta(minutes=2))
    answer(provider, "getSMS", messages_reply(message("out-0001", src=OWN, dst=[OTHER],
                                                      status="SENT")))
    assert ">Queued</span>" in viewer_client.get(url(conversation)).content.decode()
    WebhookEventFactory(number=conversation.own_number, payload=updated_sms("out-0001"))
    process_webhook_events()
    assert ">Sent</span>" in viewer_client.get(url(conversation)).content.decode()


def test_conversation_fragment_marks_what_arrives_read(viewer_client, conversation):
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=2)
    viewer_client.get(url(conversation))
    with scopes_disabled():
        assert Conversation.objects.get(pk=conversation.pk).unread_count == 0


def test_viewer_fragment_has_no_delete(viewer_client, conversation):
    message = MessageFactory(conversation=conversation)
    html = viewer_client.get(url(conversation)).content.decode()
    assert message.text in html
    assert reverse("delete_message", args=[message.pk]) not in html


def test_agent_fragment_has_delete(agent_client, conversation):
    message = MessageFactory(conversation=conversation)
    html = agent_client.get(url(conversation)).content.decode()
    assert reverse("delete_message", args=[message.pk]) in html
