"""Where an opt-out matters to people who text: a conversation with a number that opted out
says so above where the composer would be, and offers none; a contact's page marks it."""

import pytest
from django.urls import reverse

from optouts.models import OptOutSource
from optouts.services import opt_out
from tests.messaging.contact_factories import ContactFactory
from tests.messaging.factories import ConversationFactory
from tests.messaging.provider import OTHER


@pytest.fixture
def conversation(number):
    return ConversationFactory(own_number=number, participants=OTHER)


def test_the_conversation_says_who_opted_out_when_and_how(agent_client, org, conversation):
    opt_out(organization=org, number=OTHER, source=OptOutSource.KEYWORD, keyword="Stop")
    page = agent_client.get(reverse("conversation", args=[conversation.pk]))
    text = page.content.decode()
    assert "Opted out: replies are off" in text
    assert "texted “Stop”" in text and "2024-03-01" in text
    assert page.context["form"] is None
    assert 'action="' + reverse("reply", args=[conversation.pk]) not in text


def test_the_notice_names_the_contact(agent_client, org, conversation):
    ContactFactory(organization=org, name="Ana Reyes", numbers=[OTHER])
    opt_out(organization=org, number=OTHER, source=OptOutSource.MEMBER)
    text = agent_client.get(reverse("conversation", args=[conversation.pk])).content.decode()
    assert "Ana Reyes ((805) 642-1415) opted out" in text


def test_a_conversation_with_nobody_opted_out_has_its_composer(agent_client, conversation):
    page = agent_client.get(reverse("conversation", args=[conversation.pk]))
    assert page.context["form"] is not None
    assert "Opted out" not in page.content.decode()


def test_viewers_see_the_notice_too(viewer_client, org, conversation):
    opt_out(organization=org, number=OTHER, source=OptOutSource.API)
    text = viewer_client.get(reverse("conversation", args=[conversation.pk])).content.decode()
    assert "Opted out: replies are off" in text


def test_the_contact_page_marks_a_number_that_opted_out(viewer_client, org):
    contact = ContactFactory(organization=org, name="Ana Reyes",
                             numbers=[OTHER, "+13105550100"])
    opt_out(organization=org, number=OTHER, source=OptOutSource.KEYWORD)
    text = viewer_client.get(reverse("contact", args=[contact.pk])).content.decode()
    assert text.count("Opted out</span>") == 1


def test_the_composer_names_the_contact_that_opted_out(agent_client, org, number):
    ContactFactory(organization=org, name="Ana Reyes", numbers=[OTHER])
    opt_out(organization=org, number=OTHER, source=OptOutSource.KEYWORD, keyword="STOP")
    response = agent_client.post(reverse("compose"), {
        "to": OTHER, "text": "Hello", "send_token": "t-1", "own_number": number.number})
    [problem] = response.context["form"].errors["to"]
    assert problem.startswith(f'Ana Reyes ({OTHER}) opted out of this organization\'s '
                              'messages (replied "STOP", 2024-03-01)')
