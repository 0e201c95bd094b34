"""GET /api/v1/conversations/ and /api/v1/conversations/{id}/."""

from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from tests.api.helpers import error_of
from tests.messaging.factories import ConversationFactory, MessagingNumberFactory
from tests.messaging.provider import OTHER, OWN

URL = "/api/v1/conversations/"
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["results"]]


def test_lists_conversations_latest_activity_first(number, other_org, api):
    old = ConversationFactory(own_number=number, participants=OTHER, last_message_at=T0)
    new = ConversationFactory(own_number=number, participants="+13105550100",
                              last_message_at=T0 + timedelta(minutes=5))
    ConversationFactory(own_number__organization=other_org, last_message_at=T0)
    assert ids(api.get(URL)) == [new.pk, old.pk]


def test_conversations_without_messages_are_left_out(number, api):
    silent = ConversationFactory(own_number=number, last_message_at=None)
    assert ids(api.get(URL)) == []
    with scopes_disabled():
        silent.last_message_at = T0
        silent.save()
    assert ids(api.get(URL)) == [silent.pk]  # the control: listed once a message came


def test_a_conversation_has_its_numbers_and_last_message(number, api):
    conversation = ConversationFactory(own_number=number, participants=f"{OTHER},+13105550100",
                                       last_message_at=T0, last_preview="See you",
                                       last_direction="in", unread_count=2)
    body = api.get(f"{URL}{conversation.pk}/").json()
    assert body == {"id": conversation.pk, "own_number": OWN,
                    "participants": [OTHER, "+13105550100"],
                    "last_message_at": "2024-03-01T12:00:00Z", "last_preview": "See you",
                    "last_direction": "in", "unread_count": 2, "status": "open",
                    "assignee": None, "labels": [], "contact": None,
                    "created_at": body["created_at"]}


def test_reading_a_conversation_does_not_mark_it_read(number, api):
    conversation = ConversationFactory(own_number=number, last_message_at=T0, unread_count=2)
    api.get(f"{URL}{conversation.pk}/")
    assert api.get(f"{URL}{conversation.pk}/").json()["unread_count"] == 2


def test_filters_by_own_number(org, number, api):
    match = ConversationFactory(own_number=number, last_message_at=T0)
    other = MessagingNumberFactory(organization=org, number="+18056420000")
    ConversationFactory(own_number=other, last_message_at=T0)
    assert ids(api.get(URL, {"own_number": OWN})) == [match.pk]


def test_pages_follow_next_links(number, api):
    made = [ConversationFactory(own_number=number, participants=f"+1310555010{n}",
                                last_message_at=T0 + timedelta(minutes=n)) for n in range(3)]
    first = api.get(URL, {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    assert [c["id"] for c in first["results"] + second["results"]] == [
        c.pk for c in reversed(made)]


def test_the_list_costs_the_same_queries_at_any_page_size(number, api):
    for n in range(15):
        ConversationFactory(own_number=number, participants=f"+131055501{n:02d}",
                            last_message_at=T0 + timedelta(minutes=n))
    api.get(URL)
    counts = []
    for size in (1, 15):
        with CaptureQueriesContext(connection) as queries:
            api.get(URL, {"page_size": size})
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_conversation_of_another_organization_is_404(other_org, api):
    theirs = ConversationFactory(own_number__organization=other_org, last_message_at=T0)
    response = api.get(f"{URL}{theirs.pk}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_outsider_gets_404(number, outsider_api):
    conversation = ConversationFactory(own_number=number, last_message_at=T0)
    assert outsider_api.get(f"{URL}{conversation.pk}/").status_code == 404
