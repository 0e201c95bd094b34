"""The bell of the top bar and its live poll: 304 at one indexed read while nothing changed,
the new count once something did, and a conversation on screen read."""

from django.urls import reverse
from django_scopes import scopes_disabled

from notifications.models import Notification
from tests.notifications.factories import NotificationFactory

POLL = reverse("notification_bell")
# What any signed-in page costs before its view runs: the session, the user, the member's
# memberships with their organizations, and the two-factor middleware's look-up.
MIDDLEWARE_QUERIES = 4


def notification(membership, **kwargs):
    return NotificationFactory(organization=membership.organization, user=membership.user,
                               **kwargs)


def poll(client, etag=None, **query):
    headers = {"If-None-Match": etag} if etag else {}
    return client.get(POLL, query, headers=headers)


def test_poll_with_nothing_new_is_304_at_one_query(agent_client, agent,
                                                   django_assert_num_queries):
    notification(agent)
    etag = poll(agent_client)["ETag"]
    with django_assert_num_queries(MIDDLEWARE_QUERIES + 1):  # + the member's unread ones
        response = poll(agent_client, etag)
    assert response.status_code == 304
    assert response.content == b""


def test_poll_answers_the_count_and_the_newest(agent_client, agent):
    notification(agent, title="Older")
    newest = notification(agent, title="New message from Dr. Patel")
    answer = poll(agent_client).json()
    assert answer == {"count": 2, "label": "2", "newest": {
        "id": newest.pk, "title": "New message from Dr. Patel",
        "url": reverse("open_notification", args=[newest.pk])}}


def test_new_notification_makes_the_next_poll_answer(agent_client, agent):
    etag = poll(agent_client)["ETag"]
    notification(agent)
    response = poll(agent_client, etag)
    assert (response.status_code, response.json()["count"]) == (200, 1)


def test_notification_read_elsewhere_makes_the_next_poll_answer(agent_client, agent):
    row = notification(agent)
    etag = poll(agent_client)["ETag"]
    with scopes_disabled():
        Notification.objects.filter(pk=row.pk).update(read_at=row.created_at)
    response = poll(agent_client, etag)
    assert (response.status_code, response.json()["count"]) == (200, 0)


def test_someone_elses_notification_does_not_move_the_bell(agent_client, agent, owner):
    etag = poll(agent_client)["ETag"]
    notification(owner)
    assert poll(agent_client, etag).status_code == 304


def test_poll_is_private_and_always_revalidated(agent_client, agent):
    response = poll(agent_client)
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}


def test_count_stops_at_99_plus(agent_client, agent):
    NotificationFactory.create_batch(100, organization=agent.organization, user=agent.user)
    assert poll(agent_client).json()["label"] == "99+"


def test_conversation_on_screen_is_marked_read(agent_client, agent):
    shown = notification(agent, subject="conversation:7")
    other = notification(agent, subject="conversation:8")
    answer = poll(agent_client, seen="conversation:7").json()
    assert answer["count"] == 1
    with scopes_disabled():
        assert Notification.objects.get(pk=shown.pk).read_at is not None
        assert Notification.objects.get(pk=other.pk).read_at is None


def test_conversation_on_screen_with_nothing_unread_is_still_304(agent_client, agent,
                                                                  django_assert_num_queries):
    notification(agent, subject="conversation:8")
    etag = poll(agent_client, seen="conversation:7")["ETag"]
    with django_assert_num_queries(MIDDLEWARE_QUERIES + 1):
        assert poll(agent_client, etag, seen="conversation:7").status_code == 304


def test_outsider_polls_only_their_own(outsider_client, agent):
    notification(agent)
    assert poll(outsider_client).json()["count"] == 0


def test_top_bar_shows_the_bell_with_the_unread_count(agent_client, agent):
    notification(agent)
    html = agent_client.get(reverse("notifications")).content.decode()
    assert 'aria-label="Notifications, 1 unread"' in html
    assert f'data-bell="{POLL}"' in html


def test_conversation_page_hands_its_subject_to_the_bell(agent_client, agent, number):
    from tests.messaging.factories import ConversationFactory

    conversation = ConversationFactory(own_number=number)
    html = agent_client.get(reverse("conversation", args=[conversation.pk])).content.decode()
    assert f'data-seen="conversation:{conversation.pk}"' in html
