"""Missed webhooks: inbound messages the message sync finds that no webhook announced are
recorded and counted in the ledger on the day they were sent."""

from datetime import date, timedelta

import pytest
from django_scopes import scopes_disabled

from messaging.models import EventState
from messaging.tasks import sync_messages
from operations.models import MissedWebhook
from tests.clock import NOW
from tests.messaging.factories import MessagingNumberFactory, WebhookEventFactory
from tests.messaging.provider import OTHER, OWN, answer, message, messages_reply, new_sms
from tests.operations.helpers import ledger_counts

DAY = date(2024, 3, 1)


def at(minutes_ago: int) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def active_number(org, sms):
    """OWN, active since yesterday (the sync's messages come after it)."""
    return MessagingNumberFactory(organization=org, number=OWN,
                                  activated_at=NOW - timedelta(days=1))


def missed():
    with scopes_disabled():
        return list(MissedWebhook.objects.values_list("message_uuid", flat=True))


def test_a_missed_webhook_found_by_sync_appears_in_the_ledger(active_number, provider):
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(10))))
    sync_messages()
    assert missed() == ["in-1"]
    assert ledger_counts(active_number, DAY) == {"missed": 1}


def test_a_message_announced_by_a_webhook_is_no_miss(active_number, provider):
    WebhookEventFactory(number=active_number, payload=new_sms("in-1"),
                        state=EventState.PROCESSED)
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(10))))
    sync_messages()
    assert missed() == []


def test_an_outbound_message_is_no_miss(active_number, provider):
    answer(provider, "getSMS", messages_reply(
        message("out-1", src=OWN, dst=[OTHER], status="SENT", time=at(10))))
    sync_messages()
    assert missed() == []


def test_a_message_younger_than_the_grace_is_judged_by_a_later_sync(active_number, provider,
                                                                    clock):
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(1))))
    sync_messages()
    assert missed() == []
    clock.shift(5 * 60)  # the next syncs read the last minutes again
    sync_messages()
    assert missed() == ["in-1"]


def test_messages_from_before_the_number_was_active_are_no_miss(org, sms, provider):
    # The first sync reads 30 days back: nothing could have announced those.
    MessagingNumberFactory(organization=org, number=OWN, activated_at=NOW - timedelta(hours=1))
    answer(provider, "getSMS", messages_reply(message("in-old", time=at(120))))
    sync_messages()
    assert missed() == []


def test_a_missed_webhook_is_counted_once(active_number, provider):
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(10))))
    sync_messages()
    sync_messages()
    assert ledger_counts(active_number, DAY) == {"missed": 1}
