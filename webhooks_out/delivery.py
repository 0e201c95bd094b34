"""Delivering due webhooks: at least once, in order per subject, retried for about a day.

What the delivery job does for one organization (`deliver_organization`), in batches
until nothing is due or the organization's time budget is spent:

- Due: a delivery pending or failed whose `next_attempt_at` has come, of an enabled
  endpoint (a test event goes even to a disabled one), and with no older unfinished
  delivery of the same endpoint and subject. That is the order per subject: the events of
  one conversation (or fax, or connection) reach an endpoint in the order they happened,
  each waiting while the one before it is retried. The price is head-of-line blocking: a
  delivery that keeps failing holds back its subject's later ones until it succeeds or is
  abandoned (about a day); other subjects go on. An abandoned one holds nothing back.
- Each is POSTed through common.outbound (https to public addresses unless the operator
  listed the host, the address checked again when connecting, no redirect followed, a
  total deadline, the answer read up to ANSWER_CAP), signed (signing.py), with one pooled
  session per endpoint for the run, so that a burst of deliveries reuses its connections.
- A 2xx answer delivers it. Anything else (a timeout, a refused connection, a refused
  address, a 3xx, 4xx or 5xx) fails the attempt, and it is tried again after the next
  step of RETRY_STEPS with full jitter (a random wait between 0 and the step, so that
  deliveries that failed together do not all come back together), or after what the
  answer's `Retry-After` asks (seconds or an HTTP date, at most RETRY_AFTER_CAP). Once the
  next try would come after its `retry_until` (WEBHOOK_DELIVERY_RETRY_HOURS after it was
  made, 24 by default) it is abandoned; "send again" gives it another day.
- An endpoint whose attempts have all failed for WEBHOOK_ENDPOINT_DISABLE_DAYS is turned
  off, its admins told (an audit entry, an e-mail to owners and admins, and the
  `endpoint_disabled` signal for in-app notifications). Its deliveries wait; turning it
  on again sends them.

At least once: a result is written after its POST, so a process that dies in between
sends that delivery again; every attempt carries the same `webhook-id`, by which the
receiver drops what it already has.
"""

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Min, Q
from django.urls import reverse
from django.utils import timezone
from urllib3.exceptions import NameResolutionError

from accounts.models import Membership, Organization, Role
from accounts.services import audit
from accounts.tenancy import organization_scope
from common import outbound
from webhooks_out import signing
from webhooks_out.models import UNFINISHED, Attempt, Delivery, DeliveryState, Endpoint
from webhooks_out.policy import policy_for
from webhooks_out.signals import endpoint_disabled

log = logging.getLogger(__name__)

# Waits after the 1st, 2nd, ... failed attempt, in seconds; then RETRY_STEPS[-1] each time.
# With full jitter a wait is drawn between 0 and its step: on average the first nine
# retries take about 8 hours, and 4-hourly ones fill the rest of the day.
RETRY_STEPS = (5, 30, 120, 600, 1800, 3600, 7200, 14400, 28800)
MIN_WAIT_SECONDS = 1.0
# The longest wait a `Retry-After` may ask for.
RETRY_AFTER_CAP = 3600
CONNECT_TIMEOUT = 5.0
# The answer is read up to this many bytes (a larger one is cut off); its first KEPT_BYTES
# go to the attempt's log.
ANSWER_CAP = 64 * 1024
KEPT_BYTES = 1024
BATCH = 100
# Due deliveries read at a time to find those first of their subject.
WINDOW = 500
TEST_SUBJECT_PREFIX = "endpoint:"

# The jitter's draw in [0, 1): tests replace it to know the waits.
draw = random.random


def retry_wait(failed_attempts: int) -> float:
    """Seconds to wait after the `failed_attempts`-th failed attempt: the schedule's step,
    with full jitter, and at least MIN_WAIT_SECONDS."""
    step = RETRY_STEPS[min(failed_attempts, len(RETRY_STEPS)) - 1]
    return max(MIN_WAIT_SECONDS, step * draw())


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """What a `Retry-After` header asks: seconds, or an HTTP date; capped at
    RETRY_AFTER_CAP; None when absent or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=now.tzinfo)
        seconds = (when - now).total_seconds()
    return min(max(seconds, MIN_WAIT_SECONDS), RETRY_AFTER_CAP)


@dataclass
class Outcome:
    """What one attempt came to."""

    at: datetime
    status_code: int | None = None
    error: str = ""
    latency_ms: int = 0
    body: str = ""
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 \
            and not self.error


class BudgetSpent(Exception):
    """The organization's time for this run is spent before the request went out."""


