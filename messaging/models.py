"""Messaging numbers, conversations, messages, media, and the raw webhook events."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.fields import EncryptedTextField
from accounts.models import Organization, Role
from common.models import SyncOutcome


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# Who sees what: the one rule, here. A number's allowed_users (nobody listed: every member)
# decide who sends from it, and so who sees and deletes its conversations, messages and
# media. Owners and admins see every number's (they manage the list, and may send only from
# numbers they are on); an API key acts for the organization as a whole (no membership).


def sees_every_number(membership) -> bool:
    """Whether `membership` (None: an API key, for the whole organization) sees the
    conversations of every number of the organization."""
    return membership is None or membership.allows(Role.ADMIN)


class NumberQuerySet(models.QuerySet):
    def usable_by(self, user):
        """The numbers `user` may send from: nobody listed, or `user` among those listed
        (MessagingNumber.may_send is the same rule on a number already loaded)."""
        return self.filter(Q(allowed_users=None) | Q(allowed_users=user))

    def visible_to(self, membership):
        """The numbers whose conversations `membership` sees."""
        return self if sees_every_number(membership) else self.usable_by(membership.user)


class MessagingNumber(models.Model):
    """A number of the organization on the SMS API, with the secret of its webhook URL.

    The secret is kept encrypted (the portal must register the URL again after a rotation
    or on request) and as a SHA-256 digest, which is what an incoming webhook is matched on.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="messaging_numbers")
    # Unique within the organization only: anyone may claim a number, but it is active (its
    # webhook receives) only once the provider accepted updateNumber for it with the
    # organization's own credentials, and only one organization has it active.
    number = models.CharField(max_length=16, help_text="E.164, e.g. +18056421414")
    label = models.CharField(max_length=100, blank=True)
    # Members allowed to send from this number; nobody listed means every agent.
    allowed_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                           related_name="+")
    webhook_secret = EncryptedTextField()
    webhook_secret_digest = models.CharField(max_length=64, unique=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 of the callback URL the provider last accepted (it has no way to read it
    # back): the operations page compares it with the URL the portal expects now, which
    # moves with a new secret or a new PORTAL_BASE_URL. Blank: not known.
    registered_url_digest = models.CharField(max_length=64, blank=True, default="",
                                             db_default="")
    registration_error = models.CharField(max_length=500, blank=True)
    activated_at = models.DateTimeField(
        null=True, blank=True,
        help_text="When the provider first accepted its webhook for this organization; "
                  "until then the number receives nothing.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization",
                            _manager_class=models.Manager.from_queryset(NumberQuerySet))

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"],
                                    name="one_number_per_organization"),
            models.UniqueConstraint(fields=["number"], condition=Q(activated_at__isnull=False),
                                    name="one_active_number"),
        ]

    def __str__(self):
        return f"{self.label} ({self.number})" if self.label else self.number

    def set_new_secret(self) -> None:
        secret = secrets.token_urlsafe(32)
        self.webhook_secret = secret
        self.webhook_secret_digest = secret_digest(secret)

    @property
    def webhook_path(self) -> str:
        return f"/hooks/sms/{self.webhook_secret}/"

    @property
    def webhook_url(self) -> str:
        return settings.PORTAL_BASE_URL + self.webhook_path

    def may_send(self, user) -> bool:
        """NumberQuerySet.usable_by on this number, from its (prefetched) allowed users."""
        allowed = [u.pk for u in self.allowed_users.all()]
        return not allowed or user.pk in allowed


class MessageStatus(models.TextChoices):
    # To be sent at its send_at by the send_scheduled_messages job (messaging/scheduling.py).
    SCHEDULED = "SCHEDULED", "Scheduled"
    SENDING = "SENDING", "Sending"  # handed to the provider, no answer yet
    # The provider's answer was lost (docs/provider.md quirk 16).
    UNKNOWN = "UNKNOWN", "Outcome unknown"
    QUEUED = "QUEUED", "Queued"
    SENT = "SENT", "Sent"
    FAILED = "FAILED", "Failed"
    RECEIVED = "RECEIVED", "Received"

    @classmethod
    def final(cls) -> tuple[str, ...]:
        return (cls.SENT, cls.FAILED, cls.RECEIVED)

    @classmethod
    def unsettled(cls) -> tuple[str, ...]:
        """A send whose outcome the portal does not know yet."""
        return (cls.SENDING, cls.UNKNOWN)

    @classmethod
    def moves_forward(cls, old: str, new: str) -> bool:
        """Whether a message may go from `old` to `new`: the one order of statuses. Not sent
        yet (SENDING, UNKNOWN) < QUEUED < final (SENT, FAILED, RECEIVED), which never change;
        a SCHEDULED message comes before all of them (it is not handed over yet)."""
        return _STATUS_RANK.get(new, 0) > _STATUS_RANK.get(old, 0)

    @classmethod
    def before(cls, new: str) -> list[str]:
        """The statuses a message may move to `new` from: the condition of an UPDATE that
        must not move a status back, whatever another process wrote meanwhile."""
        return [status for status in cls.values if cls.moves_forward(status, new)]

    @classmethod
    def from_provider(cls, value: str) -> str:
        value = (value or "").strip().upper()
        return value if value in cls.values else cls.QUEUED


