"""Fax alerts: references members watch, the organization's alert rules, the alerts raised
(once per fax and rule, or per rule and day), and the attention list of failed or stuck
faxes until someone marks them handled.

How alerts are found and told is in fax_alerts/alerting.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization, Role
from faxes.models import Fax


class Match(models.TextChoices):
    EXACT = "exact", "Exactly this reference"
    PREFIX = "prefix", "References starting with this"


class Watch(models.Model):
    """A member watches a reference: exactly, or every reference that starts with it
    (`CLAIM-2026-`). The rules that go to watchers tell them of its faxes."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+")
    text = models.CharField(max_length=255)
    match = models.CharField(max_length=6, choices=Match.choices, default=Match.EXACT)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            # Also the index of a member's watches, and of the organization's (a batch
            # reads them once).
            models.UniqueConstraint(fields=["organization", "user", "text"],
                                    name="one_watch_per_reference"),
        ]

    def __str__(self):
        return f"{self.user_id} watches {self.text!r} ({self.match})"

    def matches(self, reference: str | None) -> bool:
        if not reference:
            return False
        if self.match == Match.PREFIX:
            return reference.startswith(self.text)
        return reference == self.text


class RuleKind(models.TextChoices):
    FAILED = "failed", "A fax failed"
    THIRD_TRY = "third_try", "A fax reached its last try"
    STUCK = "stuck", "A fax stayed queued or in progress too long"
    NONE_SENT = "none_sent", "No fax was sent by an hour on a weekday"


# A week: the sync stops refreshing faxes that are not final after that (faxes.services).
MOST_MINUTES = 7 * 24 * 60

# Who a rule tells besides (or instead of) the watchers: members of at least this role.
AUDIENCE_CHOICES = [("", "Nobody else"), (Role.AGENT.value, "Agents and above"),
                    (Role.ADMIN.value, "Admins and owners"), (Role.OWNER.value, "Owners")]


class AlertRule(models.Model):
    """One rule of an organization: when it alerts, and whom it tells."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=RuleKind.choices)
    enabled = models.BooleanField(default=True)
    to_watchers = models.BooleanField(
        "tell the watchers of the fax's reference", default=True)
    least_role = models.CharField("tell", max_length=10, choices=AUDIENCE_CHOICES, blank=True)
    # Stuck: queued or in progress for longer than this.
    minutes = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MOST_MINUTES)],
        help_text="Stuck: queued or in progress for longer than this many minutes.")
    # None sent: no fax sent today by this hour (organization's time zone), Monday to Friday.
    hour = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(23)],
        help_text="No fax sent: by this hour (0-23, the organization's time zone), Monday to "
                  "Friday.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self):
        return self.describe()

    def clean(self):
        """A rule says what it needs: minutes for stuck, an hour and a role for none sent
        (no fax, so no reference to watch), and someone to tell. What another kind does not
        use is dropped."""
        errors = {}
        if self.kind != RuleKind.STUCK:
            self.minutes = None
        elif self.minutes is None:
            errors["minutes"] = "Say after how many minutes a fax counts as stuck."
        if self.kind != RuleKind.NONE_SENT:
            self.hour = None
            if not self.to_watchers and not self.least_role:
                errors["least_role"] = "Choose whom it tells: the watchers, a role, or both."
        else:
            self.to_watchers = False
            if self.hour is None:
                errors["hour"] = "Say by which hour a fax should have been sent."
            if not self.least_role:
                errors["least_role"] = ("No fax means no reference to watch: choose the "
                                        "role this rule tells.")
        if errors:
            raise ValidationError(errors)

    def describe(self) -> str:
        """The condition, as people read it."""
        if self.kind == RuleKind.STUCK:
            return f"A fax stayed queued or in progress longer than {self.minutes} minutes"
        if self.kind == RuleKind.NONE_SENT:
            return f"No fax was sent by {self.hour:02d}:00 on a weekday"
        if self.kind == RuleKind.THIRD_TRY:
            return f"A fax reached its last try ({Fax.MAX_TRIES} of {Fax.MAX_TRIES})"
        return "A fax failed"

    def audience(self) -> str:
        """Whom it tells, as people read it."""
        parts = []
        if self.to_watchers:
            parts.append("the watchers of the reference")
        if self.least_role:
            parts.append(dict(AUDIENCE_CHOICES)[self.least_role].lower())
        return " and ".join(parts) or "nobody (webhooks and the attention list only)"


class Alert(models.Model):
    """A rule that held: once per (rule, fax), or per (rule, day) for the none-sent rule.
    The unique constraints are what makes two processes that see the same fax raise one
    alert (NULLs are distinct, so each constraint binds only its own kind of alert)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    fax = models.ForeignKey(Fax, on_delete=models.CASCADE, null=True, blank=True,
                            related_name="+")
    day = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "fax"], name="one_alert_per_fax_and_rule"),
            models.UniqueConstraint(fields=["rule", "day"], name="one_alert_per_rule_and_day"),
        ]
        indexes = [models.Index(fields=["organization", "fax"], name="alert_org_fax")]

    def __str__(self):
        return f"{self.rule_id} on {self.fax_id or self.day}: {self.reason}"


class AttentionReason(models.TextChoices):
    FAILED = "failed", "Failed"
    STUCK = "stuck", "Stuck"


class Attention(models.Model):
    """A fax that failed or got stuck, on the attention list until a member marks it
    handled. One row per fax: a stuck fax that then fails comes back as failed."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    fax = models.ForeignKey(Fax, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=6, choices=AttentionReason.choices)
    raised_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    # Who handled it, kept when the user is deleted, and for API keys.
    handled_by_label = models.CharField(max_length=200, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fax"], name="one_attention_per_fax")]
        indexes = [
            # The list: open ones, newest first (a few rows, whatever the history's size).
            models.Index(fields=["organization", "-raised_at", "-id"],
                         condition=Q(handled_at__isnull=True), name="attention_open"),
        ]

    def __str__(self):
        return f"{self.reason} fax {self.fax_id}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None
