"""updateNumber sets the callback URL of one of the account's numbers."""

import pytest

from tests.sandbox.callback import CALLBACK
from tests.sandbox.factories import SandboxNumberFactory


def test_update_number_sets_the_callback_url(sms_call, number):
    body = sms_call("updateNumber", number=number.number, callbackUrl=CALLBACK).json()
    assert body == {"RESULT": "OK"}
    number.refresh_from_db()
    assert number.callback_url == CALLBACK


def test_empty_callback_url_clears_it(sms_call, number):
    number.callback_url = CALLBACK
    number.save()
    sms_call("updateNumber", number=number.number, callbackUrl="")
    number.refresh_from_db()
    assert number.callback_url == ""


def test_number_of_another_account_is_not_found(sms_call, number):
    other = SandboxNumberFactory()
    body = sms_call("updateNumber", number=other.number, callbackUrl=CALLBACK).json()
    assert body["ERROR"] == "NOT FOUND"
    other.refresh_from_db()
    assert other.callback_url == ""


def test_number_not_in_e164_is_missing_parameters(sms_call, number):
    body = sms_call("updateNumber", number="13109549528", callbackUrl=CALLBACK).json()
    assert body["ERROR"] == "MISSING PARAMETERS"


@pytest.mark.parametrize("url", ["not a url", "ftp://portal.example.test/x", None])
def test_bad_callback_url_is_missing_parameters(sms_call, number, url):
    body = sms_call("updateNumber", number=number.number, callbackUrl=url).json()
    assert body["ERROR"] == "MISSING PARAMETERS"
