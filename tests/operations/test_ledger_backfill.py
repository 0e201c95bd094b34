"""The migration that starts the ledger counts the webhook events stored before it, each
by the state it is in, and puts the arrival count's mark after the newest."""

import importlib
from datetime import date

from django.apps import apps
from django_scopes import scopes_disabled

from messaging.models import EventState
from operations.ledger import count_arrivals
from operations.models import ArrivalMark, WebhookDay
from tests.messaging.factories import WebhookEventFactory
from tests.operations.helpers import ledger_counts

migration = importlib.import_module("operations.migrations.0002_count_stored_webhooks")


def test_stored_events_are_counted_by_their_state(number, clock):
    for state in (EventState.PROCESSED, EventState.PROCESSED, EventState.INVALID,
                  EventState.FAILED, EventState.PENDING):
        WebhookEventFactory(number=number, state=state)
    with scopes_disabled():
        WebhookDay.objects.all().delete()
        migration.count_stored(apps, None)
    assert ledger_counts(number, date(2024, 3, 1)) == {
        "received": 5, "processed": 2, "invalid": 1, "retrying": 1}


def test_the_next_count_starts_after_them(number, clock):
    events = [WebhookEventFactory(number=number) for _ in range(2)]
    with scopes_disabled():
        migration.count_stored(apps, None)
    assert ArrivalMark.objects.get().last_event_id == events[-1].pk
    clock.shift(60)
    assert count_arrivals() == 0