_STATUS_RANK = {MessageStatus.SCHEDULED: -1, MessageStatus.SENDING: 0, MessageStatus.UNKNOWN: 0,
                MessageStatus.QUEUED: 1, MessageStatus.SENT: 2, MessageStatus.FAILED: 2,
                MessageStatus.RECEIVED: 2}


class Direction(models.TextChoices):
    INBOUND = "in", "Inbound"
    OUTBOUND = "out", "Outbound"


def _visible_numbers(membership):
    return MessagingNumber.objects.visible_to(membership).values("pk")


class ConversationQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """The conversations `membership` sees (see sees_every_number)."""
        if sees_every_number(membership):
            return self
        return self.filter(own_number__in=_visible_numbers(membership))


class MessageQuerySet(models.QuerySet):
    def visible_to(self, membership):
        """The messages `membership` sees and, with the role for it, deletes."""
        if sees_every_number(membership):
            return self
        return self.filter(conversation__own_number__in=_visible_numbers(membership))


class MediaQuerySet(models.QuerySet):
    def visible_to(self, membership):
        if sees_every_number(membership):
            return self
        return self.filter(message__conversation__own_number__in=_visible_numbers(membership))


class LabelColour(models.TextChoices):
    """A few colours with enough contrast for their text, in light and dark themes."""
    GREY = "grey", "Grey"
    BLUE = "blue", "Blue"
    GREEN = "green", "Green"
    YELLOW = "yellow", "Yellow"
    ORANGE = "orange", "Orange"
    RED = "red", "Red"
    PURPLE = "purple", "Purple"


class Label(models.Model):
    """An organization's own label for conversations ("billing", "urgent"); admins manage
    them, agents apply them."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)
    colour = models.CharField(max_length=10, choices=LabelColour.choices,
                              default=LabelColour.GREY)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"],
                                    name="one_label_per_name"),
        ]

    def __str__(self):
        return self.name


class ConversationStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Conversation(models.Model):
    """All messages between one own number and one set of other participants.

    The last message's time and preview and the unread count are kept here, updated in the
    same transaction as the message, so that the inbox never scans messages. `changed_at`
    moves on every change a reader of the inbox or of the conversation would see (a
    message, a status, an assignment, a label, a note): live pages poll it, not the rows.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    own_number = models.ForeignKey(MessagingNumber, on_delete=models.CASCADE,
                                   related_name="conversations")
    # The other participants, E.164 where possible, sorted and comma-joined.
    participants = models.CharField(max_length=500)
    last_message_at = models.DateTimeField(null=True, blank=True)
    last_preview = models.CharField(max_length=160, blank=True)
    last_direction = models.CharField(max_length=3, choices=Direction.choices, blank=True)
    unread_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=6, choices=ConversationStatus.choices,
                              default=ConversationStatus.OPEN, db_default="open")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    labels = models.ManyToManyField(Label, blank=True, related_name="conversations")
    changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization",
                            _manager_class=models.Manager.from_queryset(ConversationQuerySet))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "own_number", "participants"],
                                    name="one_conversation_per_party"),
        ]
        indexes = [
            models.Index(fields=["organization", "-last_message_at", "-id"],
                         name="conv_org_newest"),
            models.Index(fields=["organization", "own_number", "-last_message_at", "-id"],
                         name="conv_org_number_newest"),
            # The team inbox's filters: open or closed, and whose.
            models.Index(fields=["organization", "status", "-last_message_at", "-id"],
                         name="conv_org_status_newest"),
            models.Index(fields=["organization", "assignee", "status", "-last_message_at",
                                 "-id"], name="conv_org_assignee_newest"),
            # The live poll's one read: the organization's latest change.
            models.Index(fields=["organization", "changed_at"], name="conv_org_changed"),
        ]

    def __str__(self):
        return f"{self.own_number.number} ↔ {self.participants}"

    @property
    def participant_list(self) -> list[str]:
        return [p for p in self.participants.split(",") if p]

    @property
    def participants_display(self) -> str:
        return ", ".join(self.participant_list) or "(no other party)"


