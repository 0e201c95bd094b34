"""Send again (messaging.sending.resend_message and its page action): a failed outbound
message's text and media as a new message linked to it, once however often it is asked."""

import base64

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from messaging import sending
from messaging.models import Direction, Media, Message, MessageStatus
from optouts.models import OptOutSource
from optouts.services import OptedOut, opt_out
from tests.factories import UserFactory
from tests.messaging.factories import MessageFactory
from tests.messaging.provider import OTHER, accepted, answer, sent
from tests.messaging.samples import PNG

pytestmark = pytest.mark.usefixtures("sms")


@pytest.fixture
def failed(conversation):
    return MessageFactory(conversation=conversation, uuid="local-failed", text="Running late",
                          status=MessageStatus.FAILED, status_reason="Axion refused it.")


@pytest.fixture
def accepting(provider):
    answer(provider, "sendSMS", accepted("out-0002"))
    return provider


def resend(message, agent):
    return sending.resend_message(message=message, user=agent.user)


def test_resend_sends_the_same_text_as_a_new_message_linked_to_the_failed_one(
        failed, agent, accepting):
    [again] = resend(failed, agent)
    assert (again.pk != failed.pk, again.resent_from_id, again.status) == (
        True, failed.pk, MessageStatus.QUEUED)
    [payload] = sent(accepting, "sendSMS")
    assert (payload["text"], payload["destinationNumbers"]) == ("Running late", [OTHER])


def test_resend_sends_the_archived_media(failed, agent, accepting):
    with scopes_disabled():
        media = Media(organization=failed.organization, message=failed, url="",
                      content_type="image/png", size=len(PNG), state="archived")
        media.file.save("sent.png", ContentFile(PNG))
    resend(failed, agent)
    [payload] = sent(accepting, "sendSMS")
    assert base64.b64decode(payload["file"]) == PNG


def test_resend_is_refused_clearly_when_the_media_is_gone(failed, agent, provider):
    with scopes_disabled():
        Media.objects.create(organization=failed.organization, message=failed, url="",
                             content_type="image/png", state="gone")
    with pytest.raises(ValidationError, match="no longer stored"):
        resend(failed, agent)
    assert sent(provider, "sendSMS") == []


@pytest.mark.parametrize("status", [MessageStatus.UNKNOWN, MessageStatus.SENDING,
                                    MessageStatus.QUEUED, MessageStatus.SENT])
def test_a_message_not_failed_is_not_resent(conversation, agent, provider, status):
    message = MessageFactory(conversation=conversation, status=status)
    with pytest.raises(sending.NotResendable, match="Only a failed outbound message"):
        resend(message, agent)
    assert sent(provider, "sendSMS") == []


def test_an_inbound_message_is_not_resent(conversation, agent, provider):
    message = MessageFactory(conversation=conversation, direction=Direction.INBOUND,
                             status=MessageStatus.FAILED, source=OTHER)
    with pytest.raises(sending.NotResendable):
        resend(message, agent)


def test_a_recipient_who_opted_out_is_refused(failed, agent, provider):
    opt_out(organization=failed.organization, number=OTHER, source=OptOutSource.MEMBER)
    with pytest.raises(OptedOut):
        resend(failed, agent)
    assert sent(provider, "sendSMS") == []


def test_resend_asked_twice_sends_once(failed, agent, accepting):
    first = resend(failed, agent)
    second = resend(failed, agent)
    assert [m.pk for m in first] == [m.pk for m in second]
    assert len(sent(accepting, "sendSMS")) == 1


def test_resend_is_audited(failed, agent, accepting):
    resend(failed, agent)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="message.resent")
    assert (entry.actor, entry.target, entry.detail["as"]) == (agent.user, "local-failed",
                                                               ["out-0002"])


# The page


def page(client, conversation) -> str:
    return client.get(reverse("conversation", args=[conversation.pk])).content.decode()


def test_a_failed_message_offers_send_again(agent_client, failed, conversation):
    assert reverse("resend_message", args=[failed.pk]) in page(agent_client, conversation)


def test_a_message_whose_outcome_is_unknown_is_not_offered_for_resend(agent_client,
                                                                      conversation):
    unknown = MessageFactory(conversation=conversation, status=MessageStatus.UNKNOWN)
    assert reverse("resend_message", args=[unknown.pk]) not in page(agent_client, conversation)


def test_a_viewer_is_not_offered_send_again(viewer_client, failed, conversation):
    assert reverse("resend_message", args=[failed.pk]) not in page(viewer_client, conversation)


def test_send_again_sends_and_the_conversation_links_both_ways(agent_client, failed,
                                                               conversation, accepting):
    response = agent_client.post(reverse("resend_message", args=[failed.pk]), follow=True)
    html = response.content.decode()
    with scopes_disabled():
        again = Message.objects.get(resent_from=failed)
    assert "Sent again." in html
    assert f'Sent again as <a href="#m{again.pk}">' in html
    assert f'Resend of <a href="#m{failed.pk}">' in html
    assert reverse("resend_message", args=[failed.pk]) not in html  # not offered twice


def test_send_again_of_a_message_not_failed_says_why(agent_client, conversation, provider):
    unknown = MessageFactory(conversation=conversation, status=MessageStatus.UNKNOWN)
    html = agent_client.post(reverse("resend_message", args=[unknown.pk]),
                             follow=True).content.decode()
    assert "Only a failed outbound message can be sent again" in html
    assert sent(provider, "sendSMS") == []


def test_send_again_by_a_viewer_is_403(viewer_client, failed, provider):
    assert viewer_client.post(reverse("resend_message", args=[failed.pk])).status_code == 403


def test_send_again_by_an_outsider_is_404(outsider_client, failed, provider):
    assert outsider_client.post(reverse("resend_message", args=[failed.pk])).status_code == 404


def test_an_agent_not_allowed_on_the_number_cannot_send_again(failed, agent, provider):
    failed.conversation.own_number.allowed_users.add(UserFactory())
    with pytest.raises(PermissionDenied):
        resend(failed, agent)
    assert sent(provider, "sendSMS") == []
