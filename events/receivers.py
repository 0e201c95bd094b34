"""Events of apps below this one: accounts sends signals about its connections (it may not
import events), and they become connection.failing and connection.recovered here, in the
transaction of the change."""

from django.dispatch import receiver
from django.utils import timezone

from accounts.connection_signals import connection_failing, connection_recovered
from events import payloads
from events.services import emit


@receiver(connection_failing, dispatch_uid="events.connection_failing")
def connection_is_failing(sender, connection, **kwargs):
    event = payloads.connection_failing_event(connection)
    emit(organization=connection.organization, type=event.type, subject=event.subject,
         payload=event.payload)


@receiver(connection_recovered, dispatch_uid="events.connection_recovered")
def connection_has_recovered(sender, connection, failing_since, reason, **kwargs):
    event = payloads.connection_recovered_event(connection, failing_since=failing_since,
                                                reason=reason, recovered_at=timezone.now())
    emit(organization=connection.organization, type=event.type, subject=event.subject,
         payload=event.payload)
