"""POST /api/v1/messages/: sending through messaging.sending, with its checks and audit."""

import base64
import json

import pytest
import requests
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from axion.sms import MAX_FILE_BYTES
from messaging.models import Message, MessageStatus
from tests.api.helpers import error_of
from tests.axion import bodies
from tests.messaging.factories import MessagingNumberFactory
from tests.messaging.provider import OTHER, OWN, answer, error, sent

URL = "/api/v1/messages/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def post(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json",
                       headers=headers or None)


@pytest.fixture
def ok(provider, sms, number):
    answer(provider, "sendSMS", bodies.SEND_OK)
    return provider


def test_sends_and_answers_201_with_the_queued_message(ok, api):
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Hello",
                          "client_reference": "order-17"})
    assert response.status_code == 201, response.content
    [message] = response.json()["messages"]
    assert message["status"] == "QUEUED"
    assert message["uuid"] == bodies.MESSAGE_UUID
    assert message["from"] == OWN and message["to"] == [OTHER]
    assert message["client_reference"] == "order-17"
    [payload] = sent(ok, "sendSMS")
    assert payload["text"] == "Hello"
    assert payload["customerProvidedId"] == "order-17"


def test_each_recipient_gets_a_message(ok, api):
    response = post(api, {"from": OWN, "to": [OTHER, "+13105550100"], "text": "Hi"})
    assert len(response.json()["messages"]) == 2
    assert len(sent(ok, "sendSMS")) == 2


def test_media_is_sent_base64_and_kept(ok, api):
    response = post(api, {"from": OWN, "to": [OTHER],
                          "media": base64.b64encode(PNG).decode(), "media_type": "image/png"})
    assert response.status_code == 201
    assert base64.b64decode(sent(ok, "sendSMS")[0]["file"]) == PNG
    [media] = response.json()["messages"][0]["media"]
    assert api.get(media["url"]).content == PNG


def test_base64_with_line_breaks_is_accepted(ok, api):
    encoded = base64.encodebytes(PNG + b"\x00" * 100).decode()  # 76 characters a line
    assert "\n" in encoded.strip()
    response = post(api, {"from": OWN, "to": [OTHER], "media": encoded,
                          "media_type": "image/png"})
    assert response.status_code == 201, response.content


def test_the_send_is_audited_with_the_key(org, ok, api):
    post(api, {"from": OWN, "to": [OTHER], "text": "Hi"})
    with scopes_disabled():
        entry = AuditEntry.objects.get(organization=org, action="message.sent")
    assert entry.actor is None
    assert entry.actor_label.startswith("API key Billing system (axp_")
    assert "Hi" not in json.dumps(entry.detail)


def test_the_same_idempotency_key_sends_once(ok, api):
    body = {"from": OWN, "to": [OTHER], "text": "Hi"}
    first = post(api, body, **{"Idempotency-Key": "order-17-reminder"})
    again = post(api, body, **{"Idempotency-Key": "order-17-reminder"})
    assert again.status_code == 201
    assert again.json() == first.json()
    assert len(sent(ok, "sendSMS")) == 1


def test_an_overlong_idempotency_key_is_400(ok, api):
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Hi"},
                    **{"Idempotency-Key": "k" * 41})
    assert response.status_code == 400
    assert "Idempotency-Key" in error_of(response)["fields"]


@pytest.mark.parametrize("body, field", [
    ({"to": [OTHER], "text": "Hi"}, "from"),
    ({"from": OWN, "text": "Hi"}, "to"),
    ({"from": OWN, "to": [], "text": "Hi"}, "to"),
    ({"from": OWN, "to": "not a list", "text": "Hi"}, "to"),
    ({"from": OWN, "to": ["12"], "text": "Hi"}, "to.0"),
    ({"from": OWN, "to": [OTHER]}, "text"),
    ({"from": OWN, "to": [OTHER], "text": "x" * 1601}, "text"),
    ({"from": OWN, "to": [OTHER], "media": "!!!", "media_type": "image/png"}, "media"),
    ({"from": OWN, "to": [OTHER], "media": base64.b64encode(b"%PDF-1.4").decode(),
      "media_type": "image/png"}, "media"),
    ({"from": OWN, "to": [OTHER], "media": base64.b64encode(PNG).decode()}, "media_type"),
    ({"from": OWN, "to": [OTHER], "media": base64.b64encode(PNG).decode(),
      "media_type": "image/jpeg"}, "media_type"),
    ({"from": OWN, "to": [OTHER], "media": base64.b64encode(PNG).decode(),
      "media_type": "application/pdf"}, "media_type"),
])
def test_bad_input_is_400_on_its_field_and_sends_nothing(ok, api, body, field):
    response = post(api, body)
    assert response.status_code == 400, response.content
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert sent(ok, "sendSMS") == []


