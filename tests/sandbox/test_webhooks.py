"""deliver_webhook: a short POST that reports success and never raises."""

import json
import logging

import requests
import responses

from sandbox import services
from tests.sandbox.callback import CALLBACK

EVENT = {"event": "updatedSMS", "uuid": "ffadb6a1-752e-11e8-a2fe-323630393164"}


@responses.activate
def test_delivery_posts_the_event_as_json():
    responses.add(responses.POST, CALLBACK, status=200)
    assert services.deliver_webhook(CALLBACK, EVENT) is True
    assert json.loads(responses.calls[0].request.body) == EVENT
    assert responses.calls[0].request.headers["Content-Type"] == "application/json"


@responses.activate
def test_unreachable_receiver_is_reported_not_raised(caplog):
    responses.add(responses.POST, CALLBACK, body=requests.ConnectionError("refused"))
    with caplog.at_level(logging.WARNING, logger="sandbox.services"):
        assert services.deliver_webhook(CALLBACK, EVENT) is False
    assert "ConnectionError" in caplog.text
    assert "portal.example.test" in caplog.text


@responses.activate
def test_timeout_is_reported_not_raised():
    responses.add(responses.POST, CALLBACK, body=requests.Timeout())
    assert services.deliver_webhook(CALLBACK, EVENT) is False


@responses.activate
def test_error_status_is_a_failed_delivery():
    responses.add(responses.POST, CALLBACK, status=404)
    assert services.deliver_webhook(CALLBACK, EVENT) is False


def test_delivery_uses_a_short_timeout(monkeypatch):
    seen = {}

    def fake_post(url, json, timeout):
        seen["timeout"] = timeout
        raise requests.Timeout()

    monkeypatch.setattr(services.requests, "post", fake_post)
    services.deliver_webhook(CALLBACK, EVENT)
    assert max(seen["timeout"]) <= 10


def test_no_url_delivers_nothing():
    assert services.deliver_webhook("", EVENT) is False


@responses.activate
def test_a_callback_outside_the_portals_webhooks_is_not_called(caplog):
    # The sandbox runs inside the portal: it must not post to any address a user registers.
    elsewhere = "http://127.0.0.1:6379/hooks/sms/abc/"
    responses.add(responses.POST, elsewhere, status=200)
    with caplog.at_level(logging.WARNING, logger="sandbox.services"):
        assert services.deliver_webhook(elsewhere, EVENT) is False
    assert len(responses.calls) == 0
    assert "not the portal's own webhooks" in caplog.text


@responses.activate
def test_a_callback_on_the_portals_host_but_off_its_webhooks_is_not_called():
    responses.add(responses.POST, "https://portal.example.test/admin/", status=200)
    assert services.deliver_webhook("https://portal.example.test/admin/", EVENT) is False
    assert len(responses.calls) == 0
