"""process_webhook_events: stored events become messages and statuses, idempotently; a
newSMS shows only once getSMS confirms it (webhooks are unsigned, docs/provider.md quirk 14)."""

import json
from datetime import timedelta

import pytest
import responses
from django_scopes import scopes_disabled
from responses import matchers

from common.locks import job_lock, lock_is_held, take_lock
from common.models import JobLock
from messaging import webhooks
from messaging.models import Conversation, EventState, Media, Message, WebhookEvent
from messaging.tasks import process_webhook_events
from tests.clock import NOW
from tests.messaging.factories import (
    SMS_URL,
    MessageFactory,
    MessagingNumberFactory,
    SmsConnectionFactory,
    WebhookEventFactory,
)
from tests.messaging.provider import (
    OWN,
    answer,
    error,
    message,
    messages_reply,
    new_sms,
    sent,
    updated_sms,
)


def post(client, number, body):
    return client.post(number.webhook_path, json.dumps(body), content_type="application/json")


def event(number, body, **fields):
    return WebhookEventFactory(number=number, payload=body, **fields)


def confirm(provider, uuid, reply):
    """Answer getSMS for this uuid only."""
    provider.post(SMS_URL, json=reply, match=[matchers.json_params_matcher(
        {"method": "getSMS", "uuid": uuid}, strict_match=False)])


def stored_messages():
    with scopes_disabled():
        return list(Message.objects.order_by("id"))


def states():
    with scopes_disabled():
        return list(WebhookEvent.objects.order_by("id").values_list("state", flat=True))


