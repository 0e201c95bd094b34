"""/api/v1/connections/, /api/v1/jobs/ and /api/v1/webhook-ledger/: read-only, for
monitoring systems; a key's read scope or a signed-in owner or admin."""

from datetime import date, timedelta

import pytest
from django_q.models import Schedule

from tests.clock import NOW
from tests.messaging.factories import MessagingNumberFactory, SmsConnectionFactory
from tests.operations.factories import ConnectionCheckFactory, JobStateFactory, WebhookDayFactory

DAY = date(2024, 3, 1)


def test_connections_say_their_state_and_no_secret(api, org):
    connection = SmsConnectionFactory(organization=org, failing_since=NOW,
                                      last_error="Axion rejected the stored username.")
    ConnectionCheckFactory(connection=connection)
    response = api.get("/api/v1/connections/")
    [item] = response.json()
    assert (item["kind"], item["state"], item["last_error"]) == (
        "sms", "failing", "Axion rejected the stored username.")
    assert item["last_renewal"]["ok"] is True
    for secret in (connection.api_key, connection.password, connection.session_token):
        assert secret not in response.content.decode()


def test_jobs_list_each_organization_job_with_its_last_and_next_run(api, org):
    JobStateFactory(organization=org, job="sync_messages", last_started_at=NOW,
                    last_finished_at=NOW, last_outcome="ok", last_duration_ms=1234)
    Schedule.objects.filter(name="sync_messages").update(next_run=NOW + timedelta(minutes=2))
    jobs = {job["name"]: job for job in api.get("/api/v1/jobs/").json()}
    assert {"sync_messages", "sync_faxes", "process_webhook_events", "renew_tokens",
            "archive_media"} <= set(jobs)
    assert "heartbeat" not in jobs  # not a job of an organization
    sync = jobs["sync_messages"]
    assert (sync["outcome"], sync["last_duration_ms"], sync["next_run_at"], sync["running"]) == (
        "ok", 1234, "2024-03-01T12:02:00Z", False)
    assert jobs["archive_media"]["outcome"] == "never"


def test_the_ledger_lists_days_newest_first(api, org):
    number = MessagingNumberFactory(organization=org, number="+18056421414")
    WebhookDayFactory(number=number, day=DAY - timedelta(days=1), received=3, processed=3)
    WebhookDayFactory(number=number, day=DAY, received=5, processed=4, missed=1)
    results = api.get("/api/v1/webhook-ledger/").json()["results"]
    assert [(r["day"], r["received"], r["missed"]) for r in results] == [
        ("2024-03-01", 5, 1), ("2024-02-29", 3, 0)]
    assert results[0]["number"] == "+18056421414"


def test_the_ledger_filters_by_number_and_since(api, org):
    mine = MessagingNumberFactory(organization=org, number="+18056421414")
    WebhookDayFactory(number=mine, day=DAY)
    WebhookDayFactory(number=mine, day=DAY - timedelta(days=3))
    WebhookDayFactory(number=MessagingNumberFactory(organization=org), day=DAY)
    results = api.get("/api/v1/webhook-ledger/?number=(805) 642-1414&since=2024-02-28").json()
    assert [(r["number"], r["day"]) for r in results["results"]] == [("+18056421414", "2024-03-01")]


def test_the_ledger_pages_without_counting(api, org):
    number = MessagingNumberFactory(organization=org)
    for n in range(3):
        WebhookDayFactory(number=number, day=DAY - timedelta(days=n))
    first = api.get("/api/v1/webhook-ledger/?page_size=2").json()
    second = api.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert "count" not in first


def test_another_organizations_rows_are_not_listed(outsider_api, org):
    SmsConnectionFactory(organization=org)
    WebhookDayFactory(number=MessagingNumberFactory(organization=org))
    JobStateFactory(organization=org)
    assert outsider_api.get("/api/v1/connections/").json() == []
    assert outsider_api.get("/api/v1/webhook-ledger/").json()["results"] == []
    assert all(job["outcome"] == "never" for job in outsider_api.get("/api/v1/jobs/").json())


@pytest.mark.parametrize("path", ["/api/v1/connections/", "/api/v1/jobs/",
                                  "/api/v1/webhook-ledger/"])
def test_a_read_key_and_an_admin_may_read(reader, admin_client_, path):
    assert reader.get(path).status_code == 200
    assert admin_client_.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/connections/", "/api/v1/jobs/",
                                  "/api/v1/webhook-ledger/"])
def test_agents_viewers_and_send_only_keys_may_not(agent_client, viewer_client, sender_only,
                                                   path):
    for client in (agent_client, viewer_client, sender_only):
        assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/api/v1/connections/", "/api/v1/jobs/",
                                  "/api/v1/webhook-ledger/"])
def test_they_are_read_only(api, path):
    assert api.post(path, {}, content_type="application/json").status_code == 405
