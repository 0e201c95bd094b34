"""What people are told when the provider fails (axion/wording.py): the portal's own words,
with the provider's error code when it gave one, never its raw answer."""

import pytest

from axion import errors
from axion.wording import describe_provider_error
from tests.axion.recorded import answer


def told(provider, transport, body) -> tuple[errors.AxionError, str]:
    answer(provider, "User_Login", body)
    with pytest.raises(errors.AxionError) as caught:
        transport.login()
    return caught.value, describe_provider_error(caught.value)


@pytest.mark.parametrize("code", ["ACCOUNT SUSPENDED", "QUOTA_EXCEEDED", "E1001"])
def test_unknown_error_that_looks_like_a_code_is_told_with_its_code(provider, fax_transport,
                                                                     code):
    error, words = told(provider, fax_transport, {"RESULT": "ERROR", "MESSAGE": code})
    assert f"Axion answered with an error (code {code})." in words
    assert error.provider_code == code


@pytest.mark.parametrize("text", [
    "<html><body>Internal gateway 10.0.0.3 failed</body></html>",
    "Account suspended: call +1 805 555 0100",
    "A" * 41,
    "ERROR: see https://status.example/x",
])
def test_unknown_error_in_free_text_is_told_without_it(provider, fax_transport, text):
    error, words = told(provider, fax_transport, {"RESULT": "ERROR", "MESSAGE": text})
    assert words.startswith("Axion answered with an error. ")
    assert text not in words
    assert text not in str(error)
    assert error.provider_code == ""


def test_bare_error_result_is_told_without_a_code(provider, fax_transport):
    _, words = told(provider, fax_transport, {"RESULT": "ERROR"})
    assert words.startswith("Axion answered with an error. ")


def test_refused_url_tells_an_admin_what_to_correct():
    words = describe_provider_error(errors.URLNotAllowed("Fax_Status: 10.0.0.1 is not public"))
    assert "API URL" in words and "Connections" in words
    assert "10.0.0.1" not in words


def test_too_large_answer_is_told_as_such():
    words = describe_provider_error(errors.ReplyTooLarge("Fax_Status: 9999999 bytes"))
    assert words.startswith("Axion's answer was larger than the portal accepts.")
