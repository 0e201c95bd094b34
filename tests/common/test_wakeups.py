"""Waking a job when its work is stored (common.wakeups): one queued job until it looks,
a new one after, and a read of the marker at most once a lease per process."""

from datetime import timedelta

import pytest

from common import wakeups
from common.locks import lock_is_held
from common.wakeups import ENQUEUE_SECONDS, WAKE_SECONDS, wake, woken

pytestmark = pytest.mark.django_db

JOB = "process_webhook_events"


@pytest.fixture
def queue():
    """The jobs enqueued; none runs."""
    jobs = []
    return jobs, lambda: jobs.append(JOB)


@pytest.fixture
def monotonic(monkeypatch):
    """A monotonic clock the test moves (seconds), which a woken job's wait moves too."""
    now = [1000.0]

    def sleep(seconds):
        now[0] += seconds

    monkeypatch.setattr(wakeups, "monotonic", lambda: now[0])
    monkeypatch.setattr(wakeups, "sleep", sleep)
    return now


def test_the_first_wake_enqueues_the_job(queue):
    jobs, enqueue = queue
    assert wake(JOB, enqueue) is True
    assert jobs == [JOB]


def test_wakes_while_the_woken_job_has_not_looked_enqueue_nothing(queue):
    jobs, enqueue = queue
    for _ in range(100):
        wake(JOB, enqueue)
    assert jobs == [JOB]


def test_a_wake_after_the_job_looked_enqueues_it_again(queue):
    jobs, enqueue = queue
    wake(JOB, enqueue)
    woken(JOB)
    wake(JOB, enqueue)
    assert jobs == [JOB, JOB]


def test_other_jobs_are_woken_on_their_own(queue):
    jobs, enqueue = queue
    wake(JOB, enqueue)
    assert wake("deliver_webhooks", enqueue) is True


def test_a_woken_job_lost_for_a_minute_no_longer_holds_back_new_ones(queue, clock):
    jobs, enqueue = queue
    wake(JOB, enqueue)
    clock.shift(timedelta(seconds=WAKE_SECONDS + 1))
    wake(JOB, enqueue)
    assert jobs == [JOB, JOB]


def test_a_failed_enqueue_leaves_the_next_arrival_to_wake_the_job(queue):
    jobs, enqueue = queue

    def broker_down():
        raise ConnectionError("Connection refused.")

    with pytest.raises(ConnectionError):
        wake(JOB, broker_down)
    assert wake(JOB, enqueue) is True


def test_within_a_lease_of_a_read_a_wake_reads_nothing(queue, settings, monotonic,
                                                       django_assert_num_queries):
    settings.JOB_WAKE_LEASE_SECONDS = 0.1
    jobs, enqueue = queue
    wake(JOB, enqueue)
    monotonic[0] += 0.09
    with django_assert_num_queries(0):
        assert wake(JOB, enqueue) is False


def test_after_the_lease_a_wake_reads_the_marker_again(queue, settings, monotonic):
    settings.JOB_WAKE_LEASE_SECONDS = 0.1
    jobs, enqueue = queue
    wake(JOB, enqueue)
    woken(JOB)  # the job cleared the marker, and waited a lease before it looked
    assert monotonic[0] == 1000.1
    assert wake(JOB, enqueue) is True
    assert jobs == [JOB, JOB]


def test_a_woken_job_clears_the_marker_then_waits_the_lease(queue, settings, monkeypatch):
    settings.JOB_WAKE_LEASE_SECONDS = 0.1
    jobs, enqueue = queue
    wake(JOB, enqueue)
    waits = []

    def sleep(seconds):
        assert not lock_is_held(f"wake:{JOB}")  # cleared first: the lease counts from it
        waits.append(seconds)

    monkeypatch.setattr(wakeups, "sleep", sleep)
    woken(JOB)
    assert waits == [0.1]


def test_a_queued_job_holds_back_new_ones_for_a_minute_not_seconds(queue, clock):
    jobs, enqueue = queue
    wake(JOB, enqueue)
    clock.shift(timedelta(seconds=ENQUEUE_SECONDS + 1))
    wake(JOB, enqueue)
    assert jobs == [JOB]


def test_a_marker_that_could_not_be_dropped_expires_within_seconds(queue, clock,
                                                                    monkeypatch):
    jobs, enqueue = queue

    def broker_down():
        raise ConnectionError("Connection refused.")

    def database_busy(name):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(wakeups, "drop_lock", database_busy)
    with pytest.raises(ConnectionError):
        wake(JOB, broker_down)
    clock.shift(timedelta(seconds=ENQUEUE_SECONDS + 1))
    assert wake(JOB, enqueue) is True


def test_without_a_lease_a_woken_job_does_not_wait(settings, monkeypatch):
    settings.JOB_WAKE_LEASE_SECONDS = 0
    waits = []
    monkeypatch.setattr(wakeups, "sleep", waits.append)
    woken(JOB)
    assert waits == []
