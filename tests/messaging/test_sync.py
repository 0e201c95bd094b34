"""sync_messages: getSMS from the watermark (minus an overlap), oldest first, 100 a page, one
stream per SMS connection, upserting by uuid (docs/provider.md, quirk 15)."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scopes_disabled

from accounts.models import Connection
from messaging.models import (
    Conversation,
    EventState,
    Media,
    Message,
    MessageSync,
    MessagingNumber,
    WebhookEvent,
)
from messaging.tasks import process_webhook_events, sync_messages
from tests.axion.bodies import SMS_LOGIN_OK
from tests.clock import NOW
from tests.messaging.factories import SMS_URL, WebhookEventFactory
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


def stored_messages():
    with scopes_disabled():
        return list(Message.objects.order_by("sent_at", "id"))


def sync_state(org) -> MessageSync:
    with scopes_disabled():
        return MessageSync.objects.get(organization=org)


def at(minutes_ago: int) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(autouse=True)
def _setup(number, sms):
    return number, sms


def test_first_sync_backfills_30_days_oldest_first(provider):
    answer(provider, "getSMS", messages_reply())
    sync_messages()
    [call] = sent(provider, "getSMS")
    assert (call["fromTime"], call["sort"], call["limit"], call["offset"]) == (
        "2024-01-31T12:00:00Z", "ASC", 100, 0)


def test_backfill_window_is_a_setting(provider, settings):
    settings.SMS_SYNC_BACKFILL_DAYS = 7
    answer(provider, "getSMS", messages_reply())
    sync_messages()
    assert sent(provider, "getSMS")[0]["fromTime"] == "2024-02-23T12:00:00Z"


def test_all_numbers_are_one_stream(provider):
    answer(provider, "getSMS", messages_reply())
    sync_messages()
    assert "fromTime" in sent(provider, "getSMS")[0]  # the control: the call's own fields
    assert not {"messagingNumber", "number"} & sent(provider, "getSMS")[0].keys()


def test_messages_are_stored(provider):
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(30)),
                                              message("in-2", time=at(20))))
    sync_messages()
    assert [m.uuid for m in stored_messages()] == ["in-1", "in-2"]


def test_watermark_is_the_newest_message_time(provider, org):
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(30)),
                                              message("in-2", time=at(20))))
    sync_messages()
    state = sync_state(org)
    assert (state.watermark, state.last_success_at) == (NOW - timedelta(minutes=20), NOW)


def test_later_sync_starts_at_the_watermark_minus_the_overlap(provider, org, clock):
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(20))))
    sync_messages()
    clock.shift(timedelta(minutes=2))
    sync_messages()
    assert sent(provider, "getSMS")[-1]["fromTime"] == at(30)


def test_overlap_is_a_setting(provider, org, settings):
    settings.SMS_SYNC_OVERLAP_MINUTES = 1
    with scopes_disabled():
        MessageSync.objects.create(organization=org, watermark=NOW - timedelta(hours=1))
    answer(provider, "getSMS", messages_reply())
    sync_messages()
    assert sent(provider, "getSMS")[0]["fromTime"] == at(61)


def test_messages_seen_again_in_the_overlap_are_one_row(provider):
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(5))))
    sync_messages()
    sync_messages()
    assert len(stored_messages()) == 1
    with scopes_disabled():
        assert Conversation.objects.get().unread_count == 1


def test_sync_with_nothing_new_succeeds(provider, org):
    answer(provider, "getSMS", error("NOT FOUND"))
    assert sync_messages().startswith("1 organizations done")
    state = sync_state(org)
    assert (state.last_success_at, state.last_error) == (NOW, "")


def test_numbers_found_by_sync_are_added_to_the_organization(provider, org):
    answer(provider, "getSMS", messages_reply(message("in-1", own="13105550100")))
    sync_messages()
    with scopes_disabled():
        found = MessagingNumber.objects.get(number="+13105550100")
    assert found.organization_id == org.pk
    assert stored_messages()[0].conversation.own_number_id == found.pk


def test_status_of_a_known_message_moves_forward(provider, number):
    answer(provider, "getSMS", messages_reply(
        message("out-1", src=OWN, dst=["+13105550100"], status="QUEUED", time=at(9))))
    sync_messages()
    provider.replace("POST", SMS_URL, json=messages_reply(
        message("out-1", src=OWN, dst=["+13105550100"], status="SENT", time=at(9))))
    sync_messages()
    assert stored_messages()[0].status == "SENT"


def test_sync_media_empty_string_is_no_media(provider):
    answer(provider, "getSMS", messages_reply(message("in-1", media="")))
    sync_messages()
    assert [m.uuid for m in stored_messages()] == ["in-1"]
    with scopes_disabled():
        assert not Media.objects.exists()


def test_waiting_update_is_put_back_for_confirmation_when_its_message_arrives_by_sync(
        provider, number):
    event = WebhookEventFactory(number=number, payload=updated_sms("out-1", status="SENT"),
                                state=EventState.WAITING)
    answer(provider, "getSMS", messages_reply(
        message("out-1", src=OWN, dst=["+13105550100"], status="QUEUED", time=at(1))))
    sync_messages()
    event.refresh_from_db()
    assert (stored_messages()[0].status, event.state) == ("QUEUED", EventState.PENDING)


def test_a_waiting_update_put_back_by_the_sync_wakes_the_processing_job(
        provider, number, kicks, django_capture_on_commit_callbacks):
    WebhookEventFactory(number=number, payload=updated_sms("out-1", status="SENT"),
                        state=EventState.WAITING)
    answer(provider, "getSMS", messages_reply(
        message("out-1", src=OWN, dst=["+13105550100"], status="QUEUED", time=at(1))))
    with django_capture_on_commit_callbacks(execute=True):
        sync_messages()
    assert [kwargs["task_name"] for _, kwargs in kicks] == ["process_webhook_events"]


def test_a_sync_that_puts_nothing_back_wakes_nothing(provider, number, kicks,
                                                     django_capture_on_commit_callbacks):
    answer(provider, "getSMS", messages_reply(
        message("out-1", src=OWN, dst=["+13105550100"], status="QUEUED", time=at(1))))
    with django_capture_on_commit_callbacks(execute=True):
        sync_messages()
    assert kicks == []


@pytest.mark.parametrize("webhook_first", [True, False], ids=["webhook-first", "sync-first"])
def test_webhook_and_sync_of_one_message_make_one_row(provider, number, webhook_first):
    answer(provider, "getSMS", messages_reply(message("in-1", time=at(2))))
    steps = [lambda: (WebhookEventFactory(number=number, payload=new_sms("in-1")),
                      process_webhook_events()),
             sync_messages]
    for step in steps if webhook_first else reversed(steps):
        step()
    assert len(stored_messages()) == 1
    with scopes_disabled():
        assert Conversation.objects.get().unread_count == 1
        assert WebhookEvent.objects.get().state == EventState.PROCESSED


def test_provider_failure_keeps_the_watermark_and_says_why(provider, org):
    with scopes_disabled():
        MessageSync.objects.create(organization=org, watermark=NOW - timedelta(hours=1))
    answer(provider, "getSMS", "Bad Gateway", status=502, content_type="text/plain")
    sync_messages()
    state = sync_state(org)
    assert state.watermark == NOW - timedelta(hours=1)
    assert (state.last_error_at, state.last_success_at) == (NOW, None)
    assert "could not be reached" in state.last_error


def test_failure_on_a_later_page_keeps_the_pages_before_it(provider, org):
    first = [message(f"in-{n:03d}", time=at(200 - n)) for n in range(100)]
    answer(provider, "getSMS", messages_reply(*first))
    answer(provider, "getSMS", "Bad Gateway", status=502, content_type="text/plain")
    sync_messages()
    assert len(stored_messages()) == 100
    assert sync_state(org).watermark == NOW - timedelta(minutes=101)


def test_rejected_credentials_mark_the_connection_failing(provider, sms):
    with scopes_disabled():
        Connection.objects.filter(pk=sms.pk).update(session_token="", token_expires_at=None)
    answer(provider, "userLogin", error("WRONG CREDENTIALS"))
    sync_messages()
    sms.refresh_from_db()
    assert sms.failing_since == NOW
    assert "username or password" in sms.last_error


def test_missing_token_logs_in_once(provider, sms):
    with scopes_disabled():
        Connection.objects.filter(pk=sms.pk).update(session_token="", token_expires_at=None)
    answer(provider, "userLogin", SMS_LOGIN_OK)
    answer(provider, "getSMS", messages_reply())
    sync_messages()
    assert len(sent(provider, "userLogin")) == 1


def test_sync_of_10000_messages_makes_101_get_sms_calls_and_no_login(provider):
    start = NOW - timedelta(days=10)
    catalogue = [message(f"m-{n:05d}", time=(start + timedelta(minutes=n)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"), src=f"+1310555{n % 20:04d}") for n in range(10_000)]

    def get_sms(request):
        payload = json.loads(request.body)
        offset, limit = payload["offset"], payload["limit"]
        page = catalogue[offset:offset + limit]
        body = messages_reply(*page) if page else error("NOT FOUND")
        return 200, {}, json.dumps(body)

    provider.add_callback("POST", SMS_URL, callback=get_sms,
                          content_type="application/json")
    sync_messages()
    calls = [json.loads(c.request.body)["method"] for c in provider.calls]
    assert calls.count("getSMS") <= 101
    assert calls.count("userLogin") == 0
    assert len(stored_messages()) == 10_000


def test_other_organization_without_sms_connection_is_not_synced(provider, other_org):
    answer(provider, "getSMS", messages_reply())
    assert sync_messages().startswith("1 organizations done")
    with scopes_disabled():
        assert not MessageSync.objects.filter(organization=other_org).exists()


def test_one_organization_failing_does_not_stop_the_others(provider, org, other_org):
    from tests.messaging.factories import SmsConnectionFactory

    SmsConnectionFactory(organization=other_org, api_url="https://sms2.axion.example/api")
    provider.post("https://sms2.axion.example/api", body="Bad Gateway", status=502)
    answer(provider, "getSMS", messages_reply(message("in-1")))
    sync_messages()
    assert [m.uuid for m in stored_messages()] == ["in-1"]
    assert sync_state(other_org).last_error_at == NOW


def test_sync_times_are_utc_datetimes(provider):
    answer(provider, "getSMS", messages_reply(message("in-1", time="2024-03-01T11:00:00Z")))
    sync_messages()
    assert stored_messages()[0].sent_at == datetime(2024, 3, 1, 11, tzinfo=UTC)
