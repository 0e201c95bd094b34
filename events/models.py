"""What happened in an organization, written in the same transaction as the change itself
(an outbox): outgoing webhooks and notifications are made from these rows, so a crash
never loses an event and a change that rolled back never sends one."""

from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization


class EventType(models.TextChoices):
    MESSAGE_RECEIVED = "message.received", "A message was received"
    MESSAGE_STATUS_CHANGED = "message.status_changed", "A message's status changed"
    MESSAGE_DELETED = "message.deleted", "A message was deleted"
    FAX_STATUS_CHANGED = "fax.status_changed", "A fax's status changed"
    FAX_FAILED = "fax.failed", "A fax failed"
    FAX_ALERT = "fax.alert", "A fax alert rule of the organization alerted"
    CONNECTION_FAILING = "connection.failing", "A connection to Axion is failing"
    CONNECTION_RECOVERED = "connection.recovered", "A connection to Axion recovered"
    NOTE_ADDED = "conversation.note_added", "An internal note was added to a conversation"
    CONTACT_OPTED_OUT = "contact.opted_out", "A number opted out of the organization's messages"
    CONTACT_OPTED_IN = "contact.opted_in", "A number opted back in to the organization's messages"
    CAMPAIGN_FINISHED = "campaign.finished", "A campaign (bulk send) ended: finished or cancelled"
    # Sent to one webhook endpoint when an admin asks for a test (never emitted to all).
    PING = "ping", "A test event sent from the portal"


class Event(models.Model):
    """One event of an organization. `subject` names what it is about ("conversation:12",
    "fax:5", "connection:sms"): deliveries of one subject keep their order."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    type = models.CharField(max_length=40, choices=EventType.choices)
    subject = models.CharField(max_length=60)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        indexes = [models.Index(fields=["organization", "-created_at", "-id"],
                                name="event_org_newest")]

    def __str__(self):
        return f"{self.type} {self.subject}"
