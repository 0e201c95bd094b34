"""Jobs of outgoing webhooks: delivering due deliveries, and pruning old ones."""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.jobs import organization_work_in_rounds
from accounts.models import Organization
from accounts.tenancy import organization_scope
from common import logs
from common.wakeups import woken
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import UNFINISHED, Delivery
from webhooks_out.queue import JOB, kick_delivery

log = logging.getLogger(__name__)

PRUNE_BATCH = 1000


def organizations_with_due_deliveries(now) -> list[int]:
    """The organizations with a delivery due: one probe of the due index each, rather than
    a walk of every delivery kept."""
    # Deliveries waiting on a turned-off endpoint wait for it to be turned on again; a test
    # event ("endpoint:" subject) goes to its endpoint whatever its state.
    due = Delivery.objects.with_scopes_disabled().filter(
        Q(endpoint__enabled=True) | Q(subject__startswith="endpoint:"),
        organization_id=OuterRef("pk"), next_attempt_at__lte=now)
    return list(Organization.objects.filter(Exists(due)).order_by("pk")
                .values_list("pk", flat=True))


def deliver_webhooks(organization_id: int | None = None) -> str:
    """Deliver the due webhooks of every organization that has some (or of one), each
    under its lock and time budget (accounts.jobs.organization_work_in_rounds): a run still
    busy with an organization is not overlapped by the next one, which asks it for another
    round instead."""
    woken(JOB)  # before looking: deliveries made from now on wake another run
    ids = organizations_with_due_deliveries(timezone.now())
    if organization_id is not None:
        ids = [i for i in ids if i == organization_id]
    made, failed = 0, 0
    token = logs.job_name.set("deliver_webhooks")
    try:
        for organization in Organization.objects.filter(pk__in=ids).order_by("pk"):
            # Caught outside organization_work_in_rounds, which records the failed run for the
            # operations page before the exception comes here.
            try:
                made += organization_work_in_rounds(
                    JOB, organization,
                    lambda organization: deliver_organization(organization=organization),
                    requeue=functools.partial(kick_delivery, organization_id=organization.pk),
                ) or 0
            except Exception:  # noqa: BLE001 - one organization must not stop the rest
                log.exception("webhook delivery failed for organization %s", organization.pk)
                failed += 1
    finally:
        logs.job_name.reset(token)
    return f"{made} delivery attempts for {len(ids)} organizations, {failed} failed"


def prune_webhook_deliveries(organization_id: int | None = None) -> str:
    """Delete finished deliveries (and their attempts) older than
    WEBHOOK_DELIVERY_RETENTION_DAYS, a batch per statement; unfinished ones stay."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_DELIVERY_RETENTION_DAYS)
    organizations = Organization.objects.order_by("pk")
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    deleted = 0
    for organization in organizations:
        with organization_scope(organization):
            while True:
                ids = list(Delivery.objects.filter(created_at__lt=cutoff).exclude(UNFINISHED)
                           .values_list("pk", flat=True)[:PRUNE_BATCH])
                if not ids:
                    break
                Delivery.objects.filter(pk__in=ids).delete()
                deleted += len(ids)
    return f"{deleted} old deliveries deleted"
