""""Test connection" on a connection's panel: the SMS API's version check and a login (the
fax API's login alone), nothing else; the outcome inline in the panel, in its history and
the audit log."""

import json

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry, Connection, ConnectionCheck
from tests.axion.bodies import FAX_LOGIN_OK, SMS_LOGIN_OK, SMS_VERSION_OK
from tests.clock import NOW
from tests.faxes.recorded import answer as fax_answer
from tests.faxes.recorded import sent as fax_sent
from tests.messaging.provider import answer, error

SMS_TEST = "/operations/connections/sms/test/"


def last_test() -> ConnectionCheck:
    with scopes_disabled():
        return ConnectionCheck.objects.get(kind=ConnectionCheck.Kind.TEST)


def reloaded(connection) -> Connection:
    with scopes_disabled():
        return Connection.objects.get(pk=connection.pk)


def methods(provider) -> list[str]:
    return [json.loads(call.request.body).get("method") for call in provider.calls]


def test_a_good_test_checks_the_version_then_logs_in_and_nothing_else(admin_client_, sms,
                                                                      provider):
    answer(provider, "userLogin", SMS_VERSION_OK)
    answer(provider, "userLogin", SMS_LOGIN_OK)
    admin_client_.post(SMS_TEST)
    calls = [json.loads(call.request.body) for call in provider.calls]
    assert [c["method"] for c in calls] == ["userLogin", "userLogin"]
    assert "username" not in calls[0] and "username" in calls[1]
    test = last_test()
    assert (test.ok, test.version, test.at) == (True, "9", NOW)
    assert test.detail.startswith("Version check: OK (SMS API 9). Login: OK")


def test_the_result_shows_inline_in_the_connections_panel(admin_client_, sms, provider):
    answer(provider, "userLogin", SMS_VERSION_OK)
    answer(provider, "userLogin", SMS_LOGIN_OK)
    response = admin_client_.post(SMS_TEST, follow=True)
    assert response.redirect_chain[-1][0] == "/organization/connections/#connection-sms"
    page = response.content.decode()
    panel = page[page.index('id="connection-sms"'):]
    assert "Test passed" in panel and "Version check: OK" in panel


def test_a_test_with_wrong_credentials_fails_and_says_why(admin_client_, sms, provider):
    answer(provider, "userLogin", SMS_VERSION_OK)
    answer(provider, "userLogin", error("WRONG CREDENTIALS"))
    page = admin_client_.post(SMS_TEST, follow=True).content.decode()
    test = last_test()
    assert not test.ok
    assert "Login: failed. Axion rejected the stored username or password" in test.detail
    assert "Test failed" in page and "Axion rejected the stored username or password" in page


def test_wrong_credentials_mark_the_connection_failing(admin_client_, sms, provider):
    answer(provider, "userLogin", SMS_VERSION_OK)
    answer(provider, "userLogin", error("WRONG CREDENTIALS"))
    admin_client_.post(SMS_TEST)
    assert reloaded(sms).failing_since == NOW


def test_a_wrong_api_key_fails_at_the_version_check(admin_client_, sms, provider):
    answer(provider, "userLogin", error("NOT ALLOWED"))
    admin_client_.post(SMS_TEST)
    assert last_test().detail.startswith("Version check: failed. Axion did not accept the "
                                         "API key")
    assert methods(provider) == ["userLogin"]


def test_a_good_test_clears_the_failing_mark(admin_client_, org, provider):
    from tests.messaging.factories import SmsConnectionFactory

    connection = SmsConnectionFactory(organization=org, failing_since=NOW,
                                      last_error="Axion rejected the stored username.")
    answer(provider, "userLogin", SMS_VERSION_OK)
    answer(provider, "userLogin", SMS_LOGIN_OK)
    admin_client_.post(SMS_TEST)
    assert reloaded(connection).failing_since is None


def test_the_fax_test_is_the_login_alone(admin_client_, fax_connection, provider):
    fax_answer(provider, "User_Login", FAX_LOGIN_OK)
    admin_client_.post("/operations/connections/fax/test/")
    assert len(fax_sent(provider, "User_Login")) == len(provider.calls) == 1
    test = last_test()
    assert test.ok and "The fax API has no version check" in test.detail


def test_a_test_is_in_the_audit_log(admin_client_, sms, provider, admin_member):
    answer(provider, "userLogin", SMS_VERSION_OK)
    answer(provider, "userLogin", SMS_LOGIN_OK)
    admin_client_.post(SMS_TEST)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="connection.tested")
    assert (entry.actor, entry.target, entry.detail) == (admin_member.user, "sms", {"ok": True})


def test_testing_a_connection_the_organization_does_not_have_is_404(admin_client_, provider):
    assert admin_client_.post(SMS_TEST).status_code == 404
    assert len(provider.calls) == 0


def test_another_organizations_connection_is_not_tested(outsider_client, sms, provider):
    assert outsider_client.post(SMS_TEST).status_code == 404
    assert len(provider.calls) == 0


@pytest.mark.parametrize("who", ["viewer_client", "agent_client"])
def test_viewers_and_agents_may_not_test_connections(request, who, sms, provider):
    assert request.getfixturevalue(who).post(SMS_TEST).status_code == 403
    assert len(provider.calls) == 0
