"""Waking the webhook processing job (common.wakeups) once events are stored for it: by
the webhook endpoint, and wherever stored events are put back to be processed; and queuing
a run for one organization at once."""

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


def queue_processing(organization_id: int, *, task_name: str = PROCESSING_JOB) -> None:
    """Enqueue a processing run for one organization now, without the wake-up marker: a
    replay put events back, or a run was asked for a round it may no longer run."""
    async_task("messaging.tasks.process_webhook_events", organization_id=organization_id,
               task_name=task_name)
