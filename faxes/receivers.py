"""What the faxes app does when something happens elsewhere: a fax connection added starts
the backfill of its past days (accounts sends the signal; it may not import faxes)."""

from django.conf import settings
from django.dispatch import receiver

from accounts.connection_signals import connection_added
from accounts.models import Connection
from faxes import backfill


@receiver(connection_added, sender=Connection)
def backfill_new_fax_connection(sender, connection, **kwargs):
    if connection.kind == Connection.Kind.FAX:
        backfill.queue(organization=connection.organization, days=settings.FAX_BACKFILL_DAYS)
