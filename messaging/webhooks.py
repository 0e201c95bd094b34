"""The provider's webhooks: the endpoint that stores them, and the job that processes them.

The endpoint writes the raw request first and answers at once; it never calls the provider.
Processing happens in a django-q2 job that takes pending events in batches, so a burst of a
thousand events is a handful of jobs, and a periodic run picks up whatever a stopped worker
left behind. Processing is idempotent: the same event twice changes nothing.
"""

import functools
import hmac
import json
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotFound, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django_scopes import scopes_disabled

import axion
from accounts.models import Organization
from accounts.tenancy import organization_scope
from axion.errors import AxionError
from axion.sms import SmsMessage
from common.addresses import client_ip
from common.ratelimit import over_limit
from messaging.events import NEW_SMS, Event, InvalidEvent, check_event, parse_event
from messaging.ingest import (
    IncomingMessage,
    apply_status,
    incoming_from_provider,
    record_messages,
)
from messaging.models import (
    EventState,
    Message,
    MessageStatus,
    MessagingNumber,
    WebhookEvent,
    secret_digest,
)
from messaging.services import sms_connection
from messaging.wakeup import kick_processing
from operations.ledger import UNKNOWN_TO_PROVIDER, count_transitions

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1_000_000
BATCH_SIZE = 200
# Headers worth keeping for inspection; never cookies or credentials.
KEPT_HEADERS = ("CONTENT_TYPE", "CONTENT_LENGTH", "HTTP_USER_AGENT", "HTTP_X_FORWARDED_FOR",
                "HTTP_X_REQUEST_ID", "REMOTE_ADDR")
# Each run (and each of its rounds) tries a failed event once, and the periodic run comes
# every minute: an event whose confirmation keeps failing is given up (state failed, kept)
# after at most about an hour, sooner while new events keep waking runs.
RETRY_LIMIT = 60
# On SQLite, how long a webhook waits in all for another writer's lock (each try waits the
# database's busy timeout): well inside gunicorn's request timeout.
SQLITE_BUSY_WAIT = 30


def number_for_secret(secret: str) -> MessagingNumber | None:
    """The active number whose webhook secret this is, for the rare answer that needs it
    before anything is stored (a body too large): an inactive one is no number, like an
    unknown secret. The lookup is by SHA-256 digest, so its timing says nothing about the
    secret; the final comparison is constant-time anyway."""
    wanted = secret_digest(secret)
    with scopes_disabled():
        # Only what the endpoint needs: no join, no decryption.
        found = list(MessagingNumber.objects.only("id", "organization_id",
                                                  "webhook_secret_digest")
                     .filter(webhook_secret_digest=wanted, activated_at__isnull=False)
                     .order_by()[:1])
    number = found[0] if found else None
    if number is None or not hmac.compare_digest(number.webhook_secret_digest, wanted):
        return None
    return number


def store_event(secret: str, *, body: bytes, headers: dict, event_type: str,
                message_uuid: str, state: str, error: str) -> int | None:
    """Store one webhook request for the active number whose secret this is, in one
    statement (INSERT ... SELECT from the number by digest); return the number's id, or None
    when the secret is no active number's and nothing was stored (a number is active once
    the provider accepted its webhook for the organization: docs/provider.md quirk 14).

    One round trip instead of a lookup and an insert. The database matches the secret's
    SHA-256 digest, so how long that comparison takes says nothing about the secret itself.
    """
    params = [connection.ops.adapt_datetimefield_value(timezone.now()),
              connection.ops.adapt_json_value(headers, None), body, event_type, message_uuid,
              state, error, secret_digest(secret)]
    reconnected = False
    waiting_since = time.monotonic()
    while True:
        try:
            with connection.cursor() as cursor:
                cursor.execute(_store_sql(), params)
                row = cursor.fetchone()
            return row[0] if row else None
        except (OperationalError, InterfaceError) as error:
            if _sqlite_busy(error) and time.monotonic() - waiting_since < SQLITE_BUSY_WAIT:
                # Another writer held SQLite's lock past the busy timeout: the provider does
                # not retry, so this one request waits longer rather than lose its event.
                continue
            # A persistent connection the server dropped (a restart, a failover): the
            # provider does not retry, so try once more on a new connection. The insert
            # did not happen or, at worst, happened twice; processing is idempotent.
            if reconnected or connection.in_atomic_block or connection.is_usable():
                raise
            connection.close()
            reconnected = True


