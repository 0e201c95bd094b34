"""The webhook view wakes the processing job (common.wakeups): one queued job for a burst,
a new one for the first event after the queued job started, and none lost."""

import json
from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from common.wakeups import WAKE_SECONDS
from messaging.models import EventState, WebhookEvent
from messaging.tasks import process_webhook_events
from tests.messaging.provider import new_sms


def post(client, number, uuid="in-0001"):
    return client.post(number.webhook_path, json.dumps(new_sms(uuid)),
                       content_type="application/json")


@pytest.fixture
def confirmation_off(settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False


def test_valid_event_enqueues_the_processing_job(client, number, kicks):
    post(client, number)
    assert [args for args, _ in kicks] == [("messaging.tasks.process_webhook_events",)]


def test_invalid_event_enqueues_nothing(client, number, kicks):
    response = client.post(number.webhook_path, b"{not json", content_type="application/json")
    assert response.status_code == 400  # the control: the view took the invalid-event branch
    assert kicks == []


def test_burst_of_1000_events_while_the_job_waits_is_one_job(client, number, kicks):
    for n in range(1000):
        assert post(client, number, f"in-{n:04d}").status_code == 200
    assert len(kicks) == 1


def test_event_after_the_woken_job_started_enqueues_a_new_job(client, number, kicks,
                                                              confirmation_off):
    post(client, number, "in-0001")
    process_webhook_events()  # the woken job starts
    post(client, number, "in-0002")
    assert len(kicks) == 2


def test_a_woken_job_lost_for_a_minute_no_longer_holds_back_new_ones(client, number, kicks,
                                                                     clock):
    post(client, number, "in-0001")
    clock.shift(timedelta(seconds=WAKE_SECONDS + 1))
    post(client, number, "in-0002")
    assert len(kicks) == 2


def test_broker_down_still_answers_200_and_keeps_the_event(client, number, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr("messaging.wakeup.async_task", broker_down)
    assert post(client, number).status_code == 200
    with scopes_disabled():
        assert WebhookEvent.objects.get().state == EventState.PENDING


def test_an_event_after_a_broker_failure_tries_to_wake_the_job_again(client, number,
                                                                     monkeypatch, kicks):
    def broker_down(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr("messaging.wakeup.async_task", broker_down)
    post(client, number, "in-0001")
    monkeypatch.setattr("messaging.wakeup.async_task",
                        lambda *args, **kwargs: kicks.append((args, kwargs)))
    post(client, number, "in-0002")
    assert len(kicks) == 1
