"""Every documented error, in the one body shape {"RESULT": "ERROR", "ERROR": "..."}."""

import pytest

from tests.sandbox.factories import SandboxAccountFactory

ENDPOINTS = ["/sandbox/fax", "/sandbox/sms"]


def error(response):
    return response.json()


@pytest.mark.parametrize("url", ENDPOINTS)
def test_get_is_not_allowed_with_an_error_body(client, db, url):
    response = client.get(url)
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert response.json() == {"RESULT": "ERROR", "ERROR": "NOT ALLOWED"}


@pytest.mark.parametrize("url", ENDPOINTS)
def test_errors_travel_with_http_200(client, db, url):
    response = client.post(url, data="{", content_type="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_body_that_is_not_json_is_invalid_json(post_fax, db):
    assert error(post_fax("not json")) == {"RESULT": "ERROR", "ERROR": "INVALID JSON"}


def test_json_that_is_not_an_object_is_invalid_json(post_sms, db):
    assert error(post_sms('["userLogin"]')) == {"RESULT": "ERROR", "ERROR": "INVALID JSON"}


def test_request_without_method_is_missing_parameters(post_sms, account):
    assert error(post_sms({"apiKey": account.api_key}))["ERROR"] == "MISSING PARAMETERS"


def test_fax_api_wants_upper_case_method_key(post_fax, account):
    body = {"method": "User_Login", "API_KEY": account.api_key}
    assert error(post_fax(body))["ERROR"] == "MISSING PARAMETERS"


def test_unknown_fax_method_is_invalid_method(post_fax, account):
    assert error(post_fax({"METHOD": "Fax_Send"}))["ERROR"] == "INVALID METHOD"


def test_sms_method_names_are_case_sensitive(post_sms, account):
    assert error(post_sms({"method": "getsms"}))["ERROR"] == "INVALID METHOD"


def test_fax_method_on_the_sms_api_is_invalid_method(post_sms, db):
    assert error(post_sms({"method": "User_Login"}))["ERROR"] == "INVALID METHOD"


def test_login_without_password_is_missing_parameters(post_fax, account):
    body = {"METHOD": "User_Login", "API_KEY": account.api_key, "USERNAME": "john_doe"}
    assert error(post_fax(body))["ERROR"] == "MISSING PARAMETERS"


def test_number_where_a_string_is_expected_is_missing_parameters(fax_call):
    assert fax_call("Fax_Status", CUSTOMER_PROVIDED_FAX_FIELD=1)["ERROR"] == "MISSING PARAMETERS"


def test_unknown_api_key_is_not_allowed(post_fax, account):
    body = {"METHOD": "User_Login", "API_KEY": "0" * 64, "USERNAME": account.username,
            "PASSWORD": account.password}
    assert error(post_fax(body)) == {"RESULT": "ERROR", "ERROR": "NOT ALLOWED"}


def test_unknown_session_token_is_not_allowed(post_fax, account):
    body = {"METHOD": "Fax_Status", "API_KEY": account.api_key, "SESSION_TOKEN": "forged",
            "CUSTOMER_PROVIDED_FAX_FIELD": "test 1"}
    assert error(post_fax(body))["ERROR"] == "NOT ALLOWED"


def test_token_of_the_fax_api_is_not_allowed_on_the_sms_api(post_sms, account, fax_token):
    body = {"method": "getSMS", "apiKey": account.api_key, "sessionToken": fax_token}
    assert error(post_sms(body))["ERROR"] == "NOT ALLOWED"


def test_token_with_another_accounts_api_key_is_not_allowed(post_fax, fax_token, db):
    other = SandboxAccountFactory()
    body = {"METHOD": "Fax_Status", "API_KEY": other.api_key, "SESSION_TOKEN": fax_token,
            "CUSTOMER_PROVIDED_FAX_FIELD": "test 1"}
    assert error(post_fax(body))["ERROR"] == "NOT ALLOWED"


def test_wrong_password_is_wrong_credentials(post_fax, account):
    body = {"METHOD": "User_Login", "API_KEY": account.api_key, "USERNAME": account.username,
            "PASSWORD": "guess"}
    assert error(post_fax(body)) == {"RESULT": "ERROR", "ERROR": "WRONG CREDENTIALS"}


def test_username_of_another_account_is_wrong_credentials(post_sms, account):
    other = SandboxAccountFactory()
    body = {"method": "userLogin", "apiKey": account.api_key, "username": other.username,
            "password": other.password}
    assert error(post_sms(body))["ERROR"] == "WRONG CREDENTIALS"


def test_no_matching_fax_is_not_found(fax_call):
    assert fax_call("Fax_Status", CUSTOMER_PROVIDED_FAX_FIELD="nothing") == {
        "RESULT": "ERROR", "ERROR": "NOT FOUND"}


def test_oversized_body_is_missing_parameters(post_sms, account):
    big = '{"method": "sendSMS", "file": "' + "A" * (6 * 1024 * 1024) + '"}'
    assert error(post_sms(big))["ERROR"] == "MISSING PARAMETERS"
