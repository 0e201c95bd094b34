"""The daily counts behind the charts: recounted from the rows of a day, and read back.

A recount reads one day's faxes (or messages) through the organization's time index with
one grouped query, and makes that day's rows say what it found: rows that differ are
written, rows no longer counted (a destination without faxes that day any more) deleted.
Recounting a day twice changes nothing; a day counted wrong for any reason is right again
after its next recount. Who recounts: the fax sync (the days it stored), and the
`count_activity` job (today and yesterday of every organization, every few minutes), with
`recount_activity` going over the whole window once a day and after a deploy.

Days are calendar days in the organization's time zone, so a day is 23 or 25 hours long
where the clocks change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.db import transaction
from django.db.models import Count, F, FloatField, Sum
from django.db.models.functions import Cast
from django.utils import timezone

from accounts.models import Organization
from accounts.tenancy import organization_scope
from charts.models import FailingDestination, FaxDay, FaxDestinationDay, MessageDay
from faxes.models import Fax, FaxStatus
from messaging.models import Direction, Message, MessageStatus, MessagingNumber

# The charts' window: today and the days before it.
CHART_DAYS = 30
# The failure rate by destination ranks destinations with at least this many finished faxes
# in the window (one failure of one fax says little about a destination).
MIN_DESTINATION_FAXES = 5
TOP_DESTINATIONS = 10
WRITE_BATCH = 500
COUNT_FIELDS = {FaxDay: ["sent", "failed", "pending"], FaxDestinationDay: ["sent", "failed"],
                MessageDay: ["inbound", "outbound"]}


def today_of(organization: Organization, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(organization.tzinfo).date()


def last_days(organization: Organization, count: int, now: datetime | None = None
              ) -> list[date]:
    """The `count` days ending today in the organization's zone, oldest first."""
    today = today_of(organization, now)
    return [today - timedelta(days=n) for n in range(count - 1, -1, -1)]


def day_bounds(day: date, zone: tzinfo) -> tuple[datetime, datetime]:
    """The day's first instant and the next day's, in `zone`: 23 or 25 hours apart on the
    days the clocks change there."""
    return (datetime.combine(day, time.min, tzinfo=zone),
            datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone))


def organization_days(organization: Organization, days: Iterable[date],
                      zone: tzinfo | None = None) -> list[date]:
    """The organization's days that overlap `days` of `zone` (a connection's zone may differ
    from the organization's: one of its days then touches two of the organization's)."""
    own = organization.tzinfo
    found = set()
    for day in days:
        if zone is None or zone == own:
            found.add(day)
            continue
        start, end = day_bounds(day, zone)
        first = start.astimezone(own).date()
        last = (end - timedelta(microseconds=1)).astimezone(own).date()
        found.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return sorted(found)


def _store_day(model, *, organization: Organization, day: date, key: str | None,
               counts: dict) -> None:
    """Make `model`'s rows of `day` hold `counts` ({key value: {field: count}}; key None
    for one row per day). Unchanged rows are not written; rows whose key is no longer in
    `counts` are deleted. Runs in the caller's transaction and scope."""
    fields = COUNT_FIELDS[model]
    column = model._meta.get_field(key).attname if key else None  # number: number_id
    existing = {}
    for row in model.objects.filter(day=day).values("pk", *([column] if key else []), *fields):
        existing[row[column] if key else None] = row
    changed = [
        model(organization=organization, day=day, **({column: value} if key else {}), **values)
        for value, values in counts.items()
        if value not in existing or any(existing[value][f] != n for f, n in values.items())
    ]
    unique = ["organization", "day", *([key] if key else [])]
    model.objects.bulk_create(changed, batch_size=WRITE_BATCH, update_conflicts=True,
                              unique_fields=unique, update_fields=fields)
    stale = [row["pk"] for value, row in existing.items() if value not in counts]
    for start in range(0, len(stale), WRITE_BATCH):
        model.objects.filter(pk__in=stale[start:start + WRITE_BATCH]).delete()


def _recount_fax_day(organization: Organization, day: date) -> None:
    start, end = day_bounds(day, organization.tzinfo)
    rows = (Fax.objects.filter(sent_at__gte=start, sent_at__lt=end)
            .values("destination_number", "status").annotate(n=Count("id")).order_by())
    totals = {"sent": 0, "failed": 0, "pending": 0}
    destinations: dict[str, dict[str, int]] = {}
    for row in rows:
        outcome = {FaxStatus.SENT: "sent", FaxStatus.FAILED: "failed"}.get(row["status"])
        totals[outcome or "pending"] += row["n"]
        if outcome:
            counts = destinations.setdefault(row["destination_number"],
                                             {"sent": 0, "failed": 0})
            counts[outcome] += row["n"]
    with transaction.atomic():
        _store_day(FaxDay, organization=organization, day=day, key=None,
                   counts={None: totals} if any(totals.values()) else {})
        _store_day(FaxDestinationDay, organization=organization, day=day,
                   key="destination", counts=destinations)


