"""A conversation's live poll (messaging/live.py): a small "nothing changed" at one indexed
read, the messages once anything in the conversation changed, the member's visibility."""

from datetime import timedelta

from django.urls import reverse
from django_scopes import scopes_disabled

from messaging import live, team
from messaging.ingest import IncomingMessage, record_messages
from messaging.models import Conversation
from tests.clock import NOW
from tests.messaging.factories import ConversationFactory, MessagingNumberFactory
from tests.messaging.provider import OTHER, OWN

# The session, the user, the memberships, the two-factor middleware's authenticator look-up.
MIDDLEWARE_QUERIES = 4


def settle(clock) -> None:
    clock.shift(live.GRACE + timedelta(seconds=1))


def poll(client, conversation, marker=""):
    return client.get(reverse("conversation_live", args=[conversation.pk]), {"marker": marker})


def marker_of(client, conversation) -> str:
    answer = poll(client, conversation).json()
    assert answer["changed"] and answer["marker"]
    return answer["marker"]


def stamp(conversation, when) -> None:
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(changed_at=when)


def test_poll_with_nothing_new_answers_unchanged_at_one_query(agent_client, agent, number,
                                                              conversation, clock,
                                                              django_assert_num_queries):
    number.allowed_users.add(agent.user)  # the visibility check is part of the one read
    settle(clock)
    marker = marker_of(agent_client, conversation)
    with django_assert_num_queries(MIDDLEWARE_QUERIES + 1):  # + the conversation's marker
        response = poll(agent_client, conversation, marker)
    assert response.json() == {"changed": False, "presence": [], "presence_text": ""}


def test_poll_is_never_stored(viewer_client, conversation):
    response = poll(viewer_client, conversation)
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-store"}


def test_first_poll_carries_the_messages(viewer_client, conversation, clock):
    settle(clock)
    answer = poll(viewer_client, conversation).json()
    assert answer["changed"] is True
    assert 'class="messages"' in answer["html"]


def test_new_message_makes_the_next_poll_carry_it(viewer_client, org, number, conversation,
                                                  clock):
    settle(clock)
    marker = marker_of(viewer_client, conversation)
    record_messages(organization=org, incoming=[IncomingMessage(
        uuid="in-0042", own_number=OWN, source=OTHER, destinations=[OWN],
        text="Running ten minutes late", status="RECEIVED", sent_at=NOW)])
    answer = poll(viewer_client, conversation, marker).json()
    assert answer["changed"] is True
    assert "Running ten minutes late" in answer["html"]


def test_poll_marks_what_arrived_read_and_moves_the_inbox(viewer_client, conversation, clock):
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=1)
    settle(clock)
    inbox_etag = viewer_client.get(reverse("inbox_live"))["ETag"]
    assert poll(viewer_client, conversation).json()["changed"] is True
    with scopes_disabled():
        assert Conversation.objects.get(pk=conversation.pk).unread_count == 0
    settle(clock)
    inbox = viewer_client.get(reverse("inbox_live"), headers={"If-None-Match": inbox_etag})
    assert inbox.status_code == 200


def test_closing_makes_the_next_poll_render(viewer_client, owner, conversation, clock):
    settle(clock)
    marker = marker_of(viewer_client, conversation)
    with scopes_disabled():
        team.close_conversation(conversation=conversation, user=owner.user)
    assert poll(viewer_client, conversation, marker).json()["changed"] is True


def test_a_note_makes_the_next_poll_render(viewer_client, owner, conversation, clock):
    settle(clock)
    marker = marker_of(viewer_client, conversation)
    with scopes_disabled():
        team.add_note(conversation=conversation, author=owner.user, text="Called her back")
    answer = poll(viewer_client, conversation, marker).json()
    assert answer["changed"] is True
    assert "Called her back" in answer["html"]


def test_change_committed_after_a_newer_one_is_seen(viewer_client, conversation, clock):
    stamp(conversation, NOW)
    settle(clock)
    marker = marker_of(viewer_client, conversation)
    # Two transactions wrote the conversation: the one stamped first committed last, so
    # its older stamp is what the row holds now.
    stamp(conversation, NOW - timedelta(seconds=0.5))
    assert poll(viewer_client, conversation, marker).json()["changed"] is True


def test_no_marker_while_a_change_may_still_be_overtaken(viewer_client, conversation):
    stamp(conversation, NOW)
    answer = poll(viewer_client, conversation).json()
    assert answer["changed"] is True and answer["marker"] == ""


def test_outsider_gets_404(outsider_client, conversation):
    assert poll(outsider_client, conversation).status_code == 404


def test_member_not_allowed_on_the_number_gets_404(agent_client, viewer, viewer_client, number,
                                                   conversation):
    number.allowed_users.add(viewer.user)
    assert poll(viewer_client, conversation).status_code == 200  # the control: listed
    assert poll(agent_client, conversation).status_code == 404


def test_each_organization_polls_its_own(outsider_client, outsider, clock):
    theirs = ConversationFactory(
        own_number=MessagingNumberFactory(organization=outsider.organization))
    settle(clock)
    assert poll(outsider_client, theirs).status_code == 200


def test_anonymous_is_sent_to_login(client, conversation):
    response = poll(client, conversation)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
