"""Fax lookups, the history upsert and the sync of one organization.

Views, the API, the sync job and the command call these; nothing else talks to the fax API.
"""

import logging
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import axion
from accounts.models import Connection, Organization
from accounts.services import note_provider_failure
from accounts.tenancy import organization_scope
from axion.errors import AxionError
from axion.fax import FaxClient, FaxRecord
from axion.wording import describe_provider_error
from charts.services import recount_fax_days
from events import payloads as event_payloads
from events.services import emit_many
from faxes.models import Fax, FaxObservation, FaxStatus, FaxSync, ObservedVia, fax_identity

log = logging.getLogger(__name__)

MAX_REFERENCES = 100
UPDATED_FIELDS = ("sent_at", "pages", "status", "try_count", "last_seen_at",
                  "status_changed_at")


@dataclass
class LookupResult:
    """What a lookup found: the faxes (as stored), and what went wrong, if anything."""

    faxes: list[Fax] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)
    error: str | None = None
    # The provider's exception behind `error` (None without a connection), for the API's
    # choice between 502 and 504.
    failure: AxionError | None = None


def parse_references(text: str) -> list[str]:
    """References pasted one per line or comma-separated, without blanks or repeats."""
    seen = []
    for part in re.split(r"[,\n\r]+", text or ""):
        reference = part.strip()
        if reference and reference not in seen:
            seen.append(reference)
    return seen


def fax_connection(organization: Organization) -> Connection | None:
    with organization_scope(organization):
        return Connection.objects.filter(kind=Connection.Kind.FAX).first()


def upsert_faxes(*, organization: Organization, records: Iterable[FaxRecord],
                 seen_at: datetime | None = None, via: str = ObservedVia.SYNC) -> list[Fax]:
    """Store what the provider said: new faxes are added, known ones updated in place, and
    each fax seen for the first time or with a new status or try count gets an observation
    (its timeline) saying how it was seen (`via`: sync, lookup or backfill).

    One query reads the known rows, one inserts the new ones, one updates the changed ones
    and one inserts the observations, whatever the number of records, all in one
    transaction with the events. Faxes a backfill sees for the first time are history, not
    news: they emit no event (a known fax whose status a backfill finds changed does).
    Returns the rows in the records' order.
    """
    seen_at = seen_at or timezone.now()
    by_identity: dict[str, FaxRecord] = {}
    for record in records:
        key = fax_identity(*record.identity)
        by_identity[key] = record
    if not by_identity:
        return []
    with organization_scope(organization), transaction.atomic():
        known = {fax.identity: fax for fax in Fax.objects.filter(identity__in=by_identity)}
        new, changed = [], []
        observed = []  # faxes whose status and try count are new to the portal
        status_changes = []  # (fax, previous status or None): fax.status_changed
        for key, record in by_identity.items():
            fax = known.get(key)
            if fax is None:
                fax = Fax(organization=organization, identity=key,
                          customer_field=record.customer_field,
                          source_number=record.source_number,
                          destination_number=record.destination_number, sent_at=record.time,
                          pages=record.pages, status=record.status,
                          try_count=record.try_count, first_seen_at=seen_at,
                          last_seen_at=seen_at, status_changed_at=seen_at)
                new.append(fax)
                observed.append(fax)
                known[key] = fax
                if via != ObservedVia.BACKFILL and event_payloads.is_news(record.time, seen_at):
                    status_changes.append((fax, None))
                continue
            if fax.status != record.status or fax.try_count != record.try_count:
                fax.status_changed_at = seen_at
                observed.append(fax)
            if fax.status != record.status:
                status_changes.append((fax, fax.status))
            fax.status, fax.try_count, fax.pages = record.status, record.try_count, record.pages
            fax.sent_at = record.time  # differs once the connection's time zone is corrected
            fax.last_seen_at = seen_at
            changed.append(fax)
        # A concurrent lookup may have inserted the same fax meanwhile: update it then.
        Fax.objects.bulk_create(new, update_conflicts=True,
                                unique_fields=["organization", "identity"],
                                update_fields=list(UPDATED_FIELDS))
        Fax.objects.bulk_update(changed, list(UPDATED_FIELDS))
        FaxObservation.objects.bulk_create([
            FaxObservation(organization=organization, fax=fax, observed_at=seen_at,
                           status=fax.status, try_count=fax.try_count, via=via)
            for fax in observed])
        emit_many(organization=organization,
                  events=event_payloads.fax_status_events(status_changes))
    return [known[key] for key in by_identity]


def timeline(fax: Fax) -> list[FaxObservation]:
    """Every status and try count the portal observed of the fax, oldest first (one read
    of the index fax_observation_timeline)."""
    return list(FaxObservation.objects.filter(fax=fax).order_by("observed_at", "id"))


def _client(organization: Organization) -> FaxClient | None:
    connection = fax_connection(organization)
    return axion.client_for(connection, interactive=True) if connection else None


def _known_faxes(organization: Organization, **filters) -> list[Fax]:
    with organization_scope(organization):
        return list(Fax.objects.filter(**filters).order_by("-sent_at", "-id")[:500])


def _provider_failed(organization: Organization, error: AxionError) -> str:
    note_provider_failure(organization=organization, kind=Connection.Kind.FAX, error=error)
    log.warning("fax lookup failed for organization %s: %s", organization.pk,
                type(error).__name__)
    return describe_provider_error(error)


NO_CONNECTION = ("This organization has no fax connection yet: an admin can add one under "
                 "Connections.")


