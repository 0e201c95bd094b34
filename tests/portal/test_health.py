"""/healthz reports the broker and answers 503 when it is down."""

from portal.tasks import heartbeat


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
