"""Every periodic job of the portal, declared once.

Each job is a plain function in an app's `tasks.py`. This list is what schedules them
(django-q2 `Schedule` rows, created or updated by name after `migrate`, never at import)
and what `python manage.py run_job NAME` runs once for operators and tests. To add a job,
add a `Job` to JOBS and its interval setting to settings.py.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django_q.models import Schedule

from accounts.tasks import renew_tokens
from campaigns.tasks import run_campaigns
from charts.tasks import count_activity, recount_activity_window
from fax_alerts.tasks import check_fax_alerts
from faxes.tasks import backfill_faxes, sync_faxes
from messaging.tasks import (
    archive_media,
    process_webhook_events,
    prune_webhook_events,
    send_scheduled_messages,
    sync_messages,
)
from notifications.tasks import send_notification_emails
from operations import registry as operations_registry
from optouts.tasks import send_pending_keyword_replies
from portal.models import Heartbeat
from portal.tasks import CLUSTER, heartbeat
from sandbox.tasks import advance_due_messages
from webhooks_out.tasks import deliver_webhooks, prune_webhook_deliveries


@dataclass(frozen=True)
class Job:
    name: str
    task: Callable[..., str]  # the task function
    interval_setting: str  # name of the setting that holds its interval in minutes
    help: str
    # Whether the function takes `organization_id=` to run for one organization only.
    per_organization: bool = True
    # Whether the function takes `date=` (YYYY-MM-DD) to work on one day.
    by_day: bool = False
    # Whether the function takes `days=` (a number of past days to work on).
    by_days: bool = False

    @property
    def minutes(self) -> int:
        return int(getattr(settings, self.interval_setting))

    @property
    def func(self) -> str:
        """The task's dotted path, as django-q2 stores it in a schedule."""
        return f"{self.task.__module__}.{self.task.__qualname__}"


JOBS = [
    Job("heartbeat", heartbeat, "HEARTBEAT_MINUTES",
        "Record that the job cluster runs (its age is reported by /healthz).",
        per_organization=False),
    Job("sync_faxes", sync_faxes, "FAX_SYNC_MINUTES",
        "Fetch today's faxes (and yesterday's early in the day) for every organization, "
        "and refresh faxes that are not final yet.", by_day=True),
    Job("backfill_faxes", backfill_faxes, "FAX_BACKFILL_MINUTES",
        "Fetch the past FAX_BACKFILL_DAYS days of faxes (one call per day, never a day twice) "
        "for organizations whose backfill never finished; started when a fax connection is "
        "added.", by_days=True),
    Job("process_webhook_events", process_webhook_events,
        "WEBHOOK_PROCESS_MINUTES",
        "Process stored webhook events left pending (a worker was down) or failed earlier."),
    Job("sync_messages", sync_messages, "SMS_SYNC_MINUTES",
        "Fetch new messages with getSMS from the last watermark, for every SMS connection, "
        "and settle sends whose outcome is unknown."),
    Job("archive_media", archive_media, "MEDIA_ARCHIVE_MINUTES",
        "Copy MMS media into storage before the provider deletes it after 30 days."),
    Job("prune_webhook_events", prune_webhook_events, "WEBHOOK_PRUNE_MINUTES",
        "Delete raw webhook requests older than WEBHOOK_RETENTION_DAYS that are processed, "
        "rejected, invalid, waiting or failed for good (never those still to process)."),
    Job("renew_tokens", renew_tokens, "TOKEN_RENEW_MINUTES",
        "Log in again for connections whose session token is missing or expires within "
        "5 days; mark those whose credentials are rejected."),
    Job("send_notification_emails", send_notification_emails, "NOTIFICATION_EMAIL_MINUTES",
        "E-mail members their notifications: immediate ones at once, digests once their "
        "interval has passed (notifications/emails.py)."),
    Job("deliver_webhooks", deliver_webhooks, "WEBHOOK_DELIVERY_MINUTES",
        "Send due deliveries of events to organizations' webhook endpoints, signed; retry "
        "failed ones with backoff for about a day; turn off endpoints failing for days."),
    Job("prune_webhook_deliveries", prune_webhook_deliveries, "WEBHOOK_PRUNE_MINUTES",
        "Delete finished webhook deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS, "
        "with their attempts (unfinished ones stay)."),
    Job("send_scheduled_messages", send_scheduled_messages, "SCHEDULED_SEND_MINUTES",
        "Send scheduled messages whose time has come, each once; fail those more than "
        "SCHEDULED_SEND_MAX_LATE_MINUTES late or to a number that opted out meanwhile."),
    Job("count_activity", count_activity, "CHARTS_COUNT_MINUTES",
        "Recount today's and yesterday's faxes and messages of every organization for the "
        "charts' daily counts."),
    Job("recount_activity", recount_activity_window, "CHARTS_RECOUNT_MINUTES",
        "Recount the charts' daily counts of the last 30 days of every organization (run "
        "it once after a deploy that adds the charts)."),
    Job("check_fax_alerts", check_fax_alerts, "FAX_ALERT_MINUTES",
        "Alert on faxes stuck longer than a rule's minutes, faxes on their last try, and "
        "weekdays with no fax sent by a rule's hour (fax_alerts/alerting.py)."),
    Job("send_keyword_replies", send_pending_keyword_replies, "KEYWORD_REPLY_MINUTES",
        "Send answers to STOP, START and HELP whose job was lost, while they are news "
        "(optouts/tasks.py)."),
    Job("run_campaigns", run_campaigns, "CAMPAIGNS_MINUTES",
        "Start a runner for every running campaign that has none (its task stopped: a "
        "crash, a restart); a runner already sending keeps going alone."),
    Job("sandbox_advance", advance_due_messages, "SANDBOX_ADVANCE_MINUTES",
        "Sandbox: move due outbound messages from QUEUED to SENT/FAILED and notify.",
        per_organization=False),
]


def job_named(name: str) -> Job | None:
    return next((job for job in JOBS if job.name == name), None)


def last_heartbeat():
    """When the job cluster last ran `heartbeat` (None if never)."""
    beat = Heartbeat.objects.filter(name=CLUSTER).first()
    return beat.beat_at if beat else None


# The operations pages list the jobs and read the heartbeat through this (they sit below).
operations_registry.publish(JOBS, heartbeat=last_heartbeat)


def sync_schedules(**kwargs) -> None:
    """Create or update one django-q2 schedule per job, by name (a post_migrate handler)."""
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
