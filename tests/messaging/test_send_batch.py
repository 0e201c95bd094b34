"""messaging.sending.send_batch: many one-recipient sends with send_message's rules and the
database work done once per batch."""

import itertools
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled
from requests.exceptions import ReadTimeout

import axion
from accounts.models import AuditEntry
from events.models import Event, EventType
from messaging import sending
from messaging.idempotency import IdempotencyKeyReused
from messaging.models import Conversation, Message, MessageStatus
from optouts.services import OptedOut, opt_out
from tests.messaging.factories import SMS_URL, MessageFactory
from tests.messaging.provider import OWN, accepted, answer, error, sent

NUMBERS = [f"+1310555{n:04d}" for n in range(100, 130)]


@pytest.fixture
def provider_takes(provider, sms, number):
    """The provider takes every sendSMS with a new uuid (out-0001, ...); `before`, when set,
    is called with the destination before it answers (what happens meanwhile)."""
    counter = itertools.count(1)

    def send_sms(request):
        body = json.loads(request.body)
        uuid = f"out-{next(counter):04d}"
        if send_sms.before is not None:
            send_sms.before(body["destinationNumbers"][0], uuid)
        return 200, {}, json.dumps(accepted(uuid))

    send_sms.before = None
    provider.add_callback("POST", SMS_URL, callback=send_sms)
    return send_sms


def batch(org, numbers, *, text="Flu shots are in.", keys=None, client=None, attachment=None):
    sends = [sending.BatchSend(to=n, text=text, idempotency_key=key)
             for n, key in zip(numbers, keys or [f"k-{n}" for n in numbers], strict=True)]
    return sending.send_batch(organization=org, own_number=OWN, sends=sends, client=client,
                              attachment=attachment, actor_label="campaign 7",
                              audit_target="campaign 7: a batch")


def rows():
    with scopes_disabled():
        return list(Message.objects.order_by("id"))


def test_each_recipient_gets_one_queued_message_in_its_own_conversation(org, provider_takes,
                                                                        provider):
    results = batch(org, NUMBERS[:3])
    assert [r.message.status for r in results] == [MessageStatus.QUEUED] * 3
    assert [r.message.uuid for r in results] == ["out-0001", "out-0002", "out-0003"]
    assert [p["destinationNumbers"] for p in sent(provider, "sendSMS")] == [
        [n] for n in NUMBERS[:3]]
    with scopes_disabled():
        assert sorted(Conversation.objects.values_list("participants", flat=True)) == (
            NUMBERS[:3])
    assert [(m.status, m.uuid) for m in rows()] == [
        (MessageStatus.QUEUED, f"out-{n:04d}") for n in (1, 2, 3)]


def test_each_message_is_recorded_sending_before_the_provider_is_asked(org, provider_takes):
    seen = []

    def look(to, uuid):
        with scopes_disabled():
            seen.append(sorted((m.destinations[0], m.status) for m in Message.objects.all()))

    provider_takes.before = look
    batch(org, NUMBERS[:2])
    recorded = [(n, MessageStatus.SENDING) for n in NUMBERS[:2]]
    assert seen[0] == recorded


def test_opted_out_recipient_is_refused_before_the_provider(org, provider_takes, provider):
    opt_out(organization=org, number=NUMBERS[1], source="member")
    results = batch(org, NUMBERS[:3])
    assert isinstance(results[1].refused, OptedOut) and results[1].message is None
    assert [p["destinationNumbers"][0] for p in sent(provider, "sendSMS")] == [
        NUMBERS[0], NUMBERS[2]]
    assert len(rows()) == 2


def test_recorded_send_is_found_by_its_key_and_not_sent_again(org, provider_takes, provider):
    [first] = batch(org, NUMBERS[:1])
    again = batch(org, NUMBERS[:2])
    assert again[0].message.pk == first.message.pk
    assert len(sent(provider, "sendSMS")) == 2


def test_send_without_an_outcome_is_not_sent_again(org, provider_takes, provider,
                                                   conversation):
    earlier = MessageFactory(conversation=conversation, status=MessageStatus.SENDING,
                             idempotency_key=f"k-{NUMBERS[0]}", idempotency_digest="")
    [result] = batch(org, NUMBERS[:1])
    assert (result.message.pk, result.refused) == (earlier.pk, None)
    assert sent(provider, "sendSMS") == []


def test_key_used_for_another_text_is_refused(org, provider_takes, provider):
    batch(org, NUMBERS[:1])
    [result] = batch(org, NUMBERS[:1], text="Another text")
    assert isinstance(result.refused, IdempotencyKeyReused)
    assert len(sent(provider, "sendSMS")) == 1


def test_bad_text_or_number_is_refused_alone(org, provider_takes, provider):
    results = batch(org, ["not a number", NUMBERS[0]], keys=["a", "b"])
    assert isinstance(results[0].refused, ValidationError)
    assert results[1].message.status == MessageStatus.QUEUED
    too_long = batch(org, NUMBERS[1:2], text="x" * 1601)
    assert "At most 1600" in str(too_long[0].refused)


