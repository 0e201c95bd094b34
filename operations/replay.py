"""Raw webhook events: a day's list, one event to inspect, and replays.

A replay runs the stored event through the same processing as when it came
(messaging.webhooks.process_batch), which is idempotent: a message is one row by its
uuid, a status only moves forward, and an event once processed stays processed with
nothing written, so replaying it changes nothing.

- One event is processed at once, while the admin waits, under the organization's lock of
  the processing job (if a run holds it, the admin is asked to try again in a moment).
- A day's events not settled (rejected, or failed, retries given up included) are put
  back as pending with their attempts reset, and the processing job is queued: the
  pipeline itself processes them, with its lock, batches and retries.
"""

import functools
import json
from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from accounts.jobs import lock_name
from accounts.models import Organization, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from common.locks import job_lock
from common.redaction import redact
from messaging.models import EventState, MessagingNumber, WebhookEvent
from messaging.wakeup import PROCESSING_JOB, queue_processing
from messaging.webhooks import RETRY_LIMIT, process_batch
from operations import ledger
from operations.models import ArrivalMark, WebhookDay

# What a day's replay puts back to be processed: what did not come through.
REPLAYED_BY_DAY = (EventState.REJECTED, EventState.FAILED)
CHUNK = 500


class NotReplayable(Exception):
    """The event cannot be processed again; the message says why, for people."""


def day_events(*, organization: Organization, number: MessagingNumber,
               day: date) -> QuerySet:
    """The events of one number and day (the current scope), read by id range where the
    ledger knows it: the table has no index on the time events came."""
    start, end = ledger.day_bounds(day, organization)
    events = WebhookEvent.objects.filter(number=number, received_at__gte=start,
                                         received_at__lt=end)
    row = WebhookDay.objects.filter(number=number, day=day).first()
    if row is not None and row.first_event_id is not None:
        events = events.filter(id__gte=row.first_event_id)
        mark = ArrivalMark.objects.filter(name="webhooks").first()
        if mark is not None and mark.counted_at and mark.counted_at >= end + ledger.ARRIVAL_MARGIN:
            # Counted after the day was over: every event of the day is in the range.
            events = events.filter(id__lte=row.last_event_id)
    return events


def inspect(event: WebhookEvent) -> dict:
    """What the event page shows: the kept headers and the body (pretty JSON when it is
    JSON), with webhook secrets cut out; the body never had more than the provider sent
    (and a deleted message's text is taken out of it: messaging.webhooks)."""
    raw = bytes(event.body)
    try:
        body = json.dumps(json.loads(raw), indent=2, ensure_ascii=False, sort_keys=True)
    except ValueError:
        body = raw.decode("utf-8", errors="replace")
    headers = {name: redact(str(value)) for name, value in sorted(event.headers.items())}
    return {"headers": headers, "body": redact(body)}


def replay_event(*, organization: Organization, event: WebhookEvent, actor: User | None,
                 ip: str | None = None) -> WebhookEvent:
    """Process one stored event again, now; returns it as it is afterwards."""
    if event.state == EventState.INVALID:
        raise NotReplayable("This request was not a valid event when it came: there is "
                            "nothing to process.")
    # Events that came meanwhile found the lock held and asked for another round, which a
    # replay does not run: the processing job is queued for them.
    with job_lock(lock_name(PROCESSING_JOB, organization.pk),
                  when_asked=functools.partial(queue_processing, organization.pk)) as acquired:
        if not acquired:
            raise NotReplayable("The webhook processing job is running for this "
                                "organization right now: replay the event again in a moment.")
        process_batch(organization=organization, events=[event])
        with organization_scope(organization):
            ledger.count_replayed(organization=organization, events=[event])
            after = WebhookEvent.objects.get(pk=event.pk)
    audit(organization=organization, action="webhook.replayed", actor=actor,
          target=f"event {event.pk}", detail={"before": event.state, "after": after.state},
          ip=ip)
    return after


def replay_day(*, organization: Organization, number: MessagingNumber, day: date,
               actor: User | None, ip: str | None = None) -> int:
    """Put the day's rejected and failed events of the number back to be processed and
    queue the processing job; returns how many. Replaying a day again while they wait
    finds none: they are pending."""
    put_back = 0
    with organization_scope(organization):
        events = day_events(organization=organization, number=number, day=day).filter(
            state__in=REPLAYED_BY_DAY).order_by("id")
        after = 0
        while True:
            with transaction.atomic():
                # Locked as read, so the processing job cannot move them in between.
                chunk = list(events.filter(id__gt=after).select_for_update()
                             .only("id", "number_id", "received_at", "state", "attempts",
                                   "error")[:CHUNK])
                if not chunk:
                    break
                WebhookEvent.objects.filter(pk__in=[e.pk for e in chunk]).update(
                    state=EventState.PENDING, attempts=0, error="", processed_at=None)
                _count_put_back(organization, chunk)
            put_back += len(chunk)
            after = chunk[-1].pk
    if put_back:
        queue_processing(organization.pk, task_name=f"{PROCESSING_JOB} (replay)")
    audit(organization=organization, action="webhook.day_replayed", actor=actor,
          target=f"{number.number} {day.isoformat()}", detail={"events": put_back}, ip=ip)
    return put_back


def _count_put_back(organization: Organization, events: list[WebhookEvent]) -> None:
    """The ledger of events put back as pending: out of their state's counter, replayed."""
    ledger.count_transitions(
        organization=organization,
        changes=[(e, EventState.PENDING, 0, "") for e in events], retry_limit=RETRY_LIMIT)
    ledger.count_replayed(organization=organization, events=events)