def _sqlite_busy(error: Exception) -> bool:
    """Whether SQLite refused the write because another connection holds the lock."""
    return getattr(error.__cause__, "sqlite_errorname", "") == "SQLITE_BUSY"


@functools.cache
def _store_sql() -> str:
    quote = connection.ops.quote_name
    columns = ("received_at", "headers", "body", "event_type", "message_uuid", "state",
               "error")
    # Only names from the models and placeholders: no value is formatted in.
    return (f"INSERT INTO {quote(WebhookEvent._meta.db_table)} "  # noqa: S608
            f"(organization_id, number_id, {', '.join(columns)}, attempts) "
            f"SELECT organization_id, id, {', '.join(['%s'] * len(columns))}, 0 "
            f"FROM {quote(MessagingNumber._meta.db_table)} WHERE webhook_secret_digest = %s "
            f"AND {quote(MessagingNumber._meta.get_field('activated_at').column)} IS NOT NULL "
            "RETURNING number_id")


def _unknown_secret():
    return _unlogged(HttpResponseNotFound("Unknown webhook.", content_type="text/plain"),
                     "unknown secret")


def _too_large(request) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


def _unlogged(response, why: str, number_id: int | None = None):
    """The response, with a log line that says why without the path: the path holds the
    secret (Django's own line for a 4xx has it cut out by common.logs.ContextFilter)."""
    log.warning("webhook answered %s (%s) for number %s", response.status_code, why,
                number_id or "unknown")
    return response


@csrf_exempt
def receive_webhook(request, secret):
    if request.method != "POST":
        # Not require_POST: it logs the path, secret included.
        return _unlogged(HttpResponseNotAllowed(["POST"]), "not a POST")
    # Counted per client address, known secret or not: a flood from one address cannot
    # use up the provider's allowance.
    retry_after = over_limit(f"webhook:{client_ip(request)}",
                             limit=settings.WEBHOOK_RATE_PER_MINUTE)
    if retry_after:
        response = JsonResponse({"error": "Too many requests from this address."}, status=429)
        response["Retry-After"] = str(retry_after)
        return _unlogged(response, "rate limited")
    body = None if _too_large(request) else request.read(MAX_BODY_BYTES + 1)
    if body is None or len(body) > MAX_BODY_BYTES:
        # Rare, so the number is looked up first: an unknown secret stays a 404.
        number = number_for_secret(secret)
        if number is None:
            return _unknown_secret()
        return _unlogged(JsonResponse({"error": "The body is larger than 1 MB."}, status=413),
                         "body too large", number.pk)
    try:
        (event_type, message_uuid), error = check_event(body), ""
    except InvalidEvent as invalid:
        event_type, message_uuid, error = "", "", str(invalid)[:500]
    number_id = store_event(
        secret, body=body,
        headers={k: request.META[k] for k in KEPT_HEADERS if k in request.META},
        event_type=event_type, message_uuid=message_uuid,
        state=EventState.INVALID if error else EventState.PENDING, error=error)
    if number_id is None:
        return _unknown_secret()
    if error:
        return _unlogged(JsonResponse({"error": error}, status=400), "invalid event",
                         number_id)
    kick_processing()
    return HttpResponse(b'{"status": "accepted"}', content_type="application/json")


def pending_organizations() -> list[int]:
    with scopes_disabled():
        return list(WebhookEvent.objects.filter(
            state__in=(EventState.PENDING, EventState.FAILED), attempts__lt=RETRY_LIMIT)
            .values_list("organization_id", flat=True).distinct().order_by("organization_id"))


def process_organization_events(organization: Organization) -> int:
    """Process the organization's pending events in batches until none is left."""
    processed, after = 0, 0
    states = (EventState.PENDING, EventState.FAILED)
    while True:
        # Each event at most once per run: one that fails now waits for the next run
        # instead of using up its attempts at once.
        with organization_scope(organization):
            batch = list(WebhookEvent.objects.filter(
                state__in=states, attempts__lt=RETRY_LIMIT, id__gt=after).order_by("id")
                [:BATCH_SIZE])
        if not batch and states != (EventState.PENDING,):
            # Once more from the start for pending events only: status updates that were
            # waiting for a message this run recorded, put back to be confirmed.
            states, after = (EventState.PENDING,), 0
            continue
        if not batch:
            return processed
        process_batch(organization=organization, events=batch)
        processed += len(batch)
        after = batch[-1].pk


