"""Scheduled sends (messaging/sending.py with send_at, messaging/scheduling.py): recorded
SCHEDULED, sent once at their time by the job whoever else runs it, failed with a reason when
too late or opted out meanwhile, changed and cancelled while still scheduled."""

import base64
import os
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from events.models import Event
from messaging import scheduling, sending
from messaging.models import Conversation, Media, Message, MessageStatus
from messaging.send_times import local_send_time
from messaging.tasks import send_scheduled_messages
from optouts.models import OptOutSource
from optouts.services import OptedOut, opt_out
from tests.clock import NOW
from tests.factories import UserFactory
from tests.messaging.provider import OTHER, OWN, accepted, answer, error, sent
from tests.messaging.samples import PNG

pytestmark = pytest.mark.usefixtures("sms")

IN_AN_HOUR = NOW + timedelta(hours=1)


def schedule(org, agent, *, at=IN_AN_HOUR, text="Your appointment is in an hour", key="",
             attachment=None) -> Message:
    [message] = sending.send_message(organization=org, user=agent.user, own_number=OWN,
                                     to=[OTHER], text=text, attachment=attachment,
                                     idempotency_key=key, send_at=at)
    return message


def reloaded(row) -> Message:
    with scopes_disabled():
        return Message.objects.get(pk=row.pk)


@pytest.fixture
def accepting(provider):
    answer(provider, "sendSMS", accepted("out-0001"))
    return provider


# Scheduling


def test_a_scheduled_send_is_recorded_scheduled_and_nothing_reaches_the_provider(
        org, agent, number, provider):
    message = schedule(org, agent)
    assert (message.status, message.send_at, message.uuid[:6]) == (
        MessageStatus.SCHEDULED, IN_AN_HOUR, "local-")
    assert len(provider.calls) == 0


def test_a_scheduled_send_does_not_move_its_conversation_until_sent(org, agent, conversation):
    schedule(org, agent)
    with scopes_disabled():
        kept = Conversation.objects.get(pk=conversation.pk)
    assert (kept.last_message_at, kept.last_preview) == (conversation.last_message_at,
                                                         "Can I move my appointment?")


def test_a_scheduled_send_keeps_its_attachment_in_storage(org, agent, number):
    message = schedule(org, agent, attachment=sending.check_attachment(PNG))
    with scopes_disabled():
        media = Media.objects.get(message=message)
    assert (media.state, media.content_type, media.file.read()) == ("archived", "image/png", PNG)


def test_scheduling_is_audited_with_its_time(org, agent, number):
    schedule(org, agent)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="message.scheduled")
    assert entry.detail["send_at"] == IN_AN_HOUR.isoformat()


def test_scheduling_to_a_number_that_opted_out_is_refused_at_once(org, agent, number):
    opt_out(organization=org, number=OTHER, source=OptOutSource.MEMBER)
    with pytest.raises(OptedOut):
        schedule(org, agent)
    with scopes_disabled():
        assert not Message.objects.exists()


def test_scheduling_in_the_past_is_refused(org, agent, number):
    with pytest.raises(ValidationError, match="has passed"):
        schedule(org, agent, at=NOW - timedelta(minutes=1))


def test_scheduling_without_an_sms_connection_is_refused(org, agent, number, sms):
    sms.delete()
    with pytest.raises(ValidationError, match="No SMS connection"):
        schedule(org, agent)


def test_the_same_idempotency_key_finds_the_scheduled_send(org, agent, number):
    first = schedule(org, agent, key="k1")
    again = schedule(org, agent, key="k1")
    assert again.pk == first.pk


# The job


def test_the_job_does_not_send_before_its_time(org, agent, number, accepting, clock):
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR - timedelta(seconds=1), tick=False)
    send_scheduled_messages()
    assert (reloaded(message).status, sent(accepting, "sendSMS")) == (MessageStatus.SCHEDULED, [])


def test_the_job_sends_at_its_time(org, agent, number, accepting, clock):
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    assert (reloaded(message).status, reloaded(message).uuid) == (MessageStatus.QUEUED,
                                                                  "out-0001")
    assert [p["text"] for p in sent(accepting, "sendSMS")] == ["Your appointment is in an hour"]


def test_the_job_sends_within_the_minute_after_its_time(org, agent, number, accepting, clock):
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR + timedelta(seconds=59), tick=False)
    send_scheduled_messages()
    assert reloaded(message).status == MessageStatus.QUEUED


def test_a_job_run_twice_sends_once(org, agent, number, accepting, clock):
    schedule(org, agent)
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    send_scheduled_messages()
    assert len(sent(accepting, "sendSMS")) == 1


