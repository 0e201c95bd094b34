"""FaxClient (axion/fax.py) against the provider's example bodies; docs/provider.md, quirks 3
to 8."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from axion import errors
from axion.fax import FaxClient, FaxRecord
from tests.axion.bodies import (
    ALL_FAXES_OK,
    API_KEY,
    FAX_GROUP_OK,
    FAX_LOGIN_OK,
    FAX_STATUS_OK,
    PASSWORD,
    TOKEN,
    USERNAME,
)
from tests.axion.recorded import answer, sent

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
NOT_FOUND = {"RESULT": "ERROR", "ERROR": "NOT FOUND"}


@pytest.fixture
def client(fax_transport) -> FaxClient:
    return FaxClient(fax_transport, time_zone=LOS_ANGELES)


def test_login_sends_user_login_with_upper_snake_keys(provider, client):
    answer(provider, "User_Login", FAX_LOGIN_OK)
    client.login()
    assert sent(provider, "User_Login") == [{"METHOD": "User_Login", "API_KEY": API_KEY,
                                             "USERNAME": USERNAME, "PASSWORD": PASSWORD}]


def test_fax_status_sends_the_customer_field(provider, client):
    answer(provider, "Fax_Status", FAX_STATUS_OK)
    client.fax_status("test 1")
    assert sent(provider, "Fax_Status") == [{
        "METHOD": "Fax_Status", "API_KEY": API_KEY, "SESSION_TOKEN": TOKEN,
        "CUSTOMER_PROVIDED_FAX_FIELD": "test 1"}]


def test_fax_status_returns_typed_records(provider, client):
    answer(provider, "Fax_Status", FAX_STATUS_OK)
    first, second = client.fax_status("test 1")
    assert first == FaxRecord(
        customer_field="test 1", source_number="+18056421414",
        destination_number="+18002255288",
        time=datetime(2016, 12, 12, 12, 43, 59, tzinfo=LOS_ANGELES),
        pages=2, status="SENT", try_count=1, raw={})
    assert second.try_count == 3


def test_fax_time_is_read_in_the_connection_time_zone(provider, client):
    answer(provider, "Fax_Status", FAX_STATUS_OK)
    fax = client.fax_status("test 1")[0]
    assert fax.time.utcoffset() is not None
    assert fax.time.astimezone(ZoneInfo("UTC")).hour == 20  # 12:43 in LA is 20:43 UTC


def test_counts_are_accepted_as_json_integers(provider, client):
    body = {"RESULT": "OK", "FAXES": [{"SOURCE_NUMBER": "18056421414",
            "DESTINATION_NUMBER": "1234", "TIME": "2016-12-12 12:43:59", "PAGES": 4,
            "STATUS": "QUEUED", "TRY_COUNT": 0}]}
    answer(provider, "Fax_Status", body)
    fax = client.fax_status("test 1")[0]
    assert (fax.pages, fax.try_count) == (4, 0)


def test_all_faxes_sends_all_faxes_status_not_the_examples_fax_status(provider, client):
    answer(provider, "All_Faxes_Status", ALL_FAXES_OK)
    client.all_faxes(date(2017, 11, 29))
    assert sent(provider, "All_Faxes_Status")[0]["DATE"] == "2017-11-29"
    assert sent(provider, "Fax_Status") == []


def test_all_faxes_keeps_a_null_customer_field_and_a_short_destination(provider, client):
    answer(provider, "All_Faxes_Status", ALL_FAXES_OK)
    faxes = client.all_faxes(date(2017, 11, 29))
    assert [f.customer_field for f in faxes] == ["test 1", "test 1", None, "test 2"]
    assert faxes[2].destination_number == "1234"
    assert faxes[2].status == "FAILED"


def test_fax_group_status_sends_an_array_of_fields(provider, client):
    answer(provider, "Fax_Group_Status", FAX_GROUP_OK)
    faxes = client.fax_group_status(["test 1", "test 2"])
    assert sent(provider, "Fax_Group_Status")[0]["CUSTOMER_PROVIDED_FAX_FIELDS"] == [
        "test 1", "test 2"]
    assert [f.customer_field for f in faxes] == ["test 1", "test 1", "test 2"]


def test_fax_group_status_of_no_fields_asks_nothing(provider, client):
    assert client.fax_group_status([]) == []
    assert len(provider.calls) == 0


@pytest.mark.parametrize("lookup", [
    lambda c: c.fax_status("nope"),
    lambda c: c.fax_group_status(["nope"]),
    lambda c: c.all_faxes(date(2017, 11, 30)),
])
def test_not_found_is_an_empty_list(provider, client, lookup):
    for method in ("Fax_Status", "Fax_Group_Status", "All_Faxes_Status"):
        answer(provider, method, NOT_FOUND)
    assert lookup(client) == []


def test_fax_without_time_is_a_malformed_response(provider, client):
    answer(provider, "Fax_Status", {"RESULT": "OK", "FAXES": [{"SOURCE_NUMBER": "1"}]})
    with pytest.raises(errors.MalformedResponse, match="incomplete"):
        client.fax_status("test 1")


def test_lookups_are_retried_after_a_server_error(provider, client):
    answer(provider, "Fax_Status", "", status=502)
    answer(provider, "Fax_Status", FAX_STATUS_OK)
    assert len(client.fax_status("test 1")) == 2
