"""Every payload keeps to its documented shape (events/schema.py): the same keys, nested,
and values its serializer accepts; the examples too."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from accounts.tenancy import organization_scope
from events import payloads
from events.models import EventType
from events.schema import DATA, EXAMPLES, field_names

AT = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def keys_of(value, names):
    """`value`'s keys, nested like field_names() gives them; a null object stands for the
    names it would have (the schema says which may be null, and is_valid checks that)."""
    if value is None and isinstance(names, dict):
        return names
    if isinstance(value, list):
        return keys_of(value[0], names) if value and isinstance(value[0], dict) else names
    if isinstance(value, dict):
        return {name: keys_of(item, (names or {}).get(name)) for name, item in value.items()}
    return None


def assert_keeps_to_schema(event_type, payload):
    serializer = DATA[event_type]
    names = field_names(serializer())
    assert keys_of(payload, names) == names, event_type
    checked = serializer(data=payload)
    assert checked.is_valid(), (event_type, checked.errors)


def message(**values):
    return SimpleNamespace(**{"uuid": "in-1", "conversation_id": 4, "direction": "in",
                              "source": "+13105550142", "destinations": ["+18056421414"],
                              "status": "RECEIVED", "status_reason": "", "sent_at": AT,
                              "customer_provided_id": "", "text": "Hi", **values})


def built(org) -> list:
    fax = SimpleNamespace(pk=3, customer_field=None, source_number="+18059731214",
                          destination_number="+18058522606", sent_at=AT, pages=1,
                          status="FAILED", try_count=3)
    connection = SimpleNamespace(kind="sms", failing_since=AT, last_error="Refused")
    author = SimpleNamespace(pk=2, get_username=lambda: "bob")
    note = SimpleNamespace(pk=9, text="@alice hi", author=author, created_at=AT)
    conversation = SimpleNamespace(pk=4, participant_list=["+13105550142"])
    with organization_scope(org):
        return [
            *payloads.message_received_events([message()], {"in-1": 1}),
            *payloads.message_status_events([(message(direction="out", status="SENT"),
                                              "QUEUED", None)]),
            payloads.message_deleted_event(message(), AT),
            *payloads.fax_status_events([(fax, "PROGRESS")]),
            payloads.connection_failing_event(connection),
            payloads.connection_recovered_event(connection, failing_since=AT,
                                                reason="login_succeeded", recovered_at=AT),
            payloads.note_added_event(note, conversation, [author]),
            *(payloads.opt_out_event(opted_out=opted_out, number="+13105550142",
                                     source="keyword", keyword="STOP", at=AT)
              for opted_out in (True, False)),
            payloads.fax_alert_event(
                SimpleNamespace(pk=8, created_at=AT, day=None, reason="It failed."),
                SimpleNamespace(pk=2, kind="failed", minutes=None, hour=None), fax,
                url="https://portal.example.com/faxes/3/"),
            payloads.campaign_finished_event(SimpleNamespace(
                pk=12, name="Flu shots", own_number=SimpleNamespace(number="+18056421414"),
                status="cancelled", total=10, sent=4, failed=1, skipped=1, remaining=4,
                started_at=AT, finished_at=AT)),
        ]


def test_every_event_type_is_documented():
    assert set(DATA) == set(EventType) == set(EXAMPLES)


def test_the_payloads_built_keep_to_their_documented_shape(org):
    events = built(org)
    assert {event.type for event in events} == set(EventType) - {EventType.PING}
    for event in events:
        assert_keeps_to_schema(event.type, event.payload)


def test_the_test_event_keeps_to_its_documented_shape():
    assert_keeps_to_schema(EventType.PING, payloads.ping_payload(5))


@pytest.mark.parametrize("event_type", list(EventType))
def test_the_examples_keep_to_their_documented_shape(event_type):
    assert_keeps_to_schema(event_type, EXAMPLES[event_type])