def test_lost_answer_makes_the_send_unknown_and_a_refusal_failed(org, sms, number, provider):
    answer(provider, "sendSMS", ReadTimeout("read timed out"))
    [lost] = batch(org, NUMBERS[:1])
    assert lost.message.status == MessageStatus.UNKNOWN
    assert lost.message.uuid.startswith(sending.LOCAL_PREFIX)
    provider.reset()
    answer(provider, "sendSMS", error("INVALID DESTINATION NUMBER"))
    [refused] = batch(org, NUMBERS[1:2])
    assert refused.message.status == MessageStatus.FAILED
    assert "INVALID DESTINATION NUMBER" in refused.message.status_reason


def test_without_connection_every_send_fails_with_what_to_do(org, number):
    [result] = batch(org, NUMBERS[:1])
    assert result.message.status == MessageStatus.FAILED
    assert "No SMS connection" in result.message.status_reason


def test_webhook_copy_stored_first_is_kept_with_the_sends_key(org, provider_takes,
                                                              conversation):
    def webhook_first(to, uuid):
        if to == NUMBERS[1]:
            MessageFactory(conversation=conversation, uuid=uuid,
                           status=MessageStatus.SENT)

    provider_takes.before = webhook_first
    results = batch(org, NUMBERS[:3])
    with scopes_disabled():
        kept = Message.objects.get(uuid="out-0002")
    assert (kept.status, kept.idempotency_key) == (MessageStatus.SENT, f"k-{NUMBERS[1]}")
    assert results[1].message.pk == kept.pk
    assert len(rows()) == 3
    assert [r.message.status for r in (results[0], results[2])] == [MessageStatus.QUEUED] * 2


def test_status_settled_meanwhile_is_not_moved_back(org, provider_takes):
    def reconciled_meanwhile(to, uuid):
        if to == NUMBERS[0]:
            with scopes_disabled():
                Message.objects.filter(destinations=[to]).update(
                    status=MessageStatus.SENT, uuid="reconciled-1")

    provider_takes.before = reconciled_meanwhile
    results = batch(org, NUMBERS[:2])
    assert (results[0].message.status, results[0].message.uuid) == (
        MessageStatus.SENT, "reconciled-1")
    assert [(m.status, m.uuid) for m in rows()] == [
        (MessageStatus.SENT, "reconciled-1"), (MessageStatus.QUEUED, "out-0002")]


def test_each_message_emits_its_status_change(org, provider_takes):
    batch(org, NUMBERS[:3])
    with scopes_disabled():
        events = list(Event.objects.filter(type=EventType.MESSAGE_STATUS_CHANGED)
                      .order_by("id"))
    assert [(e.payload["previous_status"], e.payload["status"], e.payload["message"]["uuid"])
            for e in events] == [("SENDING", "QUEUED", f"out-{n:04d}") for n in (1, 2, 3)]


def test_conversations_show_the_send_and_are_created_once(org, provider_takes):
    batch(org, NUMBERS[:2], text="See you   at 9")
    batch(org, NUMBERS[:2], text="Second", keys=["x", "y"])
    with scopes_disabled():
        conversations = list(Conversation.objects.order_by("participants"))
    assert [(c.participants, c.last_preview, c.last_direction) for c in conversations] == [
        (NUMBERS[0], "Second", "out"), (NUMBERS[1], "Second", "out")]


def test_one_audit_entry_names_the_batch(org, provider_takes):
    batch(org, NUMBERS[:4])
    with scopes_disabled():
        [entry] = AuditEntry.objects.filter(action="message.sent")
    assert (entry.actor_label, entry.target) == ("campaign 7", "campaign 7: a batch")
    assert (entry.detail["count"], entry.detail["statuses"]) == (4, {"QUEUED": 4})


def test_attachment_is_kept_as_each_messages_media(org, provider_takes, provider, media_root):
    from tests.messaging.samples import PNG
    results = batch(org, NUMBERS[:2], attachment=sending.check_attachment(PNG))
    assert all(p["file"] for p in sent(provider, "sendSMS"))
    with scopes_disabled():
        assert [r.message.media.get().content_type for r in results] == ["image/png"] * 2


def test_queries_per_batch_do_not_grow_with_its_size(org, provider_takes, sms):
    def queries(numbers):
        with axion.client_for(sms) as client, CaptureQueriesContext(connection) as captured:
            batch(org, numbers, client=client)
        return len(captured)

    assert queries(NUMBERS[:2]) == queries(NUMBERS[2:12]) == queries(NUMBERS[12:30])


def test_outcomes_of_one_batch_may_differ(org, provider, sms, number):
    def refuse_the_second(request):
        to = json.loads(request.body)["destinationNumbers"][0]
        body = error("INVALID DESTINATION NUMBER") if to == NUMBERS[1] else accepted(
            f"out-{to[-4:]}", time=f"2024-03-01T12:00:0{to[-1]}Z")
        return 200, {}, json.dumps(body)

    provider.add_callback("POST", SMS_URL, callback=refuse_the_second)
    batch(org, NUMBERS[:3])
    assert [(m.status, m.uuid[:4], m.sent_at.second, bool(m.status_reason)) for m in rows()] == [
        (MessageStatus.QUEUED, "out-", 0, False), (MessageStatus.FAILED, "loca", 0, True),
        (MessageStatus.QUEUED, "out-", 2, False)]
