"""The webhook endpoints API's answers to good requests keep to the OpenAPI schema, with a
key that has the webhooks scope (tests/api/test_schemathesis.py's key has not)."""

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

from tests.api.helpers import make_key
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer
from webhooks_out.delivery import deliver_organization

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
