"""GET /healthz: reachable without login, and reveals nothing about organizations."""

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
    assert org.name.encode() not in response.content
    assert org.slug.encode() not in response.content


def test_healthz_without_a_recent_job_heartbeat_is_degraded_but_200(client, recent_heartbeat,
                                                                    time_machine, settings):
    time_machine.move_to(timezone.now() + timedelta(
        seconds=settings.HEALTH_MAX_JOB_AGE_SECONDS + 60))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