def _confirmed(organization: Organization, events: list[tuple[WebhookEvent, Event]]):
    """Events checked against getSMS by uuid, since webhooks are unsigned: yields (event
    row, provider message or None if unknown) and raises AxionError on failure."""
    connection = sms_connection(organization)
    if connection is None:
        raise AxionError("This organization has no SMS connection to confirm messages with.")
    with axion.client_for(connection) as client:
        for row, event in events:
            found = client.get_sms(uuid=event.uuid)
            yield row, next((m for m in found if m.uuid == event.uuid), None)


@dataclass
class _Outcome:
    """What becomes of each event of a batch."""

    done: list[WebhookEvent] = field(default_factory=list)
    waiting: list[WebhookEvent] = field(default_factory=list)
    rejected: dict[str, list[WebhookEvent]] = field(default_factory=dict)  # by reason
    failed: dict[int, str] = field(default_factory=dict)  # event id: error

    def reject(self, row: WebhookEvent, reason: str) -> None:
        self.rejected.setdefault(reason, []).append(row)


def _provider_view(organization, events, outcome: _Outcome) -> dict[int, SmsMessage | None]:
    """The provider's copy of each event's message by event id (None: unknown to it). On a
    failure, the events not asked about yet are failed, to be retried by the next run."""
    view: dict[int, SmsMessage | None] = {}
    if not events:
        return view
    try:
        for row, found in _confirmed(organization, events):
            view[row.pk] = found
    except AxionError as error:
        log.warning("could not confirm webhook events of organization %s: %s",
                    organization.pk, type(error).__name__)
        outcome.failed.update({row.pk: str(error)[:500] for row, _ in events
                               if row.pk not in view})
    return view


def process_batch(*, organization: Organization, events: list[WebhookEvent]) -> None:
    """Store the batch's new messages and apply its status updates. With
    WEBHOOK_CONFIRM_NEW_SMS, both are first confirmed with getSMS by uuid: a newSMS shows
    the provider's copy, an updatedSMS is applied only when the provider reports the same
    status; anything else is rejected and kept with the reason."""
    now = timezone.now()
    confirm = settings.WEBHOOK_CONFIRM_NEW_SMS
    parsed = [(row, parse_event(bytes(row.body))) for row in events]
    new_sms = [(row, e) for row, e in parsed if e.kind == NEW_SMS]
    updates = [(row, e) for row, e in parsed if e.kind != NEW_SMS]
    outcome = _Outcome()

    view = {}
    if confirm:
        # Updates of a message not stored yet wait for it unasked; those whose message
        # comes in this batch are asked about with it.
        with organization_scope(organization):
            known = set(Message.objects.filter(uuid__in={e.uuid for _, e in updates})
                        .values_list("uuid", flat=True))
        known |= {e.uuid for _, e in new_sms}
        view = _provider_view(organization, new_sms + [(r, e) for r, e in updates
                                                         if e.uuid in known], outcome)

    incoming = []
    for row, event in new_sms:
        if not confirm:
            incoming.append(_incoming_from_event(event))
            outcome.done.append(row)
        elif row.pk in view and view[row.pk] is None:
            outcome.reject(row, f"{UNKNOWN_TO_PROVIDER}: not shown.")
        elif row.pk in view:
            incoming.append(incoming_from_provider(view[row.pk]))
            outcome.done.append(row)

    with organization_scope(organization):
        record_messages(organization=organization, incoming=incoming)
        stored = {m.uuid: m for m in Message.objects.filter(uuid__in={e.uuid for _, e in updates})}
        for row, event in updates:
            _settle_update(row, event, stored.get(event.uuid), view, outcome, confirm)
        _keep_processed(outcome, events)
        # The states and the ledger's counters of them change together.
        with transaction.atomic():
            _mark(outcome.done, EventState.PROCESSED, now)
            _mark(outcome.waiting, EventState.WAITING, now)
            for reason, rows in outcome.rejected.items():
                _mark(rows, EventState.REJECTED, now, error=reason)
            for pk, error in outcome.failed.items():
                # Retried by the next run until RETRY_LIMIT attempts.
                WebhookEvent.objects.filter(pk=pk).update(
                    state=EventState.FAILED, error=error, attempts=F("attempts") + 1)
            count_transitions(organization=organization, changes=_changes(outcome, events),
                              retry_limit=RETRY_LIMIT)


