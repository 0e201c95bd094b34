"""GET /api/v1/messages/ and /api/v1/messages/{uuid}/: messages, their filters and pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Direction, MessageStatus
from tests.api.helpers import error_of
from tests.messaging.factories import (
    ConversationFactory,
    MediaFactory,
    MessageFactory,
    MessagingNumberFactory,
)
from tests.messaging.provider import OTHER, OWN

URL = "/api/v1/messages/"
T0 = datetime(2024, 2, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
def conversation(number):
    return ConversationFactory(own_number=number, participants=OTHER)


def uuids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [m["uuid"] for m in response.json()["results"]]


def test_lists_the_organizations_messages_newest_first(conversation, other_org, api):
    old = MessageFactory(conversation=conversation, sent_at=T0)
    new = MessageFactory(conversation=conversation, sent_at=T0 + timedelta(minutes=1))
    MessageFactory(conversation__own_number__organization=other_org)
    assert uuids(api.get(URL)) == [new.uuid, old.uuid]


def test_a_message_has_snake_case_fields(conversation, api):
    message = MessageFactory(conversation=conversation, uuid="abc-1", sent_at=T0,
                             customer_provided_id="order-17")
    body = api.get(f"{URL}abc-1/").json()
    assert body["from"] == OWN
    assert body["to"] == [OTHER]
    assert body["direction"] == "out"
    assert body["conversation"] == conversation.pk
    assert body["client_reference"] == "order-17"
    assert body["sent_at"] == "2024-02-28T09:00:00Z"
    assert body["text"] == message.text
    assert body["media"] == []


def test_media_are_listed_with_their_url(conversation, api):
    message = MessageFactory(conversation=conversation, uuid="mms-1")
    MediaFactory(message=message, position=0, content_type="image/png")
    [media] = api.get(f"{URL}mms-1/").json()["media"]
    assert media["position"] == 0
    assert media["url"] == "http://testserver/api/v1/messages/mms-1/media/0/"


def test_deleted_messages_are_left_out(conversation, api):
    MessageFactory(conversation=conversation, uuid="gone", deleted_at=T0)
    assert uuids(api.get(URL)) == []
    assert api.get(f"{URL}gone/").status_code == 404


def test_filters_by_own_number(org, conversation, api):
    match = MessageFactory(conversation=conversation)
    other_number = MessagingNumberFactory(organization=org, number="+18056420000")
    MessageFactory(conversation=ConversationFactory(own_number=other_number))
    assert uuids(api.get(URL, {"own_number": "805-642-1414"})) == [match.uuid]


def test_filters_by_the_other_party(number, api):
    match = MessageFactory(conversation=ConversationFactory(own_number=number,
                                                            participants=OTHER))
    MessageFactory(conversation=ConversationFactory(own_number=number,
                                                    participants="+13105550100"))
    assert uuids(api.get(URL, {"number": OTHER[2:]})) == [match.uuid]


def test_filters_by_direction(conversation, api):
    inbound = MessageFactory(conversation=conversation, direction=Direction.INBOUND,
                             status=MessageStatus.RECEIVED)
    MessageFactory(conversation=conversation)
    assert uuids(api.get(URL, {"direction": "in"})) == [inbound.uuid]


def test_filters_by_status(conversation, api):
    failed = MessageFactory(conversation=conversation, status=MessageStatus.FAILED)
    MessageFactory(conversation=conversation)
    assert uuids(api.get(URL, {"status": "FAILED"})) == [failed.uuid]


def test_filters_by_time(conversation, api):
    MessageFactory(conversation=conversation, sent_at=T0 - timedelta(hours=1))
    inside = MessageFactory(conversation=conversation, sent_at=T0)
    MessageFactory(conversation=conversation, sent_at=T0 + timedelta(hours=1))
    response = api.get(URL, {"since": "2024-02-28T09:00:00Z", "until": "2024-02-28T09:30:00Z"})
    assert uuids(response) == [inside.uuid]


def test_filters_by_conversation(number, conversation, api):
    match = MessageFactory(conversation=conversation)
    MessageFactory(conversation=ConversationFactory(own_number=number,
                                                    participants="+13105550100"))
    assert uuids(api.get(URL, {"conversation": conversation.pk})) == [match.uuid]


@pytest.mark.parametrize("query, field", [
    ({"direction": "sideways"}, "direction"),
    ({"status": "LOST"}, "status"),
    ({"since": "soon"}, "since"),
    ({"since": ""}, "since"),
    ({"until": "2024-02-28T09:00:00"}, "until"),
    ({"conversation": "first"}, "conversation"),
    ({"conversation": ""}, "conversation"),
    ({"conversation": "5.0"}, "conversation"),
    ({"page_size": "1000"}, "page_size"),
])
def test_bad_filters_are_400_on_their_field(api, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


def test_a_conversation_id_beyond_any_integer_is_400_saying_the_largest(api):
    response = api.get(URL, {"conversation": "10000000000000000000000000"})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"conversation": [
        "Ensure this value is less than or equal to 9223372036854775807."]}


def test_an_empty_time_range_is_an_empty_page(conversation, api):
    message = MessageFactory(conversation=conversation, sent_at=T0)
    # the control: the same bounds the right way round list the message
    assert uuids(api.get(URL, {"since": "2024-02-01T00:00:00Z",
                               "until": "2024-03-01T00:00:00Z"})) == [message.uuid]
    response = api.get(URL, {"since": "2024-03-01T00:00:00Z", "until": "2024-02-01T00:00:00Z"})
    assert uuids(response) == []


@pytest.mark.parametrize("query", [{"until": "9999-12-31T23:59:59-05:00"},
                                   {"since": "0001-01-01T00:00:00+05:00"}])
def test_a_time_beyond_the_calendar_bounds_nothing(conversation, api, query):
    message = MessageFactory(conversation=conversation, sent_at=T0)
    assert uuids(api.get(URL, query)) == [message.uuid]


def test_pages_follow_next_links(conversation, api):
    messages = [MessageFactory(conversation=conversation, sent_at=T0 + timedelta(minutes=n))
                for n in range(3)]
    first = api.get(URL, {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    assert [m["uuid"] for m in first["results"] + second["results"]] == [
        m.uuid for m in reversed(messages)]
    assert second["next"] is None


def test_the_list_costs_the_same_queries_at_any_page_size(conversation, api):
    for n in range(20):
        message = MessageFactory(conversation=conversation, sent_at=T0 + timedelta(minutes=n))
        MediaFactory(message=message)
    api.get(URL)
    counts = []
    for size in (1, 20):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(URL, {"page_size": size, "own_number": OWN}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_message_of_another_organization_is_404(other_org, api):
    message = MessageFactory(conversation__own_number__organization=other_org)
    response = api.get(f"{URL}{message.uuid}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_outsider_gets_404(conversation, outsider_api):
    message = MessageFactory(conversation=conversation)
    assert outsider_api.get(f"{URL}{message.uuid}/").status_code == 404


def test_an_overlong_uuid_is_404(api):
    assert api.get(f"{URL}{'x' * 65}/").status_code == 404


def test_a_viewer_reads_with_the_session(conversation, viewer_client):
    message = MessageFactory(conversation=conversation)
    assert viewer_client.get(f"{URL}{message.uuid}/").status_code == 200
