"""The operations overview: the job cluster's heartbeat, the connections, today's webhooks,
and every job of the organization with its last run, outcome, next run and last error."""

from datetime import timedelta

from django_scopes import scopes_disabled

from messaging.models import MessageSync
from portal.models import Heartbeat
from portal.tasks import CLUSTER
from tests.clock import NOW
from tests.messaging.factories import SmsConnectionFactory
from tests.operations.factories import JobStateFactory, WebhookDayFactory

URL = "/operations/"


def job_row(page: str, name: str) -> str:
    row = page[page.index(f'data-job="{name}"'):]
    return row[:row.index("</tr>")]


def test_every_job_of_the_organization_is_listed(admin_client_):
    page = admin_client_.get(URL).content.decode()
    for name in ("sync_faxes", "sync_messages", "process_webhook_events", "renew_tokens",
                 "archive_media", "prune_webhook_events"):
        assert f'data-job="{name}"' in page
    assert 'data-job="heartbeat"' not in page


def test_a_jobs_last_run_duration_and_error_show(admin_client_, org):
    JobStateFactory(organization=org, job="archive_media", last_started_at=NOW,
                    last_finished_at=NOW, last_duration_ms=842, last_outcome="failed",
                    last_error_at=NOW, last_error="OSError: the disk is full")
    row = job_row(admin_client_.get(URL).content.decode(), "archive_media")
    assert "842 ms" in row and "Failed" in row and "OSError: the disk is full" in row


def test_a_sync_whose_provider_failed_shows_failed_with_the_syncs_words(admin_client_, org):
    JobStateFactory(organization=org, job="sync_messages", last_started_at=NOW,
                    last_finished_at=NOW, last_outcome="ok")
    with scopes_disabled():
        MessageSync.objects.create(organization=org, last_error_at=NOW,
                                   last_error="Axion did not answer in time.")
    row = job_row(admin_client_.get(URL).content.decode(), "sync_messages")
    assert "Failed" in row and "Axion did not answer in time." in row


def test_the_job_clusters_heartbeat_shows(admin_client_):
    Heartbeat.objects.create(name=CLUSTER, beat_at=NOW - timedelta(seconds=30))
    assert "Running" in admin_client_.get(URL).content.decode()


def test_a_stale_heartbeat_says_the_cluster_is_not_running(admin_client_):
    Heartbeat.objects.create(name=CLUSTER, beat_at=NOW - timedelta(hours=1))
    assert "Not running" in admin_client_.get(URL).content.decode()


def test_todays_webhooks_and_the_connections_show(admin_client_, org, number):
    SmsConnectionFactory(organization=org)
    WebhookDayFactory(number=number, received=12, processed=11, missed=1)
    page = admin_client_.get(URL).content.decode()
    assert "12 received, 11 processed" in page and "1 missed" in page
    assert "SMS API" in page


def test_another_organizations_jobs_are_not_shown(admin_client_, other_org):
    JobStateFactory(organization=other_org, job="archive_media", last_outcome="failed",
                    last_error="their error")
    assert "their error" not in admin_client_.get(URL).content.decode()
