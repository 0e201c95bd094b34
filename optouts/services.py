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
from contacts.names import contacts_by_number
from events import payloads as event_payloads
from events.services import emit, emit_many
from optouts.models import OptOut, OptOutSource

OPTED_OUT = "opted_out"


HOW = {
    OptOutSource.MEMBER: "was added to the opt-out list by a member",
    OptOutSource.IMPORT: "was imported into the opt-out list",
    OptOutSource.API: "was added to the opt-out list through the API",
}


def how_opted_out(row: OptOut) -> str:
    """How the number came on the list, for people: 'replied "Stop"', 'was imported...'."""
    if row.source == OptOutSource.KEYWORD:
        return f'replied "{row.keyword}"' if row.keyword else "replied with an opt-out keyword"
    return HOW[row.source]


class OptedOut(Refused):
    """A send to numbers that opted out: the field `to` names each of them (E.164), with
    its contact's name, how and when."""

    def __init__(self, numbers: list[str], rows: Iterable[OptOut] = (),
                 contacts: dict | None = None):
        self.numbers = numbers
        rows = {row.number: row for row in rows}
        contacts = contacts or {}
        problems = []
        for number in numbers:
            who = (f"{contacts[number].name} ({number})" if number in contacts
                   else f"{display_number(number)} ({number})")
            row = rows.get(number)
            how = (f" ({how_opted_out(row)}, "
                   f"{row.created_at.astimezone(row.organization.tzinfo):%Y-%m-%d})"
                   if row else "")
            problems.append(f"{who} opted out of this organization's messages{how}: nothing "
                            f"was sent. Only a START texted by them opts them back in.")
        super().__init__({"to": problems}, code=OPTED_OUT)


def opted_out_numbers(*, organization: Organization, numbers: Iterable[str]) -> set[str]:
    """Which of `numbers` (E.164) opted out of the organization's messages: one query."""
    return set(opt_outs_of(organization=organization, numbers=numbers))


def opt_outs_of(*, organization: Organization, numbers: Iterable[str]) -> dict[str, OptOut]:
    """The opt-out of each of `numbers` (E.164) that opted out: one query."""
    numbers = set(numbers)
    if not numbers:
        return {}
    with organization_scope(organization):
        return {row.number: row for row in OptOut.objects.filter(number__in=numbers)
                .select_related("organization", "created_by")}


def refuse_opted_out(*, organization: Organization, numbers: Iterable[str]) -> None:
    """Raise OptedOut naming every one of `numbers` that opted out (in their order)."""
    numbers = list(numbers)
    refused = opt_outs_of(organization=organization, numbers=numbers)
    if refused:
        with organization_scope(organization):
            contacts = contacts_by_number(refused)
        raise OptedOut([number for number in numbers if number in refused],
                       refused.values(), contacts)


def opt_out(*, organization: Organization, number: str, source: str,
            user: User | None = None, keyword: str = "", note: str = "",
            actor_label: str = "", ip: str | None = None, now=None) -> tuple[OptOut, bool]:
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
                    keyword=keyword[:40], note=note[:200], created_by=user,
                    created_at=now)
                event = event_payloads.opt_out_event(
                    opted_out=True, number=number, source=source, keyword=keyword, at=now)
                emit(organization=organization, type=event.type, subject=event.subject,
                     payload=event.payload)
        except IntegrityError:
            # Opted out at the same moment by another request (two STOPs at once).
            return OptOut.objects.get(number=number), False
    audit(organization=organization, action="optout.added", actor=user,
          actor_label=actor_label, target=number, ip=ip,
          detail={"source": source, "keyword": keyword[:40], "note": note[:200]})
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


IMPORT_CHUNK = 1000


def numbers_on_list(*, organization: Organization, numbers: Iterable[str]) -> set[str]:
    """Which of `numbers` are on the list, read a chunk at a time (an import's thousands)."""
    numbers, found = list(numbers), set()
    with organization_scope(organization):
        for start in range(0, len(numbers), IMPORT_CHUNK):
            found |= set(OptOut.objects.filter(number__in=numbers[start:start + IMPORT_CHUNK])
                         .values_list("number", flat=True))
    return found


def import_opt_outs(*, organization: Organization, entries: dict[str, str],
                    user: User | None, actor_label: str = "", ip: str | None = None,
                    now=None) -> int:
    """Put the numbers of `entries` ({E.164: note}) on the list, source import; numbers
    already there keep their opt-out. One audit entry for the import, a contact.opted_out
    event per number added. Returns how many were added."""
    now = now or timezone.now()
    with organization_scope(organization), transaction.atomic():
        known = numbers_on_list(organization=organization, numbers=entries)
        new = [number for number in entries if number not in known]
        OptOut.objects.bulk_create(
            [OptOut(organization=organization, number=number, source=OptOutSource.IMPORT,
                    note=entries[number][:200], created_by=user, created_at=now)
             for number in new], ignore_conflicts=True, batch_size=IMPORT_CHUNK)
        contacts = {}
        for start in range(0, len(new), IMPORT_CHUNK):
            contacts |= contacts_by_number(new[start:start + IMPORT_CHUNK])
        emit_many(organization=organization, events=[event_payloads.opt_out_event(
            opted_out=True, number=number, source=OptOutSource.IMPORT, keyword="", at=now,
            contacts=contacts) for number in new])
    audit(organization=organization, action="optout.imported", actor=user,
          actor_label=actor_label, target=f"{len(new)} numbers", ip=ip,
          detail={"added": len(new), "already": len(entries) - len(new),
                  "first": new[:20]})
    return len(new)


__all__ = ["OPTED_OUT", "OptOutSource", "OptedOut", "how_opted_out", "opt_in", "opt_out",
           "opt_outs_of", "opted_out_numbers", "import_opt_outs", "numbers_on_list",
           "refuse_opted_out"]
