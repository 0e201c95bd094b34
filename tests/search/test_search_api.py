"""GET /api/v1/search/?q=."""

import pytest

from tests.api.helpers import error_of
from tests.factories import UserFactory
from tests.messaging.provider import OTHER
from tests.search.conftest import REFERENCE

pytestmark = pytest.mark.django_db


def test_a_reference_finds_its_fax_and_message_in_the_lists_shapes(api, fax, message):
    body = api.get("/api/v1/search/", {"q": REFERENCE}).json()
    assert set(body) == {"faxes", "messages", "conversations", "contacts", "more"}
    assert [f["id"] for f in body["faxes"]] == [fax.pk]
    assert body["faxes"][0]["customer_field"] == REFERENCE
    assert [m["uuid"] for m in body["messages"]] == [message.uuid]
    assert body["more"] == {"faxes": False, "messages": False, "conversations": False,
                            "contacts": False}


def test_rows_name_the_contact_of_their_number(api, fax, message, contact):
    body = api.get("/api/v1/search/", {"q": REFERENCE}).json()
    assert body["faxes"][0]["contact"] == {"id": contact.pk, "name": contact.name}
    assert body["messages"][0]["contact"] == {"id": contact.pk, "name": contact.name}


def test_a_number_finds_conversations_and_contacts(api, conversation, contact):
    body = api.get("/api/v1/search/", {"q": "805.642.1415"}).json()
    assert [c["id"] for c in body["conversations"]] == [conversation.pk]
    assert body["conversations"][0]["participants"] == [OTHER]
    assert [c["id"] for c in body["contacts"]] == [contact.pk]
    assert body["contacts"][0]["numbers"] == [OTHER]


def test_an_api_key_sees_the_messages_of_every_number(api, number, message):
    number.allowed_users.add(UserFactory())
    assert len(api.get("/api/v1/search/", {"q": REFERENCE}).json()["messages"]) == 1


def test_a_signed_in_member_not_on_the_number_does_not_see_its_messages(agent_client, number,
                                                                         message):
    number.allowed_users.add(UserFactory())
    body = agent_client.get("/api/v1/search/", {"q": REFERENCE}).json()
    assert body["messages"] == []


def test_another_organizations_key_finds_nothing(outsider_api, fax, message, contact):
    body = outsider_api.get("/api/v1/search/", {"q": REFERENCE}).json()
    assert body["faxes"] == body["messages"] == body["contacts"] == []


def test_a_read_key_may_search(reader, fax):
    assert reader.get("/api/v1/search/", {"q": REFERENCE}).status_code == 200


def test_a_send_only_key_may_not(sender_only):
    assert sender_only.get("/api/v1/search/", {"q": REFERENCE}).status_code == 403


@pytest.mark.parametrize("q", ["", "x", "  x  ", "y" * 101, "ab\x00cd", " " * 5])
def test_a_query_too_short_too_long_or_with_a_null_is_a_400_naming_q(api, q):
    response = api.get("/api/v1/search/", {"q": q})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["q"]


def test_a_missing_query_is_a_400_naming_q(api):
    response = api.get("/api/v1/search/")
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["q"]


def test_a_query_with_white_space_around_is_stripped(api, fax):
    body = api.get("/api/v1/search/", {"q": f"\t{REFERENCE}  "}).json()
    assert [f["id"] for f in body["faxes"]] == [fax.pk]


def test_the_schema_documents_q_and_the_groups(db):
    from django.test import Client

    schema = Client().get("/api/v1/schema/", headers={"Accept": "application/json"}).json()
    operation = schema["paths"]["/api/v1/search/"]["get"]
    [parameter] = operation["parameters"]
    assert (parameter["name"], parameter["required"]) == ("q", True)
    result = schema["components"]["schemas"]["SearchResult"]
    assert set(result["properties"]) == {"faxes", "messages", "conversations", "contacts",
                                         "more"}
