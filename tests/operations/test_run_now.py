""""Run now" on the operations page: one run of a job for the organization, queued, never
while another one runs or waits."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from accounts.jobs import lock_name
from accounts.models import AuditEntry, JobState
from common.locks import job_lock
from operations.tasks import run_job_now
from tests.clock import NOW
from tests.messaging.provider import answer, messages_reply
from tests.operations.factories import JobStateFactory

URL = "/operations/jobs/sync_messages/run/"


@pytest.fixture
def queued(monkeypatch) -> list[tuple]:
    """Tasks queued by run now; the worker is down, so none runs."""
    calls = []
    monkeypatch.setattr("operations.job_status.async_task",
                        lambda *args, **kwargs: calls.append(args))
    return calls


def state(org, job="sync_messages") -> JobState:
    with scopes_disabled():
        return JobState.objects.get(organization=org, job=job)


def test_run_now_queues_the_job_for_the_organization(admin_client_, org, queued):
    response = admin_client_.post(URL, follow=True)
    assert queued == [("operations.tasks.run_job_now", "sync_messages", org.pk)]
    assert state(org).queued_at == NOW
    assert "sync_messages is queued" in response.content.decode()


def test_run_now_while_the_job_runs_is_not_queued(admin_client_, org, queued):
    with job_lock(lock_name("sync_messages", org.pk)):
        response = admin_client_.post(URL, follow=True)
    assert queued == []
    assert "already running" in response.content.decode()


def test_the_page_shows_a_running_job_as_running(admin_client_, org):
    with job_lock(lock_name("sync_messages", org.pk)):
        page = admin_client_.get("/operations/").content.decode()
    row = page[page.index('data-job="sync_messages"'):]
    assert "Running" in row[:row.index("</tr>")]


def test_run_now_twice_queues_once(admin_client_, org, queued):
    admin_client_.post(URL)
    response = admin_client_.post(URL, follow=True)
    assert len(queued) == 1
    assert "already queued" in response.content.decode()


def test_a_run_queued_long_ago_that_never_started_does_not_block(admin_client_, org, queued):
    JobStateFactory(organization=org, queued_at=NOW - timedelta(minutes=11))
    admin_client_.post(URL)
    assert len(queued) == 1


def test_the_queued_run_runs_the_job_for_that_organization_only(org, other_org, sms,
                                                                provider):
    from tests.messaging.factories import SmsConnectionFactory

    SmsConnectionFactory(organization=other_org)
    JobStateFactory(organization=org, queued_at=NOW)
    answer(provider, "getSMS", messages_reply())
    assert run_job_now("sync_messages", org.pk).startswith("1 organizations done")
    assert (state(org).queued_at, state(org).last_outcome) == (None, "ok")
    with scopes_disabled():
        assert not JobState.objects.filter(organization=other_org).exists()


def test_run_now_is_in_the_audit_log(admin_client_, org, queued):
    admin_client_.post(URL)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="job.run_now")
    assert entry.target == "sync_messages"


def test_an_unknown_job_is_404(admin_client_, queued):
    assert admin_client_.post("/operations/jobs/heartbeat/run/").status_code == 404
    assert queued == []


@pytest.mark.parametrize("who", ["viewer_client", "agent_client"])
def test_viewers_and_agents_may_not_run_jobs(request, db, who, queued):
    assert request.getfixturevalue(who).post(URL).status_code == 403
    assert queued == []


def test_run_now_needs_a_post(admin_client_, queued):
    assert admin_client_.get(URL).status_code == 405
