"""Signal receivers: alerts from the fax events of a batch, and a new organization's
default rules."""

import logging

from django.db import transaction

from accounts.models import Organization
from accounts.tenancy import organization_scope
from events.models import Event, EventType
from fax_alerts import alerting
from fax_alerts.services import create_default_rules
from faxes.models import Fax, FaxStatus

log = logging.getLogger(__name__)


def may_alert(fax: dict) -> bool:
    """From an event's fax (events.payloads.fax_ref): whether a fax rule could hold for it
    now (stuck is the job's: it is about time passing, not a change)."""
    status = fax.get("status")
    return status == FaxStatus.FAILED or (
        status in alerting.NOT_FINAL and (fax.get("try_count") or 0) >= Fax.MAX_TRIES)


def alert_on_events(sender, organization: Organization, events: list[Event], **kwargs) -> None:
    """events.signals.events_emitted, in the transaction of the sync or lookup that stored
    the faxes: the batch's fax rows are read once, and only when one may alert. A failure
    here is logged and undone alone (a savepoint), never the faxes stored; the job finds
    what it missed."""
    faxes = [event.payload.get("fax") or {} for event in events
             if event.type == EventType.FAX_STATUS_CHANGED]
    ids = {fax["id"] for fax in faxes if may_alert(fax) and "id" in fax}
    if not ids:
        return
    try:
        with organization_scope(organization), transaction.atomic():
            alerting.alert_on_faxes(organization=organization,
                                    faxes=Fax.objects.filter(pk__in=ids))
    except Exception:  # noqa: BLE001 - see the docstring
        log.exception("Fax alerts of faxes %s failed", sorted(ids))


def give_default_rules(sender, instance: Organization, created: bool, raw: bool = False,
                       **kwargs) -> None:
    """post_save of Organization: a new organization starts with the default rules."""
    if created and not raw:
        create_default_rules(organization=instance)
