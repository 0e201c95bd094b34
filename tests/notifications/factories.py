"""Notifications and the events that make them, for the notifications' tests.

The `emit_*` helpers write events as the apps do (events.services.emit, with the payloads
documented in events/payloads.py), so that a test says which event happened without
driving the whole of ingest, sending or the fax sync.
"""

import factory
from django.utils import timezone

from accounts.tenancy import organization_scope
from events.models import EventType
from events.services import emit
from notifications.models import Kind, Notification
from tests.factories import ScopeFreeFactory


class NotificationFactory(ScopeFreeFactory):
    """A new-message notification of `user` in `organization`, unread and not e-mailed."""

    class Meta:
        model = Notification

    kind = Kind.NEW_MESSAGE
    title = "New message from (323) 555-0187"
    about = "(323) 555-0187"
    body = "Can I move my appointment?"
    subject = factory.Sequence(lambda n: f"conversation:{n + 1}")
    url = factory.LazyAttribute(lambda n: f"/messaging/conversations/{n.subject.split(':')[1]}/")
    created_at = factory.LazyFunction(timezone.now)


def _emit(organization, type, subject, payload):
    with organization_scope(organization):
        return emit(organization=organization, type=type, subject=subject, payload=payload)


def iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def emit_message_received(conversation, *, text="Can I move my appointment?", source=None,
                          contact=None, sent_at=None):
    source = source or conversation.participant_list[0]
    sent_at = sent_at or timezone.now()
    return _emit(conversation.organization, EventType.MESSAGE_RECEIVED,
                 f"conversation:{conversation.pk}", {
                     "message": {"uuid": f"in-{conversation.pk}", "conversation": conversation.pk,
                                 "direction": "in", "from": source,
                                 "to": [conversation.own_number.number], "status": "RECEIVED",
                                 "status_reason": "", "sent_at": iso(sent_at),
                                 "text": text, "media_count": 0},
                     "contact": contact})


def emit_status_changed(message, *, status="FAILED", previous="QUEUED"):
    return _emit(message.organization, EventType.MESSAGE_STATUS_CHANGED,
                 f"conversation:{message.conversation_id}", {
                     "message": {"uuid": message.uuid, "conversation": message.conversation_id,
                                 "direction": message.direction, "from": message.source,
                                 "to": list(message.destinations), "status": status,
                                 "status_reason": "Invalid destination"},
                     "previous_status": previous, "status": status, "previous_uuid": None,
                     "contact": None})


def emit_note_added(conversation, *, author, mentions, text="Please call them back"):
    return _emit(conversation.organization, EventType.NOTE_ADDED,
                 f"conversation:{conversation.pk}", {
                     "conversation": {"id": conversation.pk,
                                      "participants": conversation.participant_list},
                     "note": {"id": 1, "text": text,
                              "author": {"id": author.pk, "username": author.username},
                              "mentions": sorted(user.pk for user in mentions)}})


def emit_fax_failed(fax, *, sent_at=None):
    return _emit(fax.organization, EventType.FAX_FAILED, f"fax:{fax.pk}", {
        "fax": {"id": fax.pk, "customer_field": fax.customer_field,
                "source_number": fax.source_number,
                "destination_number": fax.destination_number,
                "sent_at": iso(sent_at or timezone.now()), "pages": fax.pages,
                "status": "FAILED", "try_count": 3},
        "previous_status": "PROGRESS", "status": "FAILED", "contact": None})


def emit_connection_failing(organization, kind="sms"):
    return _emit(organization, EventType.CONNECTION_FAILING, f"connection:{kind}", {
        "connection": {"kind": kind}, "failing_since": "2024-03-01T12:00:00Z",
        "error": "Axion refused the user name or password."})
