"""A send whose process died after its row was written (still SENDING) is settled like a send
whose answer was lost: looked up with getSMS, then failed with a reason (docs/provider.md
quirk 16)."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from messaging import sending
from messaging.models import Message, MessageStatus
from tests.clock import NOW
from tests.messaging.factories import MessageFactory
from tests.messaging.provider import OTHER, OWN, answer, error, message, messages_reply, sent

pytestmark = pytest.mark.usefixtures("sms")


def stuck(conversation, *, minutes: int) -> Message:
    """A SENDING row written `minutes` ago whose process never came back."""
    written = NOW - timedelta(minutes=minutes)
    return MessageFactory(conversation=conversation, uuid="local-0001", text="On my way",
                          status=MessageStatus.SENDING, sent_at=written, created_at=written)


def reloaded(row) -> Message:
    with scopes_disabled():
        return Message.objects.get(pk=row.pk)


def test_sending_row_older_than_the_stale_time_is_looked_up_with_get_sms(org, conversation,
                                                                         provider):
    row = stuck(conversation, minutes=6)
    answer(provider, "getSMS", messages_reply(message(
        "out-0042", src=OWN, dst=[OTHER], text="On my way", status="SENT",
        time="2024-03-01T11:54:01Z")))
    assert sending.reconcile_unknown_sends(organization=org) == 1
    assert (reloaded(row).uuid, reloaded(row).status) == ("out-0042", MessageStatus.SENT)


def test_recent_sending_row_is_left_to_its_process(org, conversation, provider):
    row = stuck(conversation, minutes=4)
    assert sending.reconcile_unknown_sends(organization=org) == 0
    assert reloaded(row).status == MessageStatus.SENDING
    assert sent(provider, "getSMS") == []


def test_stale_time_is_a_setting(org, conversation, provider, settings):
    settings.SEND_STALE_MINUTES = 2
    row = stuck(conversation, minutes=3)
    answer(provider, "getSMS", error("NOT FOUND"))
    sending.reconcile_unknown_sends(organization=org)
    assert reloaded(row).status == MessageStatus.UNKNOWN


def test_stale_send_axion_does_not_know_fails_with_the_reason(org, conversation, provider,
                                                              settings):
    row = stuck(conversation, minutes=6)
    answer(provider, "getSMS", error("NOT FOUND"))
    later = row.sent_at + timedelta(minutes=settings.RECONCILE_GIVE_UP_MINUTES + 1)
    assert sending.reconcile_unknown_sends(organization=org, now=later) == 1
    assert (reloaded(row).status, reloaded(row).status_reason) == (
        MessageStatus.FAILED,
        "The send stopped before Axion answered. Axion has no record of this message: "
        "it was not sent.")


def test_stale_send_is_never_sent_again(org, conversation, provider):
    stuck(conversation, minutes=6)
    answer(provider, "getSMS", error("NOT FOUND"))
    sending.reconcile_unknown_sends(organization=org)
    assert len(sent(provider, "getSMS")) == 1  # the control: the stale send was looked up
    assert sent(provider, "sendSMS") == []


def test_late_answer_of_a_send_settled_meanwhile_does_not_move_it_back(conversation):
    # The process thought dead answers after reconciliation adopted Axion's copy (SENT).
    row = stuck(conversation, minutes=6)
    with scopes_disabled():
        Message.objects.filter(pk=row.pk).update(uuid="out-0042", status=MessageStatus.SENT)
    sending._apply_send_result(row, {"uuid": "out-0042", "status": MessageStatus.QUEUED,
                                     "sent_at": NOW})
    assert reloaded(row).status == MessageStatus.SENT
