"""A conversation: bubbles with status, time, sender and media; opening it marks it read."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import Conversation, Direction, MediaState, MessageStatus
from tests.clock import NOW
from tests.messaging.factories import MediaFactory, MessageFactory
from tests.messaging.provider import OTHER


def url(conversation) -> str:
    return reverse("conversation", args=[conversation.pk])


def inbound(conversation, **values):
    return MessageFactory(conversation=conversation, direction=Direction.INBOUND, source=OTHER,
                          destinations=[conversation.own_number.number],
                          status=MessageStatus.RECEIVED, **values)


def test_anonymous_is_sent_to_login(client, conversation):
    response = client.get(url(conversation))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_outsider_gets_404(outsider_client, conversation):
    assert outsider_client.get(url(conversation)).status_code == 404


def test_inbound_is_on_the_left_and_outbound_on_the_right(viewer_client, conversation):
    received = inbound(conversation)
    answered = MessageFactory(conversation=conversation)
    html = viewer_client.get(url(conversation)).content.decode()
    assert f'class="bubble inbound" id="m{received.pk}"' in html
    assert f'class="bubble outbound" id="m{answered.pk}"' in html


def test_messages_read_oldest_first(viewer_client, conversation):
    later = MessageFactory(conversation=conversation, sent_at=NOW - timedelta(minutes=1))
    earlier = inbound(conversation, sent_at=NOW - timedelta(minutes=5))
    items = viewer_client.get(url(conversation)).context["page"].items
    assert [m.pk for m in items] == [earlier.pk, later.pk]


@pytest.mark.parametrize(("status", "badge"), [
    (MessageStatus.QUEUED, "Queued"), (MessageStatus.SENT, "Sent"),
    (MessageStatus.FAILED, "Failed"), (MessageStatus.RECEIVED, "Received"),
    (MessageStatus.UNKNOWN, "Outcome unknown")])
def test_each_message_shows_its_status(viewer_client, conversation, status, badge):
    MessageFactory(conversation=conversation, status=status)
    assert f">{badge}</span>" in viewer_client.get(url(conversation)).content.decode()


def test_failed_message_shows_its_reason(viewer_client, conversation):
    MessageFactory(conversation=conversation, status=MessageStatus.FAILED,
                   status_reason="Carrier rejected the destination")
    html = viewer_client.get(url(conversation)).content.decode()
    assert "Carrier rejected the destination" in html


def test_time_is_in_the_organization_time_zone(viewer_client, conversation):
    MessageFactory(conversation=conversation, sent_at=NOW)  # 12:00 UTC, 07:00 in New York
    assert "Mar 1, 07:00" in viewer_client.get(url(conversation)).content.decode()


def test_outbound_message_shows_who_sent_it(viewer_client, conversation, agent):
    MessageFactory(conversation=conversation, sender_user=agent.user)
    assert agent.user.username in viewer_client.get(url(conversation)).content.decode()


def test_image_is_shown_inline_through_the_portal(viewer_client, conversation):
    media = MediaFactory(message__conversation=conversation, content_type="image/png",
                         state=MediaState.ARCHIVED)
    html = viewer_client.get(url(conversation)).content.decode()
    assert f'<img src="{reverse("media", args=[media.pk])}"' in html
    assert media.url not in html


def test_audio_is_shown_as_a_player(viewer_client, conversation):
    media = MediaFactory(message__conversation=conversation, content_type="audio/mpeg",
                         state=MediaState.ARCHIVED)
    html = viewer_client.get(url(conversation)).content.decode()
    assert f'<audio controls preload="none" src="{reverse("media", args=[media.pk])}"' in html
    assert media.url not in html


def test_media_the_provider_deleted_says_so(viewer_client, conversation):
    MediaFactory(message__conversation=conversation, state=MediaState.GONE)
    assert "no longer available" in viewer_client.get(url(conversation)).content.decode()


def test_deleted_message_shows_a_placeholder_instead_of_its_text(viewer_client, conversation):
    MessageFactory(conversation=conversation, text="secret plans", deleted_at=NOW)
    html = viewer_client.get(url(conversation)).content.decode()
    assert "Message deleted." in html
    assert "secret plans" not in html


def test_opening_marks_the_conversation_read(viewer_client, conversation):
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=3)
    viewer_client.get(url(conversation))
    with scopes_disabled():
        assert Conversation.objects.get(pk=conversation.pk).unread_count == 0


def test_page_refreshes_itself_from_its_live_poll(viewer_client, conversation):
    poll = reverse("conversation_live", args=[conversation.pk])
    assert f'data-live-poll="{poll}"' in viewer_client.get(url(conversation)).content.decode()


def test_viewer_sees_no_composer_and_no_delete(viewer_client, conversation):
    message = MessageFactory(conversation=conversation)
    response = viewer_client.get(url(conversation))
    html = response.content.decode()
    assert message.text in html
    assert response.context["form"] is None
    assert reverse("reply", args=[conversation.pk]) not in html
    assert reverse("delete_message", args=[message.pk]) not in html


def test_agent_sees_composer_and_delete(agent_client, conversation):
    message = MessageFactory(conversation=conversation)
    html = agent_client.get(url(conversation)).content.decode()
    assert reverse("reply", args=[conversation.pk]) in html
    assert reverse("delete_message", args=[message.pk]) in html


def test_each_page_view_has_a_new_send_token(agent_client, conversation):
    first = agent_client.get(url(conversation)).context["form"]["send_token"].value()
    second = agent_client.get(url(conversation)).context["form"]["send_token"].value()
    assert first and second and first != second


def test_older_messages_page_continues_without_overlap(viewer_client, conversation,
                                                        monkeypatch):
    monkeypatch.setattr("messaging.views.CONVERSATION_PAGE", 2)
    oldest_first = [MessageFactory(conversation=conversation,
                                   sent_at=NOW - timedelta(minutes=m)).pk for m in (5, 4, 3)]
    newest = viewer_client.get(url(conversation)).context["page"]
    older = viewer_client.get(url(conversation), {"cursor": newest.next_cursor}).context["page"]
    assert [m.pk for m in older.items + newest.items] == oldest_first


def test_query_count_does_not_grow_with_the_messages(agent_client, conversation, agent):
    def add(count):
        for i in range(count):
            message = MessageFactory(conversation=conversation, sender_user=agent.user,
                                     sent_at=NOW - timedelta(minutes=i))
            if i % 3 == 0:
                MediaFactory(message=message, content_type="image/png")
            if i % 5 == 0:
                inbound(conversation, sent_at=NOW - timedelta(minutes=i, seconds=30))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert agent_client.get(url(conversation)).status_code == 200
        return len(captured)

    add(4)
    agent_client.get(url(conversation))  # warm caches that are not the page's own work
    assert len(agent_client.get(url(conversation)).context["page"].items) == 5
    few = queries()
    add(33)
    assert len(agent_client.get(url(conversation)).context["page"].items) == 45
    assert queries() == few
