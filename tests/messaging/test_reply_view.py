"""Replying in a conversation: sent once per send token, shown at once, audited."""

import base64

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from requests.exceptions import ReadTimeout

from accounts.models import AuditEntry
from messaging.models import Media, Message, MessageStatus
from tests.factories import UserFactory
from tests.messaging.factories import ConversationFactory
from tests.messaging.provider import OTHER, OWN, accepted, answer, error, sent
from tests.messaging.samples import MP3, PNG, TEXT, TOO_LARGE, upload

pytestmark = pytest.mark.usefixtures("sms")


def url(conversation) -> str:
    return reverse("reply", args=[conversation.pk])


def reply(client, conversation, text="On my way", token="token-1", follow=False, **more):
    return client.post(url(conversation), {"text": text, "send_token": token, **more},
                       follow=follow)


def stored() -> list[Message]:
    with scopes_disabled():
        return list(Message.objects.order_by("id"))


def test_anonymous_is_sent_to_login(client, conversation):
    response = reply(client, conversation)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_outsider_gets_404(outsider_client, conversation, provider):
    assert reply(outsider_client, conversation).status_code == 404
    assert stored() == []


def test_viewer_gets_403_and_nothing_is_sent(viewer_client, conversation, provider):
    assert reply(viewer_client, conversation).status_code == 403
    assert (stored(), sent(provider, "sendSMS")) == ([], [])


def test_reply_goes_from_the_own_number_to_the_other_party(agent_client, conversation,
                                                           provider):
    answer(provider, "sendSMS", accepted())
    response = reply(agent_client, conversation, text="On my way")
    assert response.status_code == 302
    assert response.url == reverse("conversation", args=[conversation.pk])
    payload = sent(provider, "sendSMS")[0]
    assert (payload["sourceNumber"], payload["destinationNumbers"], payload["text"]) == (
        OWN, [OTHER], "On my way")


def test_reply_shows_at_once_as_queued(agent_client, conversation, provider):
    answer(provider, "sendSMS", accepted("out-0001"))
    page = reply(agent_client, conversation, text="On my way", follow=True)
    message = page.context["page"].items[-1]
    assert (message.uuid, message.status, message.text) == ("out-0001", "QUEUED", "On my way")
    assert ">Queued</span>" in page.content.decode()


def test_reply_is_in_the_audit_log_with_its_sender(agent_client, conversation, provider,
                                                  agent):
    answer(provider, "sendSMS", accepted())
    reply(agent_client, conversation)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="message.sent")
    assert (entry.actor, entry.target, entry.detail["from"]) == (agent.user, OTHER, OWN)


def test_image_is_sent_and_kept_as_the_messages_media(agent_client, conversation, provider,
                                                     media_root):
    answer(provider, "sendSMS", accepted())
    reply(agent_client, conversation, text="", attachment=upload("scan.jpg", PNG))
    assert base64.b64decode(sent(provider, "sendSMS")[0]["file"]) == PNG
    with scopes_disabled():
        media = Media.objects.get()
    assert (media.content_type, media.state, media.file.read()) == ("image/png", "archived", PNG)


def test_mp3_is_accepted(agent_client, conversation, provider, media_root):
    answer(provider, "sendSMS", accepted())
    assert reply(agent_client, conversation, attachment=upload("a.mp3", MP3)).status_code == 302
    assert base64.b64decode(sent(provider, "sendSMS")[0]["file"]) == MP3


def test_empty_reply_is_refused(agent_client, conversation, provider):
    response = reply(agent_client, conversation, text="  ")
    assert response.status_code == 400
    assert response.context["form"].errors["text"] == ["Write a message or attach a file."]
    assert sent(provider, "sendSMS") == []


def test_file_larger_than_3_5_mb_is_refused(agent_client, conversation, provider):
    response = reply(agent_client, conversation, attachment=upload("big.png", TOO_LARGE))
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"] == ["The file is larger than 3.5 MB."]
    assert sent(provider, "sendSMS") == []


def test_file_type_is_checked_by_content_not_by_name(agent_client, conversation, provider):
    response = reply(agent_client, conversation, attachment=upload("photo.png", TEXT))
    assert response.status_code == 400
    assert response.context["form"].errors["attachment"] == [
        "Only jpg, png, gif and mp3 files can be sent."]
    assert sent(provider, "sendSMS") == []


