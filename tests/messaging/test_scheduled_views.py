"""Send later in the reply form and the composer, and a scheduled message in its conversation:
shown SCHEDULED at its local time, with Edit and Cancel while it is still scheduled."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from messaging import sending
from messaging.models import Message, MessageStatus
from tests.clock import NOW
from tests.messaging.provider import OTHER, OWN, sent

pytestmark = pytest.mark.usefixtures("sms")


@pytest.fixture(autouse=True)
def new_york(org):
    org.time_zone = "America/New_York"
    org.save()


def reply_later(client, conversation, *, day="2024-03-01", at="10:00", text="See you at 10",
                token="token-1", follow=False):
    return client.post(reverse("reply", args=[conversation.pk]),
                       {"text": text, "send_token": token, "send_date": day, "send_time": at},
                       follow=follow)


def stored() -> list[Message]:
    with scopes_disabled():
        return list(Message.objects.order_by("id"))


def scheduled(org, agent, conversation, at=NOW + timedelta(hours=1)) -> Message:
    [message] = sending.send_message(organization=org, user=agent.user, own_number=OWN,
                                     to=[OTHER], text="Reminder", send_at=at)
    return message


def test_a_reply_with_a_date_and_time_is_scheduled_in_the_organization_zone(
        agent_client, conversation, provider):
    response = reply_later(agent_client, conversation)  # 10:00 EST = 15:00 UTC
    assert response.status_code == 302
    [message] = stored()
    assert (message.status, message.send_at) == (MessageStatus.SCHEDULED,
                                                 datetime(2024, 3, 1, 15, 0, tzinfo=UTC))
    assert sent(provider, "sendSMS") == []


def test_a_reply_without_date_and_time_is_sent_now(agent_client, conversation, provider):
    agent_client.post(reverse("reply", args=[conversation.pk]),
                      {"text": "Now", "send_token": "t", "send_date": "", "send_time": ""})
    assert len(sent(provider, "sendSMS")) == 1


def test_a_date_without_a_time_is_refused_on_the_form(agent_client, conversation):
    response = reply_later(agent_client, conversation, at="")
    assert response.status_code == 400
    assert "Give both a date and a time" in response.content.decode()
    assert stored() == []


def test_a_time_in_the_past_is_refused(agent_client, conversation):
    response = reply_later(agent_client, conversation, at="06:59")  # 11:59 UTC
    assert response.status_code == 400
    assert "This time has passed" in response.content.decode()


def test_a_local_time_that_does_not_exist_is_refused_with_a_clear_message(agent_client,
                                                                          conversation):
    response = reply_later(agent_client, conversation, day="2024-03-10", at="02:30")
    assert response.status_code == 400
    assert ("2024-03-10 02:30 does not exist in America/New_York: the clocks go forward then"
            in response.content.decode())
    assert stored() == []


def test_the_form_with_an_error_keeps_send_later_open_with_what_was_written(agent_client,
                                                                            conversation):
    page = reply_later(agent_client, conversation, at="06:59").content.decode()
    assert "data-send-later open" in page
    assert 'value="2024-03-01"' in page


def test_the_composer_schedules_a_new_message(agent_client, number, provider):
    response = agent_client.post(reverse("compose"), {
        "to": OTHER, "own_number": OWN, "text": "Hello later", "send_token": "t2",
        "send_date": "2024-03-02", "send_time": "09:00"})
    assert response.status_code == 302
    [message] = stored()
    assert (message.status, message.send_at) == (MessageStatus.SCHEDULED,
                                                 datetime(2024, 3, 2, 14, 0, tzinfo=UTC))


def test_the_conversation_shows_a_scheduled_message_at_its_local_time_with_edit_and_cancel(
        agent_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    page = agent_client.get(reverse("conversation", args=[conversation.pk])).content.decode()
    assert ">Scheduled</span>" in page
    assert "Will be sent" in page and "Fri Mar 1, 08:00 EST" in page
    assert reverse("change_scheduled_message", args=[message.pk]) in page
    assert reverse("cancel_scheduled_message", args=[message.pk]) in page


def test_a_viewer_sees_a_scheduled_message_without_edit_or_cancel(viewer_client, org, agent,
                                                                  conversation):
    message = scheduled(org, agent, conversation)
    page = viewer_client.get(reverse("conversation", args=[conversation.pk])).content.decode()
    assert ">Scheduled</span>" in page
    assert reverse("cancel_scheduled_message", args=[message.pk]) not in page


def test_cancel_cancels_and_the_conversation_says_so(agent_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    page = agent_client.post(reverse("cancel_scheduled_message", args=[message.pk]),
                             follow=True).content.decode()
    assert "The scheduled message was cancelled" in page
    assert "Scheduled message cancelled." in page
    with scopes_disabled():
        assert Message.objects.get(pk=message.pk).deleted_at == NOW


def test_cancel_of_a_message_already_sent_says_it_is_no_longer_scheduled(
        agent_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    with scopes_disabled():
        Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING)
    page = agent_client.post(reverse("cancel_scheduled_message", args=[message.pk]),
                             follow=True).content.decode()
    assert "no longer scheduled" in page


def test_cancel_needs_a_post(agent_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    assert agent_client.get(reverse("cancel_scheduled_message", args=[message.pk])
                            ).status_code == 405


def test_an_outsider_cannot_cancel(outsider_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    response = outsider_client.post(reverse("cancel_scheduled_message", args=[message.pk]))
    assert response.status_code == 404


def test_the_edit_page_shows_the_local_date_and_time(agent_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    page = agent_client.get(reverse("change_scheduled_message", args=[message.pk]))
    assert page.status_code == 200
    assert 'value="2024-03-01"' in page.content.decode()
    assert 'value="08:00' in page.content.decode()


def test_edit_changes_text_and_time(agent_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    response = agent_client.post(reverse("change_scheduled_message", args=[message.pk]),
                                 {"text": "Moved", "send_date": "2024-03-01",
                                  "send_time": "11:30"})
    assert response.status_code == 302
    with scopes_disabled():
        changed = Message.objects.get(pk=message.pk)
    assert (changed.text, changed.send_at) == ("Moved", datetime(2024, 3, 1, 16, 30, tzinfo=UTC))


def test_edit_of_a_time_that_does_not_exist_is_refused(agent_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    response = agent_client.post(reverse("change_scheduled_message", args=[message.pk]),
                                 {"text": "Moved", "send_date": "2024-03-10",
                                  "send_time": "02:15"})
    assert response.status_code == 400
    assert "does not exist" in response.content.decode()


def test_a_viewer_cannot_edit(viewer_client, org, agent, conversation):
    message = scheduled(org, agent, conversation)
    assert viewer_client.get(reverse("change_scheduled_message", args=[message.pk])
                             ).status_code == 403
