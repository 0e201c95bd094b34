"""run_job: run one of the portal's jobs once, now, from the command line."""

import pytest
from django.core.management import CommandError, call_command

from portal import jobs
from portal.management.commands import run_job
from portal.models import Heartbeat
from portal.tasks import CLUSTER

CALLS = []


def record_call(**kwargs):
    """A per-organization job for these tests."""
    CALLS.append(kwargs)
    return "recorded"


@pytest.fixture
def per_org_job(monkeypatch):
    job = jobs.Job("record", record_call, "HEARTBEAT_MINUTES", "Test job.")
    all_jobs = [*jobs.JOBS, job]
    monkeypatch.setattr(jobs, "JOBS", all_jobs)
    monkeypatch.setattr(run_job, "JOBS", all_jobs)
    CALLS.clear()
    return job


def test_help_lists_every_job():
    help_text = run_job.Command().create_parser("manage.py", "run_job").format_help()
    for job in jobs.JOBS:
        assert job.name in help_text


def test_heartbeat_runs(db, capsys):
    call_command("run_job", "heartbeat")
    assert Heartbeat.objects.filter(name=CLUSTER).exists()
    assert "heartbeat: " in capsys.readouterr().out


def test_unknown_job_is_refused(db):
    with pytest.raises(CommandError, match="invalid choice: 'nap'"):
        call_command("run_job", "nap")


def test_org_for_a_job_that_does_not_run_per_organization_is_refused(org):
    with pytest.raises(CommandError, match="heartbeat does not run per organization"):
        call_command("run_job", "heartbeat", org="harbor")


def test_date_for_a_job_that_does_not_work_by_day_is_refused(db):
    with pytest.raises(CommandError, match="heartbeat does not take --date"):
        call_command("run_job", "heartbeat", date="2026-01-02")


def test_org_with_an_unknown_slug_is_refused(db, per_org_job):
    with pytest.raises(CommandError, match="No organization with the slug 'nowhere'"):
        call_command("run_job", "record", org="nowhere")
    assert CALLS == []


def test_org_runs_the_job_for_that_organization_only(org, per_org_job):
    call_command("run_job", "record", org="harbor", stdout=None)
    assert CALLS == [{"organization_id": org.pk}]
