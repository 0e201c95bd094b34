"""Faxes the portal has seen, and the state of each organization's fax sync."""

import hashlib
from datetime import timedelta

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



class ObservedVia(models.TextChoices):
    """How the portal came to see a fax's state."""

    SYNC = "sync", "by the sync"
    LOOKUP = "lookup", "by a lookup"
    BACKFILL = "backfill", "by the history's backfill"
    # Faxes stored before the portal kept timelines: their state as it stood then
    # (migration 0004), observed at their last status change.
    EARLIER = "earlier", "before the portal kept timelines"


class FaxObservation(models.Model):
    """What the portal observed of a fax: its status and try count at one moment, written
    when the fax is first seen and whenever either changes (faxes.services.upsert_faxes).
    A fax's observations, oldest first, are its timeline."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    # Indexed by the timeline's index below, which starts with the fax.
    fax = models.ForeignKey(Fax, on_delete=models.CASCADE, related_name="observations",
                            db_index=False)
    observed_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=FaxStatus.choices)
    try_count = models.PositiveSmallIntegerField()
    via = models.CharField(max_length=10, choices=ObservedVia.choices)

    objects = ScopedManager(organization="organization")

    class Meta:
        indexes = [
            # A fax's timeline, oldest first, read through this index alone.
            models.Index(fields=["fax", "observed_at", "id"], name="fax_observation_timeline"),
        ]

    def __str__(self):
        return f"{self.status} (try {self.try_count}) at {self.observed_at} via {self.via}"


class FaxBackfill(models.Model):
    """The organization's fetch of its past days of faxes (one All_Faxes_Status per day):
    which days it covers, when it started and finished, and the last error. The days
    fetched are its `FaxBackfillDay`s."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE,
                                        related_name="+")
    first_day = models.DateField(help_text="The oldest day to fetch (the connection's zone)")
    last_day = models.DateField(help_text="The newest day to fetch")
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organization="organization")

    def __str__(self):
        return f"Fax backfill of {self.organization_id}: {self.first_day} to {self.last_day}"

    @property
    def total_days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def days(self) -> list:
        """Its days, newest first: the most recent history is the most useful, and arrives
        first."""
        return [self.last_day - timedelta(days=n) for n in range(self.total_days)]


class FaxBackfillDay(models.Model):
    """One day the backfill fetched: never a day twice (the unique constraint), so a run
    that stopped resumes at the first day not fetched."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)
    day = models.DateField()
    fetched_at = models.DateTimeField()
    faxes = models.PositiveIntegerField(help_text="Faxes the provider listed that day")

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="one_fetch_per_day"),
        ]

    def __str__(self):
        return f"{self.day}: {self.faxes} faxes"
