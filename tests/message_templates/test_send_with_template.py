"""A message sent from a picked template takes the template's attachment when the member
chose no file; a file the member chose goes instead."""

import base64

import pytest
from django.urls import reverse

from accounts.tenancy import organization_scope
from message_templates import services
from tests.messaging.provider import accepted, answer, sent
from tests.messaging.samples import GIF, PNG, upload

pytestmark = pytest.mark.usefixtures("sms")


@pytest.fixture
def with_picture(org):
    with organization_scope(org):
        return services.create_template(
            organization=org, name="map", text="Here is the map",
            attachment=services.NewFile(name="map.png", content=PNG), user=None)


def reply(client, conversation, **values):
    return client.post(reverse("reply", args=[conversation.pk]),
                       {"text": "Here is the map", "send_token": "t-1", **values})


def test_the_templates_attachment_is_sent(agent_client, conversation, provider, with_picture):
    answer(provider, "sendSMS", accepted())
    response = reply(agent_client, conversation, template=with_picture.pk)
    assert response.status_code == 302
    assert base64.b64decode(sent(provider, "sendSMS")[0]["file"]) == PNG


def test_a_chosen_file_goes_instead(agent_client, conversation, provider, with_picture):
    answer(provider, "sendSMS", accepted())
    reply(agent_client, conversation, template=with_picture.pk,
          attachment=upload("cat.gif", GIF))
    assert base64.b64decode(sent(provider, "sendSMS")[0]["file"]) == GIF


def test_a_template_deleted_meanwhile_is_said_and_nothing_sent(agent_client, conversation,
                                                               provider, with_picture, org):
    with organization_scope(org):
        services.delete_template(template=with_picture, user=None)
    response = reply(agent_client, conversation, template=with_picture.pk)
    assert response.status_code == 400
    assert "deleted meanwhile" in response.content.decode()
    assert sent(provider, "sendSMS") == []


def test_another_organizations_template_sends_nothing(agent_client, conversation, provider,
                                                      other_org):
    with organization_scope(other_org):
        theirs = services.create_template(
            organization=other_org, name="map", text="Hi",
            attachment=services.NewFile(name="map.png", content=PNG), user=None)
    assert reply(agent_client, conversation, template=theirs.pk).status_code == 400
    assert sent(provider, "sendSMS") == []


def test_the_composer_sends_the_templates_attachment(agent_client, number, provider,
                                                     with_picture):
    answer(provider, "sendSMS", accepted())
    agent_client.post(reverse("compose"), {"to": "(805) 642-1415", "own_number": number.number,
                                          "text": "Here", "send_token": "t-2",
                                          "template": with_picture.pk})
    assert base64.b64decode(sent(provider, "sendSMS")[0]["file"]) == PNG


def test_a_lost_file_is_said_and_nothing_sent(agent_client, conversation, provider,
                                              with_picture):
    with_picture.attachment.storage.delete(with_picture.attachment.name)
    response = reply(agent_client, conversation, template=with_picture.pk)
    assert response.status_code == 400
    assert "cannot be read" in response.content.decode()
    assert sent(provider, "sendSMS") == []
