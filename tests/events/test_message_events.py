"""message.received and message.status_changed, written where ingest stores messages and
moves their status, in the same transaction."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tenancy import organization_scope
from messaging.ingest import IncomingMessage, apply_status, record_messages
from messaging.models import Message, MessageStatus
from tests.contacts.factories import ContactFactory, ContactNumberFactory
from tests.events.helpers import emitted, payloads
from tests.messaging.provider import OTHER, OWN

T0 = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)


def inbound(uuid="in-0001", *, source=OTHER, text="Can I move my appointment?",
            media=()) -> IncomingMessage:
    return IncomingMessage(uuid=uuid, own_number=OWN, source=source, destinations=[OWN],
                           text=text, status=MessageStatus.RECEIVED, sent_at=T0,
                           media=list(media))


def outbound(uuid="out-0001", *, status="QUEUED") -> IncomingMessage:
    return IncomingMessage(uuid=uuid, own_number=OWN, source=OWN, destinations=[OTHER],
                           text="On my way", status=status, sent_at=T0)


def record(org, *incoming):
    return record_messages(organization=org, incoming=list(incoming))


@pytest.fixture(autouse=True)
def _number(number, clock):
    # The messages are news at the frozen clock (events.payloads.NEWS), an hour after T0.
    return number


def test_an_inbound_message_a_first_sync_finds_days_later_is_history_not_an_event(
        org, clock):
    clock.move_to(T0 + timedelta(days=3))
    record(org, inbound())
    assert emitted() == []


def test_a_new_inbound_message_is_received_with_its_text(org):
    [row] = record(org, inbound(media=["https://media.example/1"]))
    [event] = emitted()
    assert (event.type, event.subject) == ("message.received",
                                           f"conversation:{row.conversation_id}")
    assert event.payload == {
        "message": {"uuid": "in-0001", "conversation": row.conversation_id, "direction": "in",
                    "from": OTHER, "to": [OWN], "status": "RECEIVED", "status_reason": "",
                    "sent_at": "2024-03-01T11:00:00Z", "client_reference": "",
                    "text": "Can I move my appointment?", "media_count": 1},
        "contact": None}


def test_a_message_seen_again_by_a_later_sync_is_not_received_again(org):
    record(org, inbound())
    record(org, inbound())
    assert len(emitted("message.received")) == 1


def test_the_senders_contact_is_named(org):
    contact = ContactFactory(organization=org, name="Dana Reyes")
    ContactNumberFactory(contact=contact, number=OTHER)
    record(org, inbound())
    assert payloads("message.received")[0]["contact"] == {"id": contact.pk,
                                                          "name": "Dana Reyes"}


def test_a_new_outbound_message_is_not_received(org):
    record(org, outbound())
    assert emitted("message.received") == []


def test_a_status_moving_forward_in_a_batch_is_a_status_change(org):
    record(org, outbound(status="QUEUED"))
    record(org, outbound(status="SENT"))
    [change] = payloads("message.status_changed")
    assert (change["previous_status"], change["status"], change["message"]["status"],
            change["previous_uuid"]) == ("QUEUED", "SENT", "SENT", None)
    assert "text" not in change["message"]


def test_a_status_that_does_not_move_forward_is_no_event(org):
    record(org, outbound(status="SENT"))
    record(org, outbound(status="QUEUED"))
    record(org, outbound(status="SENT"))
    assert emitted("message.status_changed") == []


def test_apply_status_writes_a_status_change(org):
    record(org, outbound(status="QUEUED"))
    with organization_scope(org):
        message = Message.objects.get()
        assert apply_status(message=message, status="FAILED", reason="Carrier refused")
    [change] = payloads("message.status_changed")
    assert (change["previous_status"], change["status"],
            change["message"]["status_reason"]) == ("QUEUED", "FAILED", "Carrier refused")


def test_apply_status_that_changes_nothing_writes_nothing(org):
    record(org, outbound(status="SENT"))
    with organization_scope(org):
        message = Message.objects.get()
        assert not apply_status(message=message, status="QUEUED")
    assert emitted("message.status_changed") == []


# The tables that emitting reads and writes: events, the contacts behind numbers, and the
# webhook deliveries made for the events.
EMITTING = ('"events_', '"contacts_', '"webhooks_out_')


def _emitting_queries(org, count: int, start: int) -> list[str]:
    batch = [inbound(f"in-{start + n:05d}", source=f"+1805555{(start + n) % 10000:04d}")
             for n in range(count)]
    with CaptureQueriesContext(connection) as queries:
        record(org, *batch)
    return [query["sql"] for query in queries.captured_queries
            if any(table in query["sql"] for table in EMITTING)]


def test_emitting_a_batch_costs_the_same_queries_for_10_or_200_messages(org):
    small = _emitting_queries(org, 10, 0)
    large = _emitting_queries(org, 200, 1000)
    # Bulk INSERTs are split by the backend's limit on parameters (SQLite's 999), at most
    # a few statements; the rest is one statement per batch whatever its size.
    assert ([sql for sql in large if not sql.startswith("INSERT")]
            and len([sql for sql in large if not sql.startswith("INSERT")])
            == len([sql for sql in small if not sql.startswith("INSERT")]))
    assert len([sql for sql in large if sql.startswith('INSERT INTO "events_event"')]) <= 2
    assert len(emitted("message.received")) == 210
