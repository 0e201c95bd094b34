"""Notifications for people: what a member is told (in the portal, by e-mail, in the
browser), and how each member wants to be told about each kind.

A notification is made from an event (events.Event) in the transaction that wrote it
(notifications/receivers.py); e-mails are sent later by a job (notifications/emails.py),
never in that transaction or request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization, Role


class Kind(models.TextChoices):
    NEW_MESSAGE = "new_message", "New messages"
    MENTION = "mention", "Mentions of me in notes"
    SEND_FAILED = "send_failed", "My messages that failed"
    FAX_FAILED = "fax_failed", "Failed faxes"
    # The other rules of fax_alerts (last try, stuck, none sent by an hour); failures are
    # FAX_FAILED, made by the same rules (fax_alerts/alerting.py).
    FAX_ALERT = "fax_alert", "Fax alerts"
    CONNECTION_FAILING = "connection_failing", "Connections to Axion failing"

    @property
    def least_role(self) -> Role:
        """The least role that receives this kind: who can act on it. Viewers read and
        answer nothing, so messages, sends and faxes are told to agents and above (fax
        failures are worth someone's action: sending again, calling the recipient); a
        failing connection only to owners and admins, who alone may fix it."""
        return _LEAST_ROLE[self]

    @property
    def default_delivery(self) -> "Delivery":
        """What a member who chose nothing gets by e-mail: what needs them now at once,
        the steady stream of messages and faxes in digests."""
        return _DEFAULT_DELIVERY[self]

    @classmethod
    def for_role(cls, role: Role) -> list["Kind"]:
        return [kind for kind in cls if Role(role).allows(kind.least_role)]


class Delivery(models.TextChoices):
    IMMEDIATELY = "immediately", "E-mail at once"
    DIGEST = "digest", "E-mail in a digest"
    NEVER = "never", "No e-mail"


_LEAST_ROLE = {Kind.NEW_MESSAGE: Role.AGENT, Kind.MENTION: Role.AGENT,
               Kind.SEND_FAILED: Role.AGENT, Kind.FAX_FAILED: Role.AGENT,
               Kind.FAX_ALERT: Role.AGENT,
               Kind.CONNECTION_FAILING: Role.ADMIN}
_DEFAULT_DELIVERY = {Kind.NEW_MESSAGE: Delivery.DIGEST, Kind.MENTION: Delivery.IMMEDIATELY,
                     Kind.SEND_FAILED: Delivery.IMMEDIATELY, Kind.FAX_FAILED: Delivery.DIGEST,
                     Kind.FAX_ALERT: Delivery.IMMEDIATELY,
                     Kind.CONNECTION_FAILING: Delivery.IMMEDIATELY}

DEFAULT_DIGEST_MINUTES = 15
DIGEST_CHOICES = [(5, "Every 5 minutes"), (15, "Every 15 minutes"), (30, "Every 30 minutes"),
                  (60, "Every hour"), (240, "Every 4 hours"), (1440, "Once a day")]


class Notification(models.Model):
    """One thing one member is told. `url` is the portal's path of what it is about (a
    conversation, the failed faxes); `subject` names that thing ("conversation:12"), as
    events do, so that a conversation's notifications are read and e-mailed together."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    # Who or what it is about, as people read it ("(323) 555-0187", "Dr. Patel"): a digest
    # says "3 new messages from" it.
    about = models.CharField(max_length=200, blank=True)
    body = models.CharField(max_length=300, blank=True)
    url = models.CharField(max_length=500)
    subject = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Whether the e-mail job still has to decide about it (send, wait for the digest, or
    # drop it for a member who wants no e-mail); emailed_at says when it went out.
    email_pending = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        indexes = [
            # The notifications page, newest first, and its keyset pages.
            models.Index(fields=["organization", "user", "-created_at", "-id"],
                         name="notif_member_newest"),
            # The bell's poll: a member's unread ones, newest first (one read of few rows).
            models.Index(fields=["organization", "user", "-id"],
                         condition=Q(read_at__isnull=True), name="notif_member_unread"),
            # The e-mail job: what it still has to decide about.
            models.Index(fields=["organization", "user", "id"],
                         condition=Q(email_pending=True), name="notif_email_pending"),
        ]

    def __str__(self):
        return f"{self.kind} for {self.user_id}: {self.title}"


class Preference(models.Model):
    """How a member wants e-mails of one kind; without a row, the kind's default."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delivery = models.CharField(max_length=12, choices=Delivery.choices)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user", "kind"],
                                    name="one_preference_per_kind"),
        ]

    def __str__(self):
        return f"{self.kind} of {self.user_id}: {self.delivery}"


class DigestInterval(models.Model):
    """How often a member's digest e-mails go out; without a row, DEFAULT_DIGEST_MINUTES."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    minutes = models.PositiveIntegerField(default=DEFAULT_DIGEST_MINUTES,
                                          choices=DIGEST_CHOICES)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "user"],
                                    name="one_digest_interval_per_member"),
        ]

    def __str__(self):
        return f"digest of {self.user_id} every {self.minutes} min"
