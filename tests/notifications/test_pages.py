"""The notifications page, opening a notification, and marking all read: a member sees and
opens only their own; another organization's are a 404."""

from datetime import timedelta

from django.urls import reverse
from django_scopes import scopes_disabled

from notifications.models import Notification
from tests.clock import NOW
from tests.notifications.factories import NotificationFactory

LIST = reverse("notifications")


def notification(membership, **kwargs):
    return NotificationFactory(organization=membership.organization, user=membership.user,
                               **kwargs)


def read_at(row):
    with scopes_disabled():
        return Notification.objects.get(pk=row.pk).read_at


def test_list_shows_the_members_own_newest_first(agent_client, agent, owner, clock):
    notification(agent, title="Older one", created_at=NOW - timedelta(minutes=5))
    notification(agent, title="Newer one", created_at=NOW)
    notification(owner, title="The owner's own")
    html = agent_client.get(LIST).content.decode()
    assert html.index("Newer one") < html.index("Older one")
    assert "The owner&#x27;s own" not in html and "The owner's own" not in html


def test_list_is_paged_by_keyset(agent_client, agent, clock, settings, monkeypatch):
    monkeypatch.setattr("notifications.views.PAGE_SIZE", 2)
    for minute in range(3):
        notification(agent, title=f"Number {minute}", created_at=NOW + timedelta(minutes=minute))
    first = agent_client.get(LIST)
    cursor = first.context["page"].next_cursor
    second = agent_client.get(LIST, {"cursor": cursor}).content.decode()
    assert [n.title for n in first.context["page"].items] == ["Number 2", "Number 1"]
    assert "Number 0" in second and "Number 2" not in second


def test_opening_marks_it_read_and_goes_to_its_page(agent_client, agent, clock):
    row = notification(agent, subject="conversation:7", url="/messaging/conversations/7/")
    response = agent_client.get(reverse("open_notification", args=[row.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/messaging/conversations/7/"
    assert read_at(row) == NOW


def test_opening_one_marks_read_the_rest_about_the_same_conversation(agent_client, agent):
    first = notification(agent, subject="conversation:7")
    second = notification(agent, subject="conversation:7")
    elsewhere = notification(agent, subject="conversation:8")
    agent_client.get(reverse("open_notification", args=[first.pk]))
    assert read_at(second) is not None
    assert read_at(elsewhere) is None


def test_another_members_notification_is_a_404(agent_client, owner):
    row = notification(owner)
    assert agent_client.get(reverse("open_notification", args=[row.pk])).status_code == 404
    assert read_at(row) is None


def test_another_organizations_notification_is_a_404(outsider_client, agent):
    row = notification(agent)
    assert outsider_client.get(reverse("open_notification", args=[row.pk])).status_code == 404
    assert row.title not in outsider_client.get(LIST).content.decode()


def test_mark_all_read_reads_only_the_members_own(agent_client, agent, owner):
    mine = [notification(agent), notification(agent)]
    theirs = notification(owner)
    response = agent_client.post(reverse("mark_all_notifications_read"))
    assert response.status_code == 302
    assert all(read_at(row) is not None for row in mine)
    assert read_at(theirs) is None


def test_viewer_is_told_why_there_is_nothing(viewer_client):
    assert "as a viewer you get none" in viewer_client.get(LIST).content.decode()


def test_signed_out_visitor_is_sent_to_log_in(client, db):
    assert client.get(LIST)["Location"].startswith(reverse("login"))
