"""Every delivery verifies with standardwebhooks, exactly as a receiver would check it,
and carries the event's stable id."""

import base64
import json

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.receiver import Receiver
from webhooks_out.delivery import deliver_organization
from webhooks_out.signing import new_secret

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def test_a_secret_is_whsec_and_32_random_bytes_in_base64():
    secret = new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert new_secret() != secret


def test_a_delivery_verifies_with_the_endpoints_secret(org):
    with Receiver() as receiver:
        endpoint = EndpointFactory(organization=org, url=receiver.url)
        event = fax_event(org)
        assert deliver_organization(organization=org) == 1
    [(headers, body)] = receiver.requests
    payload = Webhook(endpoint.secret).verify(body, headers)
    assert payload == {"id": f"evt_{event.pk}", "type": "fax.status_changed",
                       "created_at": "2024-03-01T12:00:00Z", "data": event.payload}
    assert headers["webhook-id"] == f"evt_{event.pk}"
    assert headers["webhook-timestamp"] == "1709294400"
    assert headers["content-type"] == "application/json"


def test_another_secret_does_not_verify(org):
    with Receiver() as receiver:
        EndpointFactory(organization=org, url=receiver.url)
        fax_event(org)
        deliver_organization(organization=org)
    [(headers, body)] = receiver.requests
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)


def test_a_changed_body_does_not_verify(org):
    with Receiver() as receiver:
        endpoint = EndpointFactory(organization=org, url=receiver.url)
        fax_event(org)
        deliver_organization(organization=org)
    [(headers, body)] = receiver.requests
    tampered = body.replace(b'"SENT"', b'"FAILED"')
    assert tampered != body
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint.secret).verify(tampered, headers)


def test_a_retry_has_the_same_id_and_body_and_a_new_timestamp_and_signature(org, clock):
    answers = iter([(500, {}, b"busy"), (200, {}, b"ok")])
    with Receiver(lambda n: next(answers)) as receiver:
        endpoint = EndpointFactory(organization=org, url=receiver.url)
        fax_event(org)
        deliver_organization(organization=org)
        clock.shift(5)
        deliver_organization(organization=org)
    (first, first_body), (second, second_body) = receiver.requests
    assert first["webhook-id"] == second["webhook-id"]
    assert first_body == second_body
    assert int(second["webhook-timestamp"]) - int(first["webhook-timestamp"]) == 5
    assert first["webhook-signature"] != second["webhook-signature"]
    Webhook(endpoint.secret).verify(second_body, second)


def test_the_body_is_the_documented_envelope_in_ascii(org):
    with Receiver() as receiver:
        EndpointFactory(organization=org, url=receiver.url)
        fax_event(org, status="ÉCHEC ✓")
        deliver_organization(organization=org)
    [(_, body)] = receiver.requests
    assert body.isascii()
    assert json.loads(body)["data"]["status"] == "ÉCHEC ✓"
