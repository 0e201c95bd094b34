"""deleteSMS deletes one message of the account by its uuid (docs/provider.md,
quirk 10), media included."""

from sandbox.models import SandboxMedia, SandboxMessage
from tests.sandbox.factories import SandboxMediaFactory, SandboxMessageFactory


def test_delete_removes_the_message_and_its_media(sms_call, number):
    message = SandboxMessageFactory(number=number)
    SandboxMediaFactory(message=message)
    body = sms_call("deleteSMS", uuid=str(message.uuid)).json()
    assert body == {"RESULT": "OK"}
    assert not SandboxMessage.objects.exists()
    assert not SandboxMedia.objects.exists()


def test_delete_echoes_the_customer_provided_id(sms_call, number):
    message = SandboxMessageFactory(number=number)
    body = sms_call("deleteSMS", uuid=str(message.uuid), customerProvidedId="c-1").json()
    assert body == {"RESULT": "OK", "customerProvidedId": "c-1"}


def test_deleting_twice_is_not_found(sms_call, number):
    message = SandboxMessageFactory(number=number)
    sms_call("deleteSMS", uuid=str(message.uuid))
    assert sms_call("deleteSMS", uuid=str(message.uuid)).json()["ERROR"] == "NOT FOUND"


def test_message_of_another_account_is_not_found_and_kept(sms_call, number):
    stranger = SandboxMessageFactory()
    assert sms_call("deleteSMS", uuid=str(stranger.uuid)).json()["ERROR"] == "NOT FOUND"
    assert SandboxMessage.objects.filter(pk=stranger.pk).exists()


def test_phone_number_instead_of_uuid_is_missing_parameters(sms_call, number):
    body = sms_call("deleteSMS", uuid="+18056421414").json()
    assert body == {"RESULT": "ERROR", "ERROR": "MISSING PARAMETERS"}


def test_delete_without_uuid_is_missing_parameters(sms_call, number):
    assert sms_call("deleteSMS").json()["ERROR"] == "MISSING PARAMETERS"
