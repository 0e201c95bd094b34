"""GET /api/v1/faxes/lookup/: asking the provider live, by reference(s) or by day."""

from datetime import date

import pytest
import requests
from django_scopes import scopes_disabled

from faxes.models import Fax
from faxes.services import MAX_REFERENCES
from tests.api.helpers import error_of
from tests.axion import bodies
from tests.faxes.recorded import answer, error_body, sent

URL = "/api/v1/faxes/lookup/"


def test_one_reference_asks_fax_status(fax_connection, provider, api):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    response = api.get(URL, {"customer_field": "test 1"})
    assert response.status_code == 200
    body = response.json()
    assert [f["customer_field"] for f in body["faxes"]] == ["test 1", "test 1"]
    assert body["not_found"] == []
    [payload] = sent(provider, "Fax_Status")
    assert payload["CUSTOMER_PROVIDED_FAX_FIELD"] == "test 1"


def test_several_references_ask_fax_group_status_and_say_which_were_not_found(
        fax_connection, provider, api):
    answer(provider, "Fax_Group_Status", bodies.FAX_GROUP_OK)
    response = api.get(f"{URL}?customer_field=test+1&customer_field=test+2"
                       "&customer_field=test+9")
    body = response.json()
    assert {f["customer_field"] for f in body["faxes"]} == {"test 1", "test 2"}
    assert body["not_found"] == ["test 9"]
    [payload] = sent(provider, "Fax_Group_Status")
    assert payload["CUSTOMER_PROVIDED_FAX_FIELDS"] == ["test 1", "test 2", "test 9"]


def test_a_day_asks_all_faxes_status(fax_connection, provider, api):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    response = api.get(URL, {"date": "2017-11-29"})
    assert response.status_code == 200
    assert len(response.json()["faxes"]) == 4
    [payload] = sent(provider, "All_Faxes_Status")
    assert payload["DATE"] == "2017-11-29"


def test_what_the_provider_says_is_stored(org, fax_connection, provider, api):
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    body = api.get(URL, {"customer_field": "test 1"}).json()
    with scopes_disabled():
        assert Fax.objects.filter(organization=org).count() == 2
    assert api.get(f"/api/v1/faxes/{body['faxes'][0]['id']}/").status_code == 200


def test_a_reference_the_provider_does_not_know_is_not_found(fax_connection, provider, api):
    answer(provider, "Fax_Status", error_body("NOT FOUND"))
    body = api.get(URL, {"customer_field": "nope"}).json()
    assert body == {"faxes": [], "not_found": ["nope"]}


@pytest.mark.parametrize("query, field", [
    ({}, "customer_field"),
    ({"customer_field": "  "}, "customer_field.0"),
    ({"customer_field": "test 1", "date": "2017-11-29"}, "date"),
    ({"date": "29/11/2017"}, "date"),
    ({"date": "20171129"}, "date"),
    ({"date": ""}, "date"),
    ({"customer_field": ""}, "customer_field.0"),
    ({"customer_field": "x" * 256}, "customer_field.0"),
])
def test_bad_input_is_400_on_its_field(fax_connection, api, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    assert field in error_of(response)["fields"]


# The clock stands at 2024-03-01: 2024-03-03 is the day after tomorrow.
@pytest.mark.parametrize("day", ["1999-12-31", "0001-01-01", "9999-12-31", "2024-03-03"])
def test_a_day_without_faxes_at_the_provider_is_empty_without_asking(fax_connection, provider,
                                                                       api, clock, day):
    response = api.get(URL, {"date": day})
    assert response.status_code == 200
    assert response.json() == {"faxes": [], "not_found": []}
    assert len(provider.calls) == 0


def test_too_many_references_is_400(fax_connection, api):
    query = "&".join(f"customer_field=R{n}" for n in range(MAX_REFERENCES + 1))
    response = api.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert "customer_field" in error_of(response)["fields"]


def test_a_provider_error_is_502_with_a_clear_message(fax_connection, provider, api):
    answer(provider, "Fax_Status", error_body("SOMETHING BROKE"))
    response = api.get(URL, {"customer_field": "test 1"})
    assert response.status_code == 502
    error = error_of(response)
    assert error["code"] == "provider_error"
    assert "SOMETHING BROKE" in error["message"]


def test_rejected_credentials_are_502(fax_connection, provider, api):
    answer(provider, "Fax_Status", error_body("WRONG CREDENTIALS"))
    response = api.get(URL, {"customer_field": "test 1"})
    assert response.status_code == 502
    assert "username or password" in error_of(response)["message"]


def test_a_provider_that_does_not_answer_in_time_is_504(fax_connection, provider, api):
    answer(provider, "All_Faxes_Status", requests.ReadTimeout("read timed out"))
    response = api.get(URL, {"date": "2017-11-29"})
    assert response.status_code == 504
    error = error_of(response)
    assert error["code"] == "provider_timeout"
    assert "did not answer in time" in error["message"]


def test_an_unreachable_provider_is_502(fax_connection, provider, api):
    answer(provider, "Fax_Status", requests.ConnectionError("connection refused"))
    response = api.get(URL, {"customer_field": "test 1"})
    assert response.status_code == 502
    assert "could not be reached" in error_of(response)["message"]


def test_without_a_fax_connection_it_is_409(org, api):
    response = api.get(URL, {"date": date(2017, 11, 29).isoformat()})
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "no_connection"
    assert "Connections" in error["message"]


def test_a_send_only_key_cannot_look_up(fax_connection, sender_only):
    assert sender_only.get(URL, {"customer_field": "test 1"}).status_code == 403
