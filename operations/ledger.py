"""The webhook ledger's counters, kept by the jobs that do the work.

- `count_arrivals` (the processing job, at the start of each run): the events stored since
  the last count, as received (and invalid), by the id they were stored with. The endpoint
  itself writes nothing but the event: its speed is the webhook's.
- `count_transitions` (the processing of a batch, a replay): what became of each event,
  from the state it was read in to the state it was left in.
- `note_missed_webhooks` (the message sync): inbound messages that no webhook announced.

Every counter is per own number and day (the organization's time zone: the day an event
came, or a missed message was sent). `rejected`, `unknown`, `retrying` and `gave_up` say
how many events are in that state now (a replay takes one out); the others only grow.
"""

import logging
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import Organization
from accounts.tenancy import organization_scope
from common.locks import job_lock
from messaging.models import Direction, EventState, MessagingNumber, WebhookEvent
from operations.models import ArrivalMark, MissedWebhook, WebhookDay

log = logging.getLogger(__name__)

# Events stored less than this long ago are counted by the next run: an id handed out
# by a statement that has not committed yet must not be passed over (PostgreSQL hands out
# ids before commit, so a later id can be visible first).
ARRIVAL_MARGIN = timedelta(seconds=5)
ARRIVAL_CHUNK = 5000
# How long a webhook may take after its message before the sync calls it missed: the sync
# often sees a message seconds before its webhook comes. Later syncs read the last
# SMS_SYNC_OVERLAP_MINUTES again, so a message is judged once it is this old.
MISSED_GRACE = timedelta(minutes=3)
# The start of a rejection's reason when the provider does not know the message at all
# (messaging.webhooks says it so).
UNKNOWN_TO_PROVIDER = "The provider does not know this message"
# Counters that say how many events are in a state now: they go down when one leaves it.
GAUGES = frozenset({"rejected", "unknown", "retrying", "gave_up"})

Key = tuple[int, date]  # (number id, day)


def local_day(moment: datetime, organization: Organization) -> date:
    return timezone.localtime(moment, organization.tzinfo).date()


def day_bounds(day: date, organization: Organization) -> tuple[datetime, datetime]:
    """The first moment of the day in the organization's time zone, and of the next."""
    tz = organization.tzinfo
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=tz)


def add(*, organization: Organization, counts: dict[Key, Counter],
        event_ids: dict[Key, tuple[int, int]] | None = None) -> None:
    """Add to the counters of each (number, day), creating its row the first time. Runs in
    the caller's transaction, if any; one UPDATE per row in the usual case."""
    event_ids = event_ids or {}
    with organization_scope(organization):
        for key in set(counts) | set(event_ids):
            number_id, day = key
            changes = {name: F(name) + n for name, n in counts.get(key, {}).items() if n}
            if key in event_ids:
                low, high = event_ids[key]
                # LEAST and GREATEST with NULL differ between databases: COALESCE first.
                changes["first_event_id"] = Least(Coalesce("first_event_id", Value(low)), low)
                changes["last_event_id"] = Greatest(Coalesce("last_event_id", Value(high)),
                                                    high)
            if not changes:
                continue
            rows = WebhookDay.objects.filter(number_id=number_id, day=day)
            if rows.update(**changes):
                continue
            try:
                with transaction.atomic():
                    WebhookDay.objects.create(organization=organization, number_id=number_id,
                                              day=day)
            except IntegrityError:
                pass  # created meanwhile by another job
            rows.update(**changes)


# --- Arrivals --------------------------------------------------------------------------

def count_arrivals(*, now: datetime | None = None) -> int:
    """Count the webhook events stored since the last count into the ledger (received, and
    invalid: refused when they came, so never processed). Returns how many were counted.
    One counter at a time (a lock): a second run finds it taken and leaves."""
    now = now or timezone.now()
    counted = 0
    mark = ArrivalMark.objects.filter(name="webhooks").first()
    with scopes_disabled():
        waiting = WebhookEvent.objects.filter(id__gt=mark.last_event_id if mark else 0,
                                              received_at__lt=now - ARRIVAL_MARGIN)
        if not waiting.exists():
            # Most runs: nothing new to count, and no lock taken (two writes saved).
            return 0
    with job_lock("ledger_arrivals") as acquired:
        if not acquired:
            return 0
        mark, _ = ArrivalMark.objects.get_or_create(name="webhooks")
        while True:
            done, last_id, full = _count_chunk(mark.last_event_id, now - ARRIVAL_MARGIN)
            if last_id == mark.last_event_id:
                break
            counted += done
            mark.last_event_id = last_id
            if not full:
                break
    return counted


