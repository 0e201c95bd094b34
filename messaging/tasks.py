"""Jobs of the messaging app: webhook processing, sync, and the media archive."""

import time

from accounts.jobs import for_each_organization
from accounts.models import Connection, Organization
from common.locks import job_lock
from messaging import media as media_archive
from messaging.sending import reconcile_unknown_sends
from messaging.sync import sync_organization_messages
from messaging.webhooks import pending_organizations, process_organization_events


def process_webhook_events(organization_id: int | None = None) -> str:
    """Process stored webhook events that are pending or failed earlier, in batches."""
    ids = pending_organizations()
    if organization_id is not None:
        ids = [i for i in ids if i == organization_id]
    processed = 0
    for organization in Organization.objects.filter(pk__in=ids).order_by("pk"):
        # One processor per organization at a time; another run finds the lock and leaves
        # the events to the one that holds it.
        with job_lock(f"process_webhook_events:{organization.pk}", ttl_seconds=300) as ok:
            if ok:
                processed += process_organization_events(organization)
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
