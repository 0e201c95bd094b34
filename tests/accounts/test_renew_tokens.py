"""renew_tokens (accounts/tasks.py): a new login, well before expiry, for every connection
that needs one (docs/provider.md, quirk 1); `run_job renew_tokens` runs it once."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled
from responses import matchers

from accounts.jobs import lock_name
from accounts.models import Connection
from accounts.tasks import renew_tokens
from common.locks import job_lock
from tests.axion.bodies import FAX_LOGIN_OK, OTHER_TOKEN, SMS_LOGIN_OK, TOKEN
from tests.clock import NOW
from tests.factories import ConnectionFactory
from tests.messaging.factories import SmsConnectionFactory
from tests.messaging.provider import answer, error, sent

pytestmark = pytest.mark.usefixtures("clock")

RENEWED = {"RESULT": "OK", "sessionToken": OTHER_TOKEN}


def expiring_in(org, delta, **fields) -> Connection:
    return SmsConnectionFactory(organization=org, token_expires_at=NOW + delta, **fields)


def reloaded(connection) -> Connection:
    with scopes_disabled():
        return Connection.objects.get(pk=connection.pk)


def test_token_expiring_within_5_days_is_renewed_for_30_days(org, provider):
    connection = expiring_in(org, timedelta(days=4, hours=23))
    answer(provider, "userLogin", RENEWED)
    assert renew_tokens() == "1 tokens renewed, 0 failed"
    renewed = reloaded(connection)
    assert (renewed.session_token, renewed.token_expires_at) == (
        OTHER_TOKEN, NOW + timedelta(days=30))


def test_login_sends_the_stored_credentials(org, provider):
    connection = expiring_in(org, timedelta(days=1))
    answer(provider, "userLogin", RENEWED)
    renew_tokens()
    [login] = sent(provider, "userLogin")
    assert (login["apiKey"], login["username"], login["password"]) == (
        connection.api_key, connection.username, connection.password)


def test_expired_token_is_renewed(org, provider):
    connection = expiring_in(org, -timedelta(days=2))
    answer(provider, "userLogin", RENEWED)
    renew_tokens()
    assert reloaded(connection).session_token == OTHER_TOKEN


@pytest.mark.parametrize("fields", [
    pytest.param({"session_token": "", "token_expires_at": None}, id="no-token"),
    pytest.param({"session_token": ""}, id="token-cleared"),
])
def test_missing_token_is_renewed(org, provider, fields):
    connection = SmsConnectionFactory(organization=org, **fields)
    answer(provider, "userLogin", RENEWED)
    renew_tokens()
    assert reloaded(connection).session_token == OTHER_TOKEN


def test_token_valid_beyond_5_days_is_left_alone(org, provider):
    expiring_in(org, timedelta(days=5, hours=1))
    assert renew_tokens() == "0 tokens renewed, 0 failed"
    assert len(provider.calls) == 0


def test_renewal_window_is_a_setting(org, provider, settings):
    settings.TOKEN_RENEW_DAYS = 10
    expiring_in(org, timedelta(days=7))
    answer(provider, "userLogin", RENEWED)
    assert renew_tokens() == "1 tokens renewed, 0 failed"


def test_wrong_credentials_mark_the_connection_failing(org, provider):
    connection = expiring_in(org, timedelta(days=1))
    answer(provider, "userLogin", error("WRONG CREDENTIALS"))
    assert renew_tokens() == "0 tokens renewed, 1 failed"
    failing = reloaded(connection)
    assert failing.failing_since == NOW
    assert "rejected the stored username or password" in failing.last_error
    assert failing.session_token == TOKEN  # still usable until it expires


def test_good_login_clears_the_failing_mark(org, provider):
    connection = expiring_in(org, timedelta(days=1), failing_since=NOW - timedelta(days=1),
                             last_error="Axion rejected the stored username or password.")
    answer(provider, "userLogin", RENEWED)
    renew_tokens()
    renewed = reloaded(connection)
    assert (renewed.failing_since, renewed.last_error) == (None, "")


def test_provider_down_is_not_a_credentials_failure(org, provider):
    connection = expiring_in(org, timedelta(days=1))
    answer(provider, "userLogin", "Bad Gateway", status=502, content_type="text/plain")
    assert renew_tokens() == "0 tokens renewed, 1 failed"
    assert reloaded(connection).failing_since is None


def test_one_failure_does_not_stop_the_others(org, other_org, provider):
    expiring_in(org, timedelta(days=1))
    theirs = expiring_in(other_org, timedelta(days=1), api_url="https://sms2.axion.example/api")
    answer(provider, "userLogin", error("WRONG CREDENTIALS"))
    provider.post("https://sms2.axion.example/api", json=RENEWED)
    assert renew_tokens() == "1 tokens renewed, 1 failed"
    assert reloaded(theirs).session_token == OTHER_TOKEN


def test_fax_connections_are_renewed_too(org, provider):
    fax = ConnectionFactory(organization=org, token_expires_at=NOW + timedelta(days=1),
                            session_token=TOKEN)
    provider.post(fax.api_url, body=FAX_LOGIN_OK.replace(TOKEN, OTHER_TOKEN),
                  content_type="application/json",
                  match=[matchers.json_params_matcher({"METHOD": "User_Login"},
                                                      strict_match=False)])
    assert renew_tokens() == "1 tokens renewed, 0 failed"
    assert reloaded(fax).session_token == OTHER_TOKEN


def test_one_organization_only(org, other_org, provider):
    expiring_in(org, timedelta(days=1))
    expiring_in(other_org, timedelta(days=1))
    answer(provider, "userLogin", SMS_LOGIN_OK)
    assert renew_tokens(organization_id=other_org.pk) == "1 tokens renewed, 0 failed"


def test_connection_being_renewed_elsewhere_is_skipped(org, provider):
    expiring_in(org, timedelta(days=1))
    # Renewals hold their organization's lock of the job (accounts.jobs.organization_work).
    with job_lock(lock_name("renew_tokens", org.pk)):
        assert renew_tokens() == "0 tokens renewed, 0 failed"
    assert len(provider.calls) == 0


def test_run_job_renews_the_tokens_of_one_organization(org, provider):
    connection = SmsConnectionFactory(organization=org, token_expires_at=NOW + timedelta(days=1))
    answer(provider, "userLogin", {"RESULT": "OK", "sessionToken": OTHER_TOKEN})
    out = StringIO()
    call_command("run_job", "renew_tokens", org="harbor", stdout=out)
    assert "renew_tokens: 1 tokens renewed, 0 failed" in out.getvalue()
    with scopes_disabled():
        assert Connection.objects.get(pk=connection.pk).session_token == OTHER_TOKEN
