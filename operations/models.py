"""The webhook ledger: per own number and day, what became of the provider's webhooks.

Counters kept by the jobs that do the work (operations.ledger), never counted from the
events when a page is read: the ledger page costs the same at a thousand stored events as
at a million, and it outlives the raw events, which are pruned after
WEBHOOK_RETENTION_DAYS.
"""

from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization
from messaging.models import MessagingNumber

# Counters of WebhookDay that the jobs add to (operations.ledger.COUNTERS says what each is).
COUNTER_FIELDS = ("received", "invalid", "processed", "rejected", "unknown", "waited",
                  "retrying", "gave_up", "missed", "replayed")


class WebhookDay(models.Model):
    """One own number's webhooks of one day (in the organization's time zone)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    number = models.ForeignKey(MessagingNumber, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    # Stored requests, counted by the processing job from the events' ids (never by the
    # endpoint, whose only write is the event itself), and those refused as not valid.
    received = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # Not confirmed by the provider now (a replay may take one out); `unknown` are those of
    # them whose message the provider does not know at all.
    rejected = models.IntegerField(default=0)
    unknown = models.IntegerField(default=0)
    # Status updates that came before their message and waited for it.
    waited = models.PositiveIntegerField(default=0)
    # Failed now: still retried, or given up after RETRY_LIMIT attempts.
    retrying = models.IntegerField(default=0)
    gave_up = models.IntegerField(default=0)
    # Inbound messages the sync found that no webhook announced.
    missed = models.PositiveIntegerField(default=0)
    replayed = models.PositiveIntegerField(default=0)
    # The day's lowest and highest event ids seen by the count: its events are read by id
    # range, without an index on the time they came.
    first_event_id = models.BigIntegerField(null=True, blank=True)
    last_event_id = models.BigIntegerField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "number", "day"],
                                    name="one_ledger_row_per_number_and_day"),
        ]
        indexes = [models.Index(fields=["organization", "-day", "number"],
                                name="ledger_org_newest_day")]

    def __str__(self):
        return f"webhooks of {self.number_id} on {self.day}"

    @property
    def in_progress(self) -> int:
        """Received but in no final state yet (pending, or waiting for their message);
        never below zero while the received count catches up (it runs a little behind)."""
        settled = (self.invalid + self.processed + max(self.rejected, 0)
                   + max(self.retrying, 0) + max(self.gave_up, 0))
        return max(self.received - settled, 0)


class MissedWebhook(models.Model):
    """An inbound message that the sync found and that no webhook announced."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    number = models.ForeignKey(MessagingNumber, on_delete=models.CASCADE, related_name="+")
    message_uuid = models.CharField(max_length=64)
    message_time = models.DateTimeField()
    found_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "message_uuid"],
                                    name="one_missed_webhook_per_message"),
        ]
        indexes = [models.Index(fields=["organization", "-message_time", "-id"],
                                name="missed_org_newest")]

    def __str__(self):
        return f"missed webhook of {self.message_uuid}"


class ArrivalMark(models.Model):
    """How far the processing job has counted stored webhook events (one row, for every
    organization): the highest event id counted as received."""

    name = models.CharField(max_length=20, unique=True, default="webhooks")
    last_event_id = models.BigIntegerField(default=0)
    counted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"webhooks counted up to {self.last_event_id}"
