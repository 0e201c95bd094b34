"""The notifications' job: e-mails that are due, for every organization with some waiting."""

import logging

from django_scopes import scopes_disabled

from accounts.jobs import organization_work
from accounts.models import Organization
from accounts.tenancy import organization_scope
from notifications.emails import send_due_emails
from notifications.models import Notification

log = logging.getLogger(__name__)


def send_notification_emails(organization_id: int | None = None) -> str:
    """Send the notification e-mails that are due (immediate ones, digests whose interval
    has passed), one organization at a time under its job lock."""
    with scopes_disabled():
        # The partial index notif_email_pending holds only the rows still waiting.
        ids = set(Notification.objects.filter(email_pending=True)
                  .values_list("organization_id", flat=True).distinct())
    if organization_id is not None:
        ids &= {organization_id}
    sent = 0
    for organization in Organization.objects.filter(pk__in=ids).order_by("pk"):
        with organization_work("send_notification_emails", organization) as acquired:
            if not acquired:
                continue  # another run is sending this organization's e-mails
            try:
                with organization_scope(organization):
                    sent += send_due_emails(organization=organization)
            except Exception:  # noqa: BLE001 - one organization must not stop the rest
                log.exception("Notification e-mails of organization %s failed",
                              organization.pk)
    return f"{sent} notification e-mails sent"