def rank_failing_destinations(*, organization: Organization,
                              now: datetime | None = None) -> None:
    """Rewrite the organization's top destinations by failure rate over the window: those
    with at least MIN_DESTINATION_FAXES finished faxes and one failure, the highest rate
    first (then the most failures)."""
    days = last_days(organization, CHART_DAYS, now)
    with organization_scope(organization):
        totals = (FaxDestinationDay.objects.filter(day__gte=days[0], day__lte=days[-1])
                  .values("destination")
                  .annotate(total_sent=Sum("sent"), total_failed=Sum("failed"))
                  .filter(total_failed__gt=0)
                  .annotate(total=F("total_sent") + F("total_failed"))
                  .filter(total__gte=MIN_DESTINATION_FAXES)
                  .annotate(rate=Cast("total_failed", FloatField())
                            / Cast("total", FloatField()))
                  .order_by("-rate", "-total_failed", "destination")[:TOP_DESTINATIONS])
        wanted = [(rank, row["destination"], row["total_sent"], row["total_failed"],
                   days[0], days[-1]) for rank, row in enumerate(totals, start=1)]
        fields = ("rank", "destination", "sent", "failed", "first_day", "last_day")
        if list(FailingDestination.objects.order_by("rank").values_list(*fields)) == wanted:
            return
        # Written by rank, as upserts: two recounts at once (the sync's and the job's) both
        # write their ranking rather than one failing on the other's rows.
        with transaction.atomic():
            FailingDestination.objects.bulk_create(
                [FailingDestination(organization=organization,
                                    **dict(zip(fields, row, strict=True))) for row in wanted],
                update_conflicts=True, unique_fields=["organization", "rank"],
                update_fields=list(fields[1:]))
            FailingDestination.objects.filter(rank__gt=len(wanted)).delete()


def recount_fax_days(*, organization: Organization, days: Iterable[date],
                     zone: tzinfo | None = None, now: datetime | None = None) -> None:
    """Recount the organization's faxes of `days` (dates in `zone`, by default the
    organization's own), then its failing destinations."""
    with organization_scope(organization):
        for day in organization_days(organization, days, zone):
            _recount_fax_day(organization, day)
    rank_failing_destinations(organization=organization, now=now)


def recount_message_days(*, organization: Organization, days: Iterable[date]) -> None:
    """Recount the organization's messages of `days` (its own dates), in and out per
    messaging number."""
    with organization_scope(organization):
        for day in sorted(set(days)):
            start, end = day_bounds(day, organization.tzinfo)
            # A scheduled message (cancelled ones stay SCHEDULED) has not gone out: its
            # sent_at is the time it is meant to go.
            rows = (Message.objects.filter(sent_at__gte=start, sent_at__lt=end)
                    .exclude(status=MessageStatus.SCHEDULED)
                    .values("conversation__own_number", "direction")
                    .annotate(n=Count("id")).order_by())
            counts: dict[int, dict[str, int]] = {}
            for row in rows:
                number = counts.setdefault(row["conversation__own_number"],
                                           {"inbound": 0, "outbound": 0})
                number["inbound" if row["direction"] == Direction.INBOUND else "outbound"] \
                    += row["n"]
            with transaction.atomic():
                _store_day(MessageDay, organization=organization, day=day, key="number",
                           counts=counts)


def prune_destination_days(*, organization: Organization,
                           now: datetime | None = None) -> int:
    """Delete the per-destination counts of days before the window: nothing reads them,
    and a busy organization has hundreds a day. The daily totals (FaxDay, MessageDay) are a
    row per day and stay."""
    first = last_days(organization, CHART_DAYS, now)[0]
    with organization_scope(organization):
        deleted, _ = FaxDestinationDay.objects.filter(day__lt=first).delete()
    return deleted


def recount_activity(*, organization: Organization, days: int,
                     now: datetime | None = None) -> int:
    """Recount the last `days` days (today included) of the organization's faxes and
    messages; returns the number of days recounted."""
    window = last_days(organization, days, now)
    recount_fax_days(organization=organization, days=window, now=now)
    recount_message_days(organization=organization, days=window)
    return len(window)


# Reading them back, for the charts: a window's few rows, whatever the number of faxes.


@dataclass(frozen=True)
class DailyCounts:
    """A chart's days, oldest first, with one tuple of counts per day (zeros where the
    day has no row)."""

    days: list[date]
    values: list[tuple[int, ...]]


def fax_days(*, organization: Organization, now: datetime | None = None) -> DailyCounts:
    """Faxes sent and failed on each day of the window (current scope)."""
    days = last_days(organization, CHART_DAYS, now)
    rows = {row.day: (row.sent, row.failed)
            for row in FaxDay.objects.filter(day__gte=days[0], day__lte=days[-1])}
    return DailyCounts(days, [rows.get(day, (0, 0)) for day in days])


def failing_destinations() -> list[FailingDestination]:
    """The ranked failing destinations of the current scope's organization."""
    return list(FailingDestination.objects.order_by("rank"))


def message_days(*, organization: Organization, membership,
                 now: datetime | None = None) -> DailyCounts:
    """Messages in and out on each day of the window, of the numbers `membership` sees
    (messaging.models.sees_every_number; None: the whole organization)."""
    days = last_days(organization, CHART_DAYS, now)
    rows = MessageDay.objects.filter(day__gte=days[0], day__lte=days[-1])
    if membership is not None:
        rows = rows.filter(number__in=MessagingNumber.objects.visible_to(membership)
                           .values("pk"))
    totals = {row["day"]: (row["in_"], row["out"]) for row in
              rows.values("day").annotate(in_=Sum("inbound"), out=Sum("outbound")).order_by()}
    return DailyCounts(days, [totals.get(day, (0, 0)) for day in days])

