"""GET /api/v1/schema/ (OpenAPI 3) and /api/v1/docs/ (self-hosted Swagger UI)."""

from io import StringIO

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from drf_spectacular.validation import validate_schema

ENDPOINTS = {
    "/api/v1/faxes/": {"get"},
    "/api/v1/faxes/{id}/": {"get"},
    "/api/v1/faxes/lookup/": {"get"},
    "/api/v1/messages/": {"get", "post"},
    "/api/v1/messages/{uuid}/": {"get", "delete"},
    "/api/v1/messages/{uuid}/media/{position}/": {"get"},
    "/api/v1/conversations/": {"get"},
    "/api/v1/conversations/{id}/": {"get"},
    "/api/v1/numbers/": {"get"},
}


@pytest.fixture
def schema(db):
    response = Client().get("/api/v1/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_the_schema_is_generated_without_warnings(db):
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())


def test_the_schema_lists_every_endpoint(schema):
    assert {path: set(ops) for path, ops in schema["paths"].items()} == ENDPOINTS


def test_every_operation_documents_the_common_errors(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert {"400", "401", "403", "404", "429"} <= set(operation["responses"]), (
                method, path)
            assert "Retry-After" in operation["responses"]["429"]["headers"]


@pytest.mark.parametrize("path, method", [
    ("/api/v1/faxes/lookup/", "get"),
    ("/api/v1/messages/", "post"),
    ("/api/v1/messages/{uuid}/", "delete"),
    ("/api/v1/messages/{uuid}/media/{position}/", "get"),
])
def test_operations_that_ask_the_provider_document_its_failures(schema, path, method):
    assert {"409", "502", "504"} <= set(schema["paths"][path][method]["responses"])


def test_the_error_shape_is_documented(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]


def test_the_bearer_key_is_the_documented_security_scheme(schema):
    scheme = schema["components"]["securitySchemes"]["apiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_the_send_body_uses_from_and_to(schema):
    body = schema["components"]["schemas"]["SendRequest"]
    assert {"from", "to", "text", "media", "media_type", "client_reference"} == set(
        body["properties"])
    assert set(body["required"]) == {"from", "to"}


def test_the_docs_are_served_by_the_portal_not_a_cdn(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # the init script is a separate file, for a strict CSP


def test_the_docs_init_script_and_assets_are_served(db):
    script = Client().get("/api/v1/docs/?script=")
    assert script.status_code == 200
    assert "/api/v1/schema/" in script.content.decode()
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
