"""Helpers of the operations tests: the ledger's counters of a number and day, and a
stored event's state."""

from django_scopes import scopes_disabled

from messaging.models import WebhookEvent
from operations.models import COUNTER_FIELDS, WebhookDay


def ledger_counts(number, day) -> dict:
    """The ledger's counters of one number and day, only those that are not zero."""
    with scopes_disabled():
        row = WebhookDay.objects.filter(number=number, day=day).first()
    if row is None:
        return {}
    return {name: getattr(row, name) for name in COUNTER_FIELDS if getattr(row, name)}


def reloaded(event) -> WebhookEvent:
    with scopes_disabled():
        return WebhookEvent.objects.get(pk=event.pk)
