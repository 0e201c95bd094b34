"""What changes an organization's webhook endpoints and deliveries, with its audit: pages,
the API and the delivery job call these, so each rule is written once.

A secret is returned only by `create_endpoint` and `rotate_secret`, to be shown once;
nothing else (page, API answer, log line, audit entry) ever holds it.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from events.models import Event, EventType
from events.payloads import ping_payload
from webhooks_out import signing
from webhooks_out.models import Delivery, DeliveryState, Endpoint
from webhooks_out.policy import check_endpoint_url
from webhooks_out.queue import kick_delivery

# The types an endpoint may ask for (the test event goes to one endpoint, on request).
SUBSCRIBABLE = [t for t in EventType if t != EventType.PING]
DESCRIPTION_LENGTH = 200


def check_event_types(values) -> list[str]:
    """The event types asked for, in the documented order (empty: all of them);
    ValidationError naming an unknown one."""
    values = [v.strip() for v in values or [] if v and v.strip()]
    known = {t.value for t in SUBSCRIBABLE}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValidationError({"event_types": f"Unknown event type {', '.join(unknown)}: "
                                              f"choose among {', '.join(sorted(known))}."})
    return [t.value for t in SUBSCRIBABLE if t.value in values]


def _check_description(description: str) -> str:
    description = " ".join((description or "").split())
    if "\x00" in description:
        raise ValidationError({"description": "Null characters are not allowed."})
    if len(description) > DESCRIPTION_LENGTH:
        raise ValidationError({"description": f"At most {DESCRIPTION_LENGTH} characters."})
    return description


def _checked_url(url: str) -> str:
    try:
        return check_endpoint_url(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from error


def _actor(actor: User | None, actor_label: str) -> dict:
    return {"actor": actor, "actor_label": actor_label}


def create_endpoint(*, organization: Organization, url: str, description: str = "",
                    event_types=(), enabled: bool = True, actor: User | None = None,
                    actor_label: str = "", ip: str | None = None) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (shown once: only its encrypted form is kept)."""
    url = _checked_url(url)  # before the transaction: resolving a name may take a while
    values = {"description": _check_description(description),
              "event_types": check_event_types(event_types)}
    secret = signing.new_secret()
    with organization_scope(organization), transaction.atomic():
        endpoint = Endpoint.objects.create(organization=organization, url=url, secret=secret,
                                           enabled=enabled, created_by=actor, **values)
        audit(organization=organization, action="webhook_endpoint.created", target=url[:300],
              detail={"endpoint": endpoint.pk, "event_types": values["event_types"],
                      "enabled": enabled}, ip=ip, **_actor(actor, actor_label))
    return endpoint, secret


def update_endpoint(*, endpoint: Endpoint, values: dict, actor: User | None = None,
                    actor_label: str = "", ip: str | None = None) -> list[str]:
    """Change any of url, description, event_types and enabled; returns the fields that
    changed. Turning an endpoint back on clears why it was turned off and its failure
    mark, and its deliveries held meanwhile go out."""
    checked = {}
    if "url" in values and values["url"].strip() != endpoint.url:
        checked["url"] = _checked_url(values["url"])
    if "description" in values:
        checked["description"] = _check_description(values["description"])
    if "event_types" in values:
        checked["event_types"] = check_event_types(values["event_types"])
    if "enabled" in values:
        checked["enabled"] = bool(values["enabled"])
    changed = [name for name, value in checked.items() if getattr(endpoint, name) != value]
    if not changed:
        return []
    for name in changed:
        setattr(endpoint, name, checked[name])
    # Only what this change sets: a rotation, a turn-off or the delivery job's health written
    # meanwhile must not be put back as this request read them.
    fields = [*changed, "updated_at"]
    if "enabled" in changed and endpoint.enabled:
        endpoint.disabled_reason, endpoint.failing_since = "", None
        fields += ["disabled_reason", "failing_since"]
    endpoint.updated_at = timezone.now()
    with organization_scope(endpoint.organization), transaction.atomic():
        endpoint.save(update_fields=fields)
        audit(organization=endpoint.organization, action="webhook_endpoint.changed",
              target=endpoint.origin[:300], ip=ip,
              detail={"endpoint": endpoint.pk, "fields": sorted(changed)},
              **_actor(actor, actor_label))
    if "enabled" in changed and endpoint.enabled:
        kick_delivery()
    return sorted(changed)


