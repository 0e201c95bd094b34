"""The composer's template picker: the templates whose names match what follows "/", and
one template filled on the server for the message's recipient and the member."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.message_templates.factories import MessageTemplateFactory
from tests.messaging.factories import ConversationFactory
from tests.messaging.provider import OTHER

SUGGEST = reverse("template_suggestions")


def fill(client, template, **query):
    return client.get(reverse("template_fill", args=[template.pk]), query)


def test_templates_whose_names_match_starting_ones_first(agent_client, org):
    for name in ("late-reminder", "Reminder", "invoice"):
        MessageTemplateFactory(organization=org, name=name)
    body = agent_client.get(SUGGEST, {"q": "remi"}).json()
    assert [r["name"] for r in body["results"]] == ["Reminder", "late-reminder"]


def test_suggestions_are_the_organizations_own(agent_client, org, other_org):
    MessageTemplateFactory(organization=other_org, name="reminder")
    assert agent_client.get(SUGGEST, {"q": "rem"}).json() == {"results": []}


def test_a_viewer_may_not_use_templates(viewer_client, org, conversation):
    template = MessageTemplateFactory(organization=org)
    assert viewer_client.get(SUGGEST, {"q": "t"}).status_code == 403
    assert fill(viewer_client, template, conversation=conversation.pk).status_code == 403


def test_filled_for_the_conversations_contact_and_the_member(agent_client, org, agent, ada,
                                                            conversation):
    agent.user.first_name, agent.user.last_name = "Grace", "Hopper"
    agent.user.save()
    template = MessageTemplateFactory(organization=org, text="Hi {first_name}, {my_name} here")
    body = fill(agent_client, template, conversation=conversation.pk).json()
    assert body["text"] == "Hi Ada, Grace Hopper here"
    assert body["attachment"] is None


def test_a_missing_value_is_a_422_naming_it(agent_client, org, ada, conversation):
    template = MessageTemplateFactory(organization=org, name="quote",
                                      text="{first_name} of {company}")
    response = fill(agent_client, template, conversation=conversation.pk)
    assert response.status_code == 422
    assert response.json()["missing"] == ["{company} has no value for Ada Lovelace"]
    assert "{first_name}" not in response.json()["message"]


def test_a_number_without_contact_is_named(agent_client, org, conversation):
    template = MessageTemplateFactory(organization=org)
    response = fill(agent_client, template, conversation=conversation.pk)
    assert response.status_code == 422
    assert response.json()["missing"] == ["{first_name} needs a contact for (805) 642-1415"]


def test_a_group_conversation_has_no_one_contact(agent_client, org, number, ada):
    group = ConversationFactory(own_number=number, participants=f"{OTHER},+18056421499")
    template = MessageTemplateFactory(organization=org)
    response = fill(agent_client, template, conversation=group.pk)
    assert response.status_code == 422
    assert "several people" in response.json()["missing"][0]


def test_the_composers_one_recipient_is_the_contact(agent_client, org, ada):
    template = MessageTemplateFactory(organization=org)
    assert fill(agent_client, template, to="(805) 642-1415").json()["text"] == (
        "Hi Ada, see you soon.")


def test_the_composer_by_contact_name(agent_client, org, ada):
    template = MessageTemplateFactory(organization=org, text="{reference}")
    assert fill(agent_client, template, to="Ada Lovelace").json()["text"] == "PT-1815"


def test_several_recipients_in_the_composer_are_said(agent_client, org, ada):
    template = MessageTemplateFactory(organization=org)
    response = fill(agent_client, template, to=f"{OTHER}, +18056421499")
    assert "several recipients" in response.json()["missing"][0]


def test_a_text_without_contact_placeholders_needs_no_recipient(agent_client, org):
    template = MessageTemplateFactory(organization=org, text="We open at 9.")
    assert fill(agent_client, template, to="").json()["text"] == "We open at 9."


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999"])
def test_a_malformed_conversation_is_a_404(agent_client, org, value):
    template = MessageTemplateFactory(organization=org)
    assert fill(agent_client, template, conversation=value).status_code == 404


def test_a_conversation_the_member_does_not_see_is_a_404(agent_client, org, number, agent):
    number.allowed_users.add(UserFactory())
    hidden = ConversationFactory(own_number=number, participants=OTHER)
    template = MessageTemplateFactory(organization=org)
    assert fill(agent_client, template, conversation=hidden.pk).status_code == 404


def test_another_organizations_template_is_a_404(agent_client, other_org, conversation):
    template = MessageTemplateFactory(organization=other_org)
    assert fill(agent_client, template, conversation=conversation.pk).status_code == 404


def test_the_reply_box_has_the_picker(agent_client, org, conversation):
    html = agent_client.get(reverse("conversation", args=[conversation.pk])).content.decode()
    assert "data-template-picker" in html and f'data-conversation="{conversation.pk}"' in html
    assert 'name="template"' in html


def test_a_nul_character_in_the_search_finds_nothing_odd(agent_client, org):
    assert agent_client.get(SUGGEST, {"q": "re\x00mi"}).status_code == 200


def test_a_nul_character_in_the_recipient_is_no_contact(agent_client, org):
    template = MessageTemplateFactory(organization=org, text="Hello {first_name}")
    response = fill(agent_client, template, to="Ada\x00")
    assert response.status_code in (200, 422)
