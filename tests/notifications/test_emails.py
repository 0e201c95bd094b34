"""Notification e-mails, sent by the job (notifications/tasks.py) as each member chose:
at once, in a digest (one e-mail per conversation per interval), or never."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django_scopes import scopes_disabled

from notifications.models import Delivery, Kind, Notification
from notifications.services import set_preferences
from notifications.tasks import send_notification_emails
from portal.jobs import job_named
from tests.clock import NOW
from tests.notifications.factories import NotificationFactory


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.PORTAL_BASE_URL = "https://portal.example.com"


def notification(membership, **kwargs):
    return NotificationFactory(organization=membership.organization, user=membership.user,
                               **kwargs)


def prefer(membership, digest_minutes=None, **deliveries):
    with scopes_disabled():
        set_preferences(organization=membership.organization, user=membership.user,
                        deliveries={Kind(k): Delivery(v) for k, v in deliveries.items()},
                        digest_minutes=digest_minutes)


def subjects() -> list[str]:
    return [message.subject for message in mail.outbox]


def test_job_runs_every_minute(settings):
    job = job_named("send_notification_emails")
    assert (job.task, job.minutes) == (send_notification_emails, 1)


def test_immediate_notification_is_emailed_once_by_the_job(agent, clock):
    prefer(agent, new_message="immediately")
    notification(agent, title="New message from (323) 555-0187")
    assert mail.outbox == []  # nothing in the transaction that made it
    send_notification_emails()
    send_notification_emails()
    assert subjects() == ["New message from (323) 555-0187 · Harbor Clinic"]
    assert mail.outbox[0].to == [agent.user.email]


def test_email_links_straight_to_the_conversation(agent, clock):
    prefer(agent, new_message="immediately")
    notification(agent, subject="conversation:12", url="/messaging/conversations/12/")
    send_notification_emails()
    assert "https://portal.example.com/messaging/conversations/12/" in mail.outbox[0].body


def test_email_never_carries_the_message_text(agent, clock):
    prefer(agent, new_message="immediately")
    notification(agent, body="My date of birth is 1980-02-03")
    send_notification_emails()
    assert "1980" not in mail.outbox[0].body


def test_emailed_notification_is_marked_emailed(agent, clock):
    prefer(agent, mention="immediately")
    row = notification(agent, kind=Kind.MENTION)
    send_notification_emails()
    with scopes_disabled():
        row.refresh_from_db()
    assert (row.emailed_at, row.email_pending) == (NOW, False)


def test_digest_waits_for_its_interval(agent, clock):
    prefer(agent, new_message="digest", digest_minutes=15)
    notification(agent)
    send_notification_emails()
    clock.shift(timedelta(minutes=14))
    send_notification_emails()
    assert mail.outbox == []
    clock.shift(timedelta(minutes=1))
    send_notification_emails()
    assert len(mail.outbox) == 1


def test_digest_sends_one_email_per_conversation(agent, clock):
    prefer(agent, new_message="digest", digest_minutes=15)
    for _ in range(3):
        notification(agent, subject="conversation:12", about="(323) 555-0187")
        clock.shift(timedelta(minutes=1))
    notification(agent, subject="conversation:13", title="New message from Dr. Patel")
    clock.shift(timedelta(minutes=15))
    send_notification_emails()
    assert sorted(subjects()) == ["3 new messages from (323) 555-0187 · Harbor Clinic",
                                  "New message from Dr. Patel · Harbor Clinic"]


def test_next_digest_is_an_interval_after_the_last(agent, clock):
    prefer(agent, new_message="digest", digest_minutes=15)
    notification(agent, subject="conversation:12")
    clock.shift(timedelta(minutes=15))
    send_notification_emails()
    notification(agent, subject="conversation:12")
    clock.shift(timedelta(minutes=14))
    send_notification_emails()
    assert len(mail.outbox) == 1


def test_never_sends_no_email(agent, clock):
    prefer(agent, new_message="never")
    row = notification(agent)
    clock.shift(timedelta(days=1))
    send_notification_emails()
    assert mail.outbox == []
    with scopes_disabled():
        assert Notification.objects.get(pk=row.pk).email_pending is False


def test_defaults_email_mentions_at_once_and_messages_in_a_digest(agent, clock):
    notification(agent, kind=Kind.MENTION, title="owner mentioned you")
    notification(agent, kind=Kind.NEW_MESSAGE)
    send_notification_emails()
    assert subjects() == ["owner mentioned you · Harbor Clinic"]


def test_notification_read_in_the_portal_is_not_emailed(agent, clock):
    prefer(agent, new_message="immediately")
    notification(agent, read_at=NOW)
    send_notification_emails()
    assert mail.outbox == []


def test_member_without_an_email_address_gets_none(agent, clock):
    prefer(agent, new_message="immediately")
    agent.user.email = ""
    agent.user.save()
    notification(agent)
    send_notification_emails()
    assert mail.outbox == []


def test_email_carries_a_one_click_unsubscribe_header(agent, clock):
    prefer(agent, new_message="immediately")
    notification(agent)
    send_notification_emails()
    headers = mail.outbox[0].extra_headers
    assert headers["List-Unsubscribe"].startswith(
        "<https://portal.example.com/notifications/unsubscribe/")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Stop e-mails about new messages: https://portal.example.com/notifications/" \
           "unsubscribe/" in mail.outbox[0].body


def test_failed_email_is_tried_again_at_the_next_run(agent, clock, monkeypatch):
    prefer(agent, new_message="immediately")
    notification(agent)

    def refuse(self, messages):
        raise ConnectionRefusedError("the mail server is down")

    with monkeypatch.context() as patched:
        patched.setattr(EmailBackend, "send_messages", refuse)
        send_notification_emails()
    assert mail.outbox == []
    send_notification_emails()
    assert len(mail.outbox) == 1


def test_member_who_left_gets_no_email(agent, clock):
    prefer(agent, new_message="immediately")
    notification(agent)
    with scopes_disabled():
        agent.delete()
    send_notification_emails()
    assert mail.outbox == []
