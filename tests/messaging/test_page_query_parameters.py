"""The inbox and conversation pages given query parameters no link of theirs makes: the
first page for a cursor no page issued, no filter for a number that is not an id; never a
500 (tests/portal/test_generated_query_strings.py throws generated ones at them)."""

import base64
import json
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.clock import NOW
from tests.messaging.factories import ConversationFactory, MessageFactory

BEYOND_THE_CALENDAR = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.fixture
def chat(number):
    return ConversationFactory(own_number=number, last_message_at=NOW - timedelta(minutes=1))


@pytest.mark.parametrize("when", BEYOND_THE_CALENDAR)
@pytest.mark.parametrize("page", ["inbox", "inbox_fragment"])
def test_a_cursor_time_beyond_the_calendar_shows_the_first_inbox_page(viewer_client, chat,
                                                                      page, when):
    response = viewer_client.get(reverse(page), {"cursor": cursor_of([when, 1])})
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].items] == [chat.pk]


@pytest.mark.parametrize("when", BEYOND_THE_CALENDAR)
def test_a_cursor_time_beyond_the_calendar_shows_the_latest_messages(viewer_client, chat,
                                                                     when):
    message = MessageFactory(conversation=chat)
    response = viewer_client.get(reverse("conversation", args=[chat.pk]),
                                 {"cursor": cursor_of([when, 1])})
    assert response.status_code == 200
    assert response.context["page"].items == [message]


@pytest.mark.parametrize("value", ["10000000000000000000000000", "²", "٣"])
def test_a_number_filter_that_is_no_id_filters_nothing(viewer_client, chat, value):
    response = viewer_client.get(reverse("inbox"), {"number": value})
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].items] == [chat.pk]


def test_a_search_with_a_nul_character_is_searched_without_it(viewer_client, chat):
    MessageFactory(conversation=chat, text="Your appointment is tomorrow")
    response = viewer_client.get(reverse("inbox"), {"q": "appoint\x00ment"})
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"].items] == [chat.pk]
