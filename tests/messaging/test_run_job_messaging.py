"""run_job runs each messaging job once, for everyone or one organization; events stored
while the worker was down are processed by the next run. (Token renewal's run is in
tests/accounts/test_renew_tokens.py.)"""

import json

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from messaging.models import EventState, Media, MediaState, Message, MessageSync, WebhookEvent
from tests.messaging.factories import MediaFactory, MessagingNumberFactory, SmsConnectionFactory
from tests.messaging.provider import answer, message, messages_reply, new_sms

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def run(name, **options) -> str:
    from io import StringIO

    out = StringIO()
    call_command("run_job", name, stdout=out, **options)
    return out.getvalue()


def stored_messages():
    with scopes_disabled():
        return list(Message.objects.order_by("id"))


def test_events_survive_a_worker_that_is_down(client, number, sms, provider, kicks, clock):
    answer(provider, "getSMS", messages_reply(message("in-1")))
    for uuid in ("in-1", "in-1"):
        response = client.post(number.webhook_path, json.dumps(new_sms(uuid)),
                               content_type="application/json")
        assert response.status_code == 200
        clock.shift(2)
    with scopes_disabled():
        assert list(WebhookEvent.objects.values_list("state", flat=True)) == [
            EventState.PENDING, EventState.PENDING]
    # One job woken: the second event finds it queued, not started (the worker is down).
    assert stored_messages() == [] and len(kicks) == 1

    assert "process_webhook_events: 2 events processed" in run("process_webhook_events")
    assert [m.uuid for m in stored_messages()] == ["in-1"]


def test_process_webhook_events_for_one_organization(number, other_org, settings):
    settings.WEBHOOK_CONFIRM_NEW_SMS = False
    theirs = MessagingNumberFactory(organization=other_org, number="+13105550100")
    for n, owner in enumerate((number, theirs)):
        with scopes_disabled():
            WebhookEvent.objects.create(
                organization=owner.organization, number=owner, event_type="newSMS",
                message_uuid=f"in-{n}", body=json.dumps(
                    new_sms(f"in-{n}", number=owner.number)).encode())
    run("process_webhook_events", org="summit")
    assert [(m.uuid, m.organization_id) for m in stored_messages()] == [("in-1", other_org.pk)]


def test_sync_messages(number, sms, provider, org):
    answer(provider, "getSMS", messages_reply(message("in-1")))
    assert "sync_messages: 1 organizations done" in run("sync_messages")
    assert [m.uuid for m in stored_messages()] == ["in-1"]


def test_sync_messages_for_one_organization(number, sms, provider, other_org):
    SmsConnectionFactory(organization=other_org)
    answer(provider, "getSMS", messages_reply())
    run("sync_messages", org="summit")
    with scopes_disabled():
        assert list(MessageSync.objects.values_list("organization_id", flat=True)) == [
            other_org.pk]


def test_archive_media(number, sms, provider, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    media = MediaFactory(message__conversation__own_number=number)
    answer(provider, "getMMSMedia", PNG, content_type="image/png")
    assert "archive_media: 1 organizations done" in run("archive_media", org="harbor")
    with scopes_disabled():
        assert Media.objects.get(pk=media.pk).state == MediaState.ARCHIVED


@pytest.mark.parametrize("name", ["sync_messages", "process_webhook_events", "renew_tokens",
                                  "archive_media"])
def test_job_is_scheduled(db, name):
    from django_q.models import Schedule

    assert Schedule.objects.filter(name=name).count() == 1