def _kept(content: bytes) -> str:
    # Text for the log; PostgreSQL's text holds no NUL.
    return content[:KEPT_BYTES].decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def _error_of(error: Exception) -> str:
    """What went wrong, in words for the endpoint's admin (never a secret: none is sent)."""
    if isinstance(error, outbound.URLRefused):
        return f"Not sent: {error}"
    if isinstance(error, outbound.DeadlineExceeded):
        if error.budget_spent:
            return "The delivery run's time ran out before the answer came."
        return (f"No complete answer within "
                f"{settings.WEBHOOK_DELIVERY_TIMEOUT_SECONDS:g} seconds.")
    if isinstance(error, requests.ConnectTimeout):
        return "Connecting timed out."
    if isinstance(error, requests.ReadTimeout):
        return "No answer in time."
    if isinstance(error, requests.exceptions.SSLError):
        return "The TLS handshake failed (is the certificate valid for this host?)."
    if isinstance(error, requests.ConnectionError):
        if any(isinstance(arg, NameResolutionError) or "NameResolution" in repr(arg)
               for arg in error.args):
            return "The host name could not be resolved."
        return "Could not connect (the connection was refused or reset)."
    return f"The request failed ({type(error).__name__})."


def attempt(delivery: Delivery, session: requests.Session) -> Outcome:
    """POST the delivery once, signed for this moment; raises BudgetSpent when the run's
    time is up before anything was sent."""
    endpoint, event = delivery.endpoint, delivery.event
    now = timezone.now()
    body = signing.body_of(event)
    headers = signing.signed_headers(message_id=signing.event_id(event), body=body,
                                     secrets=endpoint.signing_secrets(now), at=now)
    outcome = Outcome(at=now)
    started = time.monotonic()
    try:
        reply = outbound.post(session, endpoint.url, data=body, headers=headers,
                              timeout=(CONNECT_TIMEOUT,
                                       settings.WEBHOOK_DELIVERY_TIMEOUT_SECONDS),
                              deadline=settings.WEBHOOK_DELIVERY_TIMEOUT_SECONDS,
                              max_bytes=ANSWER_CAP)
    except outbound.ReplyTooLarge as error:
        # The status is known: a 2xx delivered it, whatever the receiver said after.
        outcome.status_code = error.status
        outcome.body = f"(The answer was larger than {ANSWER_CAP // 1024} KB: not kept.)"
    except outbound.DeadlineExceeded as error:
        if error.budget_spent and not error.request_sent:
            raise BudgetSpent from error
        outcome.error = _error_of(error)
    except (outbound.URLRefused, requests.RequestException, OSError) as error:
        outcome.error = _error_of(error)
    except Exception as error:  # noqa: BLE001 - one bad delivery must not stop the rest
        log.exception("webhook delivery %s failed unexpectedly", delivery.pk)
        outcome.error = f"The portal could not send it ({type(error).__name__})."
    else:
        outcome.status_code = reply.status
        outcome.body = _kept(reply.content)
        if 300 <= reply.status < 400:
            location = reply.headers.get("Location", "")
            outcome.error = f"Redirects are not followed (to {location})."[:300]
        outcome.retry_after = retry_after_seconds(reply.headers.get("Retry-After"), now)
    outcome.latency_ms = int((time.monotonic() - started) * 1000)
    return outcome


