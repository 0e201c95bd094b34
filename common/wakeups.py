"""Waking a job as soon as work for it is stored: one queued job for a burst, no arrival
left for the next periodic run, and about no cost per arrival.

The process that stores work (a webhook event, a delivery) wakes the job that does it. One
job per arrival would flood the queue in a burst; a throttle in time (one job a second per
process) loses wake-ups: the job woken a moment earlier may have looked for work already
when the throttled arrival is stored, and that arrival then waited for the periodic run
(a minute, and up to half a minute more for django-q2's scheduler).

Instead a marker, a lock of common.locks named "wake:<job>", says "a woken job is queued
and has not looked yet". `wake` enqueues the job only when there is none (and sets it);
the job calls `woken`, which clears the marker and then waits `JOB_WAKE_LEASE_SECONDS`
before the job looks for work. An arrival stored before the marker is read is therefore
seen: the job looks at least a lease after the clear, which comes after the read.

The lease is what makes a burst cheap. A read of the marker (held, or taken by this
process) that was sent at time t covers every arrival this process stores until t plus
the lease: the marker's clear comes after the read, and the job looks a lease after the
clear. So each process reads the marker at most once a lease (ten times a second), not
once per request; only durations measured on one machine are compared, never two clocks.

The marker expires after WAKE_SECONDS, so a queued job that was lost (its worker killed)
does not keep later ones from being queued for longer; until then, and when the broker
refuses a job, the periodic run (every minute, give or take django-q2's 30-second
scheduler) is what processes the work. Once the job runs, work stored meanwhile wakes
another run, which finds the organization's lock held and asks the running one for another
round (common.locks.run_in_rounds).

The lease must be the same in web and job processes (one setting): a web process that
counted on a longer lease than the jobs wait would skip reads it needs.
"""

import logging
import threading
from collections.abc import Callable
from time import monotonic, sleep

from django.conf import settings

from common.locks import drop_lock, extend_lock, lock_is_held, take_lock

WAKE_SECONDS = 60
ENQUEUE_SECONDS = 10  # above SQLite's busy timeout, which an enqueue on the ORM broker may wait

log = logging.getLogger(__name__)

# Per job name: until when (monotonic) this process's arrivals are covered by a read.
_covered_until: dict[str, float] = {}
_lock = threading.Lock()


def _marker(job_name: str) -> str:
    return f"wake:{job_name}"


def wake(job_name: str, enqueue: Callable[[], object]) -> bool:
    """Call once work for `job_name` is committed (never inside the transaction that
    stores it): `enqueue()` the job unless a job woken earlier has not looked yet (it will
    see the work). Whether it enqueued; an error of
    `enqueue` (the broker is down) goes to the caller, and the next arrival tries again."""
    sent_at = monotonic()
    with _lock:
        if sent_at < _covered_until.get(job_name, float("-inf")):
            return False
    marker = _marker(job_name)
    # Taken for a few seconds first: if the enqueue fails and the marker cannot be dropped
    # either (the database is busy too), it holds back later wake-ups only that long.
    if lock_is_held(marker) or not take_lock(marker, ttl_seconds=ENQUEUE_SECONDS):
        _cover(job_name, sent_at)
        return False
    try:
        enqueue()
    except BaseException:
        try:
            drop_lock(marker)
        except Exception:  # noqa: BLE001 - it expires in ENQUEUE_SECONDS
            log.warning("could not drop the wake-up marker of %s", job_name)
        raise
    extend_lock(marker, ttl_seconds=WAKE_SECONDS)
    _cover(job_name, sent_at)
    return True


def woken(job_name: str) -> None:
    """Call in the job before it looks for work: arrivals from now on wake another job.
    Waits the lease (see the module's docstring) before it returns."""
    drop_lock(_marker(job_name))
    if settings.JOB_WAKE_LEASE_SECONDS:
        sleep(settings.JOB_WAKE_LEASE_SECONDS)


def _cover(job_name: str, sent_at: float) -> None:
    with _lock:
        _covered_until[job_name] = max(_covered_until.get(job_name, float("-inf")),
                                       sent_at + settings.JOB_WAKE_LEASE_SECONDS)


def forget_leases() -> None:
    """Forget what this process's reads cover (for tests that start afresh)."""
    with _lock:
        _covered_until.clear()
