"""Fax_Status, All_Faxes_Status and Fax_Group_Status: bodies shaped like the provider's."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.sandbox.factories import SandboxAccountFactory, SandboxFaxFactory

# 17:43:59 UTC on 2016-12-12 is 12:43:59 in New York (the account's zone).
SENT_AT = datetime(2016, 12, 12, 17, 43, 59, tzinfo=UTC)


@pytest.fixture(autouse=True)
def later(time_machine):
    """Every fax of these tests is long final: read them a day after."""
    time_machine.move_to(SENT_AT + timedelta(days=1), tick=False)


def test_fax_status_body_matches_the_providers_example(fax_call, account):
    SandboxFaxFactory(account=account, customer_field="test 1", source="18056421414",
                      destination="18002255288", time=SENT_AT, pages=2, try_count=1)
    assert fax_call("Fax_Status", CUSTOMER_PROVIDED_FAX_FIELD="test 1") == {
        "RESULT": "OK",
        "CUSTOMER_PROVIDED_FAX_FIELD": "test 1",
        "FAXES": [{"SOURCE_NUMBER": "18056421414", "DESTINATION_NUMBER": "18002255288",
                   "TIME": "2016-12-12 12:43:59", "PAGES": "2", "STATUS": "SENT",
                   "TRY_COUNT": "1"}],
    }


def test_fax_status_lists_every_fax_with_the_field_in_time_order(fax_call, account):
    SandboxFaxFactory(account=account, customer_field="test 1", time=SENT_AT + timedelta(minutes=1),
                      try_count=3)
    SandboxFaxFactory(account=account, customer_field="test 1", time=SENT_AT)
    SandboxFaxFactory(account=account, customer_field="test 2", time=SENT_AT)
    faxes = fax_call("Fax_Status", CUSTOMER_PROVIDED_FAX_FIELD="test 1")["FAXES"]
    assert [fax["TIME"] for fax in faxes] == ["2016-12-12 12:43:59", "2016-12-12 12:44:59"]
    assert [fax["TRY_COUNT"] for fax in faxes] == ["1", "3"]


def test_time_is_the_accounts_local_time_without_zone(fax_call, account):
    account.time_zone = "UTC"
    account.save()
    SandboxFaxFactory(account=account, customer_field="test 1", time=SENT_AT)
    faxes = fax_call("Fax_Status", CUSTOMER_PROVIDED_FAX_FIELD="test 1")["FAXES"]
    assert faxes[0]["TIME"] == "2016-12-12 17:43:59"


def test_faxes_of_other_accounts_are_not_found(fax_call, db):
    SandboxFaxFactory(account=SandboxAccountFactory(), customer_field="test 1", time=SENT_AT)
    assert fax_call("Fax_Status", CUSTOMER_PROVIDED_FAX_FIELD="test 1")["ERROR"] == "NOT FOUND"


def test_all_faxes_status_lists_the_day_with_customer_fields(fax_call, account):
    SandboxFaxFactory(account=account, customer_field="test 1", time=SENT_AT)
    SandboxFaxFactory(account=account, customer_field=None, destination="1234",
                      outcome="FAILED", time=SENT_AT + timedelta(minutes=53))
    body = fax_call("All_Faxes_Status", DATE="2016-12-12")
    assert body["RESULT"] == "OK"
    assert body["DATE"] == "2016-12-12"
    assert body["FAXES"][1] == {
        "CUSTOMER_PROVIDED_FAX_FIELD": None, "SOURCE_NUMBER": "18056421414",
        "DESTINATION_NUMBER": "1234", "TIME": "2016-12-12 13:36:59", "PAGES": "2",
        "STATUS": "FAILED", "TRY_COUNT": "1"}
    assert body["FAXES"][0]["CUSTOMER_PROVIDED_FAX_FIELD"] == "test 1"


def test_all_faxes_status_uses_the_accounts_calendar_day(fax_call, account):
    # 03:00 UTC on the 13th is still the 12th in New York.
    SandboxFaxFactory(account=account, time=datetime(2016, 12, 13, 3, 0, tzinfo=UTC))
    assert len(fax_call("All_Faxes_Status", DATE="2016-12-12")["FAXES"]) == 1
    assert fax_call("All_Faxes_Status", DATE="2016-12-13")["ERROR"] == "NOT FOUND"


def test_all_faxes_status_of_an_empty_day_is_not_found(fax_call, account):
    assert fax_call("All_Faxes_Status", DATE="2017-11-29") == {"RESULT": "ERROR",
                                                               "ERROR": "NOT FOUND"}


@pytest.mark.parametrize("day", ["2016-13-01", "12/12/2016", "20161212", ""])
def test_all_faxes_status_with_a_bad_date_is_missing_parameters(fax_call, day):
    assert fax_call("All_Faxes_Status", DATE=day)["ERROR"] == "MISSING PARAMETERS"


def test_fax_group_status_lists_faxes_of_every_field(fax_call, account):
    SandboxFaxFactory(account=account, customer_field="test 1", time=SENT_AT)
    SandboxFaxFactory(account=account, customer_field="test 2", time=SENT_AT)
    SandboxFaxFactory(account=account, customer_field="test 3", time=SENT_AT)
    body = fax_call("Fax_Group_Status", CUSTOMER_PROVIDED_FAX_FIELDS=["test 1", "test 2"])
    assert set(body) == {"RESULT", "FAXES"}
    assert sorted(fax["CUSTOMER_PROVIDED_FAX_FIELD"] for fax in body["FAXES"]) == [
        "test 1", "test 2"]


def test_fax_group_status_without_matches_is_not_found(fax_call, account):
    assert fax_call("Fax_Group_Status", CUSTOMER_PROVIDED_FAX_FIELDS=["x"])["ERROR"] == "NOT FOUND"


@pytest.mark.parametrize("fields", [[], "test 1", [1, 2], None])
def test_fax_group_status_needs_a_list_of_strings(fax_call, fields):
    body = fax_call("Fax_Group_Status", CUSTOMER_PROVIDED_FAX_FIELDS=fields)
    assert body["ERROR"] == "MISSING PARAMETERS"


def test_the_docs_wrong_all_faxes_example_is_missing_parameters(fax_call, account):
    # docs/provider.md, quirk 8: the provider's example sends METHOD Fax_Status with a DATE.
    SandboxFaxFactory(account=account, time=SENT_AT)
    assert fax_call("Fax_Status", DATE="2016-12-12")["ERROR"] == "MISSING PARAMETERS"
