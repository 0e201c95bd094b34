"""`event_emitted(sender=Event, event=...)`: sent inside the transaction that wrote the
event, so that what receivers write (webhook deliveries, notifications) commits or rolls
back with the change that caused it."""

from django.dispatch import Signal

event_emitted = Signal()
