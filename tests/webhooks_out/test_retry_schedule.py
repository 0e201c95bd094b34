"""Failed attempts are retried with exponential backoff and full jitter for about a day,
on a frozen clock: 5 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, 8 h, then 8 h, each
drawn between 0 and the step (at least 1 s); a `Retry-After` is honoured, up to an hour;
past its day a delivery is abandoned."""

from datetime import timedelta
from email.utils import format_datetime

import pytest
import requests

from tests.clock import NOW
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer, attempts, the_delivery
from webhooks_out import delivery
from webhooks_out.delivery import RETRY_STEPS, deliver_organization, retry_wait
from webhooks_out.models import DeliveryState


@pytest.fixture
def failing(org, provider):
    """An endpoint that answers 503 to everything, and one event for it."""
    EndpointFactory(organization=org, url=URL)
    answer(provider, 503, "down")
    fax_event(org)
    return org


def test_the_first_attempt_goes_at_once(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider)
    fax_event(org)
    assert deliver_organization(organization=org) == 1
    assert (the_delivery().state, the_delivery().attempts) == (DeliveryState.SUCCEEDED, 1)


def test_each_failed_attempt_waits_the_next_step_of_the_schedule(failing, clock):
    waits = []
    for _ in range(len(RETRY_STEPS) + 1):
        deliver_organization(organization=failing)
        row = the_delivery()
        waits.append((row.next_attempt_at - row.last_attempt_at).total_seconds())
        clock.move_to(row.next_attempt_at, tick=False)
    assert waits == [5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800]


def test_a_delivery_not_due_yet_is_not_attempted(failing, clock):
    deliver_organization(organization=failing)
    clock.shift(4)
    assert deliver_organization(organization=failing) == 0
    clock.shift(1)
    assert deliver_organization(organization=failing) == 1


def test_a_failed_delivery_is_failed_until_it_is_abandoned(failing, clock):
    deliver_organization(organization=failing)
    assert (the_delivery().state, the_delivery().last_status_code) == (
        DeliveryState.FAILED, 503)


def test_after_about_a_day_of_failures_the_delivery_is_abandoned(failing, clock):
    count = 0
    while the_delivery().state != DeliveryState.ABANDONED:
        clock.move_to(the_delivery().next_attempt_at, tick=False)
        count += deliver_organization(organization=failing)
    # 9 steps take 15.7 h; two more 8-hour waits would pass the 24 h: 11 attempts.
    assert count == len(attempts()) == 11
    assert the_delivery().last_attempt_at - NOW < timedelta(hours=24)
    clock.shift(timedelta(days=2))
    assert deliver_organization(organization=failing) == 0


def test_full_jitter_draws_each_wait_between_zero_and_its_step(monkeypatch):
    monkeypatch.setattr(delivery, "draw", lambda: 0.5)
    assert [retry_wait(n) for n in (1, 2, 3, 10)] == [2.5, 15, 60, 14400]


def test_a_wait_is_at_least_a_second(monkeypatch):
    monkeypatch.setattr(delivery, "draw", lambda: 0.0)
    assert retry_wait(1) == 1


def test_the_real_jitter_stays_within_the_step():
    assert all(1 <= retry_wait(2) <= 30 for _ in range(200))


def test_retry_after_in_seconds_is_honoured(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 429, "slow down", headers={"Retry-After": "120"})
    fax_event(org)
    deliver_organization(organization=org)
    assert the_delivery().next_attempt_at == NOW + timedelta(seconds=120)


def test_retry_after_as_an_http_date_is_honoured(org, provider):
    EndpointFactory(organization=org, url=URL)
    later = format_datetime(NOW + timedelta(minutes=7), usegmt=True)
    answer(provider, 503, "maintenance", headers={"Retry-After": later})
    fax_event(org)
    deliver_organization(organization=org)
    assert the_delivery().next_attempt_at == NOW + timedelta(minutes=7)


def test_retry_after_is_capped_at_an_hour(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 503, "come back next week", headers={"Retry-After": "604800"})
    fax_event(org)
    deliver_organization(organization=org)
    assert the_delivery().next_attempt_at == NOW + timedelta(hours=1)


def test_an_unreadable_retry_after_leaves_the_schedule(org, provider):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 503, "?", headers={"Retry-After": "soon-ish"})
    fax_event(org)
    deliver_organization(organization=org)
    assert the_delivery().next_attempt_at == NOW + timedelta(seconds=5)


@pytest.mark.parametrize(("failure", "words"), [
    (requests.ConnectionError("refused"), "Could not connect"),
    (requests.ReadTimeout("slow"), "No answer in time"),
])
def test_connection_errors_and_timeouts_are_retried(org, provider, failure, words):
    EndpointFactory(organization=org, url=URL)
    provider.post(URL, body=failure)
    fax_event(org)
    deliver_organization(organization=org)
    row = the_delivery()
    assert (row.state, row.last_status_code) == (DeliveryState.FAILED, None)
    assert words in row.last_error
    assert row.next_attempt_at == NOW + timedelta(seconds=5)


@pytest.mark.parametrize("status", [400, 404, 410, 500])
def test_any_answer_but_2xx_is_retried(org, provider, status):
    EndpointFactory(organization=org, url=URL)
    answer(provider, status, "no")
    fax_event(org)
    deliver_organization(organization=org)
    assert the_delivery().state == DeliveryState.FAILED
