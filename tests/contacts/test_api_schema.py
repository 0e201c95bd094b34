"""The contacts API's answers to good requests keep to the OpenAPI schema (random data, in
tests/api/test_schemathesis.py, seldom finds a stored contact or makes a valid one)."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contacts.models import ImportState
from tests.contacts.factories import ContactImportFactory, contact_with

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


@pytest.fixture
def api_schema(db, settings):
    settings.API_RATE = ""
    # The test's database connection stays open across requests, as with the test client.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_answers_to_good_contact_requests_keep_to_the_schema(api_schema, api_key, org):
    headers = {"Authorization": f"Bearer {api_key[1]}"}
    jane = contact_with(org, "+18056421414", name="Jane Doe", reference="P-1")
    taken = contact_with(org, "+13235550187", name="Bob Stone")
    done = ContactImportFactory(organization=org, state=ImportState.DONE, total_rows=1,
                                processed_rows=1, result={"rows": 1, "create": 1, "update": 0,
                                                          "unchanged": 0, "errors": 0,
                                                          "first_errors": []})
    cases = [
        ("/api/v1/contacts/", "GET", {"query": {"q": "jane", "page_size": 1}}, 200),
        ("/api/v1/contacts/", "POST", {"body": {"name": "Cal", "numbers": ["+12135550123"]}},
         201),
        ("/api/v1/contacts/", "POST", {"body": {"name": "Dee", "numbers": ["+13235550187"]}},
         409),
        ("/api/v1/contacts/{id}/", "GET", {"path_parameters": {"id": jane.pk}}, 200),
        ("/api/v1/contacts/{id}/", "PATCH",
         {"path_parameters": {"id": jane.pk}, "body": {"company": "Harbor"}}, 200),
        ("/api/v1/contacts/{id}/", "PUT",
         {"path_parameters": {"id": jane.pk},
          "body": {"name": "Jane Doe", "numbers": ["+18056421414"], "email": "j@example.com"}},
         200),
        ("/api/v1/contacts/{id}/", "DELETE", {"path_parameters": {"id": taken.pk}}, 204),
        ("/api/v1/contacts/imports/{id}/", "GET", {"path_parameters": {"id": done.pk}}, 200),
    ]
    for path, method, values, expected in cases:
        response = api_schema[path][method].Case(**values).call_and_validate(
            headers=headers, checks=CHECKS)
        assert response.status_code == expected, (method, path, response.content)