def test_of_two_claims_on_one_due_message_one_wins(org, agent, number, accepting, clock):
    # Two clusters both read the message as due; each tries to claim the row it read.
    schedule(org, agent)
    clock.move_to(IN_AN_HOUR, tick=False)
    with scopes_disabled():
        read_by_first, read_by_second = (Message.objects.select_related(
            "organization", "sender_user", "conversation__own_number").get() for _ in "ab")
    outcomes = [scheduling._send_scheduled(read_by_first, IN_AN_HOUR),
                scheduling._send_scheduled(read_by_second, IN_AN_HOUR)]
    assert outcomes == [True, False]
    assert len(sent(accepting, "sendSMS")) == 1


def test_a_due_message_left_scheduled_while_the_jobs_were_stopped_is_sent_on_return(
        org, agent, number, accepting, clock):
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR + timedelta(minutes=20), tick=False)  # a restart, 20 minutes on
    send_scheduled_messages()
    assert reloaded(message).status == MessageStatus.QUEUED


def test_a_send_more_late_than_the_limit_fails_with_the_reason(org, agent, number, provider,
                                                               clock, settings):
    settings.SCHEDULED_SEND_MAX_LATE_MINUTES = 60
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR + timedelta(minutes=61), tick=False)
    send_scheduled_messages()
    assert (reloaded(message).status, reloaded(message).status_reason) == (
        MessageStatus.FAILED,
        "Not sent: its time passed 61 minutes ago while the portal's jobs were stopped.")
    assert sent(provider, "sendSMS") == []


def test_a_recipient_who_opted_out_meanwhile_fails_it_and_nothing_is_sent(
        org, agent, number, provider, clock):
    message = schedule(org, agent)
    opt_out(organization=org, number=OTHER, source=OptOutSource.KEYWORD, keyword="STOP")
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    assert reloaded(message).status == MessageStatus.FAILED
    assert "opted out" in reloaded(message).status_reason
    assert sent(provider, "sendSMS") == []


def test_a_member_no_longer_allowed_on_the_number_has_their_send_failed(
        org, agent, number, provider, clock):
    message = schedule(org, agent)
    with scopes_disabled():
        number.allowed_users.set([UserFactory()])
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    assert reloaded(message).status == MessageStatus.FAILED
    assert "may no longer send" in reloaded(message).status_reason
    assert sent(provider, "sendSMS") == []


def test_the_stored_attachment_is_sent(org, agent, number, accepting, clock):
    schedule(org, agent, attachment=sending.check_attachment(PNG))
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    [payload] = sent(accepting, "sendSMS")
    assert base64.b64decode(payload["file"]) == PNG


def test_a_sent_scheduled_message_moves_its_conversation(org, agent, conversation, accepting,
                                                         clock):
    schedule(org, agent, text="See you soon")
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    with scopes_disabled():
        moved = Conversation.objects.get(pk=conversation.pk)
    assert (moved.last_message_at, moved.last_preview) == (
        IN_AN_HOUR, "See you soon")  # when it was handed over


def test_a_failure_of_the_provider_is_the_message_status(org, agent, number, provider, clock):
    answer(provider, "sendSMS", error("INVALID DESTINATION"))
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    assert reloaded(message).status == MessageStatus.FAILED


def test_a_scheduled_send_across_the_spring_change_goes_at_the_local_time(
        org, agent, number, accepting, clock):
    org.time_zone = "America/New_York"
    org.save()
    at = local_send_time(day=date(2024, 3, 11), at=time(9, 0), zone=org.tzinfo)
    message = schedule(org, agent, at=at)  # scheduled on March 1st, in standard time
    clock.move_to(datetime(2024, 3, 11, 12, 59, tzinfo=UTC), tick=False)  # 08:59 EDT
    send_scheduled_messages()
    assert reloaded(message).status == MessageStatus.SCHEDULED
    clock.move_to(datetime(2024, 3, 11, 13, 0, tzinfo=UTC), tick=False)  # 09:00 EDT
    send_scheduled_messages()
    assert reloaded(message).status == MessageStatus.QUEUED


# The stale-send sweep


