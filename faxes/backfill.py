"""The backfill: an organization's past days of faxes, fetched once each.

When a fax connection is added (and with `run_job backfill_faxes --org SLUG --days N`), the
portal fetches the past FAX_BACKFILL_DAYS days, today included, one All_Faxes_Status per
day, newest first, with one client (one login at most) for the whole run. The days are
calendar days in the connection's time zone, the zone the provider's DATE and TIME are in
(docs/provider.md quirk 6). Each day is stored in one transaction with its
`FaxBackfillDay`, whose unique (organization, day) makes "never a day twice" hold: a run
that stopped (a crash, a provider failure, a spent time budget) is resumed by the next one
at the first day not fetched. A day the provider answers NOT FOUND is done, empty.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_q.tasks import async_task

import axion
from accounts.models import Connection, Organization
from accounts.services import audit, note_provider_failure
from accounts.tenancy import organization_scope
from axion.errors import AxionError
from axion.fax import FaxRecord
from axion.wording import describe_provider_error
from charts.services import recount_fax_days
from faxes.models import FaxBackfill, FaxBackfillDay, ObservedVia
from faxes.services import fax_connection, upsert_faxes

log = logging.getLogger(__name__)

TASK = "faxes.tasks.backfill_faxes"


@dataclass
class Progress:
    """What the pages and the API say of an organization's backfill."""

    backfill: FaxBackfill | None
    fetched: int = 0

    @property
    def state(self) -> str:
        """not_started, running (started or waiting for its next run), failed or finished."""
        if self.backfill is None:
            return "not_started"
        if self.backfill.finished_at:
            return "finished"
        return "failed" if self.backfill.last_error else "running"

    @property
    def total(self) -> int:
        return self.backfill.total_days if self.backfill else 0


def progress(organization: Organization) -> Progress:
    """The organization's backfill and how many of its days are fetched (two queries)."""
    with organization_scope(organization):
        backfill = FaxBackfill.objects.first()
        if backfill is None:
            return Progress(None)
        fetched = FaxBackfillDay.objects.filter(
            day__gte=backfill.first_day, day__lte=backfill.last_day).count()
    return Progress(backfill, fetched)


def store_day(*, organization: Organization, day: date, records: Iterable[FaxRecord],
              now: datetime) -> int:
    """Store one fetched day: its faxes (observed via backfill, no events for new ones) and
    the day as fetched, in one transaction. Returns the number of faxes that day.

    Raises IntegrityError when the day was already stored (by a run that overlapped this
    one), and stores nothing then."""
    records = list(records)
    with organization_scope(organization), transaction.atomic():
        upsert_faxes(organization=organization, records=records, seen_at=now,
                     via=ObservedVia.BACKFILL)
        FaxBackfillDay.objects.create(organization=organization, day=day, fetched_at=now,
                                      faxes=len(records))
    return len(records)


def start(*, organization: Organization, connection: Connection, days: int,
          now: datetime) -> FaxBackfill:
    """Make the backfill cover the `days` days ending today in the connection's zone; days
    fetched before (by an earlier backfill) count as fetched."""
    today = now.astimezone(connection.tzinfo).date()
    values = {"first_day": today - timedelta(days=days - 1), "last_day": today,
              "started_at": now, "finished_at": None, "last_error": "", "last_error_at": None}
    with organization_scope(organization):
        backfill, _ = FaxBackfill.objects.update_or_create(organization=organization,
                                                           defaults=values)
    return backfill


def backfill_organization(*, organization: Organization, days: int | None = None,
                          now: datetime | None = None) -> int:
    """Fetch the days of the organization's backfill that are not fetched yet; returns how
    many this run fetched.

    With `days`, the backfill (re)starts over the `days` days ending today; without, the
    organization's backfill goes on where it stopped (or starts over FAX_BACKFILL_DAYS).
    A provider failure stops the run: it is recorded on the backfill (and the connection
    flagged when its credentials are refused) and raised, and the next run resumes."""
    now = now or timezone.now()
    connection = fax_connection(organization)
    if connection is None:
        return 0
    with organization_scope(organization):
        backfill = FaxBackfill.objects.first()
    if days is not None or backfill is None:
        backfill = start(organization=organization, connection=connection,
                         days=days or settings.FAX_BACKFILL_DAYS, now=now)
    with organization_scope(organization):
        fetched = set(FaxBackfillDay.objects.filter(
            day__gte=backfill.first_day, day__lte=backfill.last_day)
            .values_list("day", flat=True))
    to_fetch = [day for day in backfill.days() if day not in fetched]
    stored = []
    try:
        with axion.client_for(connection) as client:  # one login at most, for every day
            for day in to_fetch:
                records = client.all_faxes(day)  # NOT FOUND: no fax that day
                try:
                    store_day(organization=organization, day=day, records=records,
                              now=timezone.now())
                except IntegrityError:
                    continue  # stored meanwhile by an overlapping run
                stored.append(day)
                if len(stored) == 1 and backfill.last_error:  # going again: no longer stopped
                    _record(organization, last_error="", last_error_at=None)
    except AxionError as error:
        note_provider_failure(organization=organization, kind=Connection.Kind.FAX,
                              error=error)
        _record(organization, last_error=describe_provider_error(error)[:500],
                last_error_at=timezone.now())
        log.warning("fax backfill stopped for organization %s after %s days: %s",
                    organization.pk, len(stored), type(error).__name__)
        raise
    finally:
        if stored:  # the charts' daily counts of the days it brought, once per run
            recount_fax_days(organization=organization, days=stored, zone=connection.tzinfo)
    _record(organization, finished_at=timezone.now(), last_error="", last_error_at=None)
    return len(stored)


def _record(organization: Organization, **values) -> None:
    with organization_scope(organization):
        FaxBackfill.objects.update(**values)


def pending_organizations() -> QuerySet[Organization]:
    """Organizations whose backfill never started or never finished: the scheduled run
    starts or resumes theirs (those with a fax connection, for_each_organization sees to)."""
    finished = (FaxBackfill.objects.with_scopes_disabled()
                .filter(finished_at__isnull=False).values("organization"))
    return Organization.objects.exclude(pk__in=finished)


def queue(*, organization: Organization, days: int | None = None) -> None:
    """Run the organization's backfill in the job cluster once the current transaction
    commits (at once outside one). A broker that is down loses only the head start: the
    error is logged, and the job's schedule starts every backfill that never finished."""
    organization_id = organization.pk
    transaction.on_commit(lambda: async_task(
        TASK, organization_id=organization_id, days=days,
        task_name=f"backfill_faxes for organization {organization_id}"), robust=True)


def retry(*, organization: Organization, actor, ip: str | None = None) -> None:
    """An admin's Retry: queue a run that resumes the backfill where it stopped."""
    audit(organization=organization, action="fax_backfill.retried", actor=actor,
          target="fax", ip=ip)
    queue(organization=organization)
