"""`job_lock(name)`: run a block in at most one process at a time, or skip it."""

import os
import socket
import uuid
from contextlib import contextmanager
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.models import JobLock


@contextmanager
def job_lock(name: str, *, ttl_seconds: int = 600):
    """Yield True when this process holds the lock `name`, False when another one does.

    The lock expires after `ttl_seconds` (set it above the job's timeout), so a crashed
    holder does not block the job for ever.
    """
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    acquired = _acquire(name, holder, ttl_seconds)
    try:
        yield acquired
    finally:
        if acquired:
            JobLock.objects.filter(name=name, holder=holder).delete()


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
