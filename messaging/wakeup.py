"""Waking the webhook processing job (common.wakeups) once events are stored for it: by
the webhook endpoint, and wherever stored events are put back to be processed."""

import logging

from django_q.tasks import async_task

from common.wakeups import wake

log = logging.getLogger(__name__)

PROCESSING_JOB = "process_webhook_events"


def kick_processing() -> None:
    """Call once the stored events are committed: enqueue the processing job unless one
    woken earlier has not looked yet (common.wakeups). A burst of events shares a job, and
    an event waits for the periodic run only when a job is lost or the broker is down."""
    try:
        wake(PROCESSING_JOB, lambda: async_task("messaging.tasks.process_webhook_events",
                                                task_name=PROCESSING_JOB))
    except Exception as error:  # noqa: BLE001 - any broker or database failure
        # The event is stored: the periodic run processes it. The sender still gets its 200.
        log.warning("could not enqueue webhook processing: %s", type(error).__name__)
