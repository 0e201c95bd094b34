"""The webhook endpoints API's answers to good requests keep to the OpenAPI schema, with a
key that has the webhooks scope (tests/api/test_schemathesis.py's key has not)."""

import pytest

from tests.api.helpers import GOOD_ANSWER_CHECKS, api_schema_over_wsgi, make_key
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer
from webhooks_out.delivery import deliver_organization

CHECKS = GOOD_ANSWER_CHECKS


@pytest.fixture
def api_schema(db, settings):
    settings.API_RATE = ""
    with api_schema_over_wsgi() as schema:
        yield schema


def test_the_answers_to_good_webhook_requests_keep_to_the_schema(api_schema, org, provider):
    headers = {"Authorization": f"Bearer {make_key(org, scopes='webhooks')[1]}"}
    endpoint = EndpointFactory(organization=org, url=URL)
    other = EndpointFactory(organization=org)
    answer(provider, 500, "busy")
    fax_event(org)
    deliver_organization(organization=org)
    base = "/api/v1/webhook-endpoints/"
    one = {"path_parameters": {"id": endpoint.pk}}
    cases = [
        (base, "GET", {"query": {"page_size": 1}}, 200),
        (base, "POST", {"body": {"url": "https://crm.example/x", "event_types": []}}, 201),
        (base + "{id}/", "GET", one, 200),
        (base + "{id}/", "PATCH", {**one, "body": {"description": "CRM", "enabled": False}},
         200),
        (base + "{id}/", "PUT", {**one, "body": {"url": URL, "event_types": ["fax.failed"]}},
         200),
        (base + "{id}/rotate/", "POST", one, 200),
        (base + "{id}/test/", "POST", one, 202),
        (base + "{id}/deliveries/", "GET", {**one, "query": {"page_size": 1}}, 200),
        (base + "event-types/", "GET", {}, 200),
        (base + "{id}/", "DELETE", {"path_parameters": {"id": other.pk}}, 204),
    ]
    for path, method, values, expected in cases:
        response = api_schema[path][method].Case(**values).call_and_validate(
            headers=headers, checks=CHECKS)
        assert response.status_code == expected, (method, path, response.content)
