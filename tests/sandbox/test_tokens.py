"""Logins and session tokens: 30 days each, a new one per login, old ones still valid."""

from datetime import timedelta

from django.utils import timezone

from sandbox.models import SandboxToken


def fax_login(post_fax, account):
    return post_fax({"METHOD": "User_Login", "API_KEY": account.api_key,
                     "USERNAME": account.username, "PASSWORD": account.password}).json()


def fax_status(post_fax, account, token):
    return post_fax({"METHOD": "Fax_Status", "API_KEY": account.api_key, "SESSION_TOKEN": token,
                     "CUSTOMER_PROVIDED_FAX_FIELD": "test 1"}).json()


def test_fax_login_returns_a_session_token(post_fax, account):
    body = fax_login(post_fax, account)
    assert set(body) == {"RESULT", "SESSION_TOKEN"}
    assert body["RESULT"] == "OK"
    assert len(body["SESSION_TOKEN"]) > 40


def test_sms_login_returns_a_session_token(post_sms, account):
    body = post_sms({"method": "userLogin", "apiKey": account.api_key,
                     "username": account.username, "password": account.password}).json()
    assert set(body) == {"RESULT", "sessionToken"}
    assert body["RESULT"] == "OK"


def test_one_account_logs_in_to_both_apis(post_fax, post_sms, account):
    assert fax_login(post_fax, account)["RESULT"] == "OK"
    body = post_sms({"method": "userLogin", "apiKey": account.api_key,
                     "username": account.username, "password": account.password}).json()
    assert body["RESULT"] == "OK"


def test_each_login_yields_a_new_token(post_fax, account):
    assert fax_login(post_fax, account)["SESSION_TOKEN"] != fax_login(
        post_fax, account)["SESSION_TOKEN"]


def test_older_token_stays_valid_after_a_new_login(post_fax, account):
    first = fax_login(post_fax, account)["SESSION_TOKEN"]
    fax_login(post_fax, account)
    assert fax_status(post_fax, account, first)["ERROR"] == "NOT FOUND"  # authenticated


def test_token_expires_30_days_after_login(post_fax, account):
    token = fax_login(post_fax, account)["SESSION_TOKEN"]
    row = SandboxToken.objects.get(token=token)
    assert row.expires_at - row.created_at == timedelta(days=30)


def test_token_still_works_just_before_30_days(post_fax, account, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    token = fax_login(post_fax, account)["SESSION_TOKEN"]
    time_machine.shift(timedelta(days=30) - timedelta(seconds=1))
    assert fax_status(post_fax, account, token)["ERROR"] == "NOT FOUND"


def test_token_is_not_allowed_after_30_days(post_fax, account, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    token = fax_login(post_fax, account)["SESSION_TOKEN"]
    time_machine.shift(timedelta(days=30))
    assert fax_status(post_fax, account, token) == {"RESULT": "ERROR", "ERROR": "NOT ALLOWED"}


def test_new_login_after_expiry_works_again(post_fax, account, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    fax_login(post_fax, account)
    time_machine.shift(timedelta(days=31))
    token = fax_login(post_fax, account)["SESSION_TOKEN"]
    assert fax_status(post_fax, account, token)["ERROR"] == "NOT FOUND"


def test_version_check_needs_only_the_api_key(post_sms, account):
    body = post_sms({"method": "userLogin", "apiKey": account.api_key}).json()
    assert body["RESULT"] == "OK"
    assert set(body) == {"RESULT", "version", "hash", "buildTime"}
    assert body["version"] == "9"
    assert all(isinstance(value, str) for value in body.values())


def test_version_check_with_unknown_api_key_is_not_allowed(post_sms, db):
    body = post_sms({"method": "userLogin", "apiKey": "nope"}).json()
    assert body == {"RESULT": "ERROR", "ERROR": "NOT ALLOWED"}


def test_version_check_makes_no_token(post_sms, account):
    body = post_sms({"method": "userLogin", "apiKey": account.api_key}).json()
    assert body["version"] == "9"  # the control: the version check answered
    assert not SandboxToken.objects.exists()
