"""DELETE /api/v1/messages/{uuid}/: deleting at the provider through messaging.sending."""

import pytest
import requests
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from messaging.models import Message
from tests.api.helpers import error_of
from tests.messaging.factories import MessageFactory
from tests.messaging.provider import answer, error, sent

URL = "/api/v1/messages/"


@pytest.fixture
def message(number):
    return MessageFactory(conversation__own_number=number, uuid="out-0001")


def test_deletes_at_the_provider_and_answers_204(org, provider, sms, message, api):
    answer(provider, "deleteSMS", {"RESULT": "OK"})
    response = api.delete(f"{URL}{message.uuid}/")
    assert response.status_code == 204
    [payload] = sent(provider, "deleteSMS")
    assert payload["uuid"] == "out-0001"
    with scopes_disabled():
        assert Message.objects.get(pk=message.pk).deleted_at is not None
    assert api.get(f"{URL}{message.uuid}/").status_code == 404


def test_the_delete_is_audited_with_the_key(org, provider, sms, message, api):
    answer(provider, "deleteSMS", {"RESULT": "OK"})
    api.delete(f"{URL}{message.uuid}/")
    with scopes_disabled():
        entry = AuditEntry.objects.get(organization=org, action="message.deleted")
    assert entry.actor_label.startswith("API key ")
    assert entry.target == "out-0001"


def test_a_message_never_handed_to_the_provider_is_deleted_here_only(provider, number, api):
    local = MessageFactory(conversation__own_number=number, uuid="local-abc")
    assert api.delete(f"{URL}{local.uuid}/").status_code == 204
    assert len(provider.calls) == 0


def test_a_provider_error_is_502_and_the_message_stays(provider, sms, message, api):
    answer(provider, "deleteSMS", error("SOMETHING BROKE"))
    response = api.delete(f"{URL}{message.uuid}/")
    assert response.status_code == 502
    assert error_of(response)["code"] == "provider_error"
    with scopes_disabled():
        assert Message.objects.get(pk=message.pk).deleted_at is None


def test_a_provider_timeout_is_504(provider, sms, message, api):
    answer(provider, "deleteSMS", requests.ReadTimeout("read timed out"))
    assert api.delete(f"{URL}{message.uuid}/").status_code == 504


def test_without_an_sms_connection_it_is_409(message, api):
    response = api.delete(f"{URL}{message.uuid}/")
    assert response.status_code == 409
    assert error_of(response)["code"] == "no_connection"


def test_a_message_of_another_organization_is_404(other_org, provider, api):
    theirs = MessageFactory(conversation__own_number__organization=other_org)
    assert api.delete(f"{URL}{theirs.uuid}/").status_code == 404
    assert len(provider.calls) == 0


def test_a_read_only_key_cannot_delete(message, reader):
    assert reader.delete(f"{URL}{message.uuid}/").status_code == 403


def test_a_viewer_session_cannot_delete(message, viewer_client):
    assert viewer_client.delete(f"{URL}{message.uuid}/").status_code == 403
