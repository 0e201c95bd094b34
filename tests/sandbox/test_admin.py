"""The sandbox's admin pages, and the action that simulates an inbound message."""

import json

import pytest
import responses

from sandbox.models import SandboxMessage
from tests.accounts.two_factor_helpers import verified_client
from tests.factories import UserFactory
from tests.sandbox.callback import CALLBACK
from tests.sandbox.factories import SandboxFaxFactory, SandboxMediaFactory


@pytest.fixture
def staff_client(db):
    # The admin lets in a session that gave its two-factor code.
    return verified_client(UserFactory(is_staff=True, is_superuser=True))


@pytest.mark.parametrize("model", ["sandboxaccount", "sandboxtoken", "sandboxnumber",
                                   "sandboxfax", "sandboxmessage"])
def test_changelist_renders(staff_client, model, number, fax_token):
    SandboxFaxFactory(account=number.account)
    SandboxMediaFactory(message__number=number)
    response = staff_client.get(f"/admin/sandbox/{model}/")
    assert response.status_code == 200


def test_message_page_renders_with_its_media(staff_client, number):
    media = SandboxMediaFactory(message__number=number)
    response = staff_client.get(f"/admin/sandbox/sandboxmessage/{media.message.pk}/change/")
    assert response.status_code == 200
    assert media.key.encode() in response.content


def test_action_simulates_an_inbound_text(staff_client, number):
    number.callback_url = CALLBACK
    number.save()
    with responses.RequestsMock() as mock:
        mock.add(responses.POST, CALLBACK, status=200)
        response = staff_client.post("/admin/sandbox/sandboxnumber/", {
            "action": "simulate_inbound_text", "_selected_action": [number.pk]}, follow=True)
        assert json.loads(mock.calls[0].request.body)["event"] == "newSMS"
    assert b"delivered the newSMS event" in response.content
    assert SandboxMessage.objects.get().status == "RECEIVED"


def test_action_with_picture_attaches_a_png(staff_client, number):
    response = staff_client.post("/admin/sandbox/sandboxnumber/", {
        "action": "simulate_inbound_picture", "_selected_action": [number.pk]}, follow=True)
    assert b"no callback URL" in response.content
    assert SandboxMessage.objects.get().media.get().content_type == "image/png"
