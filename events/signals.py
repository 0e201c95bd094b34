"""Signals of emitted events, both sent inside the transaction that wrote the events, so
that what receivers write (webhook deliveries, notifications) commits or rolls back with
the change that caused it.

- `event_emitted(sender=Event, event=...)`: once per event.
- `events_emitted(sender=Event, organization=..., events=[...])`: once per batch (one
  `emit`, or one `emit_many` of an ingest batch of hundreds of messages). A receiver that
  queries for each event (the endpoints that want it, say) listens to this one instead,
  and does its work with one query per batch rather than one per event.
"""

from django.dispatch import Signal

event_emitted = Signal()
events_emitted = Signal()
