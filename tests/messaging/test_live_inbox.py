"""The inbox's live poll (messaging/live.py): 304 at one indexed read while nothing changed,
the rows again once anything a reader sees changed, and no change lost to commit order."""

from datetime import timedelta

from django.urls import reverse
from django_scopes import scopes_disabled

from messaging import live, team
from messaging.ingest import IncomingMessage, record_messages
from messaging.models import Conversation
from tests.clock import NOW
from tests.messaging.factories import ConversationFactory, MessagingNumberFactory
from tests.messaging.provider import OTHER, OWN

POLL = reverse("inbox_live")
# What any signed-in page costs before its view runs: the session, the user, the member's
# memberships with their organizations (accounts.tenancy), and the two-factor middleware's
# look-up of the user's authenticator app (accounts.two_factor).
MIDDLEWARE_QUERIES = 4


def settle(clock) -> None:
    """Let the grace window pass: the latest change can no longer be overtaken."""
    clock.shift(live.GRACE + timedelta(seconds=1))


def poll(client, etag=None, **query):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(POLL, query, headers=headers)


def stamp(conversation, when) -> None:
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(changed_at=when)


def test_poll_with_nothing_new_is_304_at_one_query(viewer_client, conversation, clock,
                                                    django_assert_num_queries):
    settle(clock)
    etag = poll(viewer_client)["ETag"]
    with django_assert_num_queries(MIDDLEWARE_QUERIES + 1):  # + the organization's marker
        response = poll(viewer_client, etag)
    assert response.status_code == 304
    assert response.content == b""


def test_poll_is_private_and_always_revalidated(viewer_client, conversation, clock):
    settle(clock)
    first = poll(viewer_client)
    again = poll(viewer_client, first["ETag"])
    assert (first.status_code, again.status_code) == (200, 304)
    for response in (first, again):
        assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_poll_answers_the_rows_with_the_members_filters(viewer_client, number, conversation,
                                                        clock):
    ConversationFactory(own_number=number, participants="+13105550142", last_message_at=NOW,
                        last_preview="Unread one", unread_count=1)
    settle(clock)
    html = poll(viewer_client, unread="1").content.decode()
    assert "Unread one" in html
    assert "Can I move my appointment?" not in html  # `conversation` has nothing unread


def test_new_message_makes_the_next_poll_render(viewer_client, org, number, conversation,
                                                clock):
    settle(clock)
    etag = poll(viewer_client)["ETag"]
    record_messages(organization=org, incoming=[IncomingMessage(
        uuid="in-0042", own_number=OWN, source=OTHER, destinations=[OWN],
        text="Running ten minutes late", status="RECEIVED", sent_at=NOW)])
    response = poll(viewer_client, etag)
    assert response.status_code == 200
    assert "Running ten minutes late" in response.content.decode()


def test_closing_a_conversation_makes_the_next_poll_render(viewer_client, owner, conversation,
                                                           clock):
    settle(clock)
    etag = poll(viewer_client)["ETag"]
    with scopes_disabled():
        team.close_conversation(conversation=conversation, user=owner.user)
    response = poll(viewer_client, etag)
    assert response.status_code == 200
    assert "Can I move my appointment?" not in response.content.decode()  # open ones only


def test_a_note_makes_the_next_poll_render(viewer_client, owner, conversation, clock):
    settle(clock)
    etag = poll(viewer_client)["ETag"]
    with scopes_disabled():
        team.add_note(conversation=conversation, author=owner.user, text="Called her back")
    assert poll(viewer_client, etag).status_code == 200


def test_opening_a_conversation_moves_the_inbox_marker(viewer_client, agent_client,
                                                       conversation, clock):
    stamp(conversation, NOW)
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(unread_count=2)
    settle(clock)
    first = poll(viewer_client)
    assert "2 unread" in first.content.decode()
    agent_client.get(reverse("conversation", args=[conversation.pk]))
    response = poll(viewer_client, first["ETag"])
    assert response.status_code == 200
    assert "unread" not in response.content.decode()


def test_a_change_in_another_organization_leaves_the_marker(viewer_client, conversation,
                                                            other_org, clock):
    settle(clock)
    etag = poll(viewer_client)["ETag"]
    ConversationFactory(own_number=MessagingNumberFactory(organization=other_org),
                        last_message_at=NOW)
    assert poll(viewer_client, etag).status_code == 304


def test_no_marker_while_a_change_may_still_be_overtaken(viewer_client, conversation, clock):
    # Changed just now: a transaction stamped earlier may not have committed yet.
    response = poll(viewer_client)
    assert response.status_code == 200
    assert not response.has_header("ETag")
    settle(clock)
    assert poll(viewer_client).has_header("ETag")


def test_change_stamped_earlier_but_committed_after_the_poll_is_seen(viewer_client, number,
                                                                     conversation, clock):
    stamp(conversation, NOW - timedelta(minutes=10))
    newer = ConversationFactory(own_number=number, participants="+13105550101",
                                last_message_at=NOW - timedelta(minutes=1))
    stamp(newer, NOW)
    clock.shift(1)
    first = poll(viewer_client)  # saw the change stamped NOW
    # A transaction that stamped its change before that one committed only after the poll
    # read: its stamp is older than the newest the poll saw.
    late = ConversationFactory(own_number=number, participants="+13105550102",
                               last_message_at=NOW - timedelta(minutes=1),
                               last_preview="Committed late")
    stamp(late, NOW - timedelta(seconds=0.5))
    settle(clock)
    response = poll(viewer_client, first.get("ETag"))
    assert response.status_code == 200
    assert "Committed late" in response.content.decode()
    assert poll(viewer_client, response["ETag"]).status_code == 304


def test_settled_marker_only_past_the_grace_window():
    read_at = NOW
    assert live.settled_marker(read_at - live.GRACE + timedelta(microseconds=1),
                               read_at=read_at) is None
    assert live.settled_marker(read_at - live.GRACE, read_at=read_at) is not None
    assert live.settled_marker(None, read_at=read_at) == "none"


def test_anonymous_is_sent_to_login(client):
    response = client.get(POLL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
