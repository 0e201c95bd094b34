"""Deliveries are made where events are written: on `events_emitted` (once per batch of
events, inside the transaction that wrote them), one Delivery for each enabled endpoint
of the organization that wants the event's type. One query reads the endpoints and one
INSERT writes the deliveries, whatever the size of the batch; a change that rolls back
takes its events and their deliveries with it."""

from django.dispatch import receiver

from events.models import EventType
from events.signals import events_emitted
from webhooks_out.models import Delivery, Endpoint
from webhooks_out.queue import kick_delivery
from webhooks_out.services import retry_window


@receiver(events_emitted, dispatch_uid="webhooks_out.make_deliveries")
def make_deliveries(sender, organization, events, **kwargs):
    # emit_many runs this in the organization's scope and its transaction.
    endpoints = list(Endpoint.objects.filter(enabled=True))
    if not endpoints:
        return
    rows = [Delivery(organization=organization, endpoint=endpoint, event=event,
                     subject=event.subject, next_attempt_at=event.created_at,
                     retry_until=retry_window(event.created_at), created_at=event.created_at)
            for event in events if event.type != EventType.PING
            for endpoint in endpoints if endpoint.wants(event.type)]
    if rows:
        Delivery.objects.bulk_create(rows)
        kick_delivery()
