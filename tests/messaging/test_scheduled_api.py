"""The API of scheduled sends and resends: `send_at` on POST messages/, PATCH and DELETE of a
scheduled message, the status filter, and POST messages/{uuid}/resend/."""

import json
from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from messaging import scheduling
from messaging.models import Message, MessageStatus
from optouts.models import OptOutSource
from optouts.services import opt_out
from tests.api.helpers import error_of
from tests.axion import bodies
from tests.clock import NOW
from tests.messaging.factories import MessageFactory
from tests.messaging.provider import OTHER, OWN, answer, sent

URL = "/api/v1/messages/"
LATER = "2024-03-01T14:30:00+01:00"  # 13:30 UTC


def post(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json",
                       headers=headers or None)


def patch(client, uuid, body):
    return client.patch(f"{URL}{uuid}/", json.dumps(body), content_type="application/json")


@pytest.fixture
def ready(sms, number, provider):
    answer(provider, "sendSMS", bodies.SEND_OK)
    return provider


def schedule(api, **more):
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Later", "send_at": LATER},
                    **more)
    assert response.status_code == 201, response.content
    return response.json()["messages"][0]


def test_send_at_answers_201_with_the_scheduled_message_and_sends_nothing(ready, api):
    message = schedule(api)
    assert (message["status"], message["send_at"]) == ("SCHEDULED", "2024-03-01T13:30:00Z")
    assert sent(ready, "sendSMS") == []


def test_a_send_at_without_offset_is_400(ready, api):
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Later",
                          "send_at": "2024-03-01T14:30:00"})
    assert response.status_code == 400
    assert "send_at" in error_of(response)["fields"]


def test_a_send_at_in_the_past_is_400_on_send_at(ready, api):
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Later",
                          "send_at": "2024-03-01T11:00:00Z"})
    assert response.status_code == 400
    assert error_of(response)["fields"]["send_at"] == [
        "This time has passed: choose a time to come."]


def test_the_idempotency_key_answers_the_scheduled_send_again(ready, api):
    first = schedule(api, **{"Idempotency-Key": "later-1"})
    again = schedule(api, **{"Idempotency-Key": "later-1"})
    assert first["uuid"] == again["uuid"]
    with scopes_disabled():
        assert Message.objects.count() == 1


def test_the_same_key_with_another_time_is_422(ready, api):
    schedule(api, **{"Idempotency-Key": "later-1"})
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Later",
                          "send_at": "2024-03-01T15:00:00Z"}, **{"Idempotency-Key": "later-1"})
    assert error_of(response)["code"] == "idempotency_key_reused"


def test_the_list_filters_scheduled_messages(ready, api, conversation):
    MessageFactory(conversation=conversation)
    message = schedule(api)
    listed = api.get(URL, {"status": "SCHEDULED"}).json()["results"]
    assert [m["uuid"] for m in listed] == [message["uuid"]]


def test_delete_cancels_a_scheduled_message_without_asking_the_provider(ready, api):
    message = schedule(api)
    assert api.delete(f"{URL}{message['uuid']}/").status_code == 204
    assert len(ready.calls) == 0
    with scopes_disabled():
        assert Message.objects.get(uuid=message["uuid"]).deleted_at == NOW
    assert api.get(f"{URL}{message['uuid']}/").status_code == 404


def test_delete_of_a_message_the_jobs_claimed_meanwhile_is_409(ready, api, monkeypatch):
    message = schedule(api)
    # The job claims it between the API's read and its cancel.
    original = scheduling.cancel_scheduled

    def claimed_first(**kwargs):
        with scopes_disabled():
            Message.objects.filter(uuid=message["uuid"]).update(status=MessageStatus.SENDING)
        return original(**kwargs)

    monkeypatch.setattr(scheduling, "cancel_scheduled", claimed_first)
    response = api.delete(f"{URL}{message['uuid']}/")
    assert (response.status_code, error_of(response)["code"]) == (409, "not_scheduled")


def test_patch_changes_the_text_and_time(ready, api):
    message = schedule(api)
    response = patch(api, message["uuid"], {"text": "Moved", "send_at": "2024-03-02T09:00:00Z"})
    assert response.status_code == 200, response.content
    assert (response.json()["text"], response.json()["send_at"]) == ("Moved",
                                                                     "2024-03-02T09:00:00Z")


def test_patch_of_a_message_not_scheduled_is_409(ready, api, conversation):
    queued = MessageFactory(conversation=conversation)
    response = patch(api, queued.uuid, {"text": "Moved"})
    assert (response.status_code, error_of(response)["code"]) == (409, "not_scheduled")


def test_patch_with_an_unknown_field_is_400(ready, api):
    message = schedule(api)
    response = patch(api, message["uuid"], {"to": [OTHER]})
    assert response.status_code == 400
    assert "to" in error_of(response)["fields"]


def test_patch_needs_the_send_scope(ready, api, reader):
    message = schedule(api)
    assert patch(reader, message["uuid"], {"text": "Moved"}).status_code == 403


def test_an_outsider_cannot_cancel(ready, api, outsider_api):
    message = schedule(api)
    assert outsider_api.delete(f"{URL}{message['uuid']}/").status_code == 404


# Resend


@pytest.fixture
def failed(conversation):
    return MessageFactory(conversation=conversation, uuid="local-failed", text="Running late",
                          status=MessageStatus.FAILED, created_at=NOW - timedelta(hours=1))


def resend(client, uuid):
    return client.post(f"{URL}{uuid}/resend/", content_type="application/json")


def test_resend_answers_201_with_the_new_message_linked_to_the_failed_one(ready, api, failed):
    response = resend(api, failed.uuid)
    assert response.status_code == 201, response.content
    [message] = response.json()["messages"]
    assert (message["resent_from"], message["text"], message["status"]) == (
        "local-failed", "Running late", "QUEUED")


def test_resend_twice_sends_once(ready, api, failed):
    first = resend(api, failed.uuid).json()["messages"]
    second = resend(api, failed.uuid).json()["messages"]
    assert first[0]["uuid"] == second[0]["uuid"]
    assert len(sent(ready, "sendSMS")) == 1


def test_resend_of_a_message_not_failed_is_409_not_resendable(ready, api, conversation):
    unknown = MessageFactory(conversation=conversation, status=MessageStatus.UNKNOWN)
    response = resend(api, unknown.uuid)
    assert (response.status_code, error_of(response)["code"]) == (409, "not_resendable")
    assert sent(ready, "sendSMS") == []


def test_resend_to_a_number_that_opted_out_is_422(ready, api, failed, org):
    opt_out(organization=org, number=OTHER, source=OptOutSource.MEMBER)
    response = resend(api, failed.uuid)
    assert (response.status_code, error_of(response)["code"]) == (422, "opted_out")


def test_resend_needs_the_send_scope(ready, reader, failed):
    assert resend(reader, failed.uuid).status_code == 403
