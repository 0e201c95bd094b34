"""Keywords of inbound messages, as ingest stores them: STOP opts the sender out, START opts
them back in, HELP is answered; each keyword message is answered once, only when it is news,
from the number it was sent to."""

import json
from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from messaging.ingest import IncomingMessage, record_messages
from messaging.models import EventState, MessageStatus, WebhookEvent
from messaging.tasks import sync_messages
from optouts.models import InboundKeyword, KeywordReplies, OptOut, ReplyState
from optouts.services import opted_out_numbers
from optouts.tasks import send_keyword_reply, send_pending_keyword_replies
from tests.clock import NOW
from tests.messaging.factories import MessagingNumberFactory
from tests.messaging.provider import OTHER, OWN, answer, message, messages_reply, new_sms, sent

pytestmark = pytest.mark.usefixtures("sms", "number", "takes_sends")

THIRD = "+13105550100"


def inbound(text, uuid="in-1", *, source=OTHER, own=OWN, at=None, also=()):
    return IncomingMessage(uuid=uuid, own_number=own, source=source,
                           destinations=[own, *also], text=text,
                           status=MessageStatus.RECEIVED, sent_at=at or NOW - timedelta(minutes=1))


@pytest.fixture
def receive(org, django_capture_on_commit_callbacks):
    """Store inbound messages as the webhook processing and the sync do, running what is
    started after the commit (the reply job, inline: Q_SYNC)."""
    def receive(*messages):
        with django_capture_on_commit_callbacks(execute=True):
            record_messages(organization=org, incoming=list(messages))
    return receive


def replies(provider) -> list[tuple[str, list[str], str]]:
    return [(call["sourceNumber"], call["destinationNumbers"], call["text"])
            for call in sent(provider, "sendSMS")]


def opted_out(org, number=OTHER) -> bool:
    return number in opted_out_numbers(organization=org, numbers=[number])


def test_stop_opts_the_sender_out_and_confirms_it_from_the_number_texted(org, receive,
                                                                         takes_sends):
    receive(inbound("Stop"))
    assert opted_out(org)
    [(source, to, text)] = replies(takes_sends)
    assert (source, to) == (OWN, [OTHER])
    assert text == ("You are unsubscribed from Harbor Clinic messages. No more messages will "
                    "be sent. Reply START to resubscribe.")


def test_the_opt_out_records_the_keyword_and_the_message_time(org, receive):
    receive(inbound(" stop! ", at=NOW - timedelta(minutes=3)))
    with scopes_disabled():
        row = OptOut.objects.get()
    assert (row.source, row.keyword, row.created_at) == ("keyword", "stop!",
                                                         NOW - timedelta(minutes=3))


def test_start_after_stop_opts_back_in_and_confirms(org, receive, takes_sends):
    receive(inbound("STOP", "in-1"))
    receive(inbound("start", "in-2"))
    assert not opted_out(org)
    assert replies(takes_sends)[-1][2].startswith("You are resubscribed to Harbor Clinic")


def test_help_is_answered_and_opts_nobody_out(org, receive, takes_sends):
    receive(inbound("Help"))
    assert not opted_out(org)
    [(_, _, text)] = replies(takes_sends)
    assert "Harbor Clinic" in text and "STOP" in text and "Msg&data rates may apply" in text


@pytest.mark.parametrize("text", ["stop please", "Please STOP texting me", "STOP2", ""])
def test_other_messages_change_nothing_and_get_no_answer(org, receive, takes_sends, text):
    receive(inbound(text))
    assert not opted_out(org)
    assert replies(takes_sends) == []
    with scopes_disabled():
        assert not InboundKeyword.objects.exists()


def test_the_same_message_stored_twice_is_answered_once(org, receive, takes_sends):
    receive(inbound("STOP"))
    receive(inbound("STOP"))
    assert len(replies(takes_sends)) == 1


WEBHOOK_STOP = json.dumps(new_sms("in-1", text="STOP", time="2024-03-01T11:59:00Z"))


@pytest.fixture
def webhook(client, number, takes_sends, django_capture_on_commit_callbacks):
    """Post the newSMS of a STOP to the number's webhook and process it (getSMS confirms
    it), running the reply job after the commit."""
    answer(takes_sends, "getSMS", messages_reply(
        message("in-1", text="STOP", time="2024-03-01T11:59:00Z")))

    def post():
        with django_capture_on_commit_callbacks(execute=True):
            client.post(number.webhook_path, WEBHOOK_STOP, content_type="application/json")
    return post


def test_the_same_webhook_processed_twice_is_answered_once(org, webhook, takes_sends):
    webhook()
    webhook()
    with scopes_disabled():
        assert WebhookEvent.objects.filter(state=EventState.PROCESSED).count() == 2
    assert opted_out(org)
    assert len(replies(takes_sends)) == 1


