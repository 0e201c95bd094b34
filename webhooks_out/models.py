"""An organization's own webhook endpoints, the deliveries of its events to them, and each
delivery's attempts (the log an admin reads when an endpoint misbehaves).

An endpoint's secret is kept encrypted and shown once, when it is made or rotated; after a
rotation the previous secret signs too until `previous_secret_expires_at`, so a receiver
can switch without missing a delivery.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.fields import EncryptedTextField
from accounts.models import Organization
from events.models import Event, EventType


class Endpoint(models.Model):
    """A URL of the organization's own systems that receives its events, signed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    # The event types it receives; empty: every type.
    event_types = models.JSONField(default=list, blank=True)
    enabled = models.BooleanField(default=True)
    secret = EncryptedTextField()
    previous_secret = EncryptedTextField(blank=True, default="")
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # Since when no attempt has succeeded (None: the last one did, or none was made).
    failing_since = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Why it was disabled, in words for the admin (empty when an admin turned it off).
    disabled_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.origin

    @property
    def origin(self) -> str:
        """Scheme and host of the URL, what logs, audit entries and e-mails name: the path
        or query of a customer's URL may carry a credential of their system."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")

    def wants(self, event_type: str) -> bool:
        """Whether events of `event_type` are delivered to it (a test event always is)."""
        return event_type == EventType.PING or not self.event_types or \
            event_type in self.event_types

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets that sign a delivery now: the current one, and the previous one
        during its grace period after a rotation."""
        now = now or timezone.now()
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and \
                self.previous_secret_expires_at > now:
            secrets.append(self.previous_secret)
        return secrets

    @property
    def event_types_display(self) -> str:
        return ", ".join(self.event_types) if self.event_types else "All events"


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for its first attempt
    FAILED = "failed", "Failed, retrying"  # its last attempt failed; it is tried again
    SUCCEEDED = "succeeded", "Delivered"
    ABANDONED = "abandoned", "Abandoned"  # every retry failed; only "send again" sends it

    @classmethod
    def unfinished(cls) -> tuple[str, ...]:
        """A delivery still to make: it holds back later ones of its subject."""
        return (cls.PENDING, cls.FAILED)


UNFINISHED = Q(state__in=DeliveryState.unfinished())
FINISHED = ~UNFINISHED


class Delivery(models.Model):
    """One event on its way to one endpoint: at least once, in order per subject."""

    # No index of its own: every index below starts with it. (PostgreSQL, its statistics
    # not yet counting a burst of new deliveries, took a lone organization index for the
    # delivery job's reads and scanned the organization's deliveries for each one.)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    # The event's subject, here for the order: a delivery waits while an older one of its
    # endpoint and subject is unfinished.
    subject = models.CharField(max_length=60)
    state = models.CharField(max_length=10, choices=DeliveryState.choices,
                             default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    # When it is tried next; null once it is finished (so the due index holds only
    # unfinished ones where it matters: SQLite uses no partial index for a condition given
    # as query parameters, and `next_attempt_at <= now` skips nulls by itself).
    next_attempt_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    # Failed attempts are retried until then; past it, the delivery is abandoned.
    retry_until = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        verbose_name_plural = "deliveries"
        constraints = [
            models.CheckConstraint(
                condition=(UNFINISHED & Q(next_attempt_at__isnull=False))
                | (FINISHED & Q(next_attempt_at__isnull=True)),
                name="delivery_due_while_unfinished"),
        ]
        indexes = [
            # The delivery job's read: the organization's due deliveries, oldest first.
            models.Index(fields=["organization", "next_attempt_at", "id"],
                         name="delivery_org_due"),
            # Whether an older delivery of the same endpoint and subject is unfinished: one
            # probe per unfinished state, however many finished ones the subject has.
            models.Index(fields=["organization", "endpoint", "subject", "state", "id"],
                         name="delivery_subject_state"),
            # An endpoint's log, newest first.
            models.Index(fields=["organization", "endpoint", "-id"],
                         name="delivery_endpoint_newest"),
            # Pruning finished deliveries by age.
            models.Index(fields=["organization", "created_at"], name="delivery_org_created"),
        ]

    def __str__(self):
        return f"evt_{self.event_id} to endpoint {self.endpoint_id} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state not in DeliveryState.unfinished()


class Attempt(models.Model):
    """One POST of a delivery: when, what came back (status or error), how long it took,
    and the answer's first kilobyte (we never send a secret, so there is none to hide)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    latency_ms = models.PositiveIntegerField(default=0)
    response_body = models.TextField(blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.status_code or self.error} at {self.at}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300 and not self.error
