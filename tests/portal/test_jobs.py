"""portal.jobs: one django-q2 schedule per job, created by name and never duplicated."""

from django_q.models import Schedule

from messaging.tasks import prune_webhook_events
from portal.jobs import JOBS, job_named, sync_schedules


def _count_by_name():
    return {job.name: Schedule.objects.filter(name=job.name).count() for job in JOBS}


def test_after_migrate_there_is_one_schedule_per_job(db):
    assert _count_by_name() == {job.name: 1 for job in JOBS}


def test_syncing_twice_creates_no_duplicates(db):
    sync_schedules()
    sync_schedules()
    assert _count_by_name() == {job.name: 1 for job in JOBS}


def test_sync_removes_duplicates_left_behind(db):
    job = JOBS[0]
    Schedule.objects.create(name=job.name, func=job.func, schedule_type=Schedule.MINUTES,
                            minutes=1)
    sync_schedules()
    assert Schedule.objects.filter(name=job.name).count() == 1


def test_sync_updates_the_interval_from_settings(db, settings):
    job = JOBS[0]
    setattr(settings, job.interval_setting, 17)
    sync_schedules()
    schedule = Schedule.objects.get(name=job.name)
    assert (schedule.func, schedule.minutes, schedule.repeats) == (job.func, 17, -1)


def test_webhook_pruning_is_a_job_with_its_interval_setting(settings):
    job = job_named("prune_webhook_events")
    assert (job.task, job.interval_setting) == (prune_webhook_events, "WEBHOOK_PRUNE_MINUTES")
    assert job.minutes == settings.WEBHOOK_PRUNE_MINUTES == 60