def test_a_sync_after_the_webhook_sends_nothing_more(org, webhook, takes_sends,
                                                     django_capture_on_commit_callbacks):
    webhook()
    with django_capture_on_commit_callbacks(execute=True):
        sync_messages()
    assert len(sent(takes_sends, "getSMS")) == 2  # the webhook's confirmation, the sync
    assert len(replies(takes_sends)) == 1


def test_a_stop_of_history_opts_out_without_an_answer(org, receive, takes_sends):
    receive(inbound("STOP", at=NOW - timedelta(days=3)))
    assert opted_out(org)
    assert replies(takes_sends) == []
    with scopes_disabled():
        assert InboundKeyword.objects.get().reply_state == ReplyState.NOT_SENT


def test_keywords_act_in_the_order_they_were_sent(org, receive):
    receive(inbound("START", "in-2", at=NOW - timedelta(minutes=1)),
            inbound("STOP", "in-1", at=NOW - timedelta(minutes=5)))
    assert not opted_out(org)


def test_an_older_stop_found_later_does_not_undo_a_newer_start(org, receive):
    receive(inbound("STOP", "in-1", at=NOW - timedelta(days=4)))
    receive(inbound("START", "in-3", at=NOW - timedelta(days=1)))
    receive(inbound("Stop", "in-2", at=NOW - timedelta(days=2)))  # a late sync page
    assert not opted_out(org)


def test_a_stop_in_a_group_conversation_opts_out_its_sender_only(org, receive):
    receive(inbound("STOP", source=OTHER, also=[THIRD]))
    assert opted_out_numbers(organization=org, numbers=[OTHER, THIRD]) == {OTHER}


def test_another_organization_is_unaffected(org, other_org, receive):
    receive(inbound("STOP"))
    assert opted_out(org)
    assert not opted_out(other_org)


def test_a_number_answers_with_its_own_replies(org, number, receive, takes_sends):
    with scopes_disabled():
        KeywordReplies.objects.create(organization=org, number=number,
                                      opted_out="Harbor Clinic: no more texts. START to undo.")
        other = MessagingNumberFactory(organization=org, number="+18056421499")
    receive(inbound("STOP", "in-1"), inbound("STOP", "in-2", source=THIRD, own=other.number))
    assert sorted(replies(takes_sends)) == [
        (OWN, [OTHER], "Harbor Clinic: no more texts. START to undo."),
        (other.number, [THIRD], "You are unsubscribed from Harbor Clinic messages. No more "
                                "messages will be sent. Reply START to resubscribe.")]


def test_help_from_a_number_that_opted_out_is_not_answered(org, receive, takes_sends):
    receive(inbound("STOP", "in-1", at=NOW - timedelta(days=3)))
    receive(inbound("HELP", "in-2"))
    assert replies(takes_sends) == []
    with scopes_disabled():
        help_row = InboundKeyword.objects.get(kind="help")
    assert help_row.reply_state == ReplyState.NOT_SENT


def test_the_reply_job_run_again_sends_nothing_more(org, receive, takes_sends):
    receive(inbound("HELP"))
    with scopes_disabled():
        row = InboundKeyword.objects.get()
        assert row.reply_state == ReplyState.SENT
        InboundKeyword.objects.filter(pk=row.pk).update(reply_state=ReplyState.PENDING)
    send_keyword_reply(row.pk)
    assert len(replies(takes_sends)) == 1


def test_a_reply_whose_job_was_lost_is_sent_by_the_periodic_run(org, takes_sends, clock):
    record_messages(organization=org, incoming=[inbound("HELP")])  # its job never runs
    send_pending_keyword_replies()
    assert replies(takes_sends) == []  # its own job may still be on its way
    clock.shift(120)
    send_pending_keyword_replies()
    send_pending_keyword_replies()
    assert len(replies(takes_sends)) == 1


def test_a_lost_reply_is_not_sent_once_it_is_no_longer_news(org, takes_sends, clock):
    record_messages(organization=org, incoming=[inbound("HELP")])
    clock.shift(7 * 3600)
    send_pending_keyword_replies()
    assert replies(takes_sends) == []
    with scopes_disabled():
        assert InboundKeyword.objects.get().reply_state == ReplyState.NOT_SENT


def test_yes_from_a_number_that_had_not_opted_out_is_an_answer_not_a_keyword(
        org, receive, takes_sends):
    receive(inbound("Yes"))
    assert replies(takes_sends) == []
    with scopes_disabled():
        assert InboundKeyword.objects.get().reply_state == ReplyState.NOT_SENT


def test_yes_from_a_number_that_opted_out_opts_it_back_in(org, receive, takes_sends):
    receive(inbound("STOP", "in-1", at=NOW - timedelta(days=3)))
    receive(inbound("yes", "in-2"))
    assert not opted_out(org)
    [(_, _, text)] = replies(takes_sends)
    assert text.startswith("You are resubscribed")


def test_start_is_confirmed_even_from_a_number_that_had_not_opted_out(org, receive,
                                                                      takes_sends):
    receive(inbound("START"))
    assert len(replies(takes_sends)) == 1
