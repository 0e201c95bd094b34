"""Emitting events: the one way any app says that something happened."""

from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organization
from accounts.tenancy import organization_scope
from events.models import Event, EventType
from events.signals import event_emitted, events_emitted


@dataclass(frozen=True)
class NewEvent:
    """An event to write with `emit_many`: its type, subject and documented payload."""

    type: EventType | str
    subject: str
    payload: dict


def emit(*, organization: Organization, type: EventType | str, subject: str,
         payload: dict) -> Event:
    """Write the event in the caller's transaction and tell the receivers (in it too).

    `payload` is the event's documented JSON body (what an integrator receives, see
    events/schema.py); it must hold no secret. Call it where the change is written, inside
    the same atomic block.
    """
    return emit_many(organization=organization,
                     events=[NewEvent(type=type, subject=subject, payload=payload)])[0]


def emit_many(*, organization: Organization, events: list[NewEvent]) -> list[Event]:
    """Write a batch of events with one INSERT, in the caller's transaction, then send
    `event_emitted` for each and `events_emitted` once for the batch (in it too).

    Ingest stores hundreds of messages per batch: one INSERT of their events, and one
    batch signal, keep emitting cheap (receivers that work per batch do one query each).
    """
    if not events:
        return []
    now = timezone.now()
    rows = [Event(organization=organization, type=EventType(new.type), subject=new.subject,
                  payload=new.payload, created_at=now) for new in events]
    with organization_scope(organization), transaction.atomic():
        if connection.features.can_return_rows_from_bulk_insert:
            Event.objects.bulk_create(rows)
        else:
            # A backend that returns no ids from a bulk INSERT: receivers need them.
            for row in rows:
                row.save(force_insert=True)
        for row in rows:
            event_emitted.send(sender=Event, event=row)
        events_emitted.send(sender=Event, organization=organization, events=rows)
    return rows
