"""SmsClient against the sandbox's SMS API: every method, and its errors."""

import base64
import datetime as dt

import pytest
from django.utils import timezone

import axion
from axion.errors import MissingParameters, NotAllowed, NotFound, WrongCredentials
from sandbox import media, tasks
from sandbox.models import MessageStatus, SandboxMessage
from tests.axion.contract.account import OWN_NUMBER
from tests.sandbox.factories import (
    SandboxMediaFactory,
    SandboxMessageFactory,
    SandboxNumberFactory,
)

CONTACT = "+18056421415"
CALLBACK = "https://portal.example.test/hooks/sms/abc/"


def test_version_needs_no_login(sms_client, sms_connection):
    info = sms_client.version()
    assert info.version == "9"
    assert info.hash and info.build_time
    sms_connection.refresh_from_db()
    assert not sms_connection.session_token


def test_version_with_an_unknown_api_key_is_not_allowed(connection_with):
    with axion.client_for(connection_with("sms", api_key="nope")) as client:
        with pytest.raises(NotAllowed):
            client.version()


def test_login_stores_a_session_token(sms_client, sms_connection):
    sms_client.login()
    sms_connection.refresh_from_db()
    assert sms_connection.session_token


def test_login_with_a_wrong_password_is_wrong_credentials(connection_with):
    with axion.client_for(connection_with("sms", password="guess")) as client:
        with pytest.raises(WrongCredentials):
            client.login()


def test_send_sms_returns_the_receipt_of_a_queued_message(sms_client, own_number):
    before = timezone.now().replace(microsecond=0)
    receipt = sms_client.send_sms(OWN_NUMBER, [CONTACT], "Hello",
                                  customer_provided_id="order-17")
    assert receipt.customer_provided_id == "order-17"
    assert receipt.time >= before
    assert receipt.time.utcoffset() == dt.timedelta(0)
    assert SandboxMessage.objects.get(uuid=receipt.uuid).status == MessageStatus.QUEUED


def test_send_mms_stores_the_file(sms_client, own_number):
    data = media.png_bytes()
    receipt = sms_client.send_sms(OWN_NUMBER, CONTACT, "", file_b64=base64.b64encode(data).decode())
    stored = SandboxMessage.objects.get(uuid=receipt.uuid).media.get()
    assert bytes(stored.data) == data


def test_send_to_a_foreign_number_is_missing_parameters(sms_client, own_number):
    with pytest.raises(MissingParameters):
        sms_client.send_sms(OWN_NUMBER, ["+442071838750"], "Hello")


def test_send_from_a_number_of_another_account_is_not_found(sms_client, own_number):
    with pytest.raises(NotFound):
        sms_client.send_sms(SandboxNumberFactory().number, [CONTACT], "Hello")


def test_sent_message_reads_sent_once_advanced(sms_client, own_number):
    receipt = sms_client.send_sms(OWN_NUMBER, [CONTACT], "Hello")
    SandboxMessage.objects.filter(uuid=receipt.uuid).update(due_at=timezone.now())
    tasks.advance_due_messages()
    [message] = sms_client.get_sms(uuid=receipt.uuid)
    assert message.status == "SENT"


def test_get_sms_reads_typed_messages(sms_client, own_number, account):
    sent_at = dt.datetime(2024, 5, 1, 12, 0, 5, tzinfo=dt.UTC)
    SandboxMessageFactory(number=own_number, dst=[CONTACT], text="Hi", time=sent_at)
    [message] = sms_client.get_sms()
    assert (message.source, message.destinations, message.text) == (OWN_NUMBER, [CONTACT], "Hi")
    assert message.time == sent_at
    assert message.status == "SENT"
    assert message.user_uuid == str(account.user_uuid)
    assert message.associated_number == OWN_NUMBER
    assert message.media == []


def test_get_sms_reads_an_inbound_picture_without_text(sms_client, own_number):
    inbound = SandboxMessageFactory(number=own_number, direction="in", src=CONTACT,
                                    dst=[OWN_NUMBER], text="", status="RECEIVED", user_uuid="")
    SandboxMediaFactory(message=inbound)
    [message] = sms_client.get_sms()
    assert message.text == ""
    assert len(message.media) == 1
    assert message.status == "RECEIVED"


def test_get_sms_filters_by_number_and_time(sms_client, own_number):
    start = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    for minute in range(3):
        SandboxMessageFactory(number=own_number, dst=[CONTACT], text=f"m{minute}",
                              time=start + dt.timedelta(minutes=minute))
    SandboxMessageFactory(number=own_number, dst=["+12135550143"], text="other", time=start)
    messages = sms_client.get_sms(number=CONTACT, from_time=start + dt.timedelta(minutes=1),
                                  sort="ASC")
    assert [message.text for message in messages] == ["m1", "m2"]


def test_get_sms_without_match_is_an_empty_list(sms_client, own_number):
    assert sms_client.get_sms(message_status="FAILED") == []


def test_iter_sms_pages_through_everything_oldest_first(sms_client, own_number):
    start = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)
    SandboxMessage.objects.bulk_create([
        SandboxMessage(account=own_number.account, number=own_number, direction="out",
                       src=OWN_NUMBER, dst=[CONTACT], text=f"m{i}", status="SENT",
                       time=start + dt.timedelta(seconds=i),
                       parties=SandboxMessage.parties_of(OWN_NUMBER, [CONTACT]))
        for i in range(230)])
    messages = list(sms_client.iter_sms(messaging_number=OWN_NUMBER))
    assert len({message.uuid for message in messages}) == 230
    assert [message.text for message in messages[:2]] == ["m0", "m1"]
    assert messages[-1].text == "m229"


def test_get_media_returns_the_bytes_and_type(sms_client, own_number):
    message = SandboxMessageFactory(number=own_number)
    SandboxMediaFactory(message=message, data=media.gif_bytes(), content_type="image/gif",
                        extension="gif")
    [listed] = sms_client.get_sms()
    file = sms_client.get_media(listed.media[0])
    assert file.content == media.gif_bytes()
    assert file.content_type == "image/gif"


def test_get_media_of_an_unknown_url_is_not_found(sms_client, own_number):
    with pytest.raises(NotFound):
        sms_client.get_media("https://portal.example.test/sandbox/media/unknown.png")


def test_delete_sms_deletes_the_message(sms_client, own_number):
    message = SandboxMessageFactory(number=own_number)
    assert len(sms_client.get_sms(uuid=str(message.uuid))) == 1  # the control: found before
    sms_client.delete_sms(str(message.uuid), customer_provided_id="c-1")
    assert sms_client.get_sms(uuid=str(message.uuid)) == []


def test_delete_of_an_unknown_message_is_not_found(sms_client, own_number):
    with pytest.raises(NotFound):
        sms_client.delete_sms("ffadb6a1-752e-11e8-a2fe-323630393164")


def test_update_number_sets_the_callback_url(sms_client, own_number):
    sms_client.update_number(OWN_NUMBER, CALLBACK)
    own_number.refresh_from_db()
    assert own_number.callback_url == CALLBACK


def test_update_number_takes_the_providers_other_spellings(sms_client, own_number):
    sms_client.update_number("13109549528", CALLBACK)
    own_number.refresh_from_db()
    assert own_number.callback_url == CALLBACK


def test_update_of_a_number_of_another_account_is_not_found(sms_client, own_number):
    with pytest.raises(NotFound):
        sms_client.update_number(SandboxNumberFactory().number, CALLBACK)