def test_the_stale_sweep_measures_from_the_claim_not_from_scheduling(org, agent, number,
                                                                     provider, clock, settings):
    message = schedule(org, agent)  # written at NOW, claimed an hour later
    with scopes_disabled():
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING,
                                                     sent_at=IN_AN_HOUR)  # its process died
    clock.move_to(IN_AN_HOUR + timedelta(minutes=settings.SEND_STALE_MINUTES - 1), tick=False)
    sending.reconcile_unknown_sends(organization=org)
    assert reloaded(message).status == MessageStatus.SENDING
    answer(provider, "getSMS", error("NOT FOUND"))
    clock.move_to(IN_AN_HOUR + timedelta(minutes=settings.SEND_STALE_MINUTES + 1), tick=False)
    sending.reconcile_unknown_sends(organization=org)
    assert reloaded(message).status == MessageStatus.UNKNOWN


# Cancel and change


def test_a_cancelled_send_is_never_sent(org, agent, number, provider, clock):
    message = schedule(org, agent)
    scheduling.cancel_scheduled(message=message, user=agent.user)
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    assert sent(provider, "sendSMS") == []
    assert (reloaded(message).deleted_at, reloaded(message).text) == (NOW, "")


def test_cancelling_removes_the_stored_attachment(org, agent, number):
    message = schedule(org, agent, attachment=sending.check_attachment(PNG))
    with scopes_disabled():
        stored = Media.objects.get(message=message).file.path
    scheduling.cancel_scheduled(message=message, user=agent.user)
    with scopes_disabled():
        assert not Media.objects.filter(message=message).exists()
    assert not os.path.exists(stored)


def test_cancelling_is_audited(org, agent, number):
    message = schedule(org, agent)
    scheduling.cancel_scheduled(message=message, user=agent.user)
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="message.schedule_cancelled",
                                         actor=agent.user).exists()


def test_a_cancel_after_the_claim_is_refused_and_the_send_goes_on(org, agent, number,
                                                                  accepting, clock):
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    with pytest.raises(scheduling.NotScheduled):
        scheduling.cancel_scheduled(message=message, user=agent.user)
    assert (reloaded(message).status, reloaded(message).deleted_at) == (MessageStatus.QUEUED,
                                                                         None)


def test_a_claim_after_the_cancel_sends_nothing(org, agent, number, provider, clock):
    # The job read the message as due just before the member's cancel was written.
    message = schedule(org, agent)
    with scopes_disabled():
        read_by_job = Message.objects.select_related(
            "organization", "sender_user", "conversation__own_number").get()
    scheduling.cancel_scheduled(message=message, user=agent.user)
    assert scheduling._send_scheduled(read_by_job, IN_AN_HOUR) is False
    assert sent(provider, "sendSMS") == []


def test_a_change_of_text_and_time_is_kept(org, agent, number):
    message = schedule(org, agent)
    later = IN_AN_HOUR + timedelta(hours=1)
    changed = scheduling.change_scheduled(message=message, user=agent.user, text="Moved",
                                          send_at=later)
    assert (changed.text, changed.send_at, changed.status) == ("Moved", later,
                                                               MessageStatus.SCHEDULED)


def test_a_change_to_a_past_time_is_refused(org, agent, number):
    message = schedule(org, agent)
    with pytest.raises(ValidationError, match="has passed"):
        scheduling.change_scheduled(message=message, user=agent.user,
                                    send_at=NOW - timedelta(minutes=5))


def test_a_change_after_the_claim_is_refused(org, agent, number, accepting, clock):
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR, tick=False)
    send_scheduled_messages()
    with pytest.raises(scheduling.NotScheduled):
        scheduling.change_scheduled(message=message, user=agent.user, text="Too late")
    assert reloaded(message).text == "Your appointment is in an hour"


def test_an_empty_text_is_refused_for_a_send_without_attachment(org, agent, number):
    message = schedule(org, agent)
    with pytest.raises(ValidationError, match="Write a message"):
        scheduling.change_scheduled(message=message, user=agent.user, text="  ")


def test_a_change_is_audited(org, agent, number):
    message = schedule(org, agent)
    scheduling.change_scheduled(message=message, user=agent.user, text="Moved")
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="message.schedule_changed")
    assert (entry.actor, entry.detail["changed"]) == (agent.user, ["text"])


def test_a_send_failed_for_lateness_tells_integrators_its_status(org, agent, number, provider,
                                                                clock, settings):
    message = schedule(org, agent)
    clock.move_to(IN_AN_HOUR + timedelta(minutes=settings.SCHEDULED_SEND_MAX_LATE_MINUTES + 1),
                  tick=False)
    send_scheduled_messages()
    with scopes_disabled():
        [event] = Event.objects.filter(type="message.status_changed")
    assert (event.payload["previous_status"], event.payload["status"],
            event.payload["message"]["uuid"]) == ("SCHEDULED", "FAILED", message.uuid)
