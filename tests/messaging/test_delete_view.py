"""Deleting a message: agents and above, after a confirmation, for good, audited."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from messaging.models import Message
from tests.clock import NOW
from tests.messaging.factories import MessageFactory
from tests.messaging.provider import answer, error, sent

pytestmark = pytest.mark.usefixtures("sms")


@pytest.fixture
def message(conversation):
    return MessageFactory(conversation=conversation, uuid="out-0001", text="Wrong patient")


def url(message) -> str:
    return reverse("delete_message", args=[message.pk])


def reloaded(message) -> Message:
    with scopes_disabled():
        return Message.objects.get(pk=message.pk)


def test_anonymous_is_sent_to_login(client, message):
    response = client.post(url(message))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert reloaded(message).deleted_at is None


def test_outsider_gets_404(outsider_client, message, provider):
    assert outsider_client.get(url(message)).status_code == 404
    assert outsider_client.post(url(message)).status_code == 404
    assert (reloaded(message).deleted_at, sent(provider, "deleteSMS")) == (None, [])


def test_viewer_gets_403(viewer_client, message, provider):
    assert viewer_client.get(url(message)).status_code == 403
    assert viewer_client.post(url(message)).status_code == 403
    assert (reloaded(message).deleted_at, sent(provider, "deleteSMS")) == (None, [])


def test_confirmation_page_says_it_cannot_be_undone(agent_client, message, provider):
    response = agent_client.get(url(message))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Wrong patient" in html and "cannot be undone" in html
    assert sent(provider, "deleteSMS") == []


def test_agent_deletes_at_the_provider_by_uuid(agent_client, message, provider):
    answer(provider, "deleteSMS", {"RESULT": "OK"})
    response = agent_client.post(url(message))
    assert response.url == reverse("conversation", args=[message.conversation_id])
    assert sent(provider, "deleteSMS")[0]["uuid"] == "out-0001"


def test_deleted_message_loses_its_text(agent_client, message, provider):
    answer(provider, "deleteSMS", {"RESULT": "OK"})
    agent_client.post(url(message))
    assert (reloaded(message).deleted_at, reloaded(message).text) == (NOW, "")


def test_delete_is_in_the_audit_log_with_who_did_it(agent_client, message, provider, agent):
    answer(provider, "deleteSMS", {"RESULT": "OK"})
    agent_client.post(url(message))
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="message.deleted")
    assert (entry.actor, entry.actor_label, entry.target) == (
        agent.user, agent.user.username, "out-0001")


def test_provider_failure_keeps_the_message_and_says_so(agent_client, message, provider):
    answer(provider, "deleteSMS", error("SOMETHING BROKE"))
    html = agent_client.post(url(message), follow=True).content.decode()
    assert "The message was not deleted." in html and "SOMETHING BROKE" in html
    assert reloaded(message).deleted_at is None
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="message.deleted").exists()


def test_message_that_never_reached_the_provider_is_deleted_here_only(agent_client,
                                                                      conversation, provider):
    local = MessageFactory(conversation=conversation, uuid="local-abc", status="FAILED")
    agent_client.post(url(local))
    assert reloaded(local).deleted_at == NOW
    assert sent(provider, "deleteSMS") == []


def test_deleted_message_cannot_be_deleted_again(agent_client, message, provider):
    with scopes_disabled():
        Message.objects.filter(pk=message.pk).update(deleted_at=NOW)
    assert agent_client.post(url(message)).status_code == 404
    assert sent(provider, "deleteSMS") == []
