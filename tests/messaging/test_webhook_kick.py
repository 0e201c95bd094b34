"""The webhook view enqueues processing jobs, throttled through the cache to one a second:
a burst shares a job, a single event is still processed within seconds."""

import json

import pytest
from django_scopes import scopes_disabled

from messaging.models import EventState, WebhookEvent
from tests.messaging.provider import new_sms


def post(client, number, uuid="in-0001"):
    return client.post(number.webhook_path, json.dumps(new_sms(uuid)),
                       content_type="application/json")


def test_valid_event_enqueues_the_processing_job(client, number, kicks):
    post(client, number)
    assert [args for args, _ in kicks] == [("messaging.tasks.process_webhook_events",)]


def test_invalid_event_enqueues_nothing(client, number, kicks):
    response = client.post(number.webhook_path, b"{not json", content_type="application/json")
    assert response.status_code == 400  # the control: the view took the invalid-event branch
    assert kicks == []


def test_burst_of_1000_events_is_one_job(client, number, kicks):
    for n in range(1000):
        assert post(client, number, f"in-{n:04d}").status_code == 200
    assert len(kicks) == 1


@pytest.mark.parametrize("seconds", [2, 5])
def test_event_seconds_after_a_burst_enqueues_a_new_job(client, number, kicks, clock,
                                                          seconds):
    post(client, number, "in-0001")
    post(client, number, "in-0002")
    clock.shift(seconds)
    post(client, number, "in-0003")
    assert len(kicks) == 2


def test_broker_down_still_answers_200_and_keeps_the_event(client, number, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr("messaging.webhooks.async_task", broker_down)
    assert post(client, number).status_code == 200
    with scopes_disabled():
        assert WebhookEvent.objects.get().state == EventState.PENDING
