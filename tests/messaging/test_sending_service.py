"""messaging/sending.py: checking input, sending once, deleting, and reconciling sends whose
outcome is unknown."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled
from requests.exceptions import ReadTimeout

from axion.errors import AxionError
from messaging import sending
from messaging.models import Message, MessageStatus
from tests.clock import NOW
from tests.factories import UserFactory
from tests.messaging.factories import MessageFactory
from tests.messaging.provider import (
    OTHER,
    OWN,
    accepted,
    answer,
    error,
    message,
    messages_reply,
    sent,
)
from tests.messaging.samples import GIF, JPG, MP3, PNG, TEXT, TOO_LARGE


def send(org, agent, *, to=(OTHER,), text="Hello", key="", attachment=None):
    return sending.send_message(organization=org, user=agent.user, own_number=OWN, to=list(to),
                                text=text, attachment=attachment, idempotency_key=key)


def reloaded(row) -> Message:
    with scopes_disabled():
        return Message.objects.get(pk=row.pk)


# check_attachment


@pytest.mark.parametrize(("content", "content_type"), [
    (JPG, "image/jpeg"), (PNG, "image/png"), (GIF, "image/gif"), (MP3, "audio/mpeg")])
def test_attachment_type_is_read_from_its_bytes(content, content_type):
    assert sending.check_attachment(content).content_type == content_type


def test_attachment_of_another_type_is_refused():
    with pytest.raises(ValidationError, match="Only jpg, png, gif and mp3"):
        sending.check_attachment(TEXT)


def test_attachment_over_3_5_mb_is_refused():
    with pytest.raises(ValidationError, match="larger than 3.5 MB"):
        sending.check_attachment(TOO_LARGE)


# parse_destinations


def test_destinations_become_e164_without_repeats():
    assert sending.parse_destinations(["(310) 555-0142", " 13105550142", "213.555.0100", ""]) == [
        "+13105550142", "+12135550100"]


def test_bad_destination_is_named():
    with pytest.raises(ValidationError, match=r"\+44 20 7946 0958: Only US numbers"):
        sending.parse_destinations(["3105550142", "+44 20 7946 0958"])


def test_no_destination_is_refused():
    with pytest.raises(ValidationError, match="at least one recipient"):
        sending.parse_destinations([" ", ""])


# sendable_number


def test_number_of_another_organization_is_not_sendable(other_org, agent, number):
    with pytest.raises(ValidationError, match="not a number of this organization"):
        sending.sendable_number(organization=other_org, user=agent.user, number=OWN)


def test_number_reserved_for_others_is_not_sendable(org, agent, number):
    number.allowed_users.add(UserFactory())
    with pytest.raises(PermissionDenied, match=f"You may not send from \\{OWN}"):
        sending.sendable_number(organization=org, user=agent.user, number=OWN)


def test_number_reserved_for_the_user_is_sendable(org, agent, number):
    number.allowed_users.add(agent.user)
    assert sending.sendable_number(organization=org, user=agent.user, number=OWN) == number


# send_message


def test_accepted_send_is_queued_with_the_providers_uuid(org, agent, number, sms, provider):
    answer(provider, "sendSMS", accepted("out-0001", time="2024-03-01T12:00:05Z"))
    [row] = send(org, agent)
    assert (row.uuid, row.status, row.sent_at) == ("out-0001", "QUEUED",
                                                  NOW + timedelta(seconds=5))


def test_refused_send_is_failed_with_the_reason(org, agent, number, sms, provider):
    answer(provider, "sendSMS", error("INVALID DESTINATION NUMBER"))
    [row] = send(org, agent)
    assert reloaded(row).status == MessageStatus.FAILED
    assert "INVALID DESTINATION NUMBER" in reloaded(row).status_reason


def test_send_without_connection_fails_with_what_to_do(org, agent, number):
    [row] = send(org, agent)
    assert reloaded(row).status == MessageStatus.FAILED
    assert "No SMS connection" in reloaded(row).status_reason


def test_lost_answer_makes_the_send_unknown(org, agent, number, sms, provider):
    answer(provider, "sendSMS", ReadTimeout("read timed out"))
    [row] = send(org, agent)
    assert reloaded(row).status == MessageStatus.UNKNOWN
    assert reloaded(row).uuid.startswith(sending.LOCAL_PREFIX)


def test_same_idempotency_key_sends_once(org, agent, number, sms, provider):
    answer(provider, "sendSMS", accepted())
    first = send(org, agent, key="k1")
    again = send(org, agent, key="k1")
    assert [m.pk for m in again] == [m.pk for m in first]
    assert len(sent(provider, "sendSMS")) == 1


def test_group_send_is_one_message_in_the_group_conversation(org, agent, number, sms,
                                                             provider):
    answer(provider, "sendSMS", accepted())
    [row] = sending.send_message(organization=org, user=agent.user, own_number=OWN,
                                 to=["3105550142", OTHER], text="Hi all", group=True)
    assert sent(provider, "sendSMS")[0]["destinationNumbers"] == ["+13105550142", OTHER]
    assert reloaded(row).conversation.participants == f"+13105550142,{OTHER}"


def test_text_longer_than_1600_characters_is_refused(org, agent, number, sms, provider):
    with pytest.raises(ValidationError, match="At most 1600 characters"):
        send(org, agent, text="x" * 1601)
    assert sent(provider, "sendSMS") == []


def test_conversation_shows_the_send_as_its_last_message(org, agent, number, sms, provider):
    answer(provider, "sendSMS", accepted())
    [row] = send(org, agent, text="See you   at 9")
    conversation = reloaded(row).conversation
    assert (conversation.last_message_at, conversation.last_preview,
            conversation.last_direction) == (NOW, "See you at 9", "out")


# delete_message


def test_provider_refusal_leaves_the_message(org, conversation, sms, provider, agent):
    row = MessageFactory(conversation=conversation, uuid="out-0001")
    answer(provider, "deleteSMS", error("NOT FOUND"))
    with pytest.raises(AxionError, match="NOT FOUND"):
        sending.delete_message(message=row, user=agent.user)
    assert reloaded(row).deleted_at is None


# reconcile_unknown_sends


@pytest.fixture
def unknown(conversation, agent):
    return MessageFactory(conversation=conversation, uuid="local-0001", text="On my way",
                          status=MessageStatus.UNKNOWN, sent_at=NOW - timedelta(minutes=5),
                          sender_user=agent.user, idempotency_key="k1:" + OTHER)


def test_reconcile_adopts_the_providers_copy(org, sms, provider, unknown):
    answer(provider, "getSMS", messages_reply(message(
        "out-0042", src=OWN, dst=[OTHER], text="On my way", status="SENT",
        time="2024-03-01T11:55:02Z")))
    assert sending.reconcile_unknown_sends(organization=org) == 1
    row = reloaded(unknown)
    assert (row.uuid, row.status, row.sent_at) == (
        "out-0042", "SENT", NOW - timedelta(minutes=4, seconds=58))


def test_reconcile_asks_by_number_and_time_window(org, sms, provider, unknown):
    answer(provider, "getSMS", error("NOT FOUND"))
    sending.reconcile_unknown_sends(organization=org)
    query = sent(provider, "getSMS")[0]
    assert (query["messagingNumber"], query["number"]) == (OWN, OTHER)
    assert (query["fromTime"], query["toTime"]) == ("2024-03-01T11:45:00Z",
                                                    "2024-03-01T12:05:00Z")


def test_reconcile_never_sends(org, sms, provider, unknown):
    answer(provider, "getSMS", error("NOT FOUND"))
    sending.reconcile_unknown_sends(organization=org)
    assert len(sent(provider, "getSMS")) == 1  # the control: the reconciliation did ask
    assert sent(provider, "sendSMS") == []


def test_unmatched_send_stays_unknown_for_a_while(org, sms, provider, unknown):
    answer(provider, "getSMS", messages_reply(message(
        "out-0042", src=OWN, dst=[OTHER], text="Something else", status="SENT")))
    assert sending.reconcile_unknown_sends(organization=org) == 0
    assert reloaded(unknown).status == MessageStatus.UNKNOWN


def test_unmatched_send_fails_after_the_give_up_time(org, sms, provider, unknown, settings):
    answer(provider, "getSMS", error("NOT FOUND"))
    later = unknown.sent_at + timedelta(minutes=settings.RECONCILE_GIVE_UP_MINUTES + 1)
    assert sending.reconcile_unknown_sends(organization=org, now=later) == 1
    row = reloaded(unknown)
    assert row.status == MessageStatus.FAILED
    assert "no record of this message" in row.status_reason


def test_reconcile_without_unknown_sends_asks_nothing(org, sms, provider, conversation):
    MessageFactory(conversation=conversation, status=MessageStatus.QUEUED)
    assert sending.reconcile_unknown_sends(organization=org) == 0
    assert len(provider.calls) == 0


def test_deleting_a_message_removes_its_archived_media(org, number, media_root):
    from django.core.files.base import ContentFile
    from django_scopes import scopes_disabled

    from messaging.models import MediaState
    from messaging.sending import delete_message
    from tests.messaging.factories import MediaFactory, MessageFactory

    message = MessageFactory(organization=org, uuid="local-abc")
    media = MediaFactory(organization=org, message=message, state=MediaState.ARCHIVED)
    with scopes_disabled():
        media.file.save("x.png", ContentFile(b"\x89PNG\r\n\x1a\nbytes"), save=True)
    path = Path(media.file.path)
    delete_message(message=message, user=None)
    with scopes_disabled():
        media.refresh_from_db()
    assert media.state == MediaState.GONE and not media.file
    assert not path.exists()
