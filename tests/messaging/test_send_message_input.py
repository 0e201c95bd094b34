"""POST /api/v1/messages/: the body as its schema states it. Fields it does not declare are
refused (`priority` is no option of a send), numbers are E.164, texts are JSON strings, and a
number the organization does not have is a 404 on `from`, as any object of another
organization is; nothing is sent in any of these cases."""

import base64
import json

import pytest

from tests.api.helpers import error_of
from tests.axion import bodies
from tests.messaging.factories import MessagingNumberFactory
from tests.messaging.provider import OTHER, OWN, answer, sent

URL = "/api/v1/messages/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.fixture
def ok(provider, sms, number):
    answer(provider, "sendSMS", bodies.SEND_OK)
    return provider


def test_an_unknown_field_is_400_naming_it_and_nothing_is_sent(ok, api):
    response = post(api, {"from": OWN, "to": [OTHER], "text": "Hi", "priority": "high"})
    assert response.status_code == 400
    error = error_of(response)
    assert list(error["fields"]) == ["priority"]
    assert error["message"].startswith("priority: Unknown field")
    assert sent(ok, "sendSMS") == []


@pytest.mark.parametrize("body, field", [
    ({"from": "(805) 642-1414", "to": [OTHER], "text": "Hi"}, "from"),
    ({"from": OWN, "to": ["805.642.1415"], "text": "Hi"}, "to.0"),
    ({"from": OWN, "to": [OTHER, "+1 310 555 0100"], "text": "Hi"}, "to.1"),
    ({"from": OWN, "to": [f"{OTHER}\n"], "text": "Hi"}, "to.0"),
])
def test_numbers_are_e164_only(ok, api, body, field):
    response = post(api, body)
    assert response.status_code == 400
    assert error_of(response)["fields"] == {
        field: ["Enter a US number in E.164, such as +18056421414."]}
    assert sent(ok, "sendSMS") == []


@pytest.mark.parametrize("body, field", [
    ({"from": OWN, "to": [OTHER], "text": 42}, "text"),
    ({"from": OWN, "to": [OTHER], "text": "Hi", "client_reference": 17}, "client_reference"),
    ({"from": OWN, "to": [18056421415], "text": "Hi"}, "to.0"),
])
def test_a_text_field_takes_only_a_json_string(ok, api, body, field):
    response = post(api, body)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


@pytest.mark.parametrize("text", ["", " \n\t", "\x1c\u3000"])
def test_a_text_of_white_space_alone_is_400(ok, api, text):
    response = post(api, {"from": OWN, "to": [OTHER], "text": text})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"text": ["Write a message or attach a file."]}


@pytest.mark.parametrize("media", ["", "iVBO Rw0K GgoA AAAA"])
def test_media_that_is_not_base64_of_a_file_is_400(ok, api, media):
    response = post(api, {"from": OWN, "to": [OTHER], "media": media, "media_type": "image/png"})
    assert response.status_code == 400
    assert "media" in error_of(response)["fields"]


def test_media_with_crlf_line_breaks_is_accepted(ok, api):
    encoded = base64.encodebytes(PNG * 3).decode().replace("\n", "\r\n")
    response = post(api, {"from": OWN, "to": [OTHER], "media": encoded,
                          "media_type": "image/png"})
    assert response.status_code == 201, response.content


def test_a_number_the_organization_does_not_have_is_404_on_from(ok, other_org, api):
    MessagingNumberFactory(organization=other_org, number="+18056429999")
    for number in ("+18056429999", "+13105559999"):
        response = post(api, {"from": number, "to": [OTHER], "text": "Hi"})
        assert response.status_code == 404
        error = error_of(response)
        assert error["code"] == "not_found"
        assert error["fields"] == {"from": [f"{number} is not a number of this organization."]}
    assert sent(ok, "sendSMS") == []


def test_bad_input_is_400_before_an_unknown_number_is_404(ok, api):
    response = post(api, {"from": "+13105559999", "to": ["12"], "text": "Hi"})
    assert response.status_code == 400
