"""events.services.emit and emit_many: the event is written in the caller's transaction
and the receivers are told inside it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from events.models import EventType
from events.services import NewEvent, emit, emit_many
from events.signals import event_emitted, events_emitted
from tests.events.helpers import emitted


@pytest.fixture
def heard():
    """What the two signals carried: each event, and each batch."""
    each, batches = [], []

    def on_event(sender, event, **kwargs):
        each.append(event)

    def on_batch(sender, organization, events, **kwargs):
        batches.append((organization, list(events)))

    event_emitted.connect(on_event)
    events_emitted.connect(on_batch)
    yield each, batches
    event_emitted.disconnect(on_event)
    events_emitted.disconnect(on_batch)


def test_emit_writes_the_event_and_tells_the_receivers(org, heard):
    event = emit(organization=org, type=EventType.FAX_FAILED, subject="fax:1",
                 payload={"fax": {"id": 1}})
    each, batches = heard
    assert emitted() == [event] == each
    assert batches == [(org, [event])]
    assert (event.type, event.subject, event.payload) == ("fax.failed", "fax:1",
                                                          {"fax": {"id": 1}})


def test_emit_many_writes_a_batch_with_one_insert(org, heard):
    batch = [NewEvent(EventType.MESSAGE_RECEIVED, f"conversation:{n}", {"n": n})
             for n in range(50)]
    with CaptureQueriesContext(connection) as queries:
        events = emit_many(organization=org, events=batch)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith("INSERT")]
    assert len(inserts) == 1
    assert all(event.pk for event in events)
    each, batches = heard
    assert each == events and batches == [(org, events)]


def test_emit_many_of_nothing_writes_and_sends_nothing(org, heard):
    assert emit_many(organization=org, events=[]) == []
    assert heard == ([], [])
    assert emitted() == []


def test_an_unknown_type_is_refused(org):
    with pytest.raises(ValueError):
        emit(organization=org, type="fax.exploded", subject="fax:1", payload={})


def test_a_change_that_rolls_back_leaves_no_event(org, heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        emit(organization=org, type=EventType.FAX_FAILED, subject="fax:1", payload={})
        raise RuntimeError("the change failed")
    assert emitted() == []
