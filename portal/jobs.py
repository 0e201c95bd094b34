"""Every periodic job of the portal, declared once.

Each job is a plain function in an app's `tasks.py`. This list is what schedules them
(django-q2 `Schedule` rows, created or updated by name after `migrate`, never at import)
and what `python manage.py run_job NAME` runs once for operators and tests. To add a job,
add a `Job` to JOBS and its interval setting to settings.py.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from portal import logs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    func: str  # dotted path of the task function
    interval_setting: str  # name of the setting that holds its interval in minutes
    help: str
    # Whether the function takes `organization_id=` to run for one organization only.
    per_organization: bool = True
    # Whether the function takes `date=` (YYYY-MM-DD) to work on one day.
    by_day: bool = False

    @property
    def minutes(self) -> int:
        return int(getattr(settings, self.interval_setting))

    def function(self):
        return import_string(self.func)


JOBS = [
    Job("heartbeat", "portal.tasks.heartbeat", "HEARTBEAT_MINUTES",
        "Record that the job cluster runs (its age is reported by /healthz).",
        per_organization=False),
    Job("sync_faxes", "faxes.tasks.sync_faxes", "FAX_SYNC_MINUTES",
        "Fetch today's faxes (and yesterday's early in the day) for every organization, "
        "and refresh faxes that are not final yet.", by_day=True),
    Job("process_webhook_events", "messaging.tasks.process_webhook_events",
        "WEBHOOK_PROCESS_MINUTES",
        "Process stored webhook events left pending (a worker was down) or failed earlier."),
    Job("sync_messages", "messaging.tasks.sync_messages", "SMS_SYNC_MINUTES",
        "Fetch new messages with getSMS from the last watermark, for every SMS connection, "
        "and settle sends whose outcome is unknown."),
    Job("archive_media", "messaging.tasks.archive_media", "MEDIA_ARCHIVE_MINUTES",
        "Copy MMS media into storage before the provider deletes it after 30 days."),
    Job("renew_tokens", "accounts.tasks.renew_tokens", "TOKEN_RENEW_MINUTES",
        "Log in again for connections whose session token is missing or expires within "
        "5 days; mark those whose credentials are rejected."),
    Job("sandbox_advance", "sandbox.tasks.advance_due_messages", "SANDBOX_ADVANCE_MINUTES",
        "Sandbox: move due outbound messages from QUEUED to SENT/FAILED and notify.",
        per_organization=False),
]


def job_named(name: str) -> Job | None:
    return next((job for job in JOBS if job.name == name), None)


def sync_schedules(**kwargs) -> None:
    """Create or update one django-q2 schedule per job, by name (a post_migrate handler)."""
    from django_q.models import Schedule

    for job in JOBS:
        values = {"func": job.func, "schedule_type": Schedule.MINUTES, "minutes": job.minutes,
                  "repeats": -1}
        existing = list(Schedule.objects.filter(name=job.name).order_by("id"))
        if not existing:
            Schedule.objects.create(name=job.name, **values)
            continue
        # Schedule.name is not unique: drop duplicates that older code may have left.
        Schedule.objects.filter(pk__in=[s.pk for s in existing[1:]]).delete()
        Schedule.objects.filter(pk=existing[0].pk).update(**values)


def for_each_organization(job_name: str, kind: str, work, *,
                          organization_id: int | None = None) -> str:
    """Run `work(organization)` for every organization with a connection of `kind` (or
    just one), each under its own lock: a slow run is skipped rather than overlapped by the
    next, and one organization's failure does not stop the others."""
    from accounts.models import Organization
    from portal.locks import job_lock

    organizations = Organization.objects.filter(connections__kind=kind).distinct().order_by("pk")
    if organization_id is not None:
        organizations = organizations.filter(pk=organization_id)
    done, skipped, failed, total = 0, 0, 0, 0
    job_token = logs.job_name.set(job_name)
    try:
        for organization in organizations:
            with job_lock(f"{job_name}:{organization.pk}") as acquired:
                if not acquired:
                    skipped += 1
                    continue
                org_token = logs.organization_id.set(organization.pk)
                try:
                    total += work(organization) or 0
                    done += 1
                except Exception:  # noqa: BLE001 - one organization must not stop the rest
                    log.exception("%s failed for organization %s", job_name, organization.pk)
                    failed += 1
                finally:
                    logs.organization_id.reset(org_token)
    finally:
        logs.job_name.reset(job_token)
    return (f"{done} organizations done, {failed} failed, {skipped} skipped (already "
            f"running), {total} items")
