"""Opting numbers out of an organization's messages and back in, and refusing to text them.

Every send goes through `messaging.sending.send_message`, which calls `refuse_opted_out`
before anything reaches the provider: the composer, replies, the API, scheduled and bulk
sends are all refused in that one place.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from common.phone import display_number
from common.refusals import Refused
from events import payloads as event_payloads
from events.services import emit
from optouts.models import OptOut, OptOutSource

OPTED_OUT = "opted_out"


class OptedOut(Refused):
    """A send to numbers that opted out: the field `to` names each of them."""

    def __init__(self, numbers: list[str]):
        self.numbers = numbers
        super().__init__({"to": [f"{number} opted out of this organization's messages "
                                 f"(replied STOP or was added to the opt-out list): "
                                 f"{display_number(number)} cannot be texted."
                                 for number in numbers]}, code=OPTED_OUT)


def opted_out_numbers(*, organization: Organization, numbers: Iterable[str]) -> set[str]:
    """Which of `numbers` (E.164) opted out of the organization's messages: one query."""
    numbers = set(numbers)
    if not numbers:
        return set()
    with organization_scope(organization):
        return set(OptOut.objects.filter(number__in=numbers)
                   .values_list("number", flat=True))


def refuse_opted_out(*, organization: Organization, numbers: Iterable[str]) -> None:
    """Raise OptedOut naming every one of `numbers` that opted out (in their order)."""
    numbers = list(numbers)
    refused = opted_out_numbers(organization=organization, numbers=numbers)
    if refused:
        raise OptedOut([number for number in numbers if number in refused])


def opt_out(*, organization: Organization, number: str, source: str,
            user: User | None = None, keyword: str = "", actor_label: str = "",
            ip: str | None = None, now=None) -> tuple[OptOut, bool]:
    """Put `number` (E.164) on the organization's opt-out list; (row, whether it is new).
    A number already there keeps its first opt-out; only a new one is audited and emits
    contact.opted_out."""
    now = now or timezone.now()
    with organization_scope(organization):
        existing = OptOut.objects.filter(number=number).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                row = OptOut.objects.create(
                    organization=organization, number=number, source=source,
                    keyword=keyword[:40], created_by=user, created_at=now)
                event = event_payloads.opt_out_event(
                    opted_out=True, number=number, source=source, keyword=keyword, at=now)
                emit(organization=organization, type=event.type, subject=event.subject,
                     payload=event.payload)
        except IntegrityError:
            # Opted out at the same moment by another request (two STOPs at once).
            return OptOut.objects.get(number=number), False
    audit(organization=organization, action="optout.added", actor=user,
          actor_label=actor_label, target=number, ip=ip,
          detail={"source": source, "keyword": keyword[:40]})
    return row, True


def opt_in(*, organization: Organization, number: str, source: str,
           user: User | None = None, keyword: str = "", actor_label: str = "",
           ip: str | None = None, now=None) -> bool:
    """Take `number` off the opt-out list (START, or a member's decision); whether it was
    on it. Emits contact.opted_in and is audited when it was."""
    now = now or timezone.now()
    with organization_scope(organization), transaction.atomic():
        row = OptOut.objects.select_for_update().filter(number=number).first()
        if row is None:
            return False
        row.delete()
        event = event_payloads.opt_out_event(
            opted_out=False, number=number, source=source, keyword=keyword, at=now)
        emit(organization=organization, type=event.type, subject=event.subject,
             payload=event.payload)
    audit(organization=organization, action="optout.removed", actor=user,
          actor_label=actor_label, target=number, ip=ip,
          detail={"source": source, "keyword": keyword[:40]})
    return True


__all__ = ["OPTED_OUT", "OptOutSource", "OptedOut", "opt_in", "opt_out", "opted_out_numbers",
           "refuse_opted_out"]
