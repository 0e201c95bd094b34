"""Who else has a conversation open, and who is typing a reply (messaging/presence.py),
as the conversation's live poll tells it: kept in the cache, never in the database."""


from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messaging import presence
from messaging.presence import Presence
from tests.messaging.factories import ConversationFactory, MessagingNumberFactory


def poll(client, conversation):
    response = client.get(reverse("conversation_live", args=[conversation.pk]))
    assert response.status_code == 200
    return response.json()


def ping(client, conversation):
    return client.post(reverse("conversation_typing", args=[conversation.pk]))


def test_poll_records_the_member_without_a_database_write(agent_client, viewer_client,
                                                          conversation):
    with CaptureQueriesContext(connection) as queries:
        poll(viewer_client, conversation)
    assert queries.captured_queries  # the control: the poll's reads are seen
    assert all(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
    assert poll(agent_client, conversation)["presence"] == [
        {"name": "viewer-harbor", "typing": False}]


def test_member_sees_the_other_viewing(agent_client, viewer_client, conversation):
    poll(agent_client, conversation)
    answer = poll(viewer_client, conversation)
    assert answer["presence_text"] == "agent-harbor is also viewing"


def test_member_does_not_see_themselves(agent_client, viewer_client, conversation):
    poll(viewer_client, conversation)
    poll(agent_client, conversation)
    names = [p["name"] for p in poll(agent_client, conversation)["presence"]]
    assert names == ["viewer-harbor"]


def test_typing_shows_to_the_other_and_not_to_the_typist(agent_client, viewer_client,
                                                         conversation):
    poll(viewer_client, conversation)
    assert ping(agent_client, conversation).status_code == 204
    assert poll(viewer_client, conversation)["presence_text"] == \
        "agent-harbor is typing a reply…"
    assert poll(agent_client, conversation)["presence_text"] == "viewer-harbor is also viewing"


def test_viewing_expires_when_the_polls_stop(agent_client, viewer_client, conversation, clock):
    poll(agent_client, conversation)
    clock.shift(presence.VIEWING_SECONDS - 1)
    assert poll(viewer_client, conversation)["presence"]  # one poll late: still there
    clock.shift(2)
    assert poll(viewer_client, conversation)["presence"] == []


def test_typing_expires_after_a_few_seconds(agent_client, viewer_client, conversation, clock):
    ping(agent_client, conversation)
    clock.shift(presence.TYPING_SECONDS - 1)
    assert poll(viewer_client, conversation)["presence"] == [
        {"name": "agent-harbor", "typing": True}]
    poll(agent_client, conversation)  # the page is still open, the typing stopped
    clock.shift(2)
    assert poll(viewer_client, conversation)["presence"] == [
        {"name": "agent-harbor", "typing": False}]


def test_presence_is_per_conversation(agent_client, viewer_client, number, conversation):
    elsewhere = ConversationFactory(own_number=number)
    poll(agent_client, elsewhere)
    assert poll(viewer_client, conversation)["presence"] == []


def test_member_who_arrives_late_joins_those_already_there(agent_client, viewer_client,
                                                           owner_client, conversation):
    poll(agent_client, conversation)
    poll(viewer_client, conversation)
    names = [p["name"] for p in poll(owner_client, conversation)["presence"]]
    assert names == ["agent-harbor", "viewer-harbor"]


def test_typing_needs_the_csrf_token(agent, conversation):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent.user)
    assert ping(client, conversation).status_code == 403


def test_typing_is_a_post(agent_client, conversation):
    assert agent_client.get(reverse("conversation_typing", args=[conversation.pk])) \
        .status_code == 405


def test_viewer_cannot_announce_typing(viewer_client, conversation):
    assert ping(viewer_client, conversation).status_code == 403


def test_typing_in_another_organizations_conversation_is_404(outsider_client, outsider,
                                                             conversation):
    theirs = ConversationFactory(
        own_number=MessagingNumberFactory(organization=outsider.organization))
    assert ping(outsider_client, theirs).status_code == 204  # the control: their own
    assert ping(outsider_client, conversation).status_code == 404


def test_typing_where_the_number_is_not_allowed_is_404(agent_client, admin_member, number,
                                                       conversation):
    number.allowed_users.add(admin_member.user)
    assert ping(agent_client, conversation).status_code == 404


def test_describe_says_who_types_and_who_views():
    others = [Presence("Alice", typing=True), Presence("Bob", typing=False),
              Presence("Carol", typing=False)]
    assert presence.describe(others) == \
        "Alice is typing a reply… · Bob and Carol are also viewing"
    assert presence.describe([]) == ""


def test_describe_counts_a_crowd():
    others = [Presence(name, typing=False) for name in ("Ann", "Ben", "Cy", "Dee", "Eve")]
    assert presence.describe(others) == "Ann, Ben and 3 others are also viewing"


def test_full_name_is_shown_when_the_member_has_one(agent, agent_client, viewer_client,
                                                    conversation):
    agent.user.first_name, agent.user.last_name = "Alice", "Moreau"
    agent.user.save()
    poll(agent_client, conversation)
    assert poll(viewer_client, conversation)["presence_text"] == "Alice Moreau is also viewing"
