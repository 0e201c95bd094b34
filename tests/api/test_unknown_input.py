"""The API refuses what it does not know, as Stripe's does: a query parameter or a body
field that the endpoint does not declare is a 400 naming it, never silently ignored (a
misspelt or unsupported option such as `priority` would otherwise do something else than
asked). Every operation of the schema is checked, so a new endpoint is too."""

import json

import pytest
import yaml
from django.test import Client

from tests.api.helpers import error_of

PATH_VALUES = {"id": "1", "uuid": "msg-1", "position": "0", "number": "+13105550142"}


@pytest.fixture
def operations(db):
    """(method, path with its parameters filled in, operation) of every operation."""
    schema = yaml.safe_load(Client().get("/api/v1/schema/").content)
    return [(method, path.format(**PATH_VALUES), operation)
            for path, operations in schema["paths"].items()
            for method, operation in operations.items()]


def call(client, method, path, *, query="", body=None):
    url = f"{path}?{query}" if query else path
    if body is None:
        return getattr(client, method)(url)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def call_as_permitted(api, owner_client, method, path, **request):
    """The API key's answer; where keys may not act at all (label writes are an owner's or
    an admin's, signed in), a signed-in owner's."""
    response = call(api, method, path, **request)
    if response.status_code == 403:
        response = call(owner_client, method, path, **request)
    return response


def test_every_operation_refuses_an_unknown_query_parameter(operations, api, owner_client):
    for method, path, _ in operations:
        response = call_as_permitted(api, owner_client, method, path, query="flavour=plain")
        assert response.status_code == 400, (method, path, response.content)
        error = error_of(response)
        assert list(error["fields"]) == ["flavour"], (method, path)
        assert error["message"].startswith("flavour: Unknown parameter"), (method, path)


def test_every_operation_with_a_body_refuses_an_unknown_field(operations, api, owner_client):
    with_body = [(m, p) for m, p, operation in operations if "requestBody" in operation]
    assert with_body
    for method, path in with_body:
        response = call_as_permitted(api, owner_client, method, path, body={"flavour": "plain"})
        assert response.status_code == 400, (method, path, response.content)
        assert list(error_of(response)["fields"]) == ["flavour"], (method, path)


def test_the_error_names_what_the_endpoint_takes(api):
    response = api.get("/api/v1/numbers/", {"flavour": "plain"})
    assert error_of(response)["fields"] == {"flavour": [
        "Unknown parameter: this endpoint takes cursor, format, page_size."]}


def test_a_parameter_given_twice_is_400_unless_it_is_a_list(api):
    response = api.get("/api/v1/faxes/?status=SENT&status=FAILED")
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"status": ["Give this parameter once."]}


def test_the_format_parameter_is_known_everywhere(org, api):
    assert api.get("/api/v1/numbers/", {"format": "json"}).status_code == 200


def test_unknown_parameters_are_checked_after_the_key(client):
    assert client.get("/api/v1/numbers/", {"flavour": "plain"}).status_code == 401
