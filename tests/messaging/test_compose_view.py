"""A new message to one or several US numbers, from a number the member may use."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled
from requests.exceptions import ReadTimeout

from accounts.models import AuditEntry
from messaging.models import Message, MessageStatus
from tests.factories import UserFactory
from tests.messaging.factories import MessageFactory, MessagingNumberFactory
from tests.messaging.provider import OWN, accepted, answer, error, sent
from tests.messaging.samples import GIF, TEXT, TOO_LARGE, upload

COMPOSE = reverse("compose")

pytestmark = pytest.mark.usefixtures("sms", "number")


def compose(client, to="(310) 555-0142", text="Your results are in", token="token-1",
            own_number=OWN, follow=False, **more):
    return client.post(COMPOSE, {"to": to, "text": text, "send_token": token,
                                 "own_number": own_number, **more}, follow=follow)


def stored() -> list[Message]:
    with scopes_disabled():
        return list(Message.objects.select_related("conversation").order_by("id"))


def errors(response, field) -> list[str]:
    assert response.status_code == 400
    return response.context["form"].errors[field]


def test_anonymous_is_sent_to_login(client):
    response = client.get(COMPOSE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_viewer_gets_403(viewer_client, provider):
    assert viewer_client.get(COMPOSE).status_code == 403
    assert compose(viewer_client).status_code == 403
    assert (stored(), sent(provider, "sendSMS")) == ([], [])


def test_outsider_cannot_send_from_another_organizations_number(outsider_client, provider):
    assert errors(compose(outsider_client), "own_number")
    assert sent(provider, "sendSMS") == []


def test_number_from_a_link_is_shown_in_e164(agent_client):
    form = agent_client.get(COMPOSE, {"to": "(310) 555-0142"}).context["form"]
    assert form["to"].value() == "+13105550142"


def test_only_numbers_the_agent_may_use_are_offered(agent_client, org, agent):
    MessagingNumberFactory(organization=org, number="+18056429999").allowed_users.add(
        UserFactory())
    form = agent_client.get(COMPOSE).context["form"]
    assert [value for value, _ in form.fields["own_number"].choices] == [OWN]


def test_without_a_usable_number_the_page_says_so(agent_client, number):
    number.allowed_users.add(UserFactory())
    assert "no number you may send from" in agent_client.get(COMPOSE).content.decode()


def test_number_typed_in_any_format_is_sent_and_shown_in_e164(agent_client, provider):
    answer(provider, "sendSMS", accepted())
    page = compose(agent_client, to="(310) 555-0142", follow=True)
    assert sent(provider, "sendSMS")[0]["destinationNumbers"] == ["+13105550142"]
    assert page.context["conversation"].participants == "+13105550142"


def test_send_opens_its_conversation_with_the_message_queued(agent_client, provider):
    answer(provider, "sendSMS", accepted("out-0001"))
    response = compose(agent_client)
    [message] = stored()
    assert response.url == reverse("conversation", args=[message.conversation_id])
    assert (message.uuid, message.status, message.source) == ("out-0001", "QUEUED", OWN)


def test_several_recipients_get_one_message_each_in_its_own_conversation(agent_client,
                                                                        provider):
    answer(provider, "sendSMS", accepted("out-0001"))
    answer(provider, "sendSMS", accepted("out-0002"))
    answer(provider, "sendSMS", accepted("out-0003"))
    response = compose(agent_client, to="310-555-0142, (213) 555-0100\n+1 415 555 0199",
                       follow=True)
    messages = stored()
    assert [m.destinations for m in messages] == [
        ["+13105550142"], ["+12135550100"], ["+14155550199"]]
    assert [m.conversation.participants for m in messages] == [
        "+13105550142", "+12135550100", "+14155550199"]
    assert [p["destinationNumbers"] for p in sent(provider, "sendSMS")] == [
        ["+13105550142"], ["+12135550100"], ["+14155550199"]]
    assert "Sent to 3 recipients, one conversation each." in response.content.decode()


def test_every_send_is_in_the_audit_log_with_its_sender(agent_client, provider, agent):
    answer(provider, "sendSMS", accepted("out-0001"))
    answer(provider, "sendSMS", accepted("out-0002"))
    compose(agent_client, to="3105550142, 2135550100")
    with scopes_disabled():
        entries = AuditEntry.objects.filter(action="message.sent").order_by("id")
        assert [(e.actor, e.target) for e in entries] == [
            (agent.user, "+13105550142"), (agent.user, "+12135550100")]


@pytest.mark.parametrize(("typed", "reason"), [
    ("555-0142", "A US number has 10 digits"),
    ("call me", "Enter a phone number with digits only"),
    ("(011) 555-0142", "check its area code and exchange"),
])
def test_bad_number_is_refused_naming_it(agent_client, provider, typed, reason):
    [problem] = errors(compose(agent_client, to=typed), "to")
    assert problem.startswith(f"{typed}: ") and reason in problem
    assert sent(provider, "sendSMS") == []


def test_non_us_number_is_refused(agent_client, provider):
    [problem] = errors(compose(agent_client, to="+44 20 7946 0958"), "to")
    assert "Only US numbers (country code +1) are supported." in problem
    assert sent(provider, "sendSMS") == []


def test_one_bad_number_among_several_sends_nothing(agent_client, provider):
    assert errors(compose(agent_client, to="3105550142, +44 20 7946 0958"), "to")
    assert (stored(), sent(provider, "sendSMS")) == ([], [])


def test_empty_message_without_attachment_is_refused(agent_client, provider):
    assert errors(compose(agent_client, text=""), "text") == ["Write a message or attach a file."]
    assert sent(provider, "sendSMS") == []


def test_attachment_alone_is_enough(agent_client, provider, media_root):
    answer(provider, "sendSMS", accepted())
    assert compose(agent_client, text="", attachment=upload("a.gif", GIF)).status_code == 302
    assert sent(provider, "sendSMS")[0]["text"] == ""


def test_file_larger_than_3_5_mb_is_refused(agent_client, provider):
    response = compose(agent_client, attachment=upload("big.png", TOO_LARGE))
    assert errors(response, "attachment") == ["The file is larger than 3.5 MB."]
    assert sent(provider, "sendSMS") == []


def test_file_type_is_checked_by_content_not_by_name(agent_client, provider):
    response = compose(agent_client, attachment=upload("photo.png", TEXT))
    assert errors(response, "attachment") == ["Only jpg, png, gif and mp3 files can be sent."]
    assert sent(provider, "sendSMS") == []


def test_number_the_organization_does_not_own_is_refused(agent_client, provider):
    assert errors(compose(agent_client, own_number="+18005550100"), "own_number")
    assert sent(provider, "sendSMS") == []


def test_number_the_agent_may_not_use_is_refused(agent_client, number, provider):
    number.allowed_users.add(UserFactory())
    assert errors(compose(agent_client), "own_number")
    assert sent(provider, "sendSMS") == []


def test_provider_failure_is_shown_and_the_message_failed(agent_client, provider):
    answer(provider, "sendSMS", error("INVALID DESTINATION NUMBER"))
    html = compose(agent_client, follow=True).content.decode()
    assert "Not sent to +13105550142" in html and "INVALID DESTINATION NUMBER" in html
    [message] = stored()
    assert message.status == MessageStatus.FAILED
    assert "INVALID DESTINATION NUMBER" in message.status_reason


def test_lost_answer_is_shown_as_unknown_and_not_sent_again(agent_client, provider):
    answer(provider, "sendSMS", ReadTimeout("read timed out"))
    first = compose(agent_client, token="once", follow=True).content.decode()
    compose(agent_client, token="once")
    assert "may or may not have gone out" in first
    assert len(sent(provider, "sendSMS")) == 1
    assert [m.status for m in stored()] == [MessageStatus.UNKNOWN]


def test_double_click_sends_once_to_each_recipient(agent_client, provider):
    answer(provider, "sendSMS", accepted("out-0001"))
    answer(provider, "sendSMS", accepted("out-0002"))
    compose(agent_client, to="3105550142, 2135550100", token="double")
    compose(agent_client, to="3105550142, 2135550100", token="double")
    assert len(sent(provider, "sendSMS")) == 2
    assert [m.uuid for m in stored()] == ["out-0001", "out-0002"]


def test_form_sent_again_while_the_first_is_still_sending_says_so(agent_client, provider,
                                                                    org, number):
    MessageFactory(conversation__own_number=number, conversation__participants="+13105550142",
                   uuid="local-0001",
                   status=MessageStatus.SENDING, idempotency_key="twice:+13105550142")
    html = compose(agent_client, token="twice", follow=True).content.decode()
    assert "+13105550142: still being sent" in html
    assert sent(provider, "sendSMS") == []
