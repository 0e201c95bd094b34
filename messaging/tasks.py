"""Jobs of the messaging app: webhook processing, sync, the media archive, the pruning
of raw webhook bodies, and scheduled sends."""

import functools
import logging
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.jobs import for_each_organization, organization_work, organization_work_in_rounds
from accounts.models import Connection, Organization
from common.locks import job_lock
from common.wakeups import woken
from messaging import media as media_archive
from messaging.models import EventState, WebhookEvent
from messaging.scheduling import due_organizations, send_due_messages
from messaging.sending import reconcile_unknown_sends
from messaging.sync import sync_organization_messages
from messaging.wakeup import PROCESSING_JOB, queue_processing
from messaging.webhooks import RETRY_LIMIT, pending_organizations, process_organization_events
from operations.ledger import count_arrivals

log = logging.getLogger(__name__)

# Rows deleted per statement: short statements, so webhooks written meanwhile never wait
# long for SQLite's lock (or for PostgreSQL's index maintenance).
PRUNE_BATCH = 1000


def process_webhook_events(organization_id: int | None = None) -> str:
    """Process stored webhook events that are pending or failed earlier, in batches,
    after counting the events stored since the last run into the ledger."""
    woken(PROCESSING_JOB)  # before looking: events stored from now on wake another run
    count_arrivals()
    ids = pending_organizations()
    if organization_id is not None:
        ids = [i for i in ids if i == organization_id]
    processed = 0
    for organization in Organization.objects.filter(pk__in=ids).order_by("pk"):
        # One processor per organization at a time; another run finds the lock and asks
        # the one that holds it for another round, which sees the events it came for.
        try:
            processed += organization_work_in_rounds(
                PROCESSING_JOB, organization, process_organization_events,
                requeue=functools.partial(queue_processing, organization.pk)) or 0
        except Exception:  # noqa: BLE001 - one organization must not stop the others
            log.exception("webhook processing failed for organization %s", organization.pk)
    return f"{processed} events processed"


def _sync_and_reconcile(organization: Organization) -> int:
    seen = sync_organization_messages(organization=organization)
    # Sends whose answer was lost are looked up once the new messages are in (docs/provider.md
    # quirk 16).
    reconcile_unknown_sends(organization=organization)
    return seen


def sync_messages(organization_id: int | None = None) -> str:
    return for_each_organization("sync_messages", Connection.Kind.SMS, _sync_and_reconcile,
                                 organization_id=organization_id)


def archive_media(organization_id: int | None = None) -> str:
    # One deadline for the whole run, which goes through every organization.
    deadline = time.monotonic() + media_archive.RUN_SECONDS
    return for_each_organization(
        "archive_media", Connection.Kind.SMS,
        lambda organization: media_archive.archive_organization_media(
            organization=organization, deadline=deadline),
        organization_id=organization_id)


def prune_webhook_events(organization_id: int | None = None) -> str:
    """Delete the raw webhook requests older than WEBHOOK_RETENTION_DAYS (their bodies hold
    message texts and numbers) once nothing is left to do with them: processed, rejected,
    invalid, waiting (by then its message came through the sync, or never will) or failed
    for good. Pending events, and failed ones still retried, are kept whatever their age."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    done = (Q(state__in=(EventState.PROCESSED, EventState.REJECTED, EventState.INVALID,
                         EventState.WAITING))
            | Q(state=EventState.FAILED, attempts__gte=RETRY_LIMIT))
    deleted = 0
    # One organization-wide run at a time; a second one finds the lock and leaves.
    with job_lock("prune_webhook_events", ttl_seconds=600) as ok, scopes_disabled():
        if not ok:
            return "another run is pruning"
        old = WebhookEvent.objects.filter(done, received_at__lt=cutoff)
        if organization_id is not None:
            old = old.filter(organization_id=organization_id)
        while ids := list(old.order_by("id").values_list("id", flat=True)[:PRUNE_BATCH]):
            deleted += WebhookEvent.objects.filter(pk__in=ids).delete()[0]
    return f"{deleted} webhook events deleted"


def send_scheduled_messages(organization_id: int | None = None) -> str:
    """Hand over the scheduled sends whose time has come, organization by organization
    (messaging/scheduling.py: each message is claimed once, whoever else runs)."""
    ids = due_organizations(timezone.now())
    if organization_id is not None:
        ids = [i for i in ids if i == organization_id]
    handled, failed = 0, 0
    for organization in Organization.objects.filter(pk__in=ids).order_by("pk"):
        try:
            with organization_work("send_scheduled_messages", organization) as ok:
                if ok:
                    handled += send_due_messages(organization=organization)
        except Exception:  # noqa: BLE001 - one organization must not stop the rest
            log.exception("scheduled sends failed for organization %s", organization.pk)
            failed += 1
    return f"{handled} scheduled messages handled, {failed} organizations failed"
