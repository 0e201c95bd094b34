"""Polling the provider with getSMS: the safety net under the webhooks (docs/provider.md quirk 15).

One stream per SMS connection (all its numbers at once), oldest first from the watermark
minus a small overlap, stored 100 at a time through the same `record_messages` as webhooks,
so a message seen both ways is one row. An inbound message seen here that no webhook
announced is a missed webhook, counted in the operations ledger.
"""

import logging
from datetime import datetime, timedelta
from itertools import islice

from django.conf import settings
from django.utils import timezone

import axion
from accounts.models import Connection, Organization
from accounts.services import note_provider_failure
from accounts.tenancy import organization_scope
from axion.errors import AxionError
from axion.wording import describe_provider_error
from messaging.ingest import incoming_from_provider, record_messages
from messaging.models import MessageSync
from messaging.services import sms_connection
from operations.ledger import note_missed_webhooks

log = logging.getLogger(__name__)

PAGE = 100


def sync_start(state: MessageSync | None, now: datetime) -> datetime:
    """Where the next sync starts: the watermark minus an overlap, or the backfill window."""
    if state is None or state.watermark is None:
        return now - timedelta(days=settings.SMS_SYNC_BACKFILL_DAYS)
    return state.watermark - timedelta(minutes=settings.SMS_SYNC_OVERLAP_MINUTES)


def sync_organization_messages(*, organization: Organization,
                               now: datetime | None = None) -> int:
    """Fetch and store the messages since the last sync; returns how many were seen."""
    now = now or timezone.now()
    connection = sms_connection(organization)
    if connection is None:
        return 0
    with organization_scope(organization):
        state, _ = MessageSync.objects.get_or_create(organization=organization)
    watermark = state.watermark
    seen = 0
    try:
        with axion.client_for(connection) as client:
            messages = client.iter_sms(from_time=sync_start(state, now))
            while page := list(islice(messages, PAGE)):
                incoming = [incoming_from_provider(m) for m in page]
                record_messages(organization=organization, incoming=incoming,
                                add_unknown_numbers=True)
                # The webhooks' own check: what came this way but never as a webhook.
                note_missed_webhooks(organization=organization, incoming=incoming, now=now)
                seen += len(page)
                newest = max(m.time for m in page)
                watermark = max(watermark, newest) if watermark else newest
                _save(state, watermark=watermark)
    except AxionError as error:
        note_provider_failure(organization=organization, kind=Connection.Kind.SMS, error=error)
        log.warning("message sync failed for organization %s: %s", organization.pk,
                    type(error).__name__)
        _save(state, last_error_at=now, last_error=describe_provider_error(error)[:500])
        return seen
    _save(state, last_success_at=now)
    return seen


def _save(state: MessageSync, **values) -> None:
    for name, value in values.items():
        setattr(state, name, value)
    with organization_scope(state.organization):
        MessageSync.objects.filter(pk=state.pk).update(**values)
