"""Organizations (the tenants), their members, provider connections and the audit log."""

import hashlib
import secrets
import zoneinfo
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.fields import EncryptedTextField
from accounts.tokens import ConnectionTokenStore

TIME_ZONE_CHOICES = [(tz, tz) for tz in sorted(zoneinfo.available_timezones())]


def digest(secret: str) -> str:
    """SHA-256 hex digest of a long random secret (invitation tokens, API keys)."""
    return hashlib.sha256(secret.encode()).hexdigest()


class User(AbstractUser):
    """A person who logs in; belongs to organizations through memberships."""

    email = models.EmailField(blank=True)


class Organization(models.Model):
    """A customer of Axion, and the unit of tenant isolation."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=50, unique=True)
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    # Owners and admins must sign in with two-factor (accounts.two_factor).
    require_two_factor = models.BooleanField(
        "require two-factor sign-in of owners and admins", default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Role(models.TextChoices):
    """Roles in ascending power; each includes what the ones below may do."""

    VIEWER = "viewer", "Viewer (read only)"
    AGENT = "agent", "Agent (sends and deletes messages)"
    ADMIN = "admin", "Admin (manages members and connections)"
    OWNER = "owner", "Owner"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, required: "Role") -> bool:
        return self.rank >= Role(required).rank


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership"),
        ]
        ordering = ["user__username"]

    def __str__(self):
        return f"{self.user} in {self.organization} ({self.role})"

    @property
    def role_obj(self) -> Role:
        return Role(self.role)

    def allows(self, required: Role) -> bool:
        return self.role_obj.allows(required)


def _invitation_expiry():
    return timezone.now() + timedelta(days=settings.INVITATION_DAYS)


class Invitation(models.Model):
    """An e-mailed link that makes its holder a member; only the token's digest is stored."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation of {self.email} to {self.organization}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class Connection(models.Model):
    """An organization's account on one of Axion's two APIs, with its session token.

    api_key, password and session_token are encrypted at rest and never shown.
    """

    class Kind(models.TextChoices):
        FAX = "fax", "Fax status API"
        SMS = "sms", "SMS API"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="connections")
    kind = models.CharField(max_length=3, choices=Kind.choices)
    api_url = models.URLField(max_length=500)
    api_key = EncryptedTextField()
    username = models.CharField(max_length=200)
    password = EncryptedTextField()
    # The fax API sends times without a zone (docs/provider.md quirk 6); they are read in this one.
    time_zone = models.CharField(max_length=64, choices=TIME_ZONE_CHOICES, default="UTC")
    session_token = EncryptedTextField(blank=True, default="")
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # Set when the provider rejects the stored credentials; cleared by the next good login.
    failing_since = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organization="organization")

    SECRET_FIELDS = ("api_key", "password", "session_token")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"],
                                    name="one_connection_per_kind"),
        ]
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.organization}"

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def token_store(self) -> ConnectionTokenStore:
        """Where `axion.client_for` keeps this connection's session token."""
        return ConnectionTokenStore(self)


class AuditEntry(models.Model):
    """Who did what, when, from where, in which organization. Never holds a secret."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    # What the actor was known as, kept when the user is deleted, and for API keys.
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=64, db_index=True)
    target = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-id"], name="audit_org_newest")]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target}"


class ApiKey(models.Model):
    """A key of the REST API, acting for its organization with its scopes.

    Only the key's SHA-256 digest is stored: keys carry 256 random bits, so a fast digest is
    as safe as a slow password hash and costs nothing per request. `prefix` is the key's
    visible start, to tell keys apart on the page and in the audit log.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read faxes, messages, conversations and numbers"
        SEND = "send", "Send and delete messages"
        # The organization's webhook endpoints: their URLs may carry credentials of the
        # systems they point to, so reading them needs this scope too.
        WEBHOOKS = "webhooks", "Manage webhook endpoints"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    # Comma-separated Scope values, e.g. "read,send".
    scopes = models.CharField(max_length=50)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """How the key is named in the audit log: never more of it than the prefix."""
        return f"API key {self.name} ({self.prefix}…)"

    @property
    def scope_list(self) -> list[str]:
        return [s for s in self.scopes.split(",") if s]

    def allows(self, scope: str) -> bool:
        return self.is_active and scope in self.scope_list

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class JobOutcome(models.TextChoices):
    OK = "ok", "Succeeded"
    FAILED = "failed", "Failed"


class JobState(models.Model):
    """The last run of one job for one organization, written by `accounts.jobs.
    organization_work` as the run starts and ends: what the operations page and the API
    show, and what "run now" reads to say a run is already going."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.CharField(max_length=64)
    # Set while a run holds the organization's lock for the job; a crash leaves it set,
    # which is why "already running" is read from the lock itself (it expires).
    running_since = models.DateTimeField(null=True, blank=True)
    # "Run now" queued a run that has not started yet.
    queued_at = models.DateTimeField(null=True, blank=True)
    last_started_at = models.DateTimeField(null=True, blank=True)
    last_finished_at = models.DateTimeField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_outcome = models.CharField(max_length=10, choices=JobOutcome.choices, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # A run that found another one holding the lock, and so did nothing.
    last_skipped_at = models.DateTimeField(null=True, blank=True)
    runs = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "job"], name="one_state_per_job"),
        ]
        ordering = ["job"]

    def __str__(self):
        return f"{self.job} of {self.organization_id}"


class ConnectionCheck(models.Model):
    """One renewal of a connection's session token, or one "Test connection", with its
    outcome in the portal's words: the history shown on the connection's panel."""

    class Kind(models.TextChoices):
        RENEWAL = "renewal", "Token renewal"
        TEST = "test", "Connection test"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    connection = models.ForeignKey(Connection, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    ok = models.BooleanField()
    # What the portal says of the outcome (axion.wording for a failure); never a secret.
    detail = models.CharField(max_length=500, blank=True)
    # The SMS API's version, from a test's version check.
    version = models.CharField(max_length=100, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["connection", "-at", "-id"],
                                name="check_connection_newest")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.connection_id} at {self.at:%Y-%m-%d %H:%M}"
