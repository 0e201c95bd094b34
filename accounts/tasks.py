"""Jobs of the accounts app: renewal of the provider session tokens (docs/provider.md,
quirk 1)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

import axion
from accounts.models import Connection
from accounts.services import note_provider_failure
from axion.errors import AxionError
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
                       .order_by("pk"))
        if organization_id is not None:
            connections = connections.filter(organization_id=organization_id)
        return list(connections)


def renew_tokens(organization_id: int | None = None) -> str:
    """Log in again for every connection whose token is missing or expires soon."""
    renewed, failed = 0, 0
    for connection in connections_to_renew(organization_id=organization_id):
        with job_lock(f"renew_tokens:{connection.pk}") as acquired:
            if not acquired:
                continue
            try:
                with axion.client_for(connection) as client:
                    client.login()
            except AxionError as error:
                note_provider_failure(organization=connection.organization,
                                      kind=connection.kind, error=error)
                log.warning("token renewal of connection %s failed: %s", connection.pk,
                            type(error).__name__)
                failed += 1
            else:
                renewed += 1
    return f"{renewed} tokens renewed, {failed} failed"
