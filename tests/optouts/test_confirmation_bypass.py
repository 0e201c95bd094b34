"""Only the opt-out confirmation reaches a number that opted out: send_message's
`confirming_opt_out` takes nothing else, and no page or API request can set it."""

import base64
import json

import pytest
from django.urls import reverse

from messaging import sending
from optouts.models import OptOutSource
from optouts.services import OptedOut, opt_out
from tests.messaging.factories import ConversationFactory
from tests.messaging.provider import OTHER, OWN, sent

pytestmark = pytest.mark.usefixtures("sms", "number", "takes_sends")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture(autouse=True)
def stopped(org):
    opt_out(organization=org, number=OTHER, source=OptOutSource.KEYWORD, keyword="STOP")


def test_the_confirmation_reaches_the_number_that_opted_out(org, takes_sends):
    [message] = sending.send_message(organization=org, user=None, own_number=OWN, to=[OTHER],
                                     text="You are unsubscribed.", confirming_opt_out=True)
    assert message.status == "QUEUED"
    assert len(sent(takes_sends, "sendSMS")) == 1


@pytest.mark.parametrize("change", [
    {"to": [OTHER, "+13105550100"]},
    {"group": True},
    {"attachment": sending.Attachment(content=PNG, content_type="image/png")},
])
def test_it_refuses_anything_but_one_plain_text_to_one_number(org, takes_sends, change):
    arguments = {"organization": org, "user": None, "own_number": OWN, "to": [OTHER],
                 "text": "Hello", "confirming_opt_out": True, **change}
    with pytest.raises(ValueError, match="only the opt-out confirmation"):
        sending.send_message(**arguments)
    assert sent(takes_sends, "sendSMS") == []


def test_it_refuses_a_member_as_the_sender(org, agent, takes_sends):
    with pytest.raises(ValueError):
        sending.send_message(organization=org, user=agent.user, own_number=OWN, to=[OTHER],
                             text="Hello", confirming_opt_out=True)
    assert sent(takes_sends, "sendSMS") == []


def test_without_it_the_same_send_is_refused(org, takes_sends):
    with pytest.raises(OptedOut):
        sending.send_message(organization=org, user=None, own_number=OWN, to=[OTHER],
                             text="You are unsubscribed.")
    assert sent(takes_sends, "sendSMS") == []


def test_the_api_cannot_set_it(api, takes_sends):
    response = api.post("/api/v1/messages/", json.dumps({
        "from": OWN, "to": [OTHER], "text": "Hello", "confirming_opt_out": True}),
        content_type="application/json")
    assert response.status_code == 400
    assert "confirming_opt_out" in response.json()["error"]["fields"]
    assert sent(takes_sends, "sendSMS") == []


def test_the_api_answers_422_for_a_media_send_too(api, takes_sends):
    response = api.post("/api/v1/messages/", json.dumps({
        "from": OWN, "to": [OTHER], "media": base64.b64encode(PNG).decode(),
        "media_type": "image/png"}), content_type="application/json")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "opted_out"
    assert sent(takes_sends, "sendSMS") == []


def test_the_composer_cannot_set_it(agent_client, takes_sends):
    response = agent_client.post(reverse("compose"), {
        "to": OTHER, "text": "Hello", "send_token": "t-1", "own_number": OWN,
        "confirming_opt_out": "on"})
    assert response.status_code == 400
    assert sent(takes_sends, "sendSMS") == []


def test_a_reply_through_the_page_is_refused_and_says_why(agent_client, number, takes_sends):
    conversation = ConversationFactory(own_number=number, participants=OTHER)
    response = agent_client.post(reverse("reply", args=[conversation.pk]), {
        "text": "Hello", "send_token": "t-2", "confirming_opt_out": "on"})
    assert response.status_code == 400
    assert OTHER in response.content.decode()
    assert "opted out" in response.content.decode()
    assert sent(takes_sends, "sendSMS") == []
