"""What arrives and what is sent or deleted, for the team inbox: a new inbound message
reopens a closed conversation and leaves its assignee (or nobody) as it was; every message
written, whose status moves, or deleted moves the conversation's change marker, which live
pages poll."""

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from accounts.tenancy import organization_scope
from messaging import sending
from messaging.ingest import IncomingMessage, apply_status, record_messages
from messaging.models import Conversation, ConversationStatus, MessageStatus
from tests.clock import NOW
from tests.messaging.factories import ConversationFactory, MessageFactory
from tests.messaging.provider import OTHER, OWN, accepted, answer

T0 = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)
LATER = NOW + timedelta(seconds=30)


def inbound(uuid="in-0001", *, at=T0):
    return IncomingMessage(uuid=uuid, own_number=OWN, source=OTHER, destinations=[OWN],
                           text="hello", status=MessageStatus.RECEIVED, sent_at=at)


def outbound(uuid="out-0001", *, status="QUEUED", at=T0):
    return IncomingMessage(uuid=uuid, own_number=OWN, source=OWN, destinations=[OTHER],
                           text="on my way", status=status, sent_at=at)


def record(org, *messages):
    return record_messages(organization=org, incoming=list(messages))


def fresh(conversation) -> Conversation:
    with scopes_disabled():
        return Conversation.objects.get(pk=conversation.pk)


@pytest.fixture
def closed(conversation):
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.CLOSED)
    return conversation


def test_an_inbound_message_reopens_a_closed_conversation(org, closed):
    record(org, inbound())
    assert fresh(closed).status == ConversationStatus.OPEN


def test_the_reopening_is_audited(org, closed):
    record(org, inbound())
    with scopes_disabled():
        [entry] = AuditEntry.objects.filter(action="conversation.reopened")
    assert (entry.actor, entry.actor_label) == (None, "Inbound message")


def test_an_outbound_message_leaves_a_closed_conversation_closed(org, closed):
    record(org, outbound())
    assert fresh(closed).status == ConversationStatus.CLOSED
    record(org, inbound())  # the control: an inbound one reopens it
    assert fresh(closed).status == ConversationStatus.OPEN


def test_an_inbound_message_already_known_does_not_reopen(org, conversation):
    record(org, inbound())
    with scopes_disabled():
        Conversation.objects.filter(pk=conversation.pk).update(status=ConversationStatus.CLOSED)
    record(org, inbound())  # sync's overlap, or the same webhook twice
    assert fresh(conversation).status == ConversationStatus.CLOSED


def test_an_inbound_message_to_an_unassigned_conversation_leaves_it_unassigned(org, closed):
    record(org, inbound())
    assert fresh(closed).assignee_id is None


def test_an_inbound_message_keeps_the_assignee(org, closed, agent):
    with scopes_disabled():
        Conversation.objects.filter(pk=closed.pk).update(assignee=agent.user)
    record(org, inbound())
    assert fresh(closed).assignee_id == agent.user.pk


def test_a_new_message_moves_the_change_marker(org, conversation, clock):
    assert fresh(conversation).changed_at == NOW
    clock.shift(timedelta(seconds=30))
    record(org, inbound())
    assert fresh(conversation).changed_at == LATER


def test_a_new_conversation_has_a_change_marker_of_its_message(org, number, clock):
    clock.shift(timedelta(seconds=30))
    record(org, inbound(), outbound("out-0009"))
    with scopes_disabled():
        assert [c.changed_at for c in Conversation.objects.all()] == [LATER]


def test_a_status_that_moves_forward_moves_the_change_marker(org, conversation, clock):
    record(org, outbound(status="QUEUED"))
    clock.shift(timedelta(seconds=30))
    record(org, outbound(status="QUEUED"))  # nothing new: the marker stays
    assert fresh(conversation).changed_at == NOW
    record(org, outbound(status="SENT"))
    assert fresh(conversation).changed_at == LATER


def test_a_status_applied_from_a_webhook_moves_the_change_marker(org, conversation, clock):
    row = MessageFactory(conversation=conversation, status=MessageStatus.QUEUED)
    clock.shift(timedelta(seconds=30))
    with organization_scope(org):
        assert apply_status(message=row, status="SENT")
    assert fresh(conversation).changed_at == LATER


def test_a_send_moves_the_change_marker(org, agent, sms, conversation, provider, clock):
    answer(provider, "sendSMS", accepted())
    clock.shift(timedelta(seconds=30))
    sending.send_message(organization=org, user=agent.user, own_number=OWN, to=[OTHER],
                         text="On my way")
    assert fresh(conversation).changed_at == LATER


def test_a_delete_moves_the_change_marker(org, sms, conversation, provider, clock):
    row = MessageFactory(conversation=conversation, uuid="out-0042")
    answer(provider, "deleteSMS", {"RESULT": "OK"})
    clock.shift(timedelta(seconds=30))
    sending.delete_message(message=row, user=None)
    assert fresh(conversation).changed_at == LATER


def test_a_stale_send_marked_unknown_moves_the_change_marker(org, sms, conversation, provider,
                                                             clock):
    written = NOW - timedelta(minutes=10)
    MessageFactory(conversation=conversation, uuid="local-0001", status=MessageStatus.SENDING,
                   sent_at=written, created_at=written)
    untouched = ConversationFactory(own_number=conversation.own_number)
    answer(provider, "getSMS", {"RESULT": "OK", "customerProvidedId": None, "messages": []})
    clock.shift(timedelta(seconds=30))
    sending.reconcile_unknown_sends(organization=org)
    assert fresh(conversation).changed_at == LATER
    assert fresh(untouched).changed_at == NOW  # the control: only its own conversation