def test_number_an_admin_may_not_use_is_refused_clearly(admin_client_, conversation,
                                                        provider):
    # Admins see every number's conversations, but send only from those they may use (an
    # agent left off the list does not see the conversation: test_number_visibility.py).
    conversation.own_number.allowed_users.add(UserFactory())
    response = reply(admin_client_, conversation)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [f"You may not send from {OWN}."]
    assert (stored(), sent(provider, "sendSMS")) == ([], [])


def test_agent_listed_on_the_number_may_reply(agent_client, conversation, provider, agent):
    conversation.own_number.allowed_users.add(agent.user)
    answer(provider, "sendSMS", accepted())
    assert reply(agent_client, conversation).status_code == 302


def test_provider_failure_is_shown_and_the_message_failed(agent_client, conversation,
                                                         provider):
    answer(provider, "sendSMS", error("INVALID DESTINATION NUMBER"))
    html = reply(agent_client, conversation, follow=True).content.decode()
    assert f"Not sent to {OTHER}" in html
    assert "INVALID DESTINATION NUMBER" in html
    [message] = stored()
    assert message.status == MessageStatus.FAILED
    assert "INVALID DESTINATION NUMBER" in message.status_reason


def test_lost_answer_is_shown_as_unknown(agent_client, conversation, provider):
    answer(provider, "sendSMS", ReadTimeout("read timed out"))
    html = reply(agent_client, conversation, follow=True).content.decode()
    assert "may or may not have gone out" in html
    assert ">Outcome unknown</span>" in html
    assert [m.status for m in stored()] == [MessageStatus.UNKNOWN]


def test_lost_answer_is_not_sent_again_with_the_same_token(agent_client, conversation,
                                                          provider):
    answer(provider, "sendSMS", ReadTimeout("read timed out"))
    reply(agent_client, conversation, token="once")
    html = reply(agent_client, conversation, token="once", follow=True).content.decode()
    assert len(sent(provider, "sendSMS")) == 1
    assert len(stored()) == 1
    assert "may or may not have gone out" in html


def test_double_click_sends_once(agent_client, conversation, provider):
    answer(provider, "sendSMS", accepted())
    first = reply(agent_client, conversation, token="double")
    second = reply(agent_client, conversation, token="double")
    assert (first.status_code, second.status_code) == (302, 302)
    assert len(sent(provider, "sendSMS")) == 1
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="message.sent").count() == 1


def test_same_token_with_another_text_is_refused_and_sends_nothing(agent_client, conversation,
                                                                  provider):
    # The browser's back button brings the sent form back, token and all; it was edited.
    answer(provider, "sendSMS", accepted())
    reply(agent_client, conversation, text="On my way", token="once")
    response = reply(agent_client, conversation, text="Running late", token="once")
    assert response.status_code == 400
    assert "already sent" in response.context["form"].non_field_errors()[0]
    assert len(sent(provider, "sendSMS")) == 1


def test_a_new_token_is_a_new_send(agent_client, conversation, provider):
    answer(provider, "sendSMS", accepted("out-0001"))
    answer(provider, "sendSMS", accepted("out-0002"))
    reply(agent_client, conversation, token="first")
    reply(agent_client, conversation, token="second")
    assert [m.uuid for m in stored()] == ["out-0001", "out-0002"]


def test_get_is_not_allowed(agent_client, conversation):
    assert agent_client.get(url(conversation)).status_code == 405


def test_reply_in_a_group_conversation_is_one_message_to_the_group(agent_client, number,
                                                                   provider):
    group = ConversationFactory(own_number=number, participants=f"+13105550142,{OTHER}")
    answer(provider, "sendSMS", accepted("out-0001"))
    response = reply(agent_client, group, follow=True)
    assert sent(provider, "sendSMS")[0]["destinationNumbers"] == ["+13105550142", OTHER]
    assert [(m.uuid, m.conversation_id) for m in stored()] == [("out-0001", group.pk)]
    assert [m.uuid for m in response.context["page"].items] == ["out-0001"]
