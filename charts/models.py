"""Daily counts behind the charts, per organization and calendar day in its time zone.

Every row is recounted from the faxes or messages of its day (charts/services.py), never
incremented in place: a recount of the same day writes the same rows, and a wrong row is
put right by the next recount. Pages read these few rows, never the faxes or messages.
"""

from django.db import models
from django_scopes import ScopedManager

from accounts.models import Organization
from messaging.models import MessagingNumber


class FaxDay(models.Model):
    """An organization's faxes of one day, by outcome. A day without faxes has no row."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)  # its unique constraint starts with it
    day = models.DateField()
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0, help_text="queued or in progress")

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "day"], name="one_fax_day"),
        ]

    def __str__(self):
        return f"{self.day}: {self.sent} sent, {self.failed} failed, {self.pending} pending"


class FaxDestinationDay(models.Model):
    """The finished faxes of one day to one destination: what the failure rate by
    destination is summed from. Destinations without a finished fax that day have no row."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)  # its unique constraint starts with it
    day = models.DateField()
    destination = models.CharField(max_length=32)
    sent = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "day", "destination"],
                                    name="one_fax_destination_day"),
        ]

    def __str__(self):
        return f"{self.day} {self.destination}: {self.sent} sent, {self.failed} failed"


class FailingDestination(models.Model):
    """The destinations with the highest failure rate over the chart's window (the last
    CHART_DAYS days), ranked from 1, rewritten whole from FaxDestinationDay by each recount:
    a page reads these ten rows rather than summing thousands of destinations."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)  # its unique constraint starts with it
    rank = models.PositiveSmallIntegerField()
    destination = models.CharField(max_length=32)
    sent = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()
    first_day = models.DateField()
    last_day = models.DateField()

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "rank"],
                                    name="one_failing_destination_per_rank"),
        ]

    def __str__(self):
        return f"{self.rank}. {self.destination}: {self.failed} of {self.total} failed"

    @property
    def total(self) -> int:
        return self.sent + self.failed

    @property
    def rate(self) -> float:
        return self.failed / self.total if self.total else 0.0


class MessageDay(models.Model):
    """One messaging number's messages of one day, in and out: per number, so that a
    member sees the counts of the numbers they may see only. A number and day without
    messages has no row."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+",
                                     db_index=False)  # its unique constraint starts with it
    day = models.DateField()
    number = models.ForeignKey(MessagingNumber, on_delete=models.CASCADE, related_name="+")
    inbound = models.PositiveIntegerField(default=0)
    outbound = models.PositiveIntegerField(default=0)

    objects = ScopedManager(organization="organization")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organization", "day", "number"],
                                    name="one_message_day_per_number"),
        ]

    def __str__(self):
        return f"{self.day} {self.number_id}: {self.inbound} in, {self.outbound} out"