def due_batch(now: datetime, size: int = BATCH) -> list[Delivery]:
    """Up to `size` deliveries of the organization to attempt now, oldest due first (in its
    scope), each the oldest unfinished one of its endpoint and subject.

    Two reads that stay cheap whatever the database's statistics say (PostgreSQL, before
    it has counted a burst of new deliveries, planned the same rule written as NOT EXISTS,
    or as a correlated subquery, as a scan of the organization's deliveries for each due
    one): a window of due deliveries, in order from the index (organization,
    next_attempt_at) (a finished delivery has no next attempt, so nothing else is read);
    then, for the window's endpoints and subjects, the first unfinished id of each, read
    from the index (organization, endpoint, subject, state, id). Those that are first go.
    A window whose deliveries all wait behind older ones gives way to the next window.
    """
    due = (Delivery.objects.filter(next_attempt_at__lte=now)
           .filter(Q(endpoint__enabled=True) | Q(subject__startswith=TEST_SUBJECT_PREFIX))
           .order_by("next_attempt_at", "id"))
    after = None
    while True:
        window = due
        if after is not None:
            window = due.filter(Q(next_attempt_at__gt=after[0])
                                | Q(next_attempt_at=after[0], id__gt=after[1]))
        rows = list(window.values_list("id", "endpoint_id", "subject",
                                       "next_attempt_at")[:WINDOW])
        if not rows:
            return []
        first = dict(((endpoint, subject), first_id) for endpoint, subject, first_id in (
            Delivery.objects.filter(UNFINISHED, endpoint_id__in={r[1] for r in rows},
                                    subject__in={r[2] for r in rows},
                                    id__lte=max(r[0] for r in rows))
            .values("endpoint_id", "subject").annotate(first=Min("id")).order_by()
            .values_list("endpoint_id", "subject", "first")))
        heads = [r[0] for r in rows if first.get((r[1], r[2])) == r[0]][:size]
        if heads:
            return list(Delivery.objects.filter(pk__in=heads)
                        .select_related("endpoint", "event").order_by("next_attempt_at", "id"))
        if len(rows) < WINDOW:
            return []
        after = (rows[-1][3], rows[-1][0])


def _apply(delivery: Delivery, outcome: Outcome) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at = outcome.at
    delivery.last_status_code = outcome.status_code
    delivery.last_error = outcome.error[:300]
    if outcome.ok:
        delivery.state, delivery.next_attempt_at = DeliveryState.SUCCEEDED, None
        return
    wait = outcome.retry_after if outcome.retry_after is not None else \
        retry_wait(delivery.attempts)
    next_at = outcome.at + timedelta(seconds=wait)
    if next_at > delivery.retry_until:
        delivery.state, delivery.next_attempt_at = DeliveryState.ABANDONED, None
    else:
        delivery.state, delivery.next_attempt_at = DeliveryState.FAILED, next_at


@dataclass
class _Health:
    """One endpoint's attempts in a batch, in order."""

    last_success: datetime | None = None
    failing_since: datetime | None = None  # first failure after the last success
    errors: list[str] = field(default_factory=list)


def settle(results: list[tuple[Delivery, Outcome]]) -> None:
    """Write a batch's attempts, the deliveries' new states and the endpoints' health, in
    one short transaction."""
    if not results:
        return
    health: dict[int, _Health] = {}
    for delivery, outcome in results:
        _apply(delivery, outcome)
        state = health.setdefault(delivery.endpoint_id, _Health())
        if outcome.ok:
            state.last_success, state.failing_since = outcome.at, None
        elif state.failing_since is None:
            state.failing_since = outcome.at
        if not outcome.ok:
            state.errors.append(outcome.error or f"HTTP {outcome.status_code}")
    with transaction.atomic():
        # An endpoint deleted during the run took its deliveries along.
        alive = set(Delivery.objects.filter(pk__in=[d.pk for d, _ in results])
                    .values_list("pk", flat=True))
        results = [(d, o) for d, o in results if d.pk in alive]
        Attempt.objects.bulk_create([
            Attempt(organization_id=d.organization_id, delivery=d, at=o.at,
                    status_code=o.status_code, error=o.error[:300], latency_ms=o.latency_ms,
                    response_body=o.body) for d, o in results])
        _write_states([d for d, _ in results])
        for endpoint_id, state in health.items():
            _note_health(endpoint_id, state)


def _write_states(deliveries: list[Delivery]) -> None:
    """The deliveries' new states: one UPDATE for those that ended alike (delivered with
    the same status, say), one each for those to retry (each has its own next time).
    bulk_update's CASE per row and field costs more here than it saves."""
    groups: dict[tuple, list[Delivery]] = {}
    for delivery in deliveries:
        if delivery.next_attempt_at is None:
            key = (delivery.state, delivery.last_status_code, delivery.last_error)
        else:
            key = ("one", delivery.pk)
        groups.setdefault(key, []).append(delivery)
    for rows in groups.values():
        first = rows[0]
        Delivery.objects.filter(pk__in=[row.pk for row in rows]).update(
            state=first.state, attempts=F("attempts") + 1,
            next_attempt_at=first.next_attempt_at,
            last_attempt_at=max(row.last_attempt_at for row in rows),
            last_status_code=first.last_status_code, last_error=first.last_error)


