"""A fax's status follows from its age: QUEUED, PROGRESS per try, then SENT or FAILED."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.sandbox.factories import SandboxFaxFactory

SENT_AT = datetime(2024, 5, 2, 15, 0, tzinfo=UTC)


@pytest.fixture
def state(fax_call, time_machine):
    """The (STATUS, TRY_COUNT) of field "f" as read `seconds` after the fax was sent."""
    def read(seconds):
        time_machine.move_to(SENT_AT + timedelta(seconds=seconds), tick=False)
        body = fax_call("Fax_Status", CUSTOMER_PROVIDED_FAX_FIELD="f")
        if body["RESULT"] != "OK":
            return body["ERROR"]
        return body["FAXES"][0]["STATUS"], body["FAXES"][0]["TRY_COUNT"]

    return read


def test_fax_is_queued_in_its_first_minute(state, account):
    SandboxFaxFactory(account=account, customer_field="f", time=SENT_AT)
    assert state(30) == ("QUEUED", "0")


def test_fax_is_in_progress_during_its_try(state, account):
    SandboxFaxFactory(account=account, customer_field="f", time=SENT_AT, try_count=1)
    assert state(61) == ("PROGRESS", "1")


def test_fax_counts_its_tries_while_in_progress(state, account):
    SandboxFaxFactory(account=account, customer_field="f", time=SENT_AT, outcome="FAILED",
                      try_count=3)
    assert state(60 + 2 * 120 + 1) == ("PROGRESS", "3")


def test_fax_is_sent_after_its_tries(state, account):
    SandboxFaxFactory(account=account, customer_field="f", time=SENT_AT, try_count=1)
    assert state(60 + 120) == ("SENT", "1")


def test_failed_fax_ends_failed_after_three_tries(state, account):
    SandboxFaxFactory(account=account, customer_field="f", time=SENT_AT, outcome="FAILED",
                      try_count=3)
    assert state(60 + 3 * 120) == ("FAILED", "3")


def test_fax_of_the_future_is_not_there_yet(state, account):
    SandboxFaxFactory(account=account, customer_field="f", time=SENT_AT)
    assert state(-1) == "NOT FOUND"
