"""Running a job's work for every organization that needs it, one organization at a time,
each with its own time budget for provider calls, and recording each run (`JobState`: the
operations page, the jobs API and "run now" read it)."""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import JobOutcome, JobState, Organization
from accounts.tenancy import organization_scope
from axion.errors import AxionError
from axion.wording import describe_provider_error
from common import logs, outbound
from common.locks import job_lock, run_in_rounds
from common.redaction import redact

log = logging.getLogger(__name__)


def lock_name(job_name: str, organization_id: int) -> str:
    """The lock a run of `job_name` holds for one organization (common.locks.job_lock)."""
    return f"{job_name}:{organization_id}"


@contextmanager
def organization_work(job_name: str, organization: Organization) -> Iterator[bool]:
    """One organization's share of a job: yields False when another run holds its lock (do
    nothing then), else True, with its provider calls under AXION_ORGANIZATION_BUDGET_SECONDS
    (common.outbound.time_budget: a tenant whose provider answers slowly cannot use up the
    run's time) and its log lines tagged with the organization.

    The run is recorded in the organization's `JobState` of the job: started, then
    finished with its duration, and failed with the error when the block raises (the
    exception goes on to the caller)."""
    with job_lock(lock_name(job_name, organization.pk)) as acquired:
        if not acquired:
            _record(organization, job_name, last_skipped_at=timezone.now())
            yield False
            return
        with _recorded_run(job_name, organization):
            yield True


def organization_work_in_rounds(job_name: str, organization: Organization,
                                work: Callable[[Organization], int], *,
                                requeue: Callable[[], object]) -> int | None:
    """`work(organization)` as `organization_work` runs a block, for work that more of may
    arrive while it runs (webhook events, deliveries): a run that finds the lock held asks
    the holder for another round (common.locks.run_in_rounds) and returns None; the holder
    runs `work` again, each round recorded as a run, and returns the sum of the rounds.

    The rounds share the organization's time budget, and none starts once it is spent: a
    round asked for after that is left to a new run, which `requeue()` enqueues (so that
    a busy organization does not keep one run past the job's timeout)."""
    def one_round() -> int:
        with _recorded_run(job_name, organization):
            return work(organization)

    seconds = settings.AXION_ORGANIZATION_BUDGET_SECONDS
    with outbound.time_budget(seconds):
        total = run_in_rounds(lock_name(job_name, organization.pk), one_round,
                              seconds=seconds, when_asked=requeue)
    if total is None:
        _record(organization, job_name, last_skipped_at=timezone.now())
    return total


@contextmanager
def _recorded_run(job_name: str, organization: Organization) -> Iterator[None]:
    """A run that holds the organization's lock of the job: recorded, under the time budget,
    its log lines tagged."""
    token = logs.organization_id.set(organization.pk)
    started_at = timezone.now()
    _record(organization, job_name, running_since=started_at, last_started_at=started_at,
            queued_at=None)
    try:
        with outbound.time_budget(settings.AXION_ORGANIZATION_BUDGET_SECONDS):
            yield
    except Exception as error:
        _finish(organization, job_name, started_at, error=error)
        raise
    else:
        _finish(organization, job_name, started_at)
    finally:
        logs.organization_id.reset(token)


def describe_job_error(error: Exception) -> str:
    """A failed run's error as the operations page shows it: the portal's wording of a
    provider failure, else the exception's class and first line, webhook secrets cut out."""
    if isinstance(error, AxionError):
        return describe_provider_error(error)[:500]
    first_line = (str(error).splitlines() or [""])[0]
    return redact(f"{type(error).__name__}: {first_line}".rstrip(": "))[:500]


def _finish(organization: Organization, job_name: str, started_at: datetime,
            error: Exception | None = None) -> None:
    now = timezone.now()
    values = {"running_since": None, "last_finished_at": now, "runs": F("runs") + 1,
              "last_duration_ms": max(round((now - started_at).total_seconds() * 1000), 0)}
    if error is None:
        values.update(last_outcome=JobOutcome.OK, last_success_at=now)
    else:
        values.update(last_outcome=JobOutcome.FAILED, last_error_at=now,
                      last_error=describe_job_error(error), failures=F("failures") + 1)
    try:
        with organization_scope(organization):
            JobState.objects.filter(job=job_name).update(**values)
    except Exception:  # noqa: BLE001 - the record must never turn a good run into a failure
        log.exception("could not record the end of %s for organization %s", job_name,
                      organization.pk)


def _record(organization: Organization, job_name: str, **values) -> None:
    """Set fields of the organization's state of the job, creating it the first time."""
    try:
        with organization_scope(organization):
            if JobState.objects.filter(job=job_name).update(**values):
                return
            try:
                with transaction.atomic():
                    JobState.objects.create(organization=organization, job=job_name, **values)
            except IntegrityError:
                # Another run created it meanwhile.
                JobState.objects.filter(job=job_name).update(**values)
    except Exception:  # noqa: BLE001 - as in _finish
        log.exception("could not record %s for organization %s", job_name, organization.pk)


def for_each_organization(job_name: str, kind: str | None, work, *,
                          organization_id: int | None = None, among=None) -> str:
    """Run `work(organization)` for every organization with a connection of `kind` (kind
    None: every organization; or just one; `among`, a queryset of organizations, narrows
    them to those it holds), each as its own `organization_work`: a slow run is skipped
    rather than overlapped by the next, and one organization's failure does not stop the
    others."""
    organizations = Organization.objects.filter(connections__kind=kind).distinct().order_by("pk")
    if kind is None:
        organizations = Organization.objects.order_by("pk")
    if among is not None:
        organizations = organizations.filter(pk__in=among.values("pk"))
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    done, skipped, failed, total = 0, 0, 0, 0
    job_token = logs.job_name.set(job_name)
    try:
        for organization in organizations:
            try:
                with organization_work(job_name, organization) as acquired:
                    if not acquired:
                        skipped += 1
                        continue
                    total += work(organization) or 0
                    done += 1
            except Exception:  # noqa: BLE001 - one organization must not stop the rest
                log.exception("%s failed for organization %s", job_name, organization.pk)
                failed += 1
    finally:
        logs.job_name.reset(job_token)
    return (f"{done} organizations done, {failed} failed, {skipped} skipped (already "
            f"running), {total} items")
