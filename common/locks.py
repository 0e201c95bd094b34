"""Named locks held in the database, for jobs that must not overlap:

- `job_lock(name)`: run a block in at most one process at a time, or skip it;
- `run_in_rounds(name, work)`: the same for work that more of may arrive while it runs
  (stored webhook events, due deliveries): a process that finds the lock held asks the
  holder for another round instead of just skipping, so nothing that arrived waits for the
  next periodic run.
"""

import logging
import os
import socket
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta
from time import monotonic

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.models import JobLock

log = logging.getLogger(__name__)


@contextmanager
def job_lock(name: str, *, ttl_seconds: int = 600,
             when_asked: Callable[[], object] | None = None):
    """Yield True when this process holds the lock `name`, False when another one does.

    The lock expires after `ttl_seconds` (set it above the job's timeout), so a crashed
    holder does not block the job for ever. A block that holds a lock `run_in_rounds` also
    takes cannot go round again: `when_asked` is called after the lock is let go if a
    `run_in_rounds` found it held meanwhile (enqueue the job, for instance).
    """
    holder = _new_holder()
    acquired = False
    try:
        acquired = _acquire(name, holder, ttl_seconds)
        yield acquired
    finally:
        if acquired:
            _let_go(name, holder, when_asked)


def run_in_rounds(name: str, work: Callable[[], int], *, ttl_seconds: int = 600,
                  seconds: float | None = None,
                  when_asked: Callable[[], object] | None = None) -> int | None:
    """Run `work()` holding the lock `name`, and again as long as another process asked for
    one more round meanwhile; the sum of its results, or None when another process holds the
    lock (it has been asked for another round).

    Why rounds: the holder may have read its last batch just before new work was stored,
    and be about to let go when the process woken for that work finds the lock held. The
    holder lets go only if nobody asked, in one statement; a newcomer asks in one statement
    on the holder's row. Whichever the database runs first, the other sees it: the holder
    goes round again, or the newcomer finds no lock and takes it.

    No round starts `seconds` after the first did, and a round that raises ends them: if
    another round was asked for, the lock is let go and `when_asked` is called (enqueue
    the job, so that a new run does what was asked) instead of dropping the ask.
    """
    holder = _new_holder()
    started = monotonic()
    total, held = 0, False
    try:
        while not held:
            held = _acquire(name, holder, ttl_seconds)
            if not held and JobLock.objects.filter(name=name).update(again=True):
                return None
            # Else let go between our try and our question: try again.
        while True:
            total += work()
            if _release_unless_asked(name, holder):
                held = False
                return total
            if seconds is not None and monotonic() - started >= seconds:
                return total  # let go below, and `when_asked`
            held = bool(JobLock.objects.filter(name=name, holder=holder).update(
                again=False, expires_at=timezone.now() + timedelta(seconds=ttl_seconds)))
            if not held:
                return total  # expired and taken over: the new holder goes on
    finally:
        if held:
            _let_go(name, holder, when_asked)


def take_lock(name: str, *, ttl_seconds: int) -> bool:
    """Take the lock `name` beyond a block (a marker held until `drop_lock` or its expiry):
    whether it was free."""
    return _acquire(name, _new_holder(), ttl_seconds)


def extend_lock(name: str, *, ttl_seconds: int) -> None:
    """Make the lock `name`, whoever holds it, expire `ttl_seconds` from now."""
    JobLock.objects.filter(name=name).update(
        expires_at=timezone.now() + timedelta(seconds=ttl_seconds))


def lock_is_held(name: str) -> bool:
    return JobLock.objects.filter(name=name, expires_at__gt=timezone.now()).exists()


def drop_lock(name: str) -> None:
    """Delete the lock `name`, whoever holds it."""
    JobLock.objects.filter(name=name).delete()


def _new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _let_go(name: str, holder: str, when_asked: Callable[[], object] | None) -> None:
    """Delete the holder's lock, and call `when_asked` if another round was asked for."""
    if _release_unless_asked(name, holder):
        return
    # Asked: nobody else resets `again`, so the row still says so, if it is still ours.
    asked, _ = JobLock.objects.filter(name=name, holder=holder).delete()
    if asked and when_asked is not None:
        try:
            when_asked()
        except Exception:  # noqa: BLE001 - e.g. the broker is down: the periodic run does it
            log.exception("could not act on the ask for another round of %s", name)


def _release_unless_asked(name: str, holder: str) -> bool:
    """Delete the lock unless another round was asked for: whether it was deleted."""
    deleted, _ = JobLock.objects.filter(name=name, holder=holder, again=False).delete()
    return bool(deleted)


def _acquire(name: str, holder: str, ttl_seconds: int) -> bool:
    now = timezone.now()
    # Take over a lock whose holder died (expired), then try to insert ours.
    JobLock.objects.filter(name=name, expires_at__lt=now).delete()
    try:
        with transaction.atomic():
            JobLock.objects.create(name=name, holder=holder, acquired_at=now,
                                   expires_at=now + timedelta(seconds=ttl_seconds))
    except IntegrityError:
        return False
    return True