def _note_health(endpoint_id: int, state: _Health) -> None:
    endpoints = Endpoint.objects.filter(pk=endpoint_id)
    if state.last_success is not None:
        endpoints.update(last_success_at=state.last_success,
                         failing_since=state.failing_since)
        return
    endpoints.filter(failing_since__isnull=True).update(failing_since=state.failing_since)
    cutoff = state.failing_since - timedelta(days=settings.WEBHOOK_ENDPOINT_DISABLE_DAYS)
    endpoint = endpoints.filter(enabled=True, failing_since__lte=cutoff).first()
    if endpoint is not None:
        disable_failing_endpoint(endpoint, last_error=state.errors[-1])


def disable_failing_endpoint(endpoint: Endpoint, *, last_error: str) -> bool:
    """Turn off an endpoint that has failed for WEBHOOK_ENDPOINT_DISABLE_DAYS and tell its
    organization's owners and admins; False when it was off already."""
    since = endpoint.failing_since.astimezone(UTC)
    reason = (f"Turned off: no delivery succeeded since "
              f"{since:%Y-%m-%d %H:%M} UTC. Last error: {last_error}")[:500]
    with transaction.atomic():
        if not Endpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
                enabled=False, disabled_reason=reason, updated_at=timezone.now()):
            return False
        endpoint.enabled, endpoint.disabled_reason = False, reason
        audit(organization=endpoint.organization, action="webhook_endpoint.disabled",
              actor_label="Webhook delivery", target=endpoint.origin[:300],
              detail={"endpoint": endpoint.pk, "failing_since":
                      endpoint.failing_since.isoformat()})
        recipients = _admin_addresses(endpoint.organization)
        transaction.on_commit(lambda: _tell_admins(endpoint, recipients))
        # The hook for in-app notifications (the notifications app may receive it).
        endpoint_disabled.send(sender=Endpoint, endpoint=endpoint, reason=reason)
    return True


def _admin_addresses(organization: Organization) -> list[str]:
    with organization_scope(organization):
        return sorted({m.user.email for m in Membership.objects.filter(
            role__in=(Role.OWNER, Role.ADMIN)).select_related("user") if m.user.email})


def _tell_admins(endpoint: Endpoint, recipients: list[str]) -> None:
    if not recipients:
        return
    link = settings.PORTAL_BASE_URL + reverse("webhook_endpoint", args=[endpoint.pk])
    try:
        send_mail(
            subject=f"A webhook endpoint of {endpoint.organization.name} was turned off",
            message=(f"The portal turned off the webhook endpoint {endpoint.origin}: "
                     f"{endpoint.disabled_reason}\n\nIts events are kept and go out once it "
                     f"is turned on again. Check your endpoint, then turn it on: {link}\n"),
            from_email=None, recipient_list=recipients)
    except Exception:  # noqa: BLE001 - the audit entry and the page say it too
        log.exception("could not e-mail the admins about endpoint %s", endpoint.pk)


def deliver_organization(*, organization: Organization) -> int:
    """Attempt the organization's due deliveries in batches until none is due or its time
    budget is spent (run inside accounts.jobs.organization_work); returns the attempts."""
    # One session per endpoint and URL for the run: its connections are kept alive.
    sessions: dict[tuple[int, str], requests.Session] = {}
    made = 0
    try:
        while True:
            with organization_scope(organization):
                batch = due_batch(timezone.now())
            if not batch:
                break
            results, spent = [], False
            for delivery in batch:
                key = (delivery.endpoint_id, delivery.endpoint.url)
                session = sessions.get(key)
                if session is None:
                    session = outbound.guarded_session(policy_for(delivery.endpoint.url))
                    # No proxy and no .netrc credentials from the environment, ever, for
                    # an organization's URL (and no time spent looking them up per call).
                    session.trust_env = False
                    sessions[key] = session
                try:
                    results.append((delivery, attempt(delivery, session)))
                except BudgetSpent:
                    spent = True
                    break
            with organization_scope(organization):
                settle(results)
            made += len(results)
            if spent or outbound.budget_spent():
                break
    finally:
        for session in sessions.values():
            session.close()
    return made
