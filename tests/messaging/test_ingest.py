"""record_messages and apply_status: one row per uuid, statuses only move forward, and the
conversation's preview and unread count follow, whatever the source of a message."""

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scopes_disabled

from accounts.tenancy import organization_scope
from messaging.ingest import IncomingMessage, apply_status, record_messages
from messaging.models import Conversation, Media, Message, MessageStatus, MessagingNumber
from tests.messaging.factories import MessageFactory, WebhookEventFactory
from tests.messaging.provider import OTHER, OWN, updated_sms

T0 = datetime(2024, 3, 1, 11, 0, tzinfo=UTC)


def inbound(uuid="in-0001", *, source=OTHER, own=OWN, text="hello", at=T0, media=()):
    return IncomingMessage(uuid=uuid, own_number=own, source=source, destinations=[own],
                           text=text, status=MessageStatus.RECEIVED, sent_at=at,
                           media=list(media))


def outbound(uuid="out-0001", *, status="QUEUED", to=OTHER, text="on my way", at=T0):
    return IncomingMessage(uuid=uuid, own_number=OWN, source=OWN, destinations=[to],
                           text=text, status=status, sent_at=at)


def record(org, *messages, **options):
    return record_messages(organization=org, incoming=list(messages), **options)


@pytest.fixture(autouse=True)
def _number(number):
    return number


def messages():
    with scopes_disabled():
        return list(Message.objects.order_by("sent_at", "id"))


def conversation():
    with scopes_disabled():
        return Conversation.objects.get()


def test_same_message_twice_is_one_row(org):
    record(org, inbound())
    record(org, inbound())
    assert len(messages()) == 1


def test_same_message_twice_in_one_batch_is_one_row(org):
    record(org, inbound(), inbound())
    assert len(messages()) == 1


def test_inbound_message_is_received_and_inbound(org):
    record(org, inbound())
    [message] = messages()
    assert (message.direction, message.status, message.source) == ("in", "RECEIVED", OTHER)


def test_outbound_message_is_outbound(org):
    record(org, outbound())
    assert messages()[0].direction == "out"


@pytest.mark.parametrize("spelling", ["+18056421415", "18056421415", "8056421415"])
def test_every_spelling_of_a_number_matches_one_conversation(org, spelling):
    record(org, inbound("in-1", source="+18056421415"))
    record(org, inbound("in-2", source=spelling))
    with scopes_disabled():
        assert Conversation.objects.count() == 1
    assert conversation().participants == "+18056421415"


def test_message_to_a_number_of_nobody_is_skipped(org):
    assert record(org, inbound(own="+13105550199")) == []
    assert messages() == []


def test_message_to_a_number_of_another_organization_is_skipped(org, other_org):
    with scopes_disabled():
        MessagingNumber.objects.create(organization=other_org, number="+13105550199",
                                       webhook_secret="s", webhook_secret_digest="d")
    record(org, inbound(own="+13105550199"))
    assert messages() == []


def test_unknown_number_is_added_when_asked(org):
    record(org, inbound(own="+13105550199"), add_unknown_numbers=True)
    with scopes_disabled():
        added = MessagingNumber.objects.get(number="+13105550199")
    assert added.organization_id == org.pk
    assert added.webhook_secret and added.webhook_secret_digest
    assert len(messages()) == 1


def test_group_message_participants_are_sorted_without_own_number(org):
    record(org, IncomingMessage(uuid="g-1", own_number=OWN, source=OWN,
                                destinations=["+13105550102", "13105550101"], text="hi all",
                                status="QUEUED", sent_at=T0))
    assert conversation().participants == "+13105550101,+13105550102"


def test_status_moves_forward(org):
    record(org, outbound(status="QUEUED"))
    record(org, outbound(status="SENT"))
    assert messages()[0].status == MessageStatus.SENT


def test_sent_then_queued_stays_sent(org):
    record(org, outbound(status="SENT"))
    record(org, outbound(status="QUEUED"))
    assert messages()[0].status == MessageStatus.SENT


def test_apply_status_moves_queued_to_failed(org):
    message = MessageFactory(conversation__own_number__organization=org,
                             status=MessageStatus.QUEUED)
    with organization_scope(org):
        assert apply_status(message=message, status="FAILED", reason="carrier rejected")
    message.refresh_from_db()
    assert (message.status, message.status_reason) == ("FAILED", "carrier rejected")


@pytest.mark.parametrize(("final", "later"), [("SENT", "QUEUED"), ("SENT", "FAILED"),
                                              ("FAILED", "SENT"), ("RECEIVED", "QUEUED")])