def _count_chunk(after: int, before: datetime) -> tuple[int, int, bool]:
    """Count the next events after id `after` stored before `before`; returns how many
    were counted, the new mark, and whether more may follow."""
    with scopes_disabled():
        rows = list(WebhookEvent.objects.filter(id__gt=after).order_by("id").values_list(
            "id", "organization_id", "number_id", "received_at", "state")[:ARRIVAL_CHUNK])
    young = next((i for i, row in enumerate(rows) if row[3] >= before), None)
    full = len(rows) == ARRIVAL_CHUNK and young is None
    rows = rows[:young]
    if not rows:
        return 0, after, False
    zones = {o.pk: o for o in Organization.objects.filter(pk__in={r[1] for r in rows})}
    counts: dict[int, dict[Key, Counter]] = defaultdict(lambda: defaultdict(Counter))
    ids: dict[int, dict[Key, tuple[int, int]]] = defaultdict(dict)
    for event_id, organization_id, number_id, received_at, state in rows:
        if number_id is None or organization_id not in zones:
            continue  # its number was deleted: no row of the ledger to count it in
        key = (number_id, local_day(received_at, zones[organization_id]))
        counts[organization_id][key]["received"] += 1
        if state == EventState.INVALID:
            counts[organization_id][key]["invalid"] += 1
        low, high = ids[organization_id].get(key, (event_id, event_id))
        ids[organization_id][key] = (min(low, event_id), max(high, event_id))
    last_id = rows[-1][0]
    with transaction.atomic():
        for organization_id, of_one in counts.items():
            add(organization=zones[organization_id], counts=of_one,
                event_ids=ids[organization_id])
        ArrivalMark.objects.filter(name="webhooks", last_event_id=after).update(
            last_event_id=last_id, counted_at=timezone.now())
    return len(rows), last_id, full


# --- What became of events -------------------------------------------------------------

def buckets(state: str, attempts: int, error: str, retry_limit: int) -> frozenset[str]:
    """The counters an event in this state belongs to."""
    if state == EventState.PROCESSED:
        return frozenset({"processed"})
    if state == EventState.REJECTED:
        if error.startswith(UNKNOWN_TO_PROVIDER):
            return frozenset({"rejected", "unknown"})
        return frozenset({"rejected"})
    if state == EventState.WAITING:
        return frozenset({"waited"})
    if state == EventState.FAILED:
        return frozenset({"retrying" if attempts < retry_limit else "gave_up"})
    return frozenset()


def transition(old: frozenset[str], new: frozenset[str]) -> Counter:
    """What an event's move from one state's counters to another's changes: entering a
    counter adds one; leaving a gauge takes one off (the others keep what happened)."""
    change = Counter()
    for name in new - old:
        change[name] += 1
    for name in (old - new) & GAUGES:
        change[name] -= 1
    return change


def count_transitions(*, organization: Organization,
                      changes: list[tuple[WebhookEvent, str, int, str]],
                      retry_limit: int) -> None:
    """Count what became of events: each (event as it was read, new state, new attempts,
    new error)."""
    counts: dict[Key, Counter] = defaultdict(Counter)
    for event, state, attempts, error in changes:
        if event.number_id is None:
            continue
        change = transition(buckets(event.state, event.attempts, event.error, retry_limit),
                            buckets(state, attempts, error, retry_limit))
        if change:
            counts[(event.number_id, local_day(event.received_at, organization))].update(change)
    if counts:
        add(organization=organization, counts=counts)


def count_replayed(*, organization: Organization, events: list[WebhookEvent]) -> None:
    counts: dict[Key, Counter] = defaultdict(Counter)
    for event in events:
        if event.number_id is not None:
            counts[(event.number_id, local_day(event.received_at, organization))]["replayed"] += 1
    add(organization=organization, counts=counts)


# --- Missed webhooks -------------------------------------------------------------------

def note_missed_webhooks(*, organization: Organization, incoming: list,
                         now: datetime | None = None) -> int:
    """Record the inbound messages of a sync page (messaging.ingest.IncomingMessage) that
    no webhook announced: of an active number, sent after it became active (the first
    sync's backfill is no miss), at least MISSED_GRACE ago, and within the days raw events
    are kept (older ones' events may have been pruned). Returns how many are new."""
    now = now or timezone.now()
    oldest = now - timedelta(days=settings.WEBHOOK_RETENTION_DAYS)
    inbound = [m for m in incoming
               if m.direction == Direction.INBOUND and oldest <= m.sent_at <= now - MISSED_GRACE]
    if not inbound:
        return 0
    with organization_scope(organization):
        numbers = {n.number: n for n in MessagingNumber.objects.filter(
            number__in={m.own_number for m in inbound}, activated_at__isnull=False)
            .only("id", "number", "activated_at")}
        candidates = {m.uuid: m for m in inbound if m.own_number in numbers
                      and m.sent_at >= numbers[m.own_number].activated_at}
        if not candidates:
            return 0
        seen = set(WebhookEvent.objects.filter(message_uuid__in=candidates)
                   .values_list("message_uuid", flat=True))
        seen |= set(MissedWebhook.objects.filter(message_uuid__in=candidates)
                    .values_list("message_uuid", flat=True))
        missed = [m for uuid, m in candidates.items() if uuid not in seen]
        if not missed:
            return 0
        counts: dict[Key, Counter] = defaultdict(Counter)
        rows = []
        for m in missed:
            number = numbers[m.own_number]
            rows.append(MissedWebhook(organization=organization, number=number,
                                      message_uuid=m.uuid, message_time=m.sent_at,
                                      found_at=now))
            counts[(number.pk, local_day(m.sent_at, organization))]["missed"] += 1
        with transaction.atomic():
            MissedWebhook.objects.bulk_create(rows)
            add(organization=organization, counts=counts)
    log.warning("the sync found %s messages of organization %s that no webhook announced",
                len(missed), organization.pk)
    return len(missed)
