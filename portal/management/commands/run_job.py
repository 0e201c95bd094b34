"""Run one of the portal's jobs once, now, in this process."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from portal.jobs import JOBS, job_named


class Command(BaseCommand):
    help = "Run a job of the portal once. Jobs: " + "; ".join(
        f"{job.name}: {job.help}" for job in JOBS)

    def add_arguments(self, parser):
        parser.add_argument("name", choices=[job.name for job in JOBS], metavar="NAME",
                            help="one of: " + ", ".join(job.name for job in JOBS))
        parser.add_argument("--org", metavar="SLUG", help="only this organization")
        parser.add_argument("--date", metavar="YYYY-MM-DD",
                            help="the day to fetch (jobs that work by day, such as sync_faxes)")
        parser.add_argument("--days", metavar="N", type=int,
                            help="how many past days, today included (jobs that take it, such "
                                 "as backfill_faxes)")

    def handle(self, *args, name, org, date, days, **options):
        job = job_named(name)
        kwargs = {}
        if org:
            if not job.per_organization:
                raise CommandError(f"{name} does not run per organization.")
            organization = Organization.objects.filter(slug=org).first()
            if organization is None:
                raise CommandError(f"No organization with the slug {org!r}.")
            kwargs["organization_id"] = organization.pk
        if date:
            if not job.by_day:
                raise CommandError(f"{name} does not take --date.")
            try:
                kwargs["date"] = datetime.date.fromisoformat(date).isoformat()
            except ValueError:
                raise CommandError(f"--date {date!r} is not a date as YYYY-MM-DD.") from None
        if days is not None:
            if not job.by_days:
                raise CommandError(f"{name} does not take --days.")
            if not 1 <= days <= 3660:
                raise CommandError(f"--days {days} is not a number of days from 1 to 3660.")
            kwargs["days"] = days
        result = job.task(**kwargs)
        self.stdout.write(self.style.SUCCESS(f"{name}: {result}"))