def test_apply_status_never_overwrites_a_final_status(org, final, later):
    message = MessageFactory(conversation__own_number__organization=org, status=final)
    with organization_scope(org):
        assert not apply_status(message=message, status=later)
    message.refresh_from_db()
    assert message.status == final


def test_inbound_messages_count_as_unread(org):
    record(org, inbound("in-1"), inbound("in-2"))
    record(org, inbound("in-3"))
    assert conversation().unread_count == 3


def test_known_message_again_is_not_unread_again(org):
    record(org, inbound("in-1"))
    record(org, inbound("in-1"))
    assert conversation().unread_count == 1


def test_outbound_messages_are_not_unread(org):
    record(org, outbound())
    assert conversation().unread_count == 0


def test_preview_is_the_newest_message(org):
    record(org, inbound("in-1", text="first", at=T0),
           inbound("in-2", text="second", at=T0 + timedelta(minutes=1)))
    found = conversation()
    assert (found.last_preview, found.last_message_at, found.last_direction) == (
        "second", T0 + timedelta(minutes=1), "in")


def test_older_message_arriving_later_keeps_the_preview(org):
    record(org, inbound("in-2", text="newer", at=T0))
    record(org, inbound("in-1", text="older", at=T0 - timedelta(hours=1)))
    assert (conversation().last_preview, conversation().last_message_at) == ("newer", T0)


def test_preview_is_whitespace_squeezed_and_cut_at_140(org):
    record(org, inbound(text="a  b\n" + "c" * 300))
    assert conversation().last_preview == ("a b " + "c" * 300)[:140]


def test_media_only_message_previews_as_an_attachment(org):
    record(org, inbound(text="", media=["https://media.example/1.png"]))
    assert conversation().last_preview == "📎 Attachment"


def test_media_urls_become_pending_media_in_order(org):
    urls = ["https://media.example/1.png", "https://media.example/2.gif"]
    record(org, inbound(media=urls))
    with scopes_disabled():
        stored = list(Media.objects.order_by("position").values_list("position", "url",
                                                                      "state"))
    assert stored == [(0, urls[0], "pending"), (1, urls[1], "pending")]


def test_message_without_media_has_none(org):
    record(org, inbound(media=[]))
    assert [m.uuid for m in messages()] == ["in-0001"]
    with scopes_disabled():
        assert not Media.objects.exists()


def test_waiting_status_update_is_applied_when_its_message_is_recorded(org, number, settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False  # taken on trust (test_status_updates.py: confirmed)
    event = WebhookEventFactory(number=number, payload=updated_sms("out-1", status="SENT"),
                                state="waiting")
    record(org, outbound("out-1", status="QUEUED"))
    event.refresh_from_db()
    assert messages()[0].status == MessageStatus.SENT
    assert (event.state, event.processed_at) == ("processed", datetime(2024, 3, 1, 12,
                                                                      tzinfo=UTC))


def test_a_page_of_100_conversations_costs_one_query_each_plus_a_few(
        org, django_assert_max_num_queries):
    page = [inbound(f"in-{n}", source=f"+1310555{n:04d}", at=T0 + timedelta(seconds=n))
            for n in range(100)]
    # + what the events' receivers read once per batch: notifications a savepoint and the
    # members (nobody to tell here), outgoing webhooks the endpoints; the messages' INSERT
    # comes in as many statements as SQLite's limit of variables per statement needs (3)
    with django_assert_max_num_queries(120):
        record(org, *page)


def test_waiting_update_of_a_message_stored_by_sending_is_applied_when_seen_again(org, number,
                                                                                 settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False  # taken on trust
    # The send path stored the message; its updatedSMS arrived before the uuid was known.
    MessageFactory(conversation__own_number=number, uuid="out-1", status="QUEUED")
    event = WebhookEventFactory(number=number, payload=updated_sms("out-1", status="FAILED"),
                                state="waiting")
    record(org, outbound("out-1", status="QUEUED"))
    event.refresh_from_db()
    assert (messages()[0].status, event.state) == ("FAILED", "processed")


def test_sync_skips_a_number_of_another_organization_instead_of_failing(org, other_org):
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from messaging.ingest import IncomingMessage, record_messages
    from messaging.models import Message
    from tests.messaging.factories import MessagingNumberFactory

    MessagingNumberFactory(organization=other_org, number="+13105550100")
    incoming = IncomingMessage(uuid="x-1", own_number="+13105550100", source="+12135550143",
                               destinations=["+13105550100"], text="hi", status="RECEIVED",
                               sent_at=timezone.now())
    assert record_messages(organization=org, incoming=[incoming],
                           add_unknown_numbers=True) == []
    with scopes_disabled():
        assert not Message.objects.exists()