def _keep_processed(outcome: _Outcome, events: list[WebhookEvent]) -> None:
    """An event once processed stays processed, with nothing written: processing it again
    (a replay) changes nothing, even when the provider no longer knows its message."""
    settled = {row.pk for row in events if row.state == EventState.PROCESSED}
    if not settled:
        return
    outcome.done = [row for row in outcome.done if row.pk not in settled]
    outcome.waiting = [row for row in outcome.waiting if row.pk not in settled]
    outcome.rejected = {reason: kept for reason, rows in outcome.rejected.items()
                        if (kept := [row for row in rows if row.pk not in settled])}
    outcome.failed = {pk: error for pk, error in outcome.failed.items() if pk not in settled}


def _changes(outcome: _Outcome, events: list[WebhookEvent]) -> list[tuple]:
    """(event as read, new state, new attempts, new error) of each event the batch moved,
    for the ledger."""
    by_pk = {row.pk: row for row in events}
    changes = [(row, EventState.PROCESSED, row.attempts, "") for row in outcome.done]
    changes += [(row, EventState.WAITING, row.attempts, "") for row in outcome.waiting]
    changes += [(row, EventState.REJECTED, row.attempts, reason)
                for reason, rows in outcome.rejected.items() for row in rows]
    changes += [(by_pk[pk], EventState.FAILED, by_pk[pk].attempts + 1, error)
                for pk, error in outcome.failed.items()]
    return changes


def _settle_update(row: WebhookEvent, event: Event, message: Message | None,
                   view: dict, outcome: _Outcome, confirm: bool) -> None:
    """Apply one updatedSMS, or say why not. Unconfirmed, it is applied as it came."""
    if row.pk in outcome.failed:
        return
    if message is None:
        outcome.waiting.append(row)
        return
    if confirm and row.pk not in view:
        # Its message was stored by another process after this batch asked: it stays
        # pending, and the next run confirms it.
        return
    if confirm:
        found = view[row.pk]
        if found is None:
            outcome.reject(row, f"{UNKNOWN_TO_PROVIDER}: not applied.")
            return
        reported, claimed = (MessageStatus.from_provider(found.status),
                             MessageStatus.from_provider(event.status))
        if reported != claimed:
            outcome.reject(row, f"Axion reports this message as {reported}, not {claimed}: "
                                "not applied.")
            return
    apply_status(message=message, status=event.status)
    outcome.done.append(row)


def redact_message_events(*, message_uuid: str) -> int:
    """Take a deleted message's text out of the stored webhook bodies that carry it (a
    newSMS), in the current organization's scope. Each row keeps its state and the rest of
    its body, so it can still be processed and inspected. Returns how many were redacted."""
    redacted = 0
    for event in WebhookEvent.objects.filter(message_uuid=message_uuid).only("id", "body"):
        try:
            payload = json.loads(bytes(event.body))
        except ValueError:
            continue  # stored with a uuid, so it was checked as JSON; never seen
        if isinstance(payload, dict) and payload.get("text"):
            payload["text"] = ""
            WebhookEvent.objects.filter(pk=event.pk).update(body=json.dumps(payload).encode())
            redacted += 1
    return redacted


def _incoming_from_event(event: Event) -> IncomingMessage:
    return IncomingMessage(uuid=event.uuid, own_number=event.own_number, source=event.source,
                           destinations=event.destinations, text=event.text,
                           status=MessageStatus.RECEIVED, sent_at=event.time,
                           media=event.media)


def _mark(rows: list[WebhookEvent], state: str, now, error: str = "") -> None:
    if rows:
        WebhookEvent.objects.filter(pk__in=[r.pk for r in rows]).update(
            state=state, processed_at=now if state != EventState.WAITING else None,
            error=error)
