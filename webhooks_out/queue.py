"""Starting the delivery job soon after deliveries are made, rather than at its next
minute: once the transaction that made them commits (the job must see them), at most once
a second per process for events (a burst of events shares a run), at once for a person's
click ("send test event", "send again")."""

import logging
import threading
import time
from functools import partial

from django.db import transaction
from django_q.tasks import async_task

log = logging.getLogger(__name__)

TASK = "webhooks_out.tasks.deliver_webhooks"


class _Throttle:
    """True at most once per `seconds` in this process."""

    def __init__(self, seconds: float):
        self.seconds, self.last, self.lock = seconds, float("-inf"), threading.Lock()

    def ready(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if now - self.last < self.seconds:
                return False
            self.last = now
            return True


_throttle = _Throttle(seconds=1)


def kick_delivery(*, organization_id: int | None = None) -> None:
    """Enqueue a delivery run when the current transaction commits: for one organization
    (a person waits), or for all of them, throttled (events)."""
    transaction.on_commit(partial(_enqueue, organization_id))


def _enqueue(organization_id: int | None) -> None:
    try:
        if organization_id is None and not _throttle.ready():
            return
        async_task(TASK, organization_id=organization_id, task_name="deliver_webhooks")
    except Exception as error:  # noqa: BLE001 - any broker failure
        # The deliveries are stored: the periodic run sends them.
        log.warning("could not enqueue webhook delivery: %s", type(error).__name__)
