"""The backfill's progress on the fax history and the connections page ("history: 12 of
30 days fetched"), stopped with the reason and a Retry for admins, finished."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from faxes.models import FaxBackfill, FaxBackfillDay
from tests.faxes.factories import connection_for

pytestmark = pytest.mark.django_db

LAST = date(2024, 3, 1)
NOW = datetime(2024, 3, 1, 15, 0, tzinfo=UTC)


def backfill(organization, *, fetched=12, total=30, **fields):
    with scopes_disabled():
        FaxBackfill.objects.create(organization=organization,
                                   first_day=LAST - timedelta(days=total - 1), last_day=LAST,
                                   started_at=NOW, **fields)
        FaxBackfillDay.objects.bulk_create([
            FaxBackfillDay(organization=organization, day=LAST - timedelta(days=n),
                           fetched_at=NOW, faxes=2) for n in range(fetched)])


def stopped(organization, fetched=12):
    backfill(organization, fetched=fetched, last_error="Axion could not be reached.",
             last_error_at=NOW)


def test_the_history_shows_how_many_days_are_fetched(viewer_client, org):
    backfill(org)
    page = viewer_client.get("/faxes/").content.decode()
    assert "history: 12 of 30 days fetched" in page
    assert "Fetching history" in page


def test_a_finished_backfill_says_so(viewer_client, org):
    backfill(org, fetched=30, finished_at=NOW)
    page = viewer_client.get("/faxes/").content.decode()
    assert "History fetched" in page
    assert "history: 30 of 30 days fetched" in page


def test_a_stopped_backfill_says_why(viewer_client, org):
    stopped(org)
    page = viewer_client.get("/faxes/").content.decode()
    assert "History stopped" in page
    assert "Axion could not be reached." in page
    assert "Retry now" not in page  # for admins


def test_without_a_backfill_nothing_is_said(viewer_client, org):
    assert "days fetched" not in viewer_client.get("/faxes/").content.decode()


def test_the_connections_page_shows_it_in_the_fax_panel(admin_client_, org):
    connection_for(org)
    stopped(org)
    page = admin_client_.get("/organization/connections/").content.decode()
    assert "history: 12 of 30 days fetched" in page
    assert "Retry now" in page


def test_another_organizations_backfill_is_not_shown(viewer_client, org, other_org):
    backfill(other_org)
    assert "days fetched" not in viewer_client.get("/faxes/").content.decode()


def test_an_admins_retry_queues_a_run_that_resumes(admin_client_, org, monkeypatch,
                                                   django_capture_on_commit_callbacks):
    stopped(org)
    queued = []
    monkeypatch.setattr("faxes.backfill.async_task",
                        lambda *args, **kwargs: queued.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post("/faxes/backfill/retry/")
    assert response.status_code == 302
    assert queued == [(("faxes.tasks.backfill_faxes",),
                       {"organization_id": org.pk, "days": None,
                        "task_name": f"backfill_faxes for organization {org.pk}"})]
    with scopes_disabled():
        assert AuditEntry.objects.filter(organization=org,
                                         action="fax_backfill.retried").exists()


def test_retry_from_the_connections_page_goes_back_there(admin_client_, org):
    stopped(org)
    response = admin_client_.post("/faxes/backfill/retry/", {"back": "connections"})
    assert response.headers["Location"] == "/organization/connections/"


def test_agents_may_not_retry(agent_client, org):
    stopped(org)
    assert agent_client.post("/faxes/backfill/retry/").status_code == 403
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="fax_backfill.retried").exists()


def test_retry_is_a_post(admin_client_, org):
    assert admin_client_.get("/faxes/backfill/retry/").status_code == 405
