"""A connection's panel on the Connections page: its whole lifecycle (last successful call,
last login, token expiry and the planned renewal, renewals, last failures)."""

from datetime import timedelta

from django_q.models import Schedule
from django_scopes import scopes_disabled

from accounts.models import Connection, ConnectionCheck
from messaging.models import MessageSync
from operations.connections import planned_renewal
from tests.clock import NOW
from tests.messaging.factories import SmsConnectionFactory
from tests.operations.factories import ConnectionCheckFactory

URL = "/organization/connections/"


def panel(client, kind="sms") -> str:
    page = client.get(URL).content.decode()
    part = page[page.index(f'id="connection-{kind}"'):]
    return part[:part.index("</article>")]


def test_the_panel_shows_the_token_its_login_and_the_planned_renewal(admin_client_, org):
    SmsConnectionFactory(organization=org, token_expires_at=NOW + timedelta(days=20))
    Schedule.objects.filter(name="renew_tokens").update(next_run=NOW + timedelta(hours=3))
    text = panel(admin_client_)
    assert "Last login</dt>\n        <dd>2024-02-20 07:00" in text  # 30 days before expiry
    assert "2024-03-21 08:00" in text  # expiry, New York (summer) time
    # Due 5 days before expiry (12:00 UTC on 16 March): the daily run from 15:00 UTC on.
    assert "Planned renewal</dt>\n        <dd>2024-03-16 11:00" in text


def test_the_panel_lists_renewals_and_failures_in_the_portals_words(admin_client_, org):
    connection = SmsConnectionFactory(organization=org)
    ConnectionCheckFactory(connection=connection, at=NOW - timedelta(days=25))
    ConnectionCheckFactory(connection=connection, ok=False, at=NOW - timedelta(days=1),
                           detail="Axion could not be reached. Try again in a minute.")
    with scopes_disabled():
        MessageSync.objects.create(organization=org, last_error_at=NOW,
                                   last_error="Axion did not answer in time.")
    text = panel(admin_client_)
    renewals = text[text.index("<h3>Renewals</h3>"):text.index("<h3>Last failures</h3>")]
    assert renewals.count("<li>") == 2 and "Renewed" in renewals and "Failed" in renewals
    failures = text[text.index("<h3>Last failures</h3>"):]
    assert failures.index("Message sync") < failures.index("Axion could not be reached")


def test_the_last_successful_call_is_the_newest_known_to_have_worked(admin_client_, org):
    connection = SmsConnectionFactory(organization=org, token_expires_at=NOW + timedelta(days=20))
    ConnectionCheckFactory(connection=connection, kind=ConnectionCheck.Kind.TEST, at=NOW)
    with scopes_disabled():
        MessageSync.objects.create(organization=org, last_success_at=NOW - timedelta(hours=1))
    text = panel(admin_client_)
    assert "(connection test," in text


def test_a_connection_without_a_token_is_renewed_at_the_next_run(org):
    connection = Connection(session_token="", token_expires_at=None)
    assert planned_renewal(connection, NOW, 1440) == NOW


def test_a_token_already_due_is_renewed_at_the_next_run(org):
    connection = Connection(session_token="t", token_expires_at=NOW + timedelta(days=2))
    assert planned_renewal(connection, NOW + timedelta(hours=1), 1440) == NOW + timedelta(hours=1)


def test_the_panel_has_the_test_button_for_each_connection(admin_client_, org, fax_connection):
    SmsConnectionFactory(organization=org)
    assert 'action="/operations/connections/sms/test/"' in panel(admin_client_)
    fax = panel(admin_client_, "fax")
    assert 'action="/operations/connections/fax/test/"' in fax
    assert "no version check" in fax


def test_the_panel_shows_no_secret(admin_client_, org):
    connection = SmsConnectionFactory(organization=org)
    text = panel(admin_client_)
    for secret in (connection.api_key, connection.password, connection.session_token):
        assert secret not in text
