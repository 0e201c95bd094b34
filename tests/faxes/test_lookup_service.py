"""lookup_references and lookup_day: what they ask the provider, store and report."""

import json
from datetime import UTC, date, datetime

import pytest
import requests
from django_scopes import scopes_disabled

from faxes.models import Fax
from faxes.services import MAX_REFERENCES, NO_CONNECTION, lookup_day, lookup_references
from tests.axion import bodies
from tests.faxes.factories import FaxFactory, connection_for
from tests.faxes.recorded import answer, error_body, sent

pytestmark = pytest.mark.django_db


def test_one_reference_asks_fax_status_with_the_stored_token(org, connection, provider):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    lookup_references(organization=org, references=["test 1"])
    [payload] = sent(provider, "Fax_Status")
    assert payload["CUSTOMER_PROVIDED_FAX_FIELD"] == "test 1"
    assert payload["SESSION_TOKEN"] == bodies.TOKEN
    assert sent(provider, "User_Login") == []


def test_several_references_ask_fax_group_status_once(org, connection, provider):
    answer(provider, "Fax_Group_Status", bodies.FAX_GROUP_OK)
    lookup_references(organization=org, references=["test 1", "test 2"])
    [payload] = sent(provider, "Fax_Group_Status")
    assert payload["CUSTOMER_PROVIDED_FAX_FIELDS"] == ["test 1", "test 2"]


