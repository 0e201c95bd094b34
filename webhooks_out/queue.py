"""Starting the delivery job soon after deliveries are made, rather than at its next
minute: once the transaction that made them commits (the job must see them); for events,
unless a run woken earlier has not started yet (common.wakeups: a burst of events shares a
run); at once for a person's click ("send test event", "send again")."""

import logging
from functools import partial

from django.db import transaction
from django_q.tasks import async_task

from common.wakeups import wake

log = logging.getLogger(__name__)

TASK = "webhooks_out.tasks.deliver_webhooks"
JOB = "deliver_webhooks"


def kick_delivery(*, organization_id: int | None = None) -> None:
    """Enqueue a delivery run when the current transaction commits: for one organization
    (a person waits), or for all of them when none woken earlier waits (events)."""
    transaction.on_commit(partial(_enqueue, organization_id))


def _enqueue(organization_id: int | None) -> None:
    try:
        if organization_id is None:
            wake(JOB, lambda: async_task(TASK, task_name=JOB))
        else:
            async_task(TASK, organization_id=organization_id, task_name=JOB)
    except Exception as error:  # noqa: BLE001 - any broker failure
        # The deliveries are stored: the periodic run sends them.
        log.warning("could not enqueue webhook delivery: %s", type(error).__name__)
