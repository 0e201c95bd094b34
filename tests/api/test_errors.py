"""The error shape every API error has, and the answers outside the endpoints."""

from tests.api.helpers import error_of, key_client, make_key


def test_an_unknown_path_under_the_api_is_a_json_404(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


def test_a_post_to_an_unknown_path_is_a_json_404_even_where_csrf_is_enforced(org):
    # A program posting with its key carries no CSRF token; the test client skips the check.
    _, clear = make_key(org)
    response = key_client(clear, enforce_csrf_checks=True).post("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_method_an_endpoint_does_not_have_is_405(api):
    response = api.put("/api/v1/numbers/", "{}", content_type="application/json")
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"


def test_a_body_that_is_not_json_is_415(api):
    response = api.post("/api/v1/messages/", "text=hi", content_type="text/plain")
    assert response.status_code == 415
    assert error_of(response)["code"] == "unsupported_media_type"


def test_bad_input_names_each_field_in_the_message_too(api):
    error = error_of(api.get("/api/v1/faxes/", {"status": "LOST"}))
    assert error["fields"] == {"status": ['"LOST" is not a valid choice.']}
    assert error["message"] == 'status: "LOST" is not a valid choice.'
