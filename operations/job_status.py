"""Every job of an organization, as the operations page and the jobs API show it, and
"run now".

The list is the job registry's (handed down by portal/jobs.py, operations.registry); each
job's last run is its `accounts.JobState` (written by accounts.jobs.organization_work), its
next run the django-q2 schedule's, and whether it runs now its lock
(common.locks.job_lock, which expires: a crashed run does not look like a running one).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from accounts.jobs import lock_name
from accounts.models import JobState, Organization, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from common.models import JobLock
from faxes.models import FaxSync
from messaging.models import MessageSync
from operations import registry

# A run queued longer ago than this without starting is shown as queued no more (a
# worker that was down lost it, or the broker handed it out and it died).
QUEUED_FOR_AT_MOST = timedelta(minutes=10)
# The syncs record their own last error (a provider failure ends their run normally).
SYNC_OUTCOMES = {"sync_messages": MessageSync, "sync_faxes": FaxSync}


@dataclass
class JobRow:
    name: str
    help: str
    minutes: int
    state: JobState | None
    next_run_at: datetime | None
    running: bool
    queued: bool
    last_error: str
    last_error_at: datetime | None

    @property
    def outcome(self) -> str:
        """ok, failed or never: the last run's; a sync whose provider failed is failed."""
        if self.state is None or not self.state.last_finished_at:
            return "never"
        if self.last_error_at and self.last_error_at >= self.state.last_started_at:
            return "failed"
        return self.state.last_outcome or "never"


def job_rows(organization: Organization, now: datetime | None = None) -> list[JobRow]:
    """Each per-organization job of the registry with its last and next run (a handful of
    queries, whatever the number of jobs)."""
    now = now or timezone.now()
    jobs = registry.organization_jobs()
    names = [job.name for job in jobs]
    with organization_scope(organization):
        states = {s.job: s for s in JobState.objects.filter(job__in=names)}
        syncs = {name: model.objects.first() for name, model in SYNC_OUTCOMES.items()
                 if name in names}
    next_runs = dict(Schedule.objects.filter(name__in=names).values_list("name", "next_run"))
    held = set(JobLock.objects.filter(
        name__in=[lock_name(n, organization.pk) for n in names] + names, expires_at__gt=now)
        .values_list("name", flat=True))
    rows = []
    for job in jobs:
        state = states.get(job.name)
        error, error_at = (state.last_error, state.last_error_at) if state else ("", None)
        sync = syncs.get(job.name)
        if sync is not None and sync.failing and (error_at is None
                                                  or sync.last_error_at > error_at):
            error, error_at = sync.last_error, sync.last_error_at
        queued = bool(state and state.queued_at and now - state.queued_at < QUEUED_FOR_AT_MOST)
        rows.append(JobRow(
            name=job.name, help=job.help, minutes=job.minutes, state=state,
            next_run_at=next_runs.get(job.name),
            running=bool({lock_name(job.name, organization.pk), job.name} & held),
            queued=queued, last_error=error, last_error_at=error_at))
    return rows


class RunNow:
    QUEUED = "queued"
    RUNNING = "running"
    ALREADY_QUEUED = "already queued"


def run_now(*, organization: Organization, name: str, actor: User | None,
            ip: str | None = None, now: datetime | None = None) -> str:
    """Queue one run of the job for the organization, unless one runs now (its lock is
    held: RUNNING) or one was queued and has not started (ALREADY_QUEUED). Never two at
    once: a run that starts while another holds the lock does nothing itself (a job that
    runs in rounds asks the running one for another). Raises LookupError for a name that
    is no per-organization job."""
    job = registry.job_named(name)
    if job is None:
        raise LookupError(name)
    now = now or timezone.now()
    row = next(r for r in job_rows(organization, now) if r.name == name)
    if row.running:
        return RunNow.RUNNING
    if row.queued:
        return RunNow.ALREADY_QUEUED
    _mark_queued(organization, name, now)
    audit(organization=organization, action="job.run_now", actor=actor, target=name, ip=ip)
    async_task("operations.tasks.run_job_now", name, organization.pk,
               task_name=f"{name} (run now)")
    return RunNow.QUEUED


def _mark_queued(organization: Organization, name: str, now: datetime) -> None:
    with organization_scope(organization):
        if JobState.objects.filter(job=name).update(queued_at=now):
            return
        try:
            with transaction.atomic():
                JobState.objects.create(organization=organization, job=name, queued_at=now)
        except IntegrityError:
            JobState.objects.filter(job=name).update(queued_at=now)