def test_a_file_over_3_5_mb_is_400_on_media(ok, api):
    big = PNG + b"\x00" * MAX_FILE_BYTES
    response = post(api, {"from": OWN, "to": [OTHER], "media": base64.b64encode(big).decode(),
                          "media_type": "image/png"})
    assert response.status_code == 400
    assert "3.5 MB" in error_of(response)["fields"]["media"][0]


def test_a_body_over_the_upload_limit_is_400_on_media(ok, api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(api, {"from": OWN, "to": [OTHER], "media": "A" * 2000,
                          "media_type": "image/png"})
    assert response.status_code == 400
    assert "media" in error_of(response)["fields"]


def test_malformed_json_is_400(api):
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_a_number_of_another_organization_cannot_be_used(ok, other_org, api):
    MessagingNumberFactory(organization=other_org, number="+18056429999")
    response = post(api, {"from": "+18056429999", "to": [OTHER], "text": "Hi"})
    assert response.status_code == 404
    assert "from" in error_of(response)["fields"]


def test_a_provider_error_is_502_and_the_message_stays_failed(org, provider, sms, number, api):
    answer(provider, "sendSMS", error("SOMETHING BROKE"))
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Hi"})
    assert response.status_code == 502
    assert "not sent" in error_of(response)["message"]
    with scopes_disabled():
        assert Message.objects.get(organization=org).status == MessageStatus.FAILED


def test_a_lost_answer_is_504_and_the_message_is_unknown_not_resent(org, provider, sms, number,
                                                                   api):
    answer(provider, "sendSMS", requests.ReadTimeout("read timed out"))
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Hi"})
    assert response.status_code == 504
    assert error_of(response)["code"] == "provider_timeout"
    assert len(sent(provider, "sendSMS")) == 1
    with scopes_disabled():
        assert Message.objects.get(organization=org).status == MessageStatus.UNKNOWN


def test_without_an_sms_connection_it_is_409(number, api):
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Hi"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "no_connection"


def test_a_read_only_key_cannot_send(ok, reader):
    response = post(reader, {"from": OWN, "to": [OTHER], "text": "Hi"})
    assert response.status_code == 403
    assert error_of(response)["message"] == "This API key does not have the send scope."
    assert sent(ok, "sendSMS") == []


def test_a_send_only_key_can_send(ok, sender_only):
    assert post(sender_only, {"from": OWN, "to": [OTHER], "text": "Hi"}).status_code == 201


def test_a_viewer_session_cannot_send(ok, viewer_client):
    response = post(viewer_client, {"from": OWN, "to": [OTHER], "text": "Hi"})
    assert response.status_code == 403


def test_an_agent_session_sends_with_the_csrf_token(org, ok, agent):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(agent.user)
    client.get("/messaging/compose/")  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value
    response = post(client, {"from": OWN, "to": [OTHER], "text": "Hi"},
                    **{"X-CSRFToken": token})
    assert response.status_code == 201, response.content
    with scopes_disabled():
        entry = AuditEntry.objects.get(organization=org, action="message.sent")
    assert entry.actor == agent.user


def test_an_agent_not_allowed_on_the_number_gets_403(ok, number, agent_client, org):
    from tests.factories import UserFactory

    number.allowed_users.add(UserFactory())
    response = post(agent_client, {"from": OWN, "to": [OTHER], "text": "Hi"})
    assert response.status_code == 403
    assert OWN in error_of(response)["message"]
