"""The sandbox provider's own tables: accounts, session tokens, numbers, faxes, messages, media.

These rows are the *provider's* side of the world, not the portal's: an account here is what
Axion support would hand a customer (API key, username, password), and it is linked to no
organization. That is why these models have no tenant scope: the sandbox authenticates by
API key and session token, as the provider does, and every query filters by account.

Credentials are stored in clear on purpose: they are throwaway demo values that a developer
copies from the admin into a connection, not secrets of a real account. (The portal's copy of
them, in `accounts.Connection`, is encrypted as usual.)
"""

import secrets
import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone

from accounts.models import TIME_ZONE_CHOICES

TOKEN_LIFETIME = timedelta(days=30)


def new_api_key() -> str:
    # Looks like the provider's: 64 hex characters.
    return secrets.token_hex(32)


def new_account_number() -> str:
    # The provider's `accountNumber` in updatedSMS events: 12 digits.
    return f"{secrets.randbelow(10**12):012d}"


def new_media_key() -> str:
    return secrets.token_urlsafe(16)


class SandboxAccount(models.Model):
    """A customer account at the simulated provider; one account may use both APIs."""

    name = models.CharField(max_length=200, blank=True)
    api_key = models.CharField(max_length=100, unique=True, default=new_api_key)
    username = models.CharField(max_length=150, unique=True)
    password = models.CharField(max_length=150)
    account_number = models.CharField(max_length=20, default=new_account_number)
    # The fax API reports TIME in the account's local time, without a zone
    # (docs/provider.md quirk 6).
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    # The "API user" that sendSMS attributes messages to (getSMS `userUuid`).
    user_uuid = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["username"]

    def __str__(self):
        return self.name or self.username


class SandboxToken(models.Model):
    """A session token of one API. Each login makes a new one; old ones live out 30 days."""

    class Api(models.TextChoices):
        FAX = "fax", "Fax status API"
        SMS = "sms", "SMS API"

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="tokens")
    api = models.CharField(max_length=3, choices=Api.choices)
    token = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_api_display()} token of {self.account} until {self.expires_at:%Y-%m-%d}"


class SandboxNumber(models.Model):
    """A messaging number of an account, with the callback URL set by updateNumber."""

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="numbers")
    number = models.CharField(max_length=16, unique=True, help_text="E.164, e.g. +13109549528")
    callback_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self):
        return self.number

    @property
    def digits(self) -> str:
        """The number as the provider writes it in updatedSMS events: no plus (docs/provider.md
        quirk 11)."""
        return self.number.lstrip("+")


class FaxStatus(models.TextChoices):
    QUEUED = "QUEUED"
    PROGRESS = "PROGRESS"
    SENT = "SENT"
    FAILED = "FAILED"


class SandboxFax(models.Model):
    """A fax an account sent. Its reported status follows from its age (see services.fax_state):
    QUEUED, then PROGRESS through its tries, then `outcome`; a fax whose time has not come
    yet is not visible at all, so seeded future faxes "arrive" while a demo runs."""

    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE, related_name="faxes")
    # Null for faxes sent without one (docs/provider.md quirk 5).
    customer_field = models.CharField(max_length=200, null=True, blank=True)
    # As the provider has them: "18056421414", or short strings like "1234"
    # (docs/provider.md quirk 11).
    source = models.CharField(max_length=32)
    destination = models.CharField(max_length=32)
    time = models.DateTimeField()
    pages = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(
        max_length=8, default=FaxStatus.SENT,
        choices=[(FaxStatus.SENT, "Sent"), (FaxStatus.FAILED, "Failed")])
    try_count = models.PositiveSmallIntegerField(default=1, help_text="final try count (1-3)")

    class Meta:
        ordering = ["time", "id"]
        indexes = [
            models.Index(fields=["account", "time"], name="sandbox_fax_time"),
            models.Index(fields=["account", "customer_field"], name="sandbox_fax_field"),
        ]

    def __str__(self):
        return f"Fax {self.source} -> {self.destination} at {self.time:%Y-%m-%d %H:%M}"


class MessageStatus(models.TextChoices):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"
    RECEIVED = "RECEIVED"


class SandboxMessage(models.Model):
    """An SMS/MMS of an account, outbound (sendSMS, seeded) or inbound (simulated, seeded)."""

    class Direction(models.TextChoices):
        OUTBOUND = "out", "Outbound"
        INBOUND = "in", "Inbound"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    account = models.ForeignKey(SandboxAccount, on_delete=models.CASCADE,
                                related_name="messages")
    # The account's own number involved (getSMS `associatedNumber`, the webhook's number).
    number = models.ForeignKey(SandboxNumber, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    src = models.CharField(max_length=16)
    dst = models.JSONField(default=list)
    # " src dst1 dst2 ": lets getSMS's `number` filter match any party with a plain
    # `contains`, which works on every database (JSON containment does not on SQLite).
    parties = models.TextField(editable=False)
    text = models.TextField(blank=True)
    time = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=MessageStatus.choices)
    user_uuid = models.CharField(max_length=36, blank=True)
    customer_provided_id = models.CharField(max_length=200, blank=True)
    # When a QUEUED outbound message is handed to the carrier (becomes SENT or FAILED).
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["account", "time"], name="sandbox_message_time"),
            models.Index(fields=["status", "due_at"], name="sandbox_message_due"),
        ]

    def __str__(self):
        return f"{self.get_direction_display()} {self.src} -> {', '.join(self.dst)} ({self.status})"

    def save(self, *args, **kwargs):
        self.parties = self.parties_of(self.src, self.dst)
        super().save(*args, **kwargs)

    @staticmethod
    def parties_of(src: str, dst: list[str]) -> str:
        return " " + " ".join([src, *dst]) + " "


class SandboxMedia(models.Model):
    """One MMS attachment. Its URL is not downloadable: only getMMSMedia returns the bytes."""

    message = models.ForeignKey(SandboxMessage, on_delete=models.CASCADE, related_name="media")
    key = models.CharField(max_length=64, unique=True, default=new_media_key)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=8)
    data = models.BinaryField()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "sandbox media"

    def __str__(self):
        return f"{self.key}.{self.extension} ({self.content_type}, {len(self.data)} bytes)"
