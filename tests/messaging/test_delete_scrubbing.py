"""Deleting a message removes its text everywhere the portal keeps it: the message, the
conversation's preview (inbox and API), the search index, and the stored webhook bodies."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging import search, sending
from messaging.events import parse_event
from messaging.models import Conversation, Direction, EventState, MessageStatus, WebhookEvent
from tests.clock import NOW
from tests.messaging.factories import MediaFactory, MessageFactory, WebhookEventFactory
from tests.messaging.provider import answer, new_sms, updated_sms

SECRET = "Wrong patient: Jane Roe, HIV test positive"


@pytest.fixture
def older(conversation):
    return MessageFactory(conversation=conversation, uuid="in-1", text="See you at 9",
                          direction=Direction.INBOUND, status=MessageStatus.RECEIVED,
                          sent_at=NOW - timedelta(minutes=5))


@pytest.fixture
def newest(conversation):
    """The conversation's last message, local only (its delete asks no provider)."""
    message = MessageFactory(conversation=conversation, uuid="local-1", text=SECRET,
                             status=MessageStatus.FAILED, sent_at=NOW - timedelta(minutes=1))
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message_at=message.sent_at, last_preview=SECRET,
            last_direction=Direction.OUTBOUND)
    return message


def conversation_of(message) -> Conversation:
    with scopes_disabled():
        return Conversation.objects.get(pk=message.conversation_id)


def delete(message) -> None:
    sending.delete_message(message=message, user=None)


def test_preview_becomes_the_newest_message_left(older, newest):
    delete(newest)
    conversation = conversation_of(newest)
    assert (conversation.last_preview, conversation.last_direction) == (
        "See you at 9", Direction.INBOUND)


def test_preview_of_an_attachment_left_says_so(conversation, newest):
    MediaFactory(message=MessageFactory(conversation=conversation, uuid="in-2", text="",
                                        sent_at=NOW - timedelta(minutes=3)))
    delete(newest)
    assert conversation_of(newest).last_preview == "📎 Attachment"


def test_preview_of_a_conversation_left_without_messages_is_empty(newest):
    delete(newest)
    assert conversation_of(newest).last_preview == ""


def test_conversation_keeps_its_place_in_the_inbox(older, newest):
    delete(newest)
    assert conversation_of(newest).last_message_at == newest.sent_at


def test_deleting_an_older_message_leaves_the_preview(older, newest, sms, provider):
    answer(provider, "deleteSMS", {"RESULT": "OK"})
    delete(older)
    assert conversation_of(newest).last_preview == SECRET


def test_inbox_no_longer_shows_the_deleted_text(viewer_client, older, newest):
    delete(newest)
    html = viewer_client.get(reverse("inbox")).content.decode()
    assert SECRET not in html and "See you at 9" in html


def test_api_conversations_no_longer_show_the_deleted_text(api, older, newest):
    delete(newest)
    [conversation] = api.get("/api/v1/conversations/").json()["results"]
    assert conversation["last_preview"] == "See you at 9"


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_deleted_text_leaves_the_sqlite_search_index(newest):
    assert search._indexed_ids("HIV test") == [newest.pk]
    delete(newest)
    assert search._indexed_ids("HIV test") == []


def test_stored_webhook_bodies_lose_the_deleted_text(number, newest):
    event = WebhookEventFactory(number=number, payload=new_sms("local-1", text=SECRET),
                                state=EventState.PROCESSED)
    delete(newest)
    with scopes_disabled():
        kept = WebhookEvent.objects.get(pk=event.pk)
    assert SECRET.encode() not in bytes(kept.body)
    assert kept.state == EventState.PROCESSED


def test_a_redacted_body_is_still_an_event(number, newest):
    event = WebhookEventFactory(number=number, payload=new_sms("local-1", text=SECRET))
    delete(newest)
    with scopes_disabled():
        kept = WebhookEvent.objects.get(pk=event.pk)
    assert (parse_event(bytes(kept.body)).uuid, parse_event(bytes(kept.body)).text) == (
        "local-1", "")


def test_webhook_bodies_of_other_messages_are_left_alone(number, older, newest):
    event = WebhookEventFactory(number=number, payload=new_sms("in-1", text="See you at 9"))
    delete(newest)
    with scopes_disabled():
        assert json.loads(bytes(WebhookEvent.objects.get(pk=event.pk).body))["text"] == (
            "See you at 9")


def test_status_updates_of_the_message_are_left_as_they_are(number, newest):
    event = WebhookEventFactory(number=number, payload=updated_sms("local-1"))
    before = bytes(event.body)
    delete(newest)
    with scopes_disabled():
        assert bytes(WebhookEvent.objects.get(pk=event.pk).body) == before
