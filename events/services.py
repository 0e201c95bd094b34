"""Emitting events: the one way any app says that something happened."""

from django.db import transaction

from accounts.models import Organization
from events.models import Event, EventType
from events.signals import event_emitted


def emit(*, organization: Organization, type: EventType | str, subject: str,
         payload: dict) -> Event:
    """Write the event in the caller's transaction and tell the receivers (in it too).

    `payload` is the event's documented JSON body (what an integrator receives); it must
    hold no secret. Call it where the change is written, inside the same atomic block.
    """
    with transaction.atomic():
        event = Event.objects.create(organization=organization, type=EventType(type),
                                     subject=subject, payload=payload)
        event_emitted.send(sender=Event, event=event)
    return event
