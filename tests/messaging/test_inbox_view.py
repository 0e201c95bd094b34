"""The inbox: conversations newest first, with filters, search and keyset pages."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from tests.clock import NOW
from tests.messaging.factories import ConversationFactory, MessageFactory, MessagingNumberFactory
from tests.messaging.provider import new_sms

INBOX = reverse("inbox")


def chat(number, *, minutes_ago=1, **values):
    values.setdefault("last_preview", "See you then")
    return ConversationFactory(own_number=number,
                               last_message_at=NOW - timedelta(minutes=minutes_ago), **values)


def listed(response) -> list[int]:
    return [c.pk for c in response.context["page"].items]


def test_anonymous_is_sent_to_login(client, org):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_conversations_are_listed_newest_first(viewer_client, number):
    old, new, middle = (chat(number, minutes_ago=m) for m in (30, 1, 10))
    assert listed(viewer_client.get(INBOX)) == [new.pk, middle.pk, old.pk]


def test_conversation_without_messages_is_not_listed(viewer_client, number):
    silent = ConversationFactory(own_number=number, last_message_at=None)
    assert listed(viewer_client.get(INBOX)) == []
    with scopes_disabled():
        silent.last_message_at = NOW
        silent.save()
    assert listed(viewer_client.get(INBOX)) == [silent.pk]  # the control: once a message came


def test_row_shows_party_own_number_and_preview(viewer_client, number):
    number.label = "Front desk"
    with scopes_disabled():
        number.save()
    chat(number, participants="+13105550142", last_preview="Running late, sorry")
    html = viewer_client.get(INBOX).content.decode()
    assert "(310) 555-0142" in html  # as people read it (the phone filter)
    assert "via Front desk" in html
    assert "Running late, sorry" in html


def test_time_is_in_the_organization_time_zone(viewer_client, org, number):
    org.time_zone = "America/Los_Angeles"
    org.save()
    chat(number, minutes_ago=2)  # 11:58 UTC
    html = viewer_client.get(INBOX).content.decode()
    assert "Mar 1, 03:58" in html
    assert 'datetime="2024-03-01T03:58:00-08:00"' in html


def test_unread_conversation_has_a_badge(viewer_client, number):
    chat(number, unread_count=3)
    assert "3 unread" in viewer_client.get(INBOX).content.decode()


def test_read_conversation_has_no_badge(viewer_client, number):
    chat(number, unread_count=0)
    html = viewer_client.get(INBOX).content.decode()
    assert "See you then" in html  # the control: the conversation's row is there
    assert "unread-badge" not in html


def test_a_message_posted_to_the_webhook_is_listed_unread(client, viewer_client, number,
                                                          settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False
    body = new_sms("u-1", text="hello there")
    assert client.post(number.webhook_path, json.dumps(body),
                       content_type="application/json").status_code == 200
    inbox = viewer_client.get(INBOX)
    assert b"hello there" in inbox.content
    assert b"1 unread" in inbox.content


def test_filter_by_own_number(viewer_client, org, number):
    mine = chat(number)
    chat(MessagingNumberFactory(organization=org))
    assert listed(viewer_client.get(INBOX, {"number": number.pk})) == [mine.pk]


def test_filter_unread_only(viewer_client, number):
    unread = chat(number, unread_count=1)
    chat(number, unread_count=0)
    assert listed(viewer_client.get(INBOX, {"unread": "1"})) == [unread.pk]


def test_search_finds_message_text(viewer_client, number):
    wanted = chat(number)
    MessageFactory(conversation=wanted, text="Please bring your insurance card")
    MessageFactory(conversation=chat(number), text="See you tomorrow")
    assert listed(viewer_client.get(INBOX, {"q": "INSURANCE"})) == [wanted.pk]


def test_search_without_a_match_lists_nothing(viewer_client, number):
    conversation = chat(number)
    MessageFactory(conversation=conversation, text="See you tomorrow")
    assert listed(viewer_client.get(INBOX, {"q": "tomorrow"})) == [conversation.pk]
    assert listed(viewer_client.get(INBOX, {"q": "zebra"})) == []


def test_search_skips_deleted_messages(viewer_client, number):
    conversation = chat(number)
    MessageFactory(conversation=conversation, text="insurance", deleted_at=NOW)
    assert listed(viewer_client.get(INBOX)) == [conversation.pk]  # the control: it is listed
    assert listed(viewer_client.get(INBOX, {"q": "insurance"})) == []


@pytest.mark.parametrize("typed", ["(310) 555-0142", "310.555.0142", "+1 310 555 0142",
                                   "1-310-555-0142", "5550142"])
def test_search_finds_a_number_typed_in_any_format(viewer_client, number, typed):
    wanted = chat(number, participants="+13105550142")
    chat(number, participants="+13105550199")
    assert listed(viewer_client.get(INBOX, {"q": typed})) == [wanted.pk]


def test_next_page_continues_without_overlap(viewer_client, number, monkeypatch):
    monkeypatch.setattr("messaging.views.INBOX_PAGE", 2)
    everything = [chat(number, minutes_ago=m).pk for m in range(1, 6)]
    seen, cursor = [], None
    while True:
        page = viewer_client.get(INBOX, {"cursor": cursor} if cursor else {}).context["page"]
        seen += [c.pk for c in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == everything


def test_conversations_with_the_same_time_are_not_skipped(viewer_client, number, monkeypatch):
    monkeypatch.setattr("messaging.views.INBOX_PAGE", 2)
    same = sorted((chat(number, minutes_ago=5).pk for _ in range(3)), reverse=True)
    first = viewer_client.get(INBOX).context["page"]
    second = viewer_client.get(INBOX, {"cursor": first.next_cursor}).context["page"]
    assert [c.pk for c in first.items + second.items] == same


def test_older_link_keeps_the_filters(viewer_client, number, monkeypatch):
    monkeypatch.setattr("messaging.views.INBOX_PAGE", 1)
    chat(number, unread_count=1, minutes_ago=1)
    chat(number, unread_count=1, minutes_ago=2)
    html = viewer_client.get(INBOX, {"unread": "1"}).content.decode()
    assert "?unread=1&amp;cursor=" in html


def test_other_organizations_conversations_are_not_listed(outsider_client, viewer_client,
                                                          number):
    conversation = chat(number)
    assert listed(viewer_client.get(INBOX)) == [conversation.pk]  # the control: members see it
    assert listed(outsider_client.get(INBOX)) == []


def test_viewer_sees_no_new_message_button(viewer_client, number):
    html = viewer_client.get(INBOX).content.decode()
    # the control: the number the button needs is offered, so only the role can hide it
    assert number.number in html
    assert reverse("compose") not in html


def test_agent_sees_new_message_button(agent_client, number):
    assert reverse("compose") in agent_client.get(INBOX).content.decode()


def test_query_count_does_not_grow_with_the_conversations(viewer_client, org, number):
    other_number = MessagingNumberFactory(organization=org)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get(INBOX).status_code == 200
        return len(captured)

    for i in range(5):
        chat(number if i % 2 else other_number, minutes_ago=i + 1, unread_count=i % 2)
    viewer_client.get(INBOX)  # warm caches that are not the page's own work
    few = queries()
    for i in range(20):
        chat(number if i % 2 else other_number, minutes_ago=i + 10, unread_count=i % 2)
    assert len(viewer_client.get(INBOX).context["page"].items) == 25
    assert queries() == few
