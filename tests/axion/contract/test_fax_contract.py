"""FaxClient against the sandbox's fax status API: every method, and its errors."""

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

import axion
from axion.errors import NotAllowed, WrongCredentials
from tests.sandbox.factories import SandboxFaxFactory

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
# Yesterday at noon in New York: long final, and its faxes share one calendar day.
SENT_AT = dt.datetime.combine(timezone.now().astimezone(NEW_YORK).date() - dt.timedelta(days=1),
                              dt.time(12), tzinfo=NEW_YORK)


@pytest.fixture
def faxes(account):
    return [
        SandboxFaxFactory(account=account, customer_field="test 1", time=SENT_AT,
                          source="18056421414", destination="18002255288", pages=2,
                          try_count=1),
        SandboxFaxFactory(account=account, customer_field="test 2",
                          time=SENT_AT + dt.timedelta(minutes=1), outcome="FAILED", try_count=3),
        SandboxFaxFactory(account=account, customer_field=None, destination="1234",
                          time=SENT_AT + dt.timedelta(minutes=2), outcome="FAILED"),
    ]


def test_login_stores_a_session_token(fax_client, fax_connection):
    fax_client.login()
    fax_connection.refresh_from_db()
    assert fax_connection.session_token
    assert fax_connection.token_expires_at > timezone.now() + dt.timedelta(days=29)


def test_login_with_a_wrong_password_is_wrong_credentials(connection_with):
    with axion.client_for(connection_with("fax", password="guess")) as client:
        with pytest.raises(WrongCredentials):
            client.login()


def test_login_with_an_unknown_api_key_is_not_allowed(connection_with):
    with axion.client_for(connection_with("fax", api_key="0" * 64)) as client:
        with pytest.raises(NotAllowed):
            client.login()


def test_fax_status_reads_typed_records(fax_client, faxes):
    [record] = fax_client.fax_status("test 1")
    assert record.customer_field == "test 1"
    assert record.source_number == "+18056421414"
    assert record.destination_number == "+18002255288"
    assert record.time == SENT_AT
    assert record.time.tzinfo == NEW_YORK
    assert (record.pages, record.status, record.try_count) == (2, "SENT", 1)


def test_fax_status_without_match_is_an_empty_list(fax_client, faxes):
    assert fax_client.fax_status("nothing") == []


def test_all_faxes_lists_the_day_with_null_fields_and_short_destinations(fax_client, faxes):
    records = fax_client.all_faxes(SENT_AT.astimezone(NEW_YORK).date())
    by_field = {record.customer_field: record for record in records}
    assert set(by_field) == {"test 1", "test 2", None}
    assert by_field[None].destination_number == "1234"
    assert by_field["test 2"].status == "FAILED"
    assert by_field["test 2"].try_count == 3


def test_all_faxes_of_an_empty_day_is_an_empty_list(fax_client, faxes):
    assert fax_client.all_faxes(dt.date(2017, 11, 29)) == []


def test_fax_group_status_reads_every_field(fax_client, faxes):
    records = fax_client.fax_group_status(["test 1", "test 2", "unknown"])
    assert sorted(record.customer_field for record in records) == ["test 1", "test 2"]


def test_fax_group_status_without_match_is_an_empty_list(fax_client, faxes):
    assert fax_client.fax_group_status(["unknown"]) == []


def test_young_fax_reads_queued(fax_client, account):
    SandboxFaxFactory(account=account, customer_field="fresh", time=timezone.now())
    [record] = fax_client.fax_status("fresh")
    assert (record.status, record.try_count) == ("QUEUED", 0)


def test_a_rejected_token_is_renewed_once(fax_client, fax_connection, faxes):
    fax_connection.session_token = "revoked-token"
    fax_connection.token_expires_at = timezone.now() + dt.timedelta(days=10)
    fax_connection.save()
    assert len(fax_client.fax_status("test 1")) == 1
    fax_connection.refresh_from_db()
    assert fax_connection.session_token != "revoked-token"
