"""Replaying stored webhook events, one by one or a day at a time: idempotent, under the
processing job's lock, counted in the ledger."""

import json

import pytest
from django_scopes import scopes_disabled

from accounts.jobs import lock_name
from accounts.models import AuditEntry
from common.locks import job_lock
from messaging.models import Conversation, EventState, Message, WebhookEvent
from messaging.webhooks import RETRY_LIMIT
from operations.ledger import UNKNOWN_TO_PROVIDER
from tests.clock import NOW
from tests.messaging.factories import WebhookEventFactory
from tests.messaging.provider import answer, message, messages_reply, new_sms, sent
from tests.operations.factories import WebhookDayFactory
from tests.operations.helpers import ledger_counts, reloaded

DAY = "2024-03-01"


@pytest.fixture(autouse=True)
def _setup(number, sms):
    return number, sms


def replay(client, event):
    return client.post(f"/operations/events/{event.pk}/replay/", follow=True)


def snapshot():
    """Everything a replay could change of the messages."""
    with scopes_disabled():
        return (list(Message.objects.order_by("id").values()),
                list(Conversation.objects.order_by("id").values()),
                list(WebhookEvent.objects.order_by("id").values("state", "error", "attempts",
                                                                "processed_at")))


@pytest.fixture
def processed(client, number, provider, clock):
    """A newSMS that came, was confirmed and stored, and was counted."""
    answer(provider, "getSMS", messages_reply(message("in-1")))
    client.post(number.webhook_path, json.dumps(new_sms("in-1")),
                content_type="application/json")
    clock.shift(10)
    from messaging.tasks import process_webhook_events

    process_webhook_events()
    with scopes_disabled():
        return WebhookEvent.objects.get()


def test_a_replay_of_a_processed_event_changes_nothing(admin_client_, processed, number,
                                                       provider):
    before, counts = snapshot(), ledger_counts(number, DAY)
    response = replay(admin_client_, processed)
    assert "processing it again changed nothing" in response.content.decode()
    assert snapshot() == before
    assert ledger_counts(number, DAY) == {**counts, "replayed": 1}


def test_a_processed_event_stays_processed_when_the_provider_no_longer_knows_it(
        admin_client_, processed, provider):
    provider.reset()
    answer(provider, "getSMS", messages_reply())
    before = snapshot()
    replay(admin_client_, processed)
    assert snapshot() == before


def test_replaying_twice_stores_the_message_once(admin_client_, number, provider):
    event = WebhookEventFactory(number=number, payload=new_sms("in-9"),
                                state=EventState.REJECTED, error="Not confirmed.")
    answer(provider, "getSMS", messages_reply(message("in-9")))
    replay(admin_client_, event)
    replay(admin_client_, event)
    with scopes_disabled():
        assert list(Message.objects.values_list("uuid", flat=True)) == ["in-9"]


def test_a_rejected_event_the_provider_now_knows_is_processed(admin_client_, number,
                                                              provider):
    event = WebhookEventFactory(number=number, payload=new_sms("in-2"), received_at=NOW,
                                state=EventState.REJECTED,
                                error=f"{UNKNOWN_TO_PROVIDER}: not shown.")
    WebhookDayFactory(number=number, received=1, rejected=1, unknown=1)
    answer(provider, "getSMS", messages_reply(message("in-2")))
    response = replay(admin_client_, event)
    assert reloaded(event).state == EventState.PROCESSED
    assert "Not confirmed by the provider → Processed" in response.content.decode()
    assert ledger_counts(number, DAY) == {"received": 1, "processed": 1, "replayed": 1}


def test_an_invalid_event_cannot_be_replayed(admin_client_, number, provider):
    event = WebhookEventFactory(number=number, body=b"{nope", state=EventState.INVALID,
                                event_type="", message_uuid="")
    response = replay(admin_client_, event)
    assert "not a valid event" in response.content.decode()
    assert len(provider.calls) == 0


def test_a_replay_while_processing_runs_is_refused(admin_client_, org, number, provider):
    event = WebhookEventFactory(number=number, payload=new_sms("in-3"),
                                state=EventState.REJECTED)
    with job_lock(lock_name("process_webhook_events", org.pk)):
        response = replay(admin_client_, event)
    assert "running for this organization right now" in response.content.decode()
    assert reloaded(event).state == EventState.REJECTED
    assert len(provider.calls) == 0


