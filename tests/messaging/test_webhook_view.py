"""POST /hooks/sms/<secret>/: store the raw request first, answer at once, never call the
provider (docs/provider.md quirks 13 and 14)."""

import json
import logging

import pytest
from django.db import connection
from django.test import Client
from django_scopes import scopes_disabled

from messaging.models import EventState, WebhookEvent
from tests.messaging.provider import new_sms, updated_sms

pytestmark = pytest.mark.usefixtures("kicks")


def post(client, path, body, **extra):
    data = json.dumps(body) if isinstance(body, dict) else body
    return client.post(path, data, content_type="application/json", **extra)


def stored() -> list[WebhookEvent]:
    with scopes_disabled():
        return list(WebhookEvent.objects.order_by("id"))


def test_valid_event_is_answered_200(client, number):
    assert post(client, number.webhook_path, new_sms()).status_code == 200


def test_valid_event_is_stored_pending_with_its_raw_body(client, number):
    raw = json.dumps(new_sms("in-0042")).encode()
    post(client, number.webhook_path, raw)
    [event] = stored()
    assert bytes(event.body) == raw
    assert (event.state, event.event_type, event.message_uuid) == (
        EventState.PENDING, "newSMS", "in-0042")
    assert (event.organization_id, event.number_id) == (number.organization_id, number.pk)


def test_unknown_secret_is_404_and_stores_nothing(client, number):
    response = post(client, "/hooks/sms/not-a-secret-of-anyone/", new_sms())
    assert response.status_code == 404
    assert stored() == []


def test_only_the_secrets_digest_reaches_the_database(client, number):
    # The database compares SHA-256 digests: its timing says nothing about the secret.
    sent = []

    def record(execute, sql, params, many, context):
        sent.extend(str(p) for p in params or ())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert post(client, number.webhook_path, new_sms()).status_code == 200
    assert number.webhook_secret_digest in sent
    assert not any(number.webhook_secret in p for p in sent)


def test_body_over_1_mb_is_413_and_stores_nothing(client, number):
    response = post(client, number.webhook_path, b"x" * 1_000_001)
    assert response.status_code == 413
    assert stored() == []


def test_body_of_1_mb_is_not_too_large(client, number):
    assert post(client, number.webhook_path, b"x" * 1_000_000).status_code == 400


def test_body_that_is_not_json_is_400_and_kept_invalid(client, number):
    response = post(client, number.webhook_path, b"event=newSMS&uuid=1")
    assert response.status_code == 400
    [event] = stored()
    assert bytes(event.body) == b"event=newSMS&uuid=1"
    assert event.state == EventState.INVALID
    assert "not valid JSON" in event.error


def test_event_lacking_its_fields_is_400_and_kept_invalid(client, number):
    body = {"event": "newSMS", "uuid": "in-0001", "text": "no numbers"}
    response = post(client, number.webhook_path, body)
    assert response.status_code == 400
    [event] = stored()
    assert (event.state, json.loads(bytes(event.body))) == (EventState.INVALID, body)
    assert "number" in response.json()["error"]


def test_provider_example_with_a_stray_brace_is_400_and_kept(client, number):
    # The provider's updatedSMS example is not valid JSON (docs/provider.md quirk 13).
    raw = json.dumps(updated_sms()).encode()[:-1] + b"}}"
    assert post(client, number.webhook_path, raw).status_code == 400
    assert bytes(stored()[0].body) == raw


def test_get_is_405_and_stores_nothing(client, number):
    assert client.get(number.webhook_path).status_code == 405
    assert stored() == []


def test_no_csrf_token_is_needed(number):
    client = Client(enforce_csrf_checks=True)
    assert post(client, number.webhook_path, new_sms()).status_code == 200


def test_no_session_or_csrf_cookie_is_set(client, number):
    response = post(client, number.webhook_path, new_sms())
    assert response.status_code == 200
    assert dict(response.cookies) == {}


def test_no_provider_call_is_made_during_the_request(client, number, sms, provider, settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = True
    post(client, number.webhook_path, new_sms())
    post(client, number.webhook_path, updated_sms())
    assert len(stored()) == 2  # the control: both events reached the view and were kept
    assert len(provider.calls) == 0


def test_headers_kept_hold_no_cookie_or_authorization(client, number):
    post(client, number.webhook_path, new_sms(), HTTP_COOKIE="sessionid=abc",
         HTTP_AUTHORIZATION="Basic c2VjcmV0", HTTP_USER_AGENT="Axion-Webhooks/9")
    headers = stored()[0].headers
    assert headers["HTTP_USER_AGENT"] == "Axion-Webhooks/9"
    assert not {"HTTP_COOKIE", "HTTP_AUTHORIZATION"} & headers.keys()


@pytest.mark.parametrize(("status", "send"), [
    pytest.param(200, lambda c, path: post(c, path, new_sms()), id="200"),
    pytest.param(400, lambda c, path: post(c, path, b"{not json"), id="400"),
    pytest.param(413, lambda c, path: post(c, path, b"x" * 1_000_001), id="413"),
    pytest.param(405, lambda c, path: c.get(path), id="405"),
])
def test_secret_is_never_logged(client, number, caplog, status, send):
    caplog.set_level(logging.DEBUG)
    # the control: the request took the branch under test (a wrong path would be a 404)
    assert send(client, number.webhook_path).status_code == status
    logged = [r.getMessage() + repr(r.args) for r in caplog.records]
    assert not [line for line in logged if number.webhook_secret in line]


def test_unknown_secret_is_not_logged(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    post(client, "/hooks/sms/a-leaked-old-secret-0123456789/", new_sms())
    assert "webhook answered 404 (unknown secret)" in caplog.text
    assert "a-leaked-old-secret-0123456789" not in caplog.text


def test_event_with_an_impossible_time_is_400_and_kept(client, number):
    response = post(client, number.webhook_path, new_sms(time="2024-02-30T10:00:00Z"))
    assert response.status_code == 400
    assert stored()[0].state == EventState.INVALID


def test_error_kept_for_an_invalid_event_fits_its_column(client, number):
    post(client, number.webhook_path, {**new_sms(), "event": "x" * 2000})
    assert 0 < len(stored()[0].error) <= 500
