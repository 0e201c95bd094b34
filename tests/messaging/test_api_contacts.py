"""`contact` in the messaging API's payloads: the other party's contact, {id, name} or null,
looked up once per page."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import Direction, MessageStatus
from tests.messaging.contact_factories import ContactFactory
from tests.messaging.factories import ConversationFactory, MessageFactory
from tests.messaging.provider import OTHER, OWN, accepted, answer

MESSAGES = "/api/v1/messages/"
CONVERSATIONS = "/api/v1/conversations/"
T0 = datetime(2024, 2, 28, 9, 0, tzinfo=UTC)
ANNA = "+13235550187"
BEN = "+16195550122"


@pytest.fixture
def anna(org):
    return ContactFactory(organization=org, name="Anna Ortiz", numbers=[ANNA])


@pytest.fixture
def with_anna(number):
    return ConversationFactory(own_number=number, participants=ANNA, last_message_at=T0)


def test_an_inbound_message_names_its_senders_contact(with_anna, anna, api):
    MessageFactory(conversation=with_anna, uuid="in-1", direction=Direction.INBOUND,
                   source=ANNA, destinations=[OWN], status=MessageStatus.RECEIVED)
    assert api.get(f"{MESSAGES}in-1/").json()["contact"] == {"id": anna.pk,
                                                             "name": "Anna Ortiz"}


def test_an_outbound_message_to_one_number_names_the_recipients_contact(with_anna, anna, api):
    MessageFactory(conversation=with_anna, uuid="out-1")
    assert api.get(f"{MESSAGES}out-1/").json()["contact"] == {"id": anna.pk,
                                                              "name": "Anna Ortiz"}


def test_an_outbound_message_to_several_numbers_has_no_contact(number, anna, api):
    group = ConversationFactory(own_number=number, participants=f"{ANNA},{BEN}")
    MessageFactory(conversation=group, uuid="group-1")
    assert api.get(f"{MESSAGES}group-1/").json()["contact"] is None


def test_a_number_without_contact_gives_null(number, api):
    MessageFactory(conversation__own_number=number, conversation__participants=BEN,
                   uuid="out-2")
    assert api.get(f"{MESSAGES}out-2/").json()["contact"] is None


def test_a_contact_of_another_organization_is_not_named(with_anna, other_org, api):
    ContactFactory(organization=other_org, name="Someone Else", numbers=[ANNA])
    MessageFactory(conversation=with_anna, uuid="out-3")
    assert api.get(f"{MESSAGES}out-3/").json()["contact"] is None


def test_the_message_list_names_contacts(with_anna, anna, number, api):
    MessageFactory(conversation=with_anna, sent_at=T0)
    MessageFactory(conversation__own_number=number, conversation__participants=BEN,
                   sent_at=T0 + timedelta(minutes=1))
    contacts = [m["contact"] for m in api.get(MESSAGES).json()["results"]]
    assert contacts == [None, {"id": anna.pk, "name": "Anna Ortiz"}]


def test_the_message_list_looks_contacts_up_once_whatever_its_size(number, org, api):
    for n in range(12):
        party = f"+1323555{n:04d}"
        ContactFactory(organization=org, numbers=[party])
        MessageFactory(conversation__own_number=number, conversation__participants=party,
                       sent_at=T0 + timedelta(minutes=n))
    api.get(MESSAGES)  # first use of the key writes last_used_at
    counts = []
    for size in (1, 12):
        with CaptureQueriesContext(connection) as queries:
            body = api.get(MESSAGES, {"page_size": size}).json()
        assert all(m["contact"] for m in body["results"])
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_send_answers_with_the_recipients_contact(number, sms, anna, api, provider):
    answer(provider, "sendSMS", accepted("out-0001"))
    response = api.post(MESSAGES, json.dumps({"from": OWN, "to": [ANNA], "text": "Hello"}),
                        content_type="application/json")
    assert response.status_code == 201, response.content
    [message] = response.json()["messages"]
    assert message["contact"] == {"id": anna.pk, "name": "Anna Ortiz"}


def test_a_one_to_one_conversation_names_its_contact(with_anna, anna, api):
    body = api.get(f"{CONVERSATIONS}{with_anna.pk}/").json()
    assert body["contact"] == {"id": anna.pk, "name": "Anna Ortiz"}


def test_a_group_conversation_has_no_contact(number, anna, api):
    group = ConversationFactory(own_number=number, participants=f"{ANNA},{BEN}",
                                last_message_at=T0)
    assert api.get(f"{CONVERSATIONS}{group.pk}/").json()["contact"] is None


def test_the_conversation_list_names_contacts_and_null(with_anna, anna, number, api):
    ConversationFactory(own_number=number, participants=OTHER,
                        last_message_at=T0 + timedelta(minutes=1))
    contacts = [c["contact"] for c in api.get(CONVERSATIONS).json()["results"]]
    assert contacts == [None, {"id": anna.pk, "name": "Anna Ortiz"}]


def test_the_conversation_list_looks_contacts_up_once_whatever_its_size(number, org, api):
    for n in range(12):
        party = f"+1323555{n:04d}"
        ContactFactory(organization=org, numbers=[party])
        ConversationFactory(own_number=number, participants=party,
                            last_message_at=T0 + timedelta(minutes=n))
    api.get(CONVERSATIONS)
    counts = []
    for size in (1, 12):
        with CaptureQueriesContext(connection) as queries:
            body = api.get(CONVERSATIONS, {"page_size": size}).json()
        assert all(c["contact"] for c in body["results"])
        counts.append(len(queries))
    assert counts[0] == counts[1]
