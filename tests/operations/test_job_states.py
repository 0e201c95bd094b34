"""accounts.jobs: every run of a job for an organization is recorded in its JobState (the
operations page's "last run", the jobs API, "run now")."""

import pytest
from django_scopes import scopes_disabled

from accounts.jobs import for_each_organization, lock_name, organization_work
from accounts.models import Connection, JobOutcome, JobState
from common.locks import job_lock
from tests.clock import NOW
from tests.messaging.provider import answer, error
from tests.operations.factories import JobStateFactory


def state(org, job="sync_messages") -> JobState:
    with scopes_disabled():
        return JobState.objects.get(organization=org, job=job)


def test_a_run_records_its_start_end_duration_and_success(org, clock):
    with organization_work("sync_messages", org) as acquired:
        assert acquired
        clock.shift(2)
    recorded = state(org)
    assert (recorded.last_started_at, recorded.last_outcome, recorded.last_duration_ms,
            recorded.runs, recorded.running_since) == (NOW, JobOutcome.OK, 2000, 1, None)
    assert recorded.last_success_at == recorded.last_finished_at


def test_a_run_is_recorded_as_running_while_it_runs(org):
    with organization_work("sync_messages", org):
        assert state(org).running_since == NOW


def test_a_failed_run_records_its_error_and_the_failure_goes_on(org):
    with pytest.raises(ValueError), organization_work("sync_messages", org):
        raise ValueError("the page had no rows\nsecond line")
    recorded = state(org)
    assert (recorded.last_outcome, recorded.last_error, recorded.failures) == (
        JobOutcome.FAILED, "ValueError: the page had no rows", 1)


def test_a_provider_failure_is_recorded_in_the_portals_words(org, sms, provider):
    answer(provider, "getSMS", error("WRONG CREDENTIALS"))

    def fail(organization):
        from axion.errors import WrongCredentials
        raise WrongCredentials("WRONG CREDENTIALS")

    assert "1 failed" in for_each_organization("sync_messages", Connection.Kind.SMS, fail)
    assert state(org).last_error.startswith("Axion rejected the stored username or password")


def test_a_run_that_finds_another_running_is_recorded_as_skipped_not_run(org):
    JobStateFactory(organization=org, runs=3)
    with job_lock(lock_name("sync_messages", org.pk)), \
            organization_work("sync_messages", org) as acquired:
        assert not acquired
    recorded = state(org)
    assert (recorded.last_skipped_at, recorded.runs) == (NOW, 3)


def test_each_organization_has_its_own_record(org, other_org):
    with organization_work("archive_media", org):
        pass
    with scopes_disabled():
        assert list(JobState.objects.values_list("organization", "job")) == [
            (org.pk, "archive_media")]


def test_a_run_clears_its_queued_mark(org):
    JobStateFactory(organization=org, queued_at=NOW)
    with organization_work("sync_messages", org):
        pass
    assert state(org).queued_at is None