class Message(models.Model):
    """One SMS/MMS, keyed by the provider's uuid (unique within an organization)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    uuid = models.CharField(max_length=64)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    source = models.CharField(max_length=32)
    destinations = models.JSONField(default=list)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=MessageStatus.choices)
    status_reason = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(help_text="The provider's message time (UTC)")
    sender_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    sender_uuid = models.CharField(max_length=64, blank=True, help_text="provider userUuid")
    customer_provided_id = models.CharField(max_length=200, blank=True)
    # A one-time key of the form or API call that sent it: a repeated submission (a
    # double click, a client's retry) finds this message instead of sending again.
    idempotency_key = models.CharField(max_length=64, blank=True)
    # SHA-256 of what that submission asked for, so that the key reused for another message
    # is refused rather than answered with the first. The database default fills it for
    # rows that code without it writes while both run.
    idempotency_digest = models.CharField(max_length=64, blank=True, default="",
                                          db_default="")
    deleted_at = models.DateTimeField(null=True, blank=True)
    # A SCHEDULED message's time to send (its sent_at follows it until it is handed over,
    # when sent_at becomes the moment of the hand-over). Kept afterwards: when it was meant.
    send_at = models.DateTimeField(null=True, blank=True)
    # The failed message this one sends again ("Send again").
    resent_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="resends")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization",
                            _manager_class=models.Manager.from_queryset(MessageQuerySet))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "uuid"], name="one_row_per_message"),
            models.UniqueConstraint(fields=["organization", "idempotency_key"],
                                    condition=~models.Q(idempotency_key=""),
                                    name="one_send_per_idempotency_key"),
        ]
        indexes = [
            # Organization first too: with two equalities SQLite always prefers it to
            # msg_org_newest, which would walk the whole organization to fill one page.
            models.Index(fields=["organization", "conversation", "-sent_at", "-id"],
                         name="msg_org_conv_newest"),
            models.Index(fields=["organization", "-sent_at", "-id"], name="msg_org_newest"),
            models.Index(fields=["organization", "status"], name="msg_org_status"),
            # The scheduled-send job's one read across organizations: what is due. Partial,
            # so it holds only the few messages waiting for their time (not cancelled ones).
            models.Index(fields=["send_at"], condition=Q(status="SCHEDULED", deleted_at=None),
                         name="msg_scheduled_due"),
        ]

    def __str__(self):
        return f"{self.uuid} {self.direction} {self.status}"


class Note(models.Model):
    """A member's internal note inside a conversation: shown between its messages, never
    sent. Members @-mentioned in it are told."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        indexes = [models.Index(fields=["conversation", "-created_at", "-id"],
                                name="note_conversation_newest")]

    def __str__(self):
        return f"note {self.pk} in {self.conversation_id}"


class MediaState(models.TextChoices):
    PENDING = "pending", "Not archived yet"
    ARCHIVED = "archived", "Archived"
    GONE = "gone", "Deleted by the provider"
    REJECTED = "rejected", "Not an accepted type or size"


class Media(models.Model):
    """One media URL of a message, and its archived copy in Django's storage."""

    # No index of its own: media are read by message (one_media_per_slot) or by state;
    # an organization index would tempt SQLite to read all of an organization's media.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="media")
    position = models.PositiveSmallIntegerField(default=0)
    url = models.CharField(max_length=1000)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="mms/%Y/%m/", blank=True)
    state = models.CharField(max_length=10, choices=MediaState.choices,
                             default=MediaState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization",
                            _manager_class=models.Manager.from_queryset(MediaQuerySet))

    class Meta:
        verbose_name_plural = "media"
        ordering = ["message_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["message", "position"], name="one_media_per_slot"),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="media_to_archive")]

    def __str__(self):
        return f"media {self.position} of {self.message_id}"


class EventState(models.TextChoices):
    PENDING = "pending", "Waiting to be processed"
    PROCESSED = "processed", "Processed"
    WAITING = "waiting", "Waiting for its message"  # an updatedSMS before its newSMS
    INVALID = "invalid", "Not a valid event"
    REJECTED = "rejected", "Not confirmed by the provider"
    FAILED = "failed", "Failed, will be retried"


class WebhookEvent(models.Model):
    """A webhook request exactly as it arrived, written before it is answered."""

    # Not indexed alone: event_message starts with it. Every index here is written on each
    # webhook request, the endpoint's whole cost.
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    number = models.ForeignKey(MessagingNumber, null=True, on_delete=models.SET_NULL,
                               related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    headers = models.JSONField(default=dict)
    body = models.BinaryField()
    event_type = models.CharField(max_length=20, blank=True)
    message_uuid = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=10, choices=EventState.choices,
                             default=EventState.PENDING)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        indexes = [
            models.Index(fields=["state", "id"], name="event_state"),
            models.Index(fields=["organization", "message_uuid"], name="event_message"),
        ]

    def __str__(self):
        return f"{self.event_type or 'event'} {self.message_uuid} ({self.state})"


class MessageSync(SyncOutcome):
    """The watermark of an organization's message sync: the newest message time seen."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="+")
    watermark = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return f"Message sync of {self.organization_id}"

