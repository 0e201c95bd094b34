"""Jobs of the accounts app: renewal of the provider session tokens (docs/provider.md,
quirk 1)."""

import logging
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

import axion
from accounts.models import Connection
from accounts.services import note_provider_failure
from axion.errors import AxionError
from common import outbound
from common.locks import job_lock

log = logging.getLogger(__name__)


def connections_to_renew(now=None, organization_id: int | None = None):
    """Connections whose token is missing or expires within TOKEN_RENEW_DAYS."""
    now = now or timezone.now()
    soon = now + timedelta(days=settings.TOKEN_RENEW_DAYS)
    with scopes_disabled():
        connections = (Connection.objects.select_related("organization")
                       .filter(Q(token_expires_at__isnull=True) | Q(token_expires_at__lt=soon)
                               | Q(session_token=""))
                       .order_by("organization_id", "pk"))
        if organization_id is not None:
            connections = connections.filter(organization_id=organization_id)
        return list(connections)


def renew_tokens(organization_id: int | None = None) -> str:
    """Log in again for every connection whose token is missing or expires soon.

    Each organization's logins share AXION_ORGANIZATION_BUDGET_SECONDS, so a tenant whose
    provider answers slowly cannot use up the run's time.
    """
    renewed, failed = 0, 0
    connections = connections_to_renew(organization_id=organization_id)
    for _, of_one in groupby(connections, key=lambda c: c.organization_id):
        with outbound.time_budget(settings.AXION_ORGANIZATION_BUDGET_SECONDS):
            for connection in of_one:
                outcome = _renew(connection)
                renewed += outcome is True
                failed += outcome is False
    return f"{renewed} tokens renewed, {failed} failed"


def _renew(connection: Connection) -> bool | None:
    """Log in again: True when renewed, False when it failed, None when another run has it."""
    with job_lock(f"renew_tokens:{connection.pk}") as acquired:
        if not acquired:
            return None
        try:
            with axion.client_for(connection) as client:
                client.login()
        except AxionError as error:
            note_provider_failure(organization=connection.organization,
                                  kind=connection.kind, error=error)
            log.warning("token renewal of connection %s failed: %s", connection.pk,
                        type(error).__name__)
            return False
        return True
