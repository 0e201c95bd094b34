"""The contacts API's answers to good requests keep to the OpenAPI schema (random data, in
tests/api/test_schemathesis.py, seldom finds a stored contact or makes a valid one)."""

import pytest

from contacts.models import ImportState
from tests.api.helpers import GOOD_ANSWER_CHECKS, api_schema_over_wsgi
from tests.contacts.factories import ContactImportFactory, contact_with

CHECKS = GOOD_ANSWER_CHECKS


@pytest.fixture
def api_schema(db, settings):
    settings.API_RATE = ""
    with api_schema_over_wsgi() as schema:
        yield schema


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
