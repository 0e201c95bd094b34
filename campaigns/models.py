"""Bulk sends: a campaign (one text, or a template, from one own number to many recipients)
and its recipients, each sent at most once."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization
from contacts.models import Contact
from message_templates.models import MessageTemplate
from messaging.models import Label, Message, MessagingNumber


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"
    FINISHED = "finished", "Finished"

    @classmethod
    def ended(cls) -> tuple[str, ...]:
        return (cls.CANCELLED, cls.FINISHED)


class AudienceSource(models.TextChoices):
    PASTED = "pasted", "A pasted list"
    CSV = "csv", "A CSV file"
    LABEL = "label", "Conversations with a label"
    API = "api", "A list given to the API"


class Campaign(models.Model):
    """One text sent from one own number to a list of recipients, at a rate."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    own_number = models.ForeignKey(MessagingNumber, on_delete=models.PROTECT, related_name="+")
    # Placeholders ({first_name}…) are filled per recipient. A campaign made from a template
    # keeps a copy of its text: editing the template later does not change what is sent.
    text = models.TextField(blank=True)
    template = models.ForeignKey(MessageTemplate, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    attachment = models.FileField(upload_to="campaigns/", blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=CampaignStatus.choices,
                              default=CampaignStatus.DRAFT)
    rate_per_minute = models.PositiveIntegerField()
    audience_source = models.CharField(max_length=10, choices=AudienceSource.choices)
    label = models.ForeignKey(Label, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    # What the audience's parsing left out: [{"line": "...", "reason": "..."}], and how many
    # repeats of a number it dropped.
    invalid_lines = models.JSONField(default=list, blank=True)  # the first 500 of them
    invalid_count = models.PositiveIntegerField(default=0)
    duplicates_removed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Kept by the runner after each batch (campaigns/runner.py).
    total = models.PositiveIntegerField(default=0)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-id"], name="campaign_org_newest"),
                   models.Index(fields=["status"], name="campaign_status")]

    def __str__(self):
        return self.name

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped

    @property
    def remaining(self) -> int:
        return max(self.total - self.sent - self.failed - self.skipped, 0)

    @property
    def ended(self) -> bool:
        return self.status in CampaignStatus.ended()


class RecipientStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Skipped"


class SkipReason(models.TextChoices):
    OPTED_OUT = "opted_out", "Opted out"
    INVALID = "invalid", "Refused by the portal"
    MISSING_VALUES = "missing_values", "Missing template values"


class CampaignRecipient(models.Model):
    """One number of a campaign. It goes pending → sending (claimed by one runner) → sent,
    failed or skipped; its message's own status then follows the provider's webhooks."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    number = models.CharField(max_length=16, help_text="E.164")
    name = models.CharField(max_length=200, blank=True, help_text="From the CSV, if any.")
    contact = models.ForeignKey(Contact, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    status = models.CharField(max_length=10, choices=RecipientStatus.choices,
                              default=RecipientStatus.PENDING)
    skip_reason = models.CharField(max_length=20, choices=SkipReason.choices, blank=True)
    detail = models.CharField(max_length=300, blank=True, help_text="Why it failed or was "
                                                                    "skipped, for people.")
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    # The runner that claimed it (pending → sending), so each runner sends only its own.
    claim = models.CharField(max_length=32, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"],
                                               name="one_recipient_per_number")]
        indexes = [models.Index(fields=["campaign", "status", "id"],
                                name="recipient_next_pending")]

    def __str__(self):
        return f"{self.number} ({self.status})"


class CampaignDefaults(models.Model):
    """An organization's default sending rate for new campaigns, set by its admins."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="+")
    rate_per_minute = models.PositiveIntegerField()

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return f"{self.rate_per_minute} per minute"