def test_an_event_that_comes_during_a_replay_is_processed_once_the_replay_ends(
        admin_client_, client, number, provider, monkeypatch):
    """The processing run woken for it finds the lock the replay holds and asks for another
    round, which a replay does not run: the replay queues the processing job instead."""
    from operations import replay as replays

    event = WebhookEventFactory(number=number, payload=new_sms("in-4"),
                                state=EventState.REJECTED)
    answer(provider, "getSMS", messages_reply(message("in-4")))
    answer(provider, "getSMS", messages_reply(message("in-5")))
    real_batch = replays.process_batch

    def batch_then_an_event(**kwargs):
        real_batch(**kwargs)
        client.post(number.webhook_path, json.dumps(new_sms("in-5")),
                    content_type="application/json")
        with scopes_disabled():
            assert not Message.objects.filter(uuid="in-5").exists()  # left to the replay

    monkeypatch.setattr(replays, "process_batch", batch_then_an_event)
    replay(admin_client_, event)
    with scopes_disabled():
        assert sorted(Message.objects.values_list("uuid", flat=True)) == ["in-4", "in-5"]


def test_a_replay_is_in_the_audit_log(admin_client_, processed, admin_member):
    replay(admin_client_, processed)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="webhook.replayed")
    assert (entry.actor, entry.detail) == (admin_member.user,
                                           {"before": "processed", "after": "processed"})


# --- A day at a time ---------------------------------------------------------------------

def replay_day(client, number):
    return client.post(f"/operations/ledger/{number.pk}/{DAY}/replay/", follow=True)


def test_a_days_rejected_and_failed_events_are_processed_again(admin_client_, number,
                                                               provider):
    rejected = WebhookEventFactory(number=number, payload=new_sms("in-4"), received_at=NOW,
                                   state=EventState.REJECTED, error="Not confirmed.")
    given_up = WebhookEventFactory(number=number, payload=new_sms("in-5"), received_at=NOW,
                                   state=EventState.FAILED, attempts=RETRY_LIMIT)
    WebhookDayFactory(number=number, received=2, rejected=1, gave_up=1)
    answer(provider, "getSMS", messages_reply(message("in-4"), message("in-5")))
    response = replay_day(admin_client_, number)
    assert "2 events put back" in response.content.decode()
    assert [reloaded(e).state for e in (rejected, given_up)] == [EventState.PROCESSED] * 2
    assert ledger_counts(number, DAY) == {"received": 2, "processed": 2, "replayed": 2}


def test_a_days_replay_leaves_processed_events_alone(admin_client_, processed, number,
                                                     provider):
    calls = len(provider.calls)
    response = replay_day(admin_client_, number)
    assert "Nothing to replay" in response.content.decode()
    assert len(provider.calls) == calls


def test_replaying_a_day_again_while_its_events_wait_finds_none(admin_client_, number,
                                                                monkeypatch):
    monkeypatch.setattr("messaging.wakeup.async_task", lambda *args, **kwargs: None)
    WebhookEventFactory(number=number, payload=new_sms("in-6"), received_at=NOW,
                        state=EventState.REJECTED)
    assert "1 event put back" in replay_day(admin_client_, number).content.decode()
    assert "Nothing to replay" in replay_day(admin_client_, number).content.decode()


def test_a_days_replay_is_only_that_numbers_and_days(admin_client_, org, number, provider):
    from tests.messaging.factories import MessagingNumberFactory

    other = WebhookEventFactory(number=MessagingNumberFactory(organization=org),
                                payload=new_sms("in-7"), received_at=NOW,
                                state=EventState.REJECTED)
    replay_day(admin_client_, number)
    assert reloaded(other).state == EventState.REJECTED
    assert sent(provider, "getSMS") == []


# --- Who may ---------------------------------------------------------------------------

def test_another_organizations_event_is_404(outsider_client, number):
    event = WebhookEventFactory(number=number, state=EventState.REJECTED)
    assert outsider_client.get(f"/operations/events/{event.pk}/").status_code == 404
    assert outsider_client.post(f"/operations/events/{event.pk}/replay/").status_code == 404
    assert reloaded(event).state == EventState.REJECTED


def test_another_organizations_number_has_no_day_here(outsider_client, number):
    assert outsider_client.get(f"/operations/ledger/{number.pk}/{DAY}/").status_code == 404
    assert outsider_client.post(
        f"/operations/ledger/{number.pk}/{DAY}/replay/").status_code == 404


@pytest.mark.parametrize("who", ["viewer_client", "agent_client"])
def test_viewers_and_agents_may_not_replay(request, who, number, provider):
    event = WebhookEventFactory(number=number, state=EventState.REJECTED)
    client = request.getfixturevalue(who)
    assert client.post(f"/operations/events/{event.pk}/replay/").status_code == 403
    assert client.post(f"/operations/ledger/{number.pk}/{DAY}/replay/").status_code == 403
    assert reloaded(event).state == EventState.REJECTED
