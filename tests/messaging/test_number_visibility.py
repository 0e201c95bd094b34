"""Who may send from a number (MessagingNumber.allowed_users; nobody listed: everyone) also
decides who sees its conversations, messages and media and who deletes them, in pages and
in the API. Owners and admins see every number's; an API key acts for the organization."""

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging.models import Message
from tests.factories import UserFactory
from tests.messaging.factories import (
    ConversationFactory,
    MediaFactory,
    MessageFactory,
    MessagingNumberFactory,
)
from tests.messaging.provider import sent

pytestmark = pytest.mark.usefixtures("sms")

OPEN = "+18056429999"


@pytest.fixture
def private(number):
    """A conversation of `number`, which only another member may send from."""
    number.allowed_users.add(UserFactory())
    conversation = ConversationFactory(own_number=number, participants="+13105550101",
                                       last_message_at=number.created_at,
                                       last_preview="Private matter")
    MessageFactory(conversation=conversation, uuid="out-private", text="Private matter")
    return conversation


@pytest.fixture
def private_message(private):
    with scopes_disabled():
        return Message.objects.get(conversation=private)


@pytest.fixture
def public(org):
    conversation = ConversationFactory(
        own_number=MessagingNumberFactory(organization=org, number=OPEN),
        participants="+13105550102", last_message_at=org.created_at,
        last_preview="Open matter")
    MessageFactory(conversation=conversation, uuid="out-open", text="Open matter")
    return conversation


def not_deleted(message) -> bool:
    with scopes_disabled():
        return Message.objects.get(pk=message.pk).deleted_at is None


def api_session(membership) -> Client:
    """A logged-in browser session on the API, with its CSRF token for writes."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(membership.user)
    client.get(reverse("inbox"))
    client.defaults["HTTP_X_CSRFTOKEN"] = client.cookies["csrftoken"].value
    return client


# --- Pages --------------------------------------------------------------------------------

def test_inbox_leaves_out_conversations_of_numbers_the_agent_is_not_listed_on(
        agent_client, private, public):
    html = agent_client.get(reverse("inbox")).content.decode()
    assert "Open matter" in html and "Private matter" not in html


def test_inbox_fragment_leaves_them_out(agent_client, private, public):
    html = agent_client.get(reverse("inbox_fragment")).content.decode()
    assert "Open matter" in html and "Private matter" not in html


def test_search_finds_nothing_in_them(agent_client, owner_client, private):
    owners = owner_client.get(reverse("inbox"), {"q": "Private"}).context["page"]
    assert list(owners.items) == [private]  # the control: owners see every number's
    page = agent_client.get(reverse("inbox"), {"q": "Private"}).context["page"]
    assert list(page.items) == []


def test_inbox_offers_only_the_numbers_the_agent_sees(agent_client, private, public):
    numbers = agent_client.get(reverse("inbox")).context["numbers"]
    assert [n.number for n in numbers] == [OPEN]


@pytest.mark.parametrize("name", ["conversation", "conversation_fragment"])
def test_their_pages_are_404(agent_client, private, name):
    assert agent_client.get(reverse(name, args=[private.pk])).status_code == 404


def test_reply_in_them_is_404_and_sends_nothing(agent_client, private, provider):
    response = agent_client.post(reverse("reply", args=[private.pk]),
                                 {"text": "Hi", "send_token": "t-1"})
    assert response.status_code == 404
    assert sent(provider, "sendSMS") == []


def test_their_messages_cannot_be_deleted(agent_client, private_message, provider):
    url = reverse("delete_message", args=[private_message.pk])
    assert agent_client.get(url).status_code == 404
    assert agent_client.post(url).status_code == 404
    assert not_deleted(private_message) and sent(provider, "deleteSMS") == []


def test_their_media_are_404(agent_client, private_message):
    media = MediaFactory(message=private_message)
    assert agent_client.get(reverse("media", args=[media.pk])).status_code == 404


def test_agent_on_the_list_sees_them(agent_client, agent, private):
    private.own_number.allowed_users.add(agent.user)
    assert agent_client.get(reverse("conversation", args=[private.pk])).status_code == 200


def test_viewer_not_on_the_list_does_not_see_them(viewer_client, private):
    assert viewer_client.get(reverse("conversation", args=[private.pk])).status_code == 404


@pytest.mark.parametrize("who", ["owner_client", "admin_client_"])
def test_owners_and_admins_see_every_number(request, who, private, public):
    html = request.getfixturevalue(who).get(reverse("inbox")).content.decode()
    assert "Open matter" in html and "Private matter" in html


# --- API ----------------------------------------------------------------------------------

def test_api_conversations_leave_them_out(agent, private, public):
    client = api_session(agent)
    listed = client.get("/api/v1/conversations/").json()["results"]
    assert [c["id"] for c in listed] == [public.pk]
    assert client.get(f"/api/v1/conversations/{private.pk}/").status_code == 404


def test_api_messages_leave_them_out(agent, private_message, public):
    client = api_session(agent)
    listed = client.get("/api/v1/messages/").json()["results"]
    assert [m["uuid"] for m in listed] == ["out-open"]
    assert client.get("/api/v1/messages/out-private/").status_code == 404


def test_api_media_of_them_is_404(agent, private_message):
    MediaFactory(message=private_message)
    assert api_session(agent).get("/api/v1/messages/out-private/media/0/").status_code == 404


def test_api_delete_of_them_is_404(agent, private_message, provider):
    assert api_session(agent).delete("/api/v1/messages/out-private/").status_code == 404
    assert not_deleted(private_message) and sent(provider, "deleteSMS") == []


def test_api_key_sees_every_number(api, private, public):
    listed = api.get("/api/v1/conversations/").json()["results"]
    assert {c["id"] for c in listed} == {private.pk, public.pk}