def rotate_secret(*, endpoint: Endpoint, actor: User | None = None, actor_label: str = "",
                  ip: str | None = None) -> str:
    """A new secret for `endpoint` (returned to be shown once); the current one keeps
    signing for WEBHOOK_SECRET_GRACE_HOURS beside it, so a receiver can switch without
    missing a delivery."""
    secret = signing.new_secret()
    now = timezone.now()
    expires = now + timedelta(hours=settings.WEBHOOK_SECRET_GRACE_HOURS)
    with organization_scope(endpoint.organization), transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(
            secret=secret, previous_secret=endpoint.secret,
            previous_secret_expires_at=expires, updated_at=now)
        audit(organization=endpoint.organization, action="webhook_endpoint.secret_rotated",
              target=endpoint.origin[:300], ip=ip,
              detail={"endpoint": endpoint.pk, "previous_signs_until": expires.isoformat()},
              **_actor(actor, actor_label))
    endpoint.previous_secret, endpoint.secret = endpoint.secret, secret
    endpoint.previous_secret_expires_at, endpoint.updated_at = expires, now
    return secret


def delete_endpoint(*, endpoint: Endpoint, actor: User | None = None, actor_label: str = "",
                    ip: str | None = None) -> None:
    """Delete `endpoint` with its deliveries and their log."""
    with organization_scope(endpoint.organization), transaction.atomic():
        audit(organization=endpoint.organization, action="webhook_endpoint.deleted",
              target=endpoint.origin[:300], ip=ip, detail={"endpoint": endpoint.pk},
              **_actor(actor, actor_label))
        Endpoint.objects.filter(pk=endpoint.pk).delete()


def retry_window(now) -> timedelta:
    return now + timedelta(hours=settings.WEBHOOK_DELIVERY_RETRY_HOURS)


def send_test_event(*, endpoint: Endpoint, actor: User | None = None, actor_label: str = "",
                    ip: str | None = None) -> Delivery:
    """A `ping` event delivered to this endpoint only (other endpoints and notifications
    never hear of it), sent by the delivery job at once, even while the endpoint is
    turned off: an admin tests it before turning it on."""
    now = timezone.now()
    organization = endpoint.organization
    with organization_scope(organization), transaction.atomic():
        event = Event.objects.create(organization=organization, type=EventType.PING,
                                     subject=f"endpoint:{endpoint.pk}",
                                     payload=ping_payload(endpoint.pk), created_at=now)
        delivery = Delivery.objects.create(
            organization=organization, endpoint=endpoint, event=event, subject=event.subject,
            next_attempt_at=now, retry_until=retry_window(now), created_at=now)
        audit(organization=organization, action="webhook_endpoint.test_sent",
              target=endpoint.origin[:300], ip=ip,
              detail={"endpoint": endpoint.pk, "event": signing.event_id(event)},
              **_actor(actor, actor_label))
    kick_delivery(organization_id=organization.pk)
    return delivery


def resend_delivery(*, delivery: Delivery, actor: User | None = None, actor_label: str = "",
                    ip: str | None = None) -> Delivery:
    """Send a delivery again, now: a delivered or abandoned one once more (the same
    `webhook-id`, so a receiver that has it can drop it), a failing one without waiting
    for its next retry. It gets a new day of retries."""
    now = timezone.now()
    organization = delivery.organization
    with organization_scope(organization), transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=(DeliveryState.FAILED if delivery.state == DeliveryState.FAILED
                   else DeliveryState.PENDING),
            next_attempt_at=now, retry_until=retry_window(now))
        audit(organization=organization, action="webhook_delivery.resent",
              target=delivery.endpoint.origin[:300], ip=ip,
              detail={"endpoint": delivery.endpoint_id, "delivery": delivery.pk,
                      "event": f"evt_{delivery.event_id}"}, **_actor(actor, actor_label))
    delivery.refresh_from_db()
    kick_delivery(organization_id=organization.pk)
    return delivery