def lookup_references(*, organization: Organization, references: list[str]) -> LookupResult:
    """Ask the provider about one reference (Fax_Status) or several (Fax_Group_Status)."""
    references = references[:MAX_REFERENCES]
    client = _client(organization)
    if client is None:
        return LookupResult(faxes=_known_faxes(organization, customer_field__in=references),
                            error=NO_CONNECTION)
    try:
        with client:  # releases its pooled connection
            if len(references) == 1:
                records = client.fax_status(references[0])
            else:
                records = client.fax_group_status(references)
    except AxionError as error:
        return LookupResult(faxes=_known_faxes(organization, customer_field__in=references),
                            error=_provider_failed(organization, error), failure=error)
    faxes = upsert_faxes(organization=organization, records=records, via=ObservedVia.LOOKUP)
    found = {fax.customer_field for fax in faxes}
    return LookupResult(faxes=faxes, not_found=[r for r in references if r not in found])


def lookup_fax(*, organization: Organization, fax: Fax) -> LookupResult:
    """Ask the provider about one stored fax now: by its reference (Fax_Status), or, for a
    fax sent without one, its whole day (All_Faxes_Status, the day in the connection's
    zone, the provider's)."""
    if fax.customer_field:
        return lookup_references(organization=organization, references=[fax.customer_field])
    connection = fax_connection(organization)
    zone = connection.tzinfo if connection else organization.tzinfo
    return lookup_day(organization=organization, day=fax.sent_at.astimezone(zone).date())


def day_bounds(organization: Organization, day: date) -> tuple[datetime, datetime]:
    """Start and end of a day in the organization's time zone, as aware datetimes."""
    start = datetime.combine(day, time.min, tzinfo=organization.tzinfo)
    return start, start + timedelta(days=1)


def lookup_day(*, organization: Organization, day: date) -> LookupResult:
    """Ask the provider for every fax of one day (All_Faxes_Status)."""
    client = _client(organization)
    start, end = day_bounds(organization, day)
    if client is None:
        return LookupResult(faxes=_known_faxes(organization, sent_at__gte=start,
                                               sent_at__lt=end), error=NO_CONNECTION)
    try:
        with client:
            records = client.all_faxes(day)
    except AxionError as error:
        return LookupResult(faxes=_known_faxes(organization, sent_at__gte=start, sent_at__lt=end),
                            error=_provider_failed(organization, error), failure=error)
    faxes = upsert_faxes(organization=organization, records=records, via=ObservedVia.LOOKUP)
    return LookupResult(faxes=sorted(faxes, key=lambda f: f.sent_at, reverse=True))


def days_to_sync(*, connection: Connection, organization: Organization,
                 now: datetime) -> list[date]:
    """Today in the connection's zone; yesterday too early in the day; and the days of
    faxes that are not final yet (within a week), so they are refreshed until they are."""
    local_now = now.astimezone(connection.tzinfo)
    today = local_now.date()
    days = {today}
    if local_now.hour < settings.FAX_SYNC_YESTERDAY_HOURS:
        days.add(today - timedelta(days=1))
    week_ago = now - timedelta(days=7)
    with organization_scope(organization):
        pending = (Fax.objects.filter(sent_at__gte=week_ago)
                   .exclude(status__in=FaxStatus.final()).values_list("sent_at", flat=True))
        days.update(sent_at.astimezone(connection.tzinfo).date() for sent_at in pending)
    return sorted(days)


def record_sync(*, organization: Organization, error: str | None = None,
                now: datetime | None = None) -> None:
    now = now or timezone.now()
    values = ({"last_error_at": now, "last_error": error[:500]} if error
              else {"last_success_at": now})
    with organization_scope(organization):
        FaxSync.objects.update_or_create(organization=organization, defaults=values)


def sync_organization(*, organization: Organization, day: date | None = None,
                      now: datetime | None = None) -> int:
    """Fetch the days to sync (or one given day) and store them; returns faxes seen."""
    now = now or timezone.now()
    connection = fax_connection(organization)
    if connection is None:
        return 0
    client = axion.client_for(connection)
    days = [day] if day else days_to_sync(connection=connection, organization=organization,
                                          now=now)
    seen = 0
    try:
        with client:
            for each in days:
                seen += len(upsert_faxes(organization=organization,
                                         records=client.all_faxes(each), seen_at=now,
                                         via=ObservedVia.SYNC))
    except AxionError as error:
        record_sync(organization=organization, error=_provider_failed(organization, error),
                    now=now)
        return seen
    recount_fax_days(organization=organization, days=days, zone=connection.tzinfo, now=now)
    record_sync(organization=organization, now=now)
    return seen


def counts_today(organization: Organization, now: datetime | None = None) -> dict[str, int]:
    """Today's faxes by status, in the organization's time zone, for the dashboard strip."""
    now = now or timezone.now()
    start, end = day_bounds(organization, now.astimezone(organization.tzinfo).date())
    counts = dict.fromkeys(FaxStatus.values, 0)
    with organization_scope(organization):
        # Counted here rather than with GROUP BY status: grouping tempts SQLite into the
        # (organization, status, ...) index and a scan of every fax the organization has;
        # ordered by time, the query reads one day through the time index.
        statuses = (Fax.objects.filter(sent_at__gte=start, sent_at__lt=end)
                    .order_by("-sent_at").values_list("status", flat=True))
        counts.update(Counter(statuses))
    return counts