@pytest.fixture
def confirmation_off(settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False


# --- Confirmation of newSMS ------------------------------------------------------------

def test_single_event_is_processed_as_soon_as_it_is_posted(client, number, sms, provider):
    answer(provider, "getSMS", messages_reply(message("in-1")))
    post(client, number, new_sms("in-1"))
    assert [m.uuid for m in stored_messages()] == ["in-1"]
    assert states() == [EventState.PROCESSED]


def test_new_sms_is_confirmed_with_get_sms_by_its_uuid(number, sms, provider):
    answer(provider, "getSMS", messages_reply(message("in-1")))
    event(number, new_sms("in-1"))
    process_webhook_events()
    [call] = sent(provider, "getSMS")
    assert call["uuid"] == "in-1"


def test_confirmed_message_is_stored_as_the_provider_knows_it(number, sms, provider):
    answer(provider, "getSMS", messages_reply(message("in-1", text="See you at 9")))
    event(number, new_sms("in-1", text="Pay your bill at http://evil.example"))
    process_webhook_events()
    assert stored_messages()[0].text == "See you at 9"


def test_forged_new_sms_creates_nothing_and_is_rejected(number, sms, provider):
    answer(provider, "getSMS", messages_reply())
    event(number, new_sms("forged-1"))
    process_webhook_events()
    assert stored_messages() == []
    assert states() == [EventState.REJECTED]


def test_new_sms_the_provider_answers_not_found_is_rejected(number, sms, provider):
    answer(provider, "getSMS", error("NOT FOUND"))
    event(number, new_sms("forged-1"))
    process_webhook_events()
    assert stored_messages() == []
    assert states() == [EventState.REJECTED]


def test_forged_event_does_not_hold_up_the_others(number, sms, provider):
    confirm(provider, "forged-1", error("NOT FOUND"))
    confirm(provider, "in-2", messages_reply(message("in-2")))
    event(number, new_sms("forged-1"))
    event(number, new_sms("in-2"))
    process_webhook_events()
    assert [m.uuid for m in stored_messages()] == ["in-2"]
    assert states() == [EventState.REJECTED, EventState.PROCESSED]


def test_confirmation_can_be_turned_off(number, provider, confirmation_off):
    event(number, new_sms("in-1", text="as sent"))
    process_webhook_events()
    assert len(provider.calls) == 0
    assert stored_messages()[0].text == "as sent"


# --- Failures and retries ---------------------------------------------------------------

def test_provider_down_marks_the_event_failed(number, sms, provider):
    answer(provider, "getSMS", "Service Unavailable", status=503, content_type="text/plain")
    event(number, new_sms("in-1"))
    process_webhook_events()
    with scopes_disabled():
        failed = WebhookEvent.objects.get()
    assert (failed.state, failed.attempts) == (EventState.FAILED, 1)
    assert "503" in failed.error
    assert stored_messages() == []


def test_failed_event_is_retried_by_the_next_run(number, sms, provider):
    answer(provider, "getSMS", "Service Unavailable", status=503, content_type="text/plain")
    event(number, new_sms("in-1"))
    process_webhook_events()
    provider.replace(responses.POST, SMS_URL, json=messages_reply(message("in-1")))
    process_webhook_events()
    assert [m.uuid for m in stored_messages()] == ["in-1"]
    assert states() == [EventState.PROCESSED]


def test_event_without_an_sms_connection_fails_and_is_kept(number, provider):
    event(number, new_sms("in-1"))
    process_webhook_events()
    assert states() == [EventState.FAILED]
    assert len(provider.calls) == 0


def test_event_failed_too_often_is_left_alone(number, sms, provider):
    event(number, new_sms("in-1"), state=EventState.FAILED, attempts=webhooks.RETRY_LIMIT)
    process_webhook_events()
    assert len(provider.calls) == 0


# --- Idempotence ------------------------------------------------------------------------

def test_replayed_new_sms_changes_nothing(client, number, sms, provider, clock):
    answer(provider, "getSMS", messages_reply(message("in-1")))
    post(client, number, new_sms("in-1"))
    clock.shift(5)
    post(client, number, new_sms("in-1"))
    assert len(stored_messages()) == 1
    with scopes_disabled():
        assert Conversation.objects.get().unread_count == 1
    assert states() == [EventState.PROCESSED, EventState.PROCESSED]


def test_replayed_updated_sms_changes_nothing(number, org, confirmation_off):
    MessageFactory(conversation__own_number=number, uuid="out-1", status="QUEUED")
    event(number, updated_sms("out-1", status="SENT"))
    process_webhook_events()
    before = stored_messages()[0].updated_at
    event(number, updated_sms("out-1", status="SENT"))
    process_webhook_events()
    assert (stored_messages()[0].status, stored_messages()[0].updated_at) == ("SENT", before)


# --- Status updates ---------------------------------------------------------------------

def test_updated_sms_moves_a_queued_message_to_sent(number, confirmation_off):
    MessageFactory(conversation__own_number=number, uuid="out-1", status="QUEUED")
    event(number, updated_sms("out-1", status="SENT"))
    process_webhook_events()
    assert stored_messages()[0].status == "SENT"
    assert states() == [EventState.PROCESSED]


def test_queued_after_sent_stays_sent(number, confirmation_off):
    MessageFactory(conversation__own_number=number, uuid="out-1", status="QUEUED")
    event(number, updated_sms("out-1", status="SENT"))
    event(number, updated_sms("out-1", status="QUEUED"))
    process_webhook_events()
    assert stored_messages()[0].status == "SENT"


def test_updated_sms_before_its_message_is_kept_waiting(number):
    event(number, updated_sms("out-1", status="SENT"))
    process_webhook_events()
    assert states() == [EventState.WAITING]
    with scopes_disabled():
        assert WebhookEvent.objects.get().processed_at is None


def test_waiting_update_is_not_taken_up_again_by_later_runs(number, provider):
    event(number, updated_sms("out-1", status="SENT"))
    process_webhook_events()
    assert process_webhook_events() == "0 events processed"


def test_waiting_update_is_applied_when_its_message_arrives_by_webhook(number, sms, provider):
    # A message sent from the provider's own web page, announced by newSMS after its update;
    # the update is confirmed in the same run.
    answer(provider, "getSMS", messages_reply(
        message("out-1", src=OWN, dst=["+13105550100"], status="SENT")))
    event(number, updated_sms("out-1", status="SENT"))
    process_webhook_events()
    event(number, new_sms("out-1", source=OWN))
    process_webhook_events()
    assert stored_messages()[0].status == "SENT"
    assert states() == [EventState.PROCESSED, EventState.PROCESSED]


# --- Numbers and media (docs/provider.md quirks 11 and 12) -----------------------------

@pytest.mark.parametrize(("own", "other"), [("+18056421414", "+18056421415"),
                                             ("18056421414", "18056421415"),
                                             ("8056421414", "8056421415")])
def test_every_spelling_of_the_numbers_is_one_conversation(number, confirmation_off, own,
                                                            other):
    event(number, new_sms("in-1", number="+18056421414", source="+18056421415"))
    event(number, new_sms("in-2", number=own, source=other))
    process_webhook_events()
    with scopes_disabled():
        assert Conversation.objects.count() == 1
    assert len(stored_messages()) == 2


def test_event_media_empty_string_is_no_media(number, confirmation_off):
    event(number, new_sms("in-1", media=""))
    process_webhook_events()
    assert [m.uuid for m in stored_messages()] == ["in-1"]
    with scopes_disabled():
        assert not Media.objects.exists()


def test_confirmed_media_empty_string_is_no_media(number, sms, provider):
    answer(provider, "getSMS", messages_reply(message("in-1", media="")))
    event(number, new_sms("in-1", media=""))
    process_webhook_events()
    assert [m.uuid for m in stored_messages()] == ["in-1"]
    with scopes_disabled():
        assert not Media.objects.exists()


def test_confirmed_media_urls_are_kept_for_the_archive(number, sms, provider):
    urls = ["https://media.axion.example/a.png"]
    answer(provider, "getSMS", messages_reply(message("in-1", media=urls)))
    event(number, new_sms("in-1", media=urls))
    process_webhook_events()
    with scopes_disabled():
        assert list(Media.objects.values_list("url", "state")) == [(urls[0], "pending")]


# --- Batches, organizations, locks -------------------------------------------------------

def test_events_beyond_one_batch_are_all_processed(number, confirmation_off, monkeypatch):
    monkeypatch.setattr(webhooks, "BATCH_SIZE", 3)
    for n in range(7):
        event(number, new_sms(f"in-{n}"))
    process_webhook_events()
    assert len(stored_messages()) == 7


def test_each_organization_gets_its_own_messages(number, other_org, confirmation_off):
    theirs = MessagingNumberFactory(organization=other_org, number="+13105550100")
    event(number, new_sms("in-1"))
    event(theirs, new_sms("in-2", number="+13105550100"))
    process_webhook_events()
    assert {(m.uuid, m.organization_id) for m in stored_messages()} == {
        ("in-1", number.organization_id), ("in-2", other_org.pk)}


def test_run_for_one_organization_leaves_the_others(number, other_org, confirmation_off):
    theirs = MessagingNumberFactory(organization=other_org, number="+13105550100")
    event(number, new_sms("in-1"))
    event(theirs, new_sms("in-2", number="+13105550100"))
    process_webhook_events(organization_id=other_org.pk)
    assert [m.uuid for m in stored_messages()] == ["in-2"]


def test_events_of_an_organization_being_processed_are_left_to_that_run(number, org,
                                                                      confirmation_off):
    event(number, new_sms("in-1"))
    with job_lock(f"process_webhook_events:{org.pk}") as held:
        assert held
        process_webhook_events()
    assert states() == [EventState.PENDING]


def test_a_run_clears_its_wake_up_before_it_looks_for_events(number, monkeypatch,
                                                            confirmation_off):
    from messaging import tasks

    marker_when_looking = []

    def looking():
        marker_when_looking.append(lock_is_held("wake:process_webhook_events"))
        return webhooks.pending_organizations()

    take_lock("wake:process_webhook_events", ttl_seconds=60)
    monkeypatch.setattr(tasks, "pending_organizations", looking)
    process_webhook_events()
    assert marker_when_looking == [False]


def test_one_organizations_failure_does_not_stop_the_others_events(number, other_org,
                                                                   monkeypatch,
                                                                   confirmation_off):
    from messaging import tasks

    theirs = MessagingNumberFactory(organization=other_org, number="+13105550100")
    event(number, new_sms("in-1"))
    event(theirs, new_sms("in-2", number="+13105550100"))

    def first_fails(organization):
        if organization.pk == number.organization_id:
            raise RuntimeError("database went away")
        return webhooks.process_organization_events(organization)

    monkeypatch.setattr(tasks, "process_organization_events", first_fails)
    assert number.organization_id < other_org.pk  # the failing one comes first
    assert process_webhook_events() == "1 events processed"
    assert [m.uuid for m in stored_messages()] == ["in-2"]


def test_an_event_posted_as_a_run_ends_its_last_batch_is_processed_by_that_run(
        client, number, monkeypatch, confirmation_off):
    """The run woken for the event finds the organization's lock held, and asks the holder,
    which has read its last batch already, for another round."""
    from messaging import tasks

    posted = []

    def last_batch_then_an_event(organization):
        processed = webhooks.process_organization_events(organization)
        if not posted:
            posted.append(post(client, number, new_sms("in-2")).status_code)
        return processed

    monkeypatch.setattr(tasks, "process_organization_events", last_batch_then_an_event)
    event(number, new_sms("in-1"))
    assert process_webhook_events() == "2 events processed"
    assert posted == [200]
    assert [m.uuid for m in stored_messages()] == ["in-1", "in-2"]


def test_invalid_events_are_never_processed(number, confirmation_off):
    WebhookEventFactory(number=number, body=b"{not json", state=EventState.INVALID)
    assert process_webhook_events() == "0 events processed"


def test_sms_connection_of_another_organization_is_not_used(number, other_org, provider):
    SmsConnectionFactory(organization=other_org)
    event(number, new_sms("in-1"))
    process_webhook_events()
    assert len(provider.calls) == 0
    assert states() == [EventState.FAILED]


def test_lock_left_by_a_crashed_run_expires(number, org, confirmation_off):
    JobLock.objects.create(name=f"process_webhook_events:{org.pk}", holder="dead:1",
                           acquired_at=NOW - timedelta(minutes=10),
                           expires_at=NOW - timedelta(minutes=5))
    event(number, new_sms("in-1"))
    process_webhook_events()
    assert states() == [EventState.PROCESSED]
