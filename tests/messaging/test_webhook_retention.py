"""prune_webhook_events: raw webhook bodies are kept WEBHOOK_RETENTION_DAYS, then deleted in
batches; never an event still to be processed."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from common.locks import job_lock
from messaging import tasks, webhooks
from messaging.models import EventState, WebhookEvent
from messaging.tasks import prune_webhook_events
from tests.clock import NOW
from tests.messaging.factories import MessagingNumberFactory, WebhookEventFactory


def received(number, *, days: float, state=EventState.PROCESSED, **fields) -> WebhookEvent:
    return WebhookEventFactory(number=number, state=state,
                               received_at=NOW - timedelta(days=days), **fields)


def kept() -> set[int]:
    with scopes_disabled():
        return set(WebhookEvent.objects.values_list("id", flat=True))


def test_processed_event_older_than_the_retention_is_deleted(number):
    received(number, days=31)
    assert prune_webhook_events() == "1 webhook events deleted"
    assert kept() == set()


def test_event_within_the_retention_is_kept(number):
    event = received(number, days=29)
    prune_webhook_events()
    assert kept() == {event.pk}


@pytest.mark.parametrize("state", [EventState.REJECTED, EventState.INVALID,
                                   EventState.WAITING])
def test_settled_events_of_every_kind_are_pruned(number, state):
    received(number, days=31, state=state)
    assert prune_webhook_events() == "1 webhook events deleted"
    assert kept() == set()


def test_event_failed_for_good_is_pruned(number):
    received(number, days=31, state=EventState.FAILED, attempts=webhooks.RETRY_LIMIT)
    assert prune_webhook_events() == "1 webhook events deleted"
    assert kept() == set()


@pytest.mark.parametrize(("state", "attempts"), [(EventState.PENDING, 0),
                                                 (EventState.FAILED, 3)])
def test_event_still_to_be_processed_is_never_pruned(number, state, attempts):
    event = received(number, days=90, state=state, attempts=attempts)
    prune_webhook_events()
    assert kept() == {event.pk}


def test_retention_is_a_setting(number, settings):
    settings.WEBHOOK_RETENTION_DAYS = 7
    received(number, days=8)
    assert prune_webhook_events() == "1 webhook events deleted"
    assert kept() == set()


def test_old_events_beyond_one_batch_are_all_deleted(number, monkeypatch):
    monkeypatch.setattr(tasks, "PRUNE_BATCH", 2)
    for _ in range(5):
        received(number, days=40)
    assert prune_webhook_events() == "5 webhook events deleted"
    assert kept() == set()


def test_events_of_every_organization_are_pruned(number, other_org):
    received(MessagingNumberFactory(organization=other_org, number="+13105550100"), days=31)
    received(number, days=31)
    assert prune_webhook_events() == "2 webhook events deleted"
    assert kept() == set()


def test_a_run_already_pruning_is_left_to_it(number):
    event = received(number, days=31)
    with job_lock("prune_webhook_events") as held:
        assert held
        prune_webhook_events()
    assert kept() == {event.pk}
