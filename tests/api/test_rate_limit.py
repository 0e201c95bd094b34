"""The per-key rate limit: 429 with Retry-After past API_RATE."""

import os
import subprocess
import sys

import pytest

from tests.api.helpers import error_of, key_client, make_key

URL = "/api/v1/numbers/"


@pytest.fixture(autouse=True)
def three_a_minute(settings):
    settings.API_RATE = "3/min"


def test_past_the_rate_a_key_gets_429_with_retry_after(api):
    for _ in range(3):
        assert api.get(URL).status_code == 200
    response = api.get(URL)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert error_of(response)["code"] == "throttled"


def test_the_rate_is_counted_per_key(org, api):
    for _ in range(3):
        api.get(URL)
    other = key_client(make_key(org, name="Other system")[1])
    assert other.get(URL).status_code == 200


def test_the_rate_comes_again_after_the_period(api, time_machine):
    time_machine.move_to("2024-03-01T12:00:00Z", tick=False)
    for _ in range(4):
        api.get(URL)
    time_machine.move_to("2024-03-01T12:01:01Z", tick=False)
    assert api.get(URL).status_code == 200


def test_sessions_are_limited_per_user(viewer_client):
    for _ in range(3):
        viewer_client.get(URL)
    assert viewer_client.get(URL).status_code == 429


def test_an_empty_rate_means_no_limit(settings, api):
    settings.API_RATE = ""
    for _ in range(5):
        assert api.get(URL).status_code == 200


def test_a_malformed_rate_stops_the_portal_from_starting():
    environment = {**os.environ, "API_RATE": "lots", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                            env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "API_RATE" in result.stderr
