"""The webhook ledger as the processing job keeps it: what it received (counted from the
stored events, never by the endpoint) and what became of each event, per number and day."""

import json
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging.models import EventState
from messaging.tasks import process_webhook_events, sync_messages
from messaging.webhooks import RETRY_LIMIT
from operations.ledger import count_arrivals
from tests.clock import NOW
from tests.messaging.factories import WebhookEventFactory
from tests.messaging.provider import (
    OTHER,
    OWN,
    answer,
    error,
    message,
    messages_reply,
    new_sms,
    updated_sms,
)
from tests.operations.helpers import ledger_counts

DAY = date(2024, 3, 1)  # NOW in the organization's time zone (New York)


@pytest.fixture(autouse=True)
def _setup(number, sms):
    return number, sms


def post(client, number, body):
    return client.post(number.webhook_path, body if isinstance(body, bytes) else
                       json.dumps(body), content_type="application/json")


def later(clock, seconds=10):
    """Past the arrival margin: the next run counts what came before."""
    clock.shift(seconds)


def test_a_processed_event_is_counted_received_and_processed(client, number, provider,
                                                             clock):
    answer(provider, "getSMS", messages_reply(message("in-1")))
    post(client, number, new_sms("in-1"))
    later(clock)
    process_webhook_events()
    assert ledger_counts(number, DAY) == {"received": 1, "processed": 1}


def test_the_endpoint_writes_nothing_to_the_ledger(client, number, kicks):
    with CaptureQueriesContext(connection) as queries:
        post(client, number, new_sms("in-1"))
    assert not [q for q in queries if "operations_" in q["sql"]]
    assert ledger_counts(number, DAY) == {}


def test_an_invalid_event_is_counted_received_and_invalid(client, number, clock, kicks):
    assert post(client, number, b"{not json").status_code == 400
    later(clock)
    process_webhook_events()
    assert ledger_counts(number, DAY) == {"received": 1, "invalid": 1}


def test_events_are_counted_once(client, number, provider, clock):
    answer(provider, "getSMS", messages_reply(message("in-1")))
    post(client, number, new_sms("in-1"))
    later(clock)
    process_webhook_events()
    process_webhook_events()
    assert ledger_counts(number, DAY)["received"] == 1


def test_events_younger_than_the_margin_wait_for_the_next_count(client, number, clock, kicks):
    post(client, number, b"{not json")
    assert count_arrivals() == 0
    later(clock)
    assert count_arrivals() == 1


def test_an_event_is_counted_on_its_day_in_the_organizations_time_zone(number, clock):
    # 01:00 UTC on 2 March is 20:00 on 1 March in New York.
    WebhookEventFactory(number=number, state=EventState.INVALID,
                        received_at=NOW + timedelta(hours=13))
    clock.shift(timedelta(hours=14).total_seconds())
    count_arrivals()
    assert ledger_counts(number, DAY) == {"received": 1, "invalid": 1}
    assert ledger_counts(number, date(2024, 3, 2)) == {}


def test_an_event_whose_message_the_provider_does_not_know_is_rejected_and_unknown(
        client, number, provider, clock):
    answer(provider, "getSMS", messages_reply())
    post(client, number, new_sms("in-forged"))
    later(clock)
    process_webhook_events()
    assert ledger_counts(number, DAY) == {"received": 1, "rejected": 1, "unknown": 1}


def test_a_failed_confirmation_waits_for_retry_until_it_goes_through(client, number,
                                                                     provider, clock):
    answer(provider, "getSMS", "Bad Gateway", status=502, content_type="text/plain")
    post(client, number, new_sms("in-1"))
    assert ledger_counts(number, DAY) == {"retrying": 1}
    provider.reset()
    answer(provider, "getSMS", messages_reply(message("in-1")))
    later(clock, 60)
    process_webhook_events()
    assert ledger_counts(number, DAY) == {"received": 1, "processed": 1}


def test_an_event_that_fails_its_last_attempt_is_given_up(number, provider):
    WebhookEventFactory(number=number, payload=new_sms("in-1"), state=EventState.FAILED,
                        attempts=RETRY_LIMIT - 1, received_at=NOW)
    answer(provider, "getSMS", error("MISSING PARAMETERS"))
    process_webhook_events()
    # Counted as waiting for retry when it failed before the ledger saw it: it leaves that.
    assert ledger_counts(number, DAY) == {"gave_up": 1, "retrying": -1}


def test_a_status_update_before_its_message_is_counted_as_waited(client, number, provider,
                                                                 clock, kicks):
    post(client, number, updated_sms("out-1"))
    process_webhook_events()
    assert ledger_counts(number, DAY) == {"waited": 1}


def test_a_status_update_that_waited_counts_processed_once_its_message_comes(
        client, number, provider, clock, kicks):
    post(client, number, updated_sms("out-1", status="SENT"))
    process_webhook_events()
    # The sync brings the message: the update is put back to be confirmed, and is.
    answer(provider, "getSMS", messages_reply(message("out-1", src=OWN, dst=[OTHER],
                                                      status="SENT")))
    sync_messages()
    later(clock)
    process_webhook_events()
    assert ledger_counts(number, DAY) == {"received": 1, "waited": 1, "processed": 1}
