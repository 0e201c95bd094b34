"""Faxes the portal has seen, and the state of each organization's fax sync."""

import hashlib

from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization
from common.models import SyncOutcome


class FaxStatus(models.TextChoices):
    QUEUED = "QUEUED", "Queued"
    PROGRESS = "PROGRESS", "In progress"
    SENT = "SENT", "Sent"
    FAILED = "FAILED", "Failed"

    @classmethod
    def final(cls) -> tuple[str, ...]:
        return (cls.SENT, cls.FAILED)


def fax_identity(customer_field: str | None, source: str, destination: str, sent_at) -> str:
    """A fax has no id (docs/provider.md quirk 7): it is who sent what where when, hashed into one
    short key.

    "When" is the provider's wall-clock time, without the zone it is read in (docs/provider.md
    quirk 6): an admin who corrects the connection's time zone corrects the times of the faxes
    already stored as they are seen again, instead of getting each of them a second time.
    """
    wall_clock = sent_at.replace(tzinfo=None)
    parts = ["\x00" if customer_field is None else customer_field, source, destination,
             wall_clock.isoformat()]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class FaxQuerySet(models.QuerySet):
    def matching(self, *, status: str = "", since=None, until=None, reference: str = "",
                 number: str = "") -> "FaxQuerySet":
        """The history's filters. since/until are aware datetimes; reference is a prefix;
        number matches the sender or the recipient exactly (E.164 for US numbers)."""
        qs = self
        if status:
            qs = qs.filter(status=status)
        if since:
            qs = qs.filter(sent_at__gte=since)
        if until:
            qs = qs.filter(sent_at__lt=until)
        if reference:
            qs = qs.filter(customer_field__startswith=reference)
        if number:
            qs = qs.filter(models.Q(source_number=number) | models.Q(destination_number=number))
        return qs


class Fax(models.Model):
    """One fax of an organization; status and tries are updated in place as they change."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    identity = models.CharField(max_length=64)
    customer_field = models.CharField(max_length=255, null=True, blank=True)
    source_number = models.CharField(max_length=32)
    destination_number = models.CharField(max_length=32)
    sent_at = models.DateTimeField(help_text="The provider's TIME, read in the connection's zone")
    pages = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=FaxStatus.choices)
    try_count = models.PositiveSmallIntegerField(default=0)
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization",
                            _manager_class=models.Manager.from_queryset(FaxQuerySet))

    MAX_TRIES = 3

    class Meta:
        verbose_name_plural = "faxes"
        constraints = [
            models.UniqueConstraint(fields=["organization", "identity"], name="one_row_per_fax"),
        ]
        indexes = [
            # The history list, newest first, and its keyset pages.
            models.Index(fields=["organization", "-sent_at", "-id"], name="fax_org_time"),
            models.Index(fields=["organization", "status", "-sent_at", "-id"],
                         name="fax_org_status_time"),
            # Lookups by reference or number, and a contact's timeline (contacts/timeline.py),
            # which reads them newest first a page at a time: ending with the time, a page
            # reads only its own rows instead of sorting all of a contact's faxes.
            models.Index(fields=["organization", "customer_field", "sent_at", "id"],
                         name="fax_org_reference_time"),
            models.Index(fields=["organization", "source_number", "sent_at", "id"],
                         name="fax_org_source_time"),
            models.Index(fields=["organization", "destination_number", "sent_at", "id"],
                         name="fax_org_dest_time"),
        ]

    def __str__(self):
        return f"{self.customer_field or '(no reference)'} {self.destination_number} {self.status}"


class FaxSync(SyncOutcome):
    """When the organization's faxes were last synced, and the last error if it failed."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="+")

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return f"Fax sync of {self.organization_id}"

