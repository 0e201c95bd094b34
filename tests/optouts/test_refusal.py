"""Nothing reaches the provider for a recipient who opted out: every send is refused in
messaging.sending.send_message, the pages say which number, the API answers 422."""

import json

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging import sending
from messaging.models import Message
from optouts.models import OptOutSource
from optouts.services import OptedOut, opt_in, opt_out, opted_out_numbers
from tests.axion import bodies
from tests.messaging.provider import OTHER, OWN, answer, sent

pytestmark = pytest.mark.usefixtures("sms", "number")

SECOND = "+13105550100"


@pytest.fixture
def ok(provider):
    answer(provider, "sendSMS", bodies.SEND_OK)
    return provider


def stored_messages() -> int:
    with scopes_disabled():
        return Message.objects.count()


def test_a_send_to_an_opted_out_number_is_refused_before_the_provider(ok, org):
    opt_out(organization=org, number=OTHER, source=OptOutSource.KEYWORD, keyword="STOP")
    with pytest.raises(OptedOut) as refused:
        sending.send_message(organization=org, user=None, own_number=OWN, to=[OTHER],
                             text="Hello")
    assert refused.value.numbers == [OTHER]
    assert sent(ok, "sendSMS") == []
    assert stored_messages() == 0


def test_one_opted_out_recipient_refuses_the_whole_send(ok, org):
    opt_out(organization=org, number=SECOND, source=OptOutSource.MEMBER)
    with pytest.raises(OptedOut) as refused:
        sending.send_message(organization=org, user=None, own_number=OWN,
                             to=[OTHER, SECOND], text="Hello")
    assert refused.value.numbers == [SECOND]
    assert sent(ok, "sendSMS") == []


def test_an_opt_out_of_another_organization_does_not_refuse(ok, org, other_org):
    opt_out(organization=other_org, number=OTHER, source=OptOutSource.KEYWORD)
    [message] = sending.send_message(organization=org, user=None, own_number=OWN,
                                     to=[OTHER], text="Hello")
    assert message.status == "QUEUED"


def test_a_number_that_opted_back_in_is_texted_again(ok, org):
    opt_out(organization=org, number=OTHER, source=OptOutSource.KEYWORD)
    opt_in(organization=org, number=OTHER, source=OptOutSource.KEYWORD, keyword="START")
    sending.send_message(organization=org, user=None, own_number=OWN, to=[OTHER], text="Hi")
    assert len(sent(ok, "sendSMS")) == 1


def test_the_api_answers_422_opted_out_with_the_number_in_fields(ok, org, api):
    opt_out(organization=org, number=OTHER, source=OptOutSource.API)
    response = api.post("/api/v1/messages/", json.dumps({"from": OWN, "to": [OTHER],
                                                         "text": "Hello"}),
                        content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "opted_out"
    assert OTHER in error["fields"]["to"][0]
    assert sent(ok, "sendSMS") == []


def test_the_composer_says_which_number_opted_out(ok, org, agent_client):
    opt_out(organization=org, number=OTHER, source=OptOutSource.KEYWORD)
    response = agent_client.post(reverse("compose"), {
        "to": OTHER, "text": "Hello", "send_token": "t-1", "own_number": OWN})
    assert response.status_code == 400
    assert any(OTHER in problem for problem in response.context["form"].errors["to"])
    assert sent(ok, "sendSMS") == []


def test_opted_out_numbers_names_only_those_on_the_list(org):
    opt_out(organization=org, number=OTHER, source=OptOutSource.IMPORT)
    assert opted_out_numbers(organization=org, numbers=[OTHER, SECOND]) == {OTHER}
