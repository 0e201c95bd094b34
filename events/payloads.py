"""The payloads of events, built in one place so that each keeps one documented shape
(events/schema.py describes them for the API's schema and the README).

The functions read the attributes of the rows they are given (messages, faxes, notes)
without importing their apps. The ones that show a contact look the numbers of a whole
batch up at once (`contacts_by_number`, one query, in the organization's scope).

Conventions: numbers in E.164 as stored, times in ISO 8601 UTC ("2024-03-01T12:00:00Z"),
a contact as {"id", "name"} or null, never a secret. A message's text is the customer's
own data and is in message.received only.
"""

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from contacts.names import contacts_by_number
from events.models import EventType
from events.services import NewEvent

INBOUND = "in"
# How long after it was sent a message or a fax seen for the first time is still news: a
# webhook or a sync that was down for hours still tells; a first sync's or a backfill's
# older history is stored without an event (integrators asked for changes, not an archive).
NEWS = timedelta(hours=6)


def is_news(sent_at: datetime, now: datetime) -> bool:
    return sent_at >= now - NEWS

FAILED = "FAILED"


def iso(moment: datetime | None) -> str | None:
    """`moment` in ISO 8601, UTC, with a Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def contact_ref(contact) -> dict | None:
    return {"id": contact.pk, "name": contact.name} if contact is not None else None


def conversation_subject(conversation_id: int) -> str:
    return f"conversation:{conversation_id}"


# Messages --------------------------------------------------------------------------------

def other_party(message) -> str:
    """The number whose contact a message names: the sender of an inbound message, the
    recipient of an outbound one to one number ("" for several: no one contact)."""
    if message.direction == INBOUND:
        return message.source
    return message.destinations[0] if len(message.destinations) == 1 else ""


def message_ref(message) -> dict:
    """A message as every message event shows it (the API's names), without its text."""
    return {
        "uuid": message.uuid,
        "conversation": message.conversation_id,
        "direction": message.direction,
        "from": message.source,
        "to": list(message.destinations),
        "status": message.status,
        "status_reason": message.status_reason,
        "sent_at": iso(message.sent_at),
        "client_reference": message.customer_provided_id,
    }


def message_received_events(messages: list, media_counts: dict[str, int]) -> list[NewEvent]:
    """message.received for each of `messages` (new inbound rows); `media_counts` gives the
    attachments of each by uuid."""
    contacts = contacts_by_number(m.source for m in messages)
    return [NewEvent(
        type=EventType.MESSAGE_RECEIVED, subject=conversation_subject(m.conversation_id),
        payload={"message": {**message_ref(m), "text": m.text,
                             "media_count": media_counts.get(m.uuid, 0)},
                 "contact": contact_ref(contacts.get(m.source))})
        for m in messages]


def message_status_events(changes: list[tuple]) -> list[NewEvent]:
    """message.status_changed for each (message, previous status, previous uuid) whose
    row now holds the new status; the previous uuid differs when a send got the
    provider's uuid with its status (else it is None)."""
    contacts = contacts_by_number(other_party(m) for m, _, _ in changes)
    return [NewEvent(
        type=EventType.MESSAGE_STATUS_CHANGED, subject=conversation_subject(m.conversation_id),
        payload={"message": message_ref(m), "previous_status": previous,
                 "status": m.status, "previous_uuid": previous_uuid,
                 "contact": contact_ref(contacts.get(other_party(m)))})
        for m, previous, previous_uuid in changes]


def message_deleted_event(message, deleted_at: datetime) -> NewEvent:
    contact = contacts_by_number([other_party(message)]).get(other_party(message))
    return NewEvent(
        type=EventType.MESSAGE_DELETED, subject=conversation_subject(message.conversation_id),
        payload={"message": message_ref(message), "deleted_at": iso(deleted_at),
                 "contact": contact_ref(contact)})


# Faxes -----------------------------------------------------------------------------------

def fax_ref(fax) -> dict:
    return {
        "id": fax.pk,
        "customer_field": fax.customer_field,
        "source_number": fax.source_number,
        "destination_number": fax.destination_number,
        "sent_at": iso(fax.sent_at),
        "pages": fax.pages,
        "status": fax.status,
        "try_count": fax.try_count,
    }


def fax_status_events(changes: list[tuple]) -> list[NewEvent]:
    """For each (fax, previous status or None when first seen) whose status is new:
    fax.status_changed, and fax.failed after it when the fax has just failed."""
    contacts = contacts_by_number(fax.destination_number for fax, _ in changes)
    events = []
    for fax, previous in changes:
        payload = {"fax": fax_ref(fax), "previous_status": previous, "status": fax.status,
                   "contact": contact_ref(contacts.get(fax.destination_number))}
        subject = f"fax:{fax.pk}"
        events.append(NewEvent(EventType.FAX_STATUS_CHANGED, subject, payload))
        if fax.status == FAILED:
            events.append(NewEvent(EventType.FAX_FAILED, subject, payload))
    return events


def fax_alert_event(alert, rule, fax, *, url: str) -> NewEvent:
    """fax.alert: one of the organization's alert rules held (fax_alerts), for one fax, or
    for a day (no fax sent by an hour: `fax` is None). `url` is the portal's page of it."""
    subject = f"fax:{fax.pk}" if fax is not None else f"fax_alert_rule:{rule.pk}"
    return NewEvent(
        type=EventType.FAX_ALERT, subject=subject,
        payload={"alert": {"id": alert.pk, "created_at": iso(alert.created_at),
                           "day": alert.day.isoformat() if alert.day else None},
                 "rule": {"id": rule.pk, "kind": rule.kind, "minutes": rule.minutes,
                          "hour": rule.hour},
                 "fax": fax_ref(fax) if fax is not None else None,
                 "reason": alert.reason, "url": url})


# Connections -----------------------------------------------------------------------------

def connection_failing_event(connection) -> NewEvent:
    return NewEvent(
        type=EventType.CONNECTION_FAILING, subject=f"connection:{connection.kind}",
        payload={"connection": {"kind": connection.kind},
                 "failing_since": iso(connection.failing_since),
                 "error": connection.last_error})


def connection_recovered_event(connection, *, failing_since: datetime, reason: str,
                               recovered_at: datetime) -> NewEvent:
    return NewEvent(
        type=EventType.CONNECTION_RECOVERED, subject=f"connection:{connection.kind}",
        payload={"connection": {"kind": connection.kind},
                 "failing_since": iso(failing_since), "recovered_at": iso(recovered_at),
                 "reason": reason})


# Notes -----------------------------------------------------------------------------------

def note_added_event(note, conversation, mentioned: Iterable) -> NewEvent:
    author = note.author
    return NewEvent(
        type=EventType.NOTE_ADDED, subject=conversation_subject(conversation.pk),
        payload={
            "conversation": {"id": conversation.pk,
                             "participants": conversation.participant_list},
            "note": {"id": note.pk, "text": note.text,
                     "author": ({"id": author.pk, "username": author.get_username()}
                                if author is not None else None),
                     "created_at": iso(note.created_at),
                     "mentions": sorted(user.pk for user in mentioned)}})


# Opt-outs -------------------------------------------------------------------------------

def opt_out_event(*, opted_out: bool, number: str, source: str, keyword: str,
                  at: datetime, contacts: dict | None = None) -> NewEvent:
    """contact.opted_out or contact.opted_in for `number`, read in the organization's
    scope (its contact; from `contacts`, by number, when the caller read a batch's)."""
    contacts = contacts if contacts is not None else contacts_by_number([number])
    contact = contacts.get(number)
    return NewEvent(
        type=EventType.CONTACT_OPTED_OUT if opted_out else EventType.CONTACT_OPTED_IN,
        subject=f"number:{number}",
        payload={"number": number, "contact": contact_ref(contact), "source": source,
                 "keyword": keyword, "at": iso(at)})


# Campaigns ------------------------------------------------------------------------------

def campaign_finished_event(campaign) -> NewEvent:
    """campaign.finished for a campaign that ended (status finished or cancelled), with its
    counts as the runner last wrote them."""
    return NewEvent(
        type=EventType.CAMPAIGN_FINISHED, subject=f"campaign:{campaign.pk}",
        payload={"campaign": {"id": campaign.pk, "name": campaign.name,
                              "own_number": campaign.own_number.number},
                 "status": campaign.status, "total": campaign.total, "sent": campaign.sent,
                 "failed": campaign.failed, "skipped": campaign.skipped,
                 "not_sent": campaign.remaining, "started_at": iso(campaign.started_at),
                 "finished_at": iso(campaign.finished_at)})


# The test event --------------------------------------------------------------------------

PING_MESSAGE = "This is a test event sent from the Axion portal."


def ping_payload(endpoint_id: int) -> dict:
    return {"endpoint": {"id": endpoint_id}, "message": PING_MESSAGE}
