"""A repeated Idempotency-Key: the first send's messages once settled, 409 while it is not
(SENDING or UNKNOWN: nothing is sent again), 422 when the body differs from the first."""

import json

import pytest
import requests
from django_scopes import scopes_disabled

from messaging.models import Message, MessageStatus
from tests.api.helpers import error_of
from tests.axion import bodies
from tests.messaging.factories import MessageFactory
from tests.messaging.provider import OTHER, OWN, accepted, answer, sent

URL = "/api/v1/messages/"
KEY = "order-17-reminder"
BODY = {"from": OWN, "to": [OTHER], "text": "Your order shipped"}


def post(client, body, key=KEY):
    return client.post(URL, json.dumps(body), content_type="application/json",
                       headers={"Idempotency-Key": key})


@pytest.fixture
def lost(provider, sms, number):
    """Axion takes the send but its answer is lost: the message is UNKNOWN."""
    answer(provider, "sendSMS", requests.ReadTimeout("read timed out"))
    return provider


@pytest.fixture
def ok(provider, sms, number):
    answer(provider, "sendSMS", bodies.SEND_OK)
    return provider


def test_retry_while_the_outcome_is_unknown_is_409_and_sends_nothing(lost, api):
    post(api, BODY)
    response = post(api, BODY)
    assert response.status_code == 409
    assert error_of(response)["code"] == "send_in_progress"
    assert len(sent(lost, "sendSMS")) == 1


def test_the_409_says_which_message_and_its_status(lost, api):
    post(api, BODY)
    with scopes_disabled():
        first = Message.objects.get()
    message = error_of(post(api, BODY))["message"]
    assert first.uuid in message and "UNKNOWN" in message and OTHER in message


def test_retry_of_a_send_whose_process_died_is_409(org, number, sms, provider, api,
                                                   conversation):
    MessageFactory(conversation=conversation, uuid="local-0001", status=MessageStatus.SENDING,
                   idempotency_key=f"{KEY}:{OTHER}")
    response = post(api, BODY)
    assert (response.status_code, error_of(response)["code"]) == (409, "send_in_progress")
    assert sent(provider, "sendSMS") == []


def test_retry_once_settled_answers_the_first_send(ok, api):
    first = post(api, BODY)
    assert post(api, BODY).json() == first.json()


def test_reused_key_with_another_text_is_422_and_sends_nothing(ok, api):
    post(api, BODY)
    response = post(api, {**BODY, "text": "Your order was cancelled"})
    assert response.status_code == 422
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert len(sent(ok, "sendSMS")) == 1


def test_reused_key_with_another_recipient_list_is_422_and_sends_nothing(ok, api):
    post(api, BODY)
    response = post(api, {**BODY, "to": [OTHER, "+13105550100"]})
    assert response.status_code == 422
    assert len(sent(ok, "sendSMS")) == 1


def test_reused_key_with_another_client_reference_is_422(ok, api):
    post(api, {**BODY, "client_reference": "A-1"})
    assert post(api, {**BODY, "client_reference": "A-2"}).status_code == 422


def test_same_recipients_in_another_order_are_the_same_request(provider, sms, number, api):
    answer(provider, "sendSMS", accepted("out-0001"))
    answer(provider, "sendSMS", accepted("out-0002"))
    first = post(api, {**BODY, "to": [OTHER, "+13105550100"]})
    again = post(api, {**BODY, "to": ["+13105550100", OTHER]})
    assert again.status_code == 201
    assert ({m["uuid"] for m in again.json()["messages"]}
            == {m["uuid"] for m in first.json()["messages"]})
    assert len(sent(provider, "sendSMS")) == 2


def test_reused_key_of_a_send_stored_before_digests_is_not_compared(ok, api, conversation):
    # Sent by the code before this check: no digest to compare with, the first send stands.
    MessageFactory(conversation=conversation, uuid="out-0001", status=MessageStatus.QUEUED,
                   idempotency_key=f"{KEY}:{OTHER}")
    response = post(api, {**BODY, "text": "Something else"})
    assert response.status_code == 201
    assert response.json()["messages"][0]["uuid"] == "out-0001"