def test_a_day_asks_all_faxes_status_not_the_examples_fax_status(org, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    lookup_day(organization=org, day=date(2017, 11, 29))
    [payload] = sent(provider, "All_Faxes_Status")
    assert payload["DATE"] == "2017-11-29"
    assert sent(provider, "Fax_Status") == []


def test_fax_status_faxes_carry_the_reference_asked_for(org, connection, provider):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    result = lookup_references(organization=org, references=["test 1"])
    assert [fax.customer_field for fax in result.faxes] == ["test 1", "test 1"]


def test_string_numbers_become_integers(org, connection, provider):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    result = lookup_references(organization=org, references=["test 1"])
    assert [(fax.pages, fax.try_count) for fax in result.faxes] == [(2, 1), (2, 3)]


def test_json_integers_are_accepted_too(org, connection, provider):
    answer(provider, "Fax_Status", json.dumps({"RESULT": "OK", "FAXES": [{
        "SOURCE_NUMBER": 18056421414, "DESTINATION_NUMBER": "18002255288",
        "TIME": "2016-12-12 12:43:59", "PAGES": 5, "STATUS": "SENT", "TRY_COUNT": 2}]}))
    [fax] = lookup_references(organization=org, references=["test 1"]).faxes
    assert (fax.source_number, fax.pages, fax.try_count) == ("+18056421414", 5, 2)


def test_fax_numbers_are_stored_in_e164(org, connection, provider):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    fax = lookup_references(organization=org, references=["test 1"]).faxes[0]
    assert (fax.source_number, fax.destination_number) == ("+18056421414", "+18002255288")


def test_an_unparseable_destination_is_kept_as_it_came(org, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    result = lookup_day(organization=org, day=date(2017, 11, 29))
    assert "1234" in [fax.destination_number for fax in result.faxes]


def test_a_null_reference_is_stored_as_none(org, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    result = lookup_day(organization=org, day=date(2017, 11, 29))
    [unreferenced] = [fax for fax in result.faxes if fax.destination_number == "1234"]
    assert unreferenced.customer_field is None


def test_fax_times_are_read_in_the_connections_time_zone(org, provider):
    connection_for(org, time_zone="America/Los_Angeles")
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    fax = lookup_references(organization=org, references=["test 1"]).faxes[0]
    assert fax.sent_at == datetime(2016, 12, 12, 20, 43, 59, tzinfo=UTC)


def test_the_day_is_newest_first(org, connection, provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    result = lookup_day(organization=org, day=date(2017, 11, 29))
    times = [fax.sent_at for fax in result.faxes]
    assert times == sorted(times, reverse=True) and len(times) == 4


def test_looked_up_faxes_are_kept_in_the_history(org, connection, provider):
    answer(provider, "Fax_Group_Status", bodies.FAX_GROUP_OK)
    lookup_references(organization=org, references=["test 1", "test 2"])
    with scopes_disabled():
        assert Fax.objects.filter(organization=org).count() == 3


def test_not_found_is_no_fax_with_that_reference_not_an_error(org, connection, provider):
    answer(provider, "Fax_Status", error_body("NOT FOUND"))
    result = lookup_references(organization=org, references=["nope"])
    assert (result.faxes, result.not_found, result.error) == ([], ["nope"], None)


def test_references_missing_from_a_group_answer_are_not_found(org, connection, provider):
    answer(provider, "Fax_Group_Status", bodies.FAX_GROUP_OK)
    result = lookup_references(organization=org, references=["test 1", "test 9", "test 2"])
    assert result.not_found == ["test 9"]
    assert result.error is None


def test_a_day_without_faxes_is_an_empty_result(org, connection, provider):
    answer(provider, "All_Faxes_Status", error_body("NOT FOUND"))
    result = lookup_day(organization=org, day=date(2017, 11, 30))
    assert (result.faxes, result.error) == ([], None)


def test_no_more_than_max_references_are_sent(org, connection, provider):
    answer(provider, "Fax_Group_Status", error_body("NOT FOUND"))
    references = [f"REF-{n}" for n in range(MAX_REFERENCES + 5)]
    lookup_references(organization=org, references=references)
    [payload] = sent(provider, "Fax_Group_Status")
    assert len(payload["CUSTOMER_PROVIDED_FAX_FIELDS"]) == MAX_REFERENCES


def test_provider_down_returns_a_message_and_the_known_faxes(org, connection, provider):
    known = FaxFactory(organization=org, customer_field="test 1")
    FaxFactory(organization=org, customer_field="other")
    answer(provider, "Fax_Status", requests.ConnectionError("refused"))
    result = lookup_references(organization=org, references=["test 1"])
    assert result.error.startswith("Axion could not be reached.")
    assert result.faxes == [known]


def test_a_failed_day_returns_the_known_faxes_of_that_day_in_the_org_zone(org, connection,
                                                                           provider):
    # 2017-11-30 03:00 UTC is still 2017-11-29 in New York, the organization's zone.
    late = FaxFactory(organization=org, sent_at=datetime(2017, 11, 30, 3, 0, tzinfo=UTC))
    FaxFactory(organization=org, sent_at=datetime(2017, 11, 30, 6, 0, tzinfo=UTC))
    answer(provider, "All_Faxes_Status", "<html>Bad gateway</html>", status=502)
    result = lookup_day(organization=org, day=date(2017, 11, 29))
    assert result.error.startswith("Axion could not be reached.")
    assert result.faxes == [late]


def test_a_timeout_is_reported_as_slow_without_retries_while_a_person_waits(
        org, connection, provider, no_backoff):
    answer(provider, "Fax_Status", requests.ReadTimeout("read timed out"))
    result = lookup_references(organization=org, references=["test 1"])
    assert result.error.startswith("Axion did not answer in time.")
    assert len(sent(provider, "Fax_Status")) == 1
    assert no_backoff == []


def test_a_lookup_waits_at_most_the_interactive_read_timeout(org, connection, provider,
                                                             settings):
    settings.AXION_INTERACTIVE_READ_TIMEOUT = 7.5
    answer(provider, "Fax_Status", requests.ReadTimeout("read timed out"))
    lookup_references(organization=org, references=["test 1"])
    call = next(c for c in provider.calls if b"Fax_Status" in c.request.body)
    assert call.request.req_kwargs["timeout"][1] == 7.5


def test_an_unreadable_answer_says_so_and_stores_nothing(org, connection, provider):
    answer(provider, "All_Faxes_Status", json.dumps({"RESULT": "OK", "FAXES": [
        {"SOURCE_NUMBER": "18056421414", "STATUS": "SENT"}]}))
    result = lookup_day(organization=org, day=date(2017, 11, 29))
    assert result.error.startswith("Axion answered with something the portal could not read.")
    with scopes_disabled():
        assert not Fax.objects.exists()


def test_wrong_credentials_say_an_admin_must_update_them(org, provider):
    connection_for(org, session_token="", token_expires_at=None)
    answer(provider, "User_Login", error_body("WRONG CREDENTIALS"))
    result = lookup_references(organization=org, references=["test 1"])
    assert "rejected the stored username or password" in result.error
    assert "Connections" in result.error
    assert sent(provider, "Fax_Status") == []


def test_wrong_credentials_flag_the_connection_as_failing(org, provider):
    connection = connection_for(org, session_token="", token_expires_at=None)
    answer(provider, "User_Login", error_body("WRONG CREDENTIALS"))
    lookup_day(organization=org, day=date(2017, 11, 29))
    connection.refresh_from_db()
    assert connection.failing_since is not None
    assert "username or password" in connection.last_error


def test_a_rejected_api_key_says_so_after_one_new_login(org, connection, provider):
    answer(provider, "Fax_Status", error_body("NOT ALLOWED"))
    answer(provider, "User_Login", error_body("NOT ALLOWED"))
    result = lookup_references(organization=org, references=["test 1"])
    assert "did not accept the API key" in result.error
    assert len(sent(provider, "User_Login")) == 1


def test_each_lookup_releases_its_connection_to_the_provider(org, connection, provider,
                                                             opened_clients):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    answer(provider, "All_Faxes_Status", requests.ConnectionError("refused"))
    lookup_references(organization=org, references=["test 1"])
    lookup_day(organization=org, day=date(2017, 11, 29))
    assert [client.closed for client in opened_clients] == [True, True]


def test_without_a_fax_connection_the_lookup_says_how_to_add_one(org, provider):
    known = FaxFactory(organization=org, customer_field="test 1")
    result = lookup_references(organization=org, references=["test 1"])
    assert result.error == NO_CONNECTION
    assert result.faxes == [known]
    assert len(provider.calls) == 0


def test_a_lookup_never_returns_another_organizations_faxes(org, other_org, provider):
    theirs = FaxFactory(organization=other_org, customer_field="test 1")
    answer(provider, "Fax_Status", requests.ConnectionError("refused"))
    connection_for(org)
    result = lookup_references(organization=org, references=["test 1"])
    # the control: their own lookup of the same reference finds the fax
    assert lookup_references(organization=other_org, references=["test 1"]).faxes == [theirs]
    assert result.faxes == []
