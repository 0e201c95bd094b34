"""GET /healthz: reachable without login, reveals nothing about organizations, reports the
job heartbeat and the broker, and answers 503 when the broker is down."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.tasks import heartbeat


@pytest.fixture
def recent_heartbeat(db):
    heartbeat()


def test_healthz_answers_200_with_status_ok(client, recent_heartbeat):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_healthz_contains_no_organization_name(owner_client, org, recent_heartbeat):
    response = owner_client.get("/healthz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")
    assert org.name.encode() not in response.content
    assert org.slug.encode() not in response.content


def test_healthz_without_a_recent_job_heartbeat_is_degraded_but_200(client, recent_heartbeat,
                                                                    time_machine, settings):
    time_machine.move_to(timezone.now() + timedelta(
        seconds=settings.HEALTH_MAX_JOB_AGE_SECONDS + 60))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"


def test_a_redis_broker_that_is_down_makes_healthz_503(client, db, settings):
    heartbeat()
    settings.Q_BROKER = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert response.json()["broker"].startswith("down")


def test_the_database_broker_is_reported_as_the_database(client, db):
    heartbeat()
    assert client.get("/healthz").json()["broker"] == "ok (database)"


def test_healthz_reports_the_age_of_the_last_job_run(client, db, time_machine):
    time_machine.move_to("2026-11-27 10:00:00+00:00", tick=False)
    heartbeat()
    time_machine.move_to("2026-11-27 10:00:42+00:00", tick=False)
    assert client.get("/healthz").json()["last_job_seconds_ago"] == 42


def test_healthz_answers_over_plain_http_even_when_pages_redirect_to_https(client, db,
                                                                          settings):
    # Load balancers and probes speak plain http to the instance.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # the control: pages redirect
