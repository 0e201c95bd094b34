"""Jobs of the accounts app: renewal of the provider session tokens (docs/provider.md,
quirk 1), each renewal kept in the connection's history (`ConnectionCheck`)."""

import logging
from datetime import timedelta
from itertools import groupby

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

import axion
from accounts.jobs import organization_work
from accounts.models import Connection, ConnectionCheck
from accounts.services import note_provider_failure
from accounts.tenancy import organization_scope
from axion.errors import AxionError
from axion.tokens import TOKEN_LIFETIME
from axion.wording import describe_provider_error
from common import logs

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

    Each organization's logins are one `organization_work` (its run recorded, its
    logins sharing AXION_ORGANIZATION_BUDGET_SECONDS, so a tenant whose provider answers
    slowly cannot use up the run's time).
    """
    renewed, failed = 0, 0
    connections = connections_to_renew(organization_id=organization_id)
    job_token = logs.job_name.set("renew_tokens")
    try:
        for _, group in groupby(connections, key=lambda c: c.organization_id):
            of_one = list(group)
            with organization_work("renew_tokens", of_one[0].organization) as acquired:
                if not acquired:
                    continue
                for connection in of_one:
                    if _renew(connection):
                        renewed += 1
                    else:
                        failed += 1
    finally:
        logs.job_name.reset(job_token)
    return f"{renewed} tokens renewed, {failed} failed"


def _renew(connection: Connection) -> bool:
    """Log in again (the caller holds the organization's renew_tokens lock): True when
    renewed, False when it failed."""
    try:
        with axion.client_for(connection) as client:
            client.login()
    except AxionError as error:
        note_provider_failure(organization=connection.organization,
                              kind=connection.kind, error=error)
        log.warning("token renewal of connection %s failed: %s", connection.pk,
                    type(error).__name__)
        _remember(connection, ok=False, detail=describe_provider_error(error))
        return False
    _remember(connection, ok=True,
              detail=f"Logged in: a new session token for {TOKEN_LIFETIME.days} days.")
    return True


def _remember(connection: Connection, *, ok: bool, detail: str) -> None:
    """Keep the renewal in the connection's history (its panel's "Renewals")."""
    with organization_scope(connection.organization):
        ConnectionCheck.objects.create(
            organization=connection.organization, connection=connection,
            kind=ConnectionCheck.Kind.RENEWAL, ok=ok, detail=detail[:500],
            actor_label="Token renewal job")
