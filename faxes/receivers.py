"""What the faxes app does when something happens elsewhere: a fax connection added starts
the backfill of its past days (accounts sends the signal; it may not import faxes)."""

from django.conf import settings
from django.dispatch import receiver
from django.utils import timezone

from accounts.connection_signals import connection_added
from accounts.models import Connection
from faxes import backfill


@receiver(connection_added, sender=Connection)
def backfill_new_fax_connection(sender, connection, **kwargs):
    """Its days are set at once (the pages show "history: 0 of 30 days fetched" from the
    first minute) and fetched by the job cluster once the connection is committed."""
    if connection.kind == Connection.Kind.FAX:
        backfill.start(organization=connection.organization, connection=connection,
                       days=settings.FAX_BACKFILL_DAYS, now=timezone.now())
        backfill.queue(organization=connection.organization)
