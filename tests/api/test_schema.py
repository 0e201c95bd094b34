"""GET /api/v1/schema/ (OpenAPI 3) and /api/v1/docs/ (self-hosted Swagger UI)."""

import re
from io import StringIO

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
from drf_spectacular.validation import validate_schema

from common.filetypes import MMS_TYPES

ENDPOINTS = {
    "/api/v1/faxes/": {"get"},
    "/api/v1/faxes/{id}/": {"get"},
    "/api/v1/faxes/lookup/": {"get"},
    "/api/v1/fax-attention/": {"get"},
    "/api/v1/fax-attention/{id}/handle/": {"post"},
    "/api/v1/fax-watches/": {"get", "post"},
    "/api/v1/fax-watches/{id}/": {"delete"},
    "/api/v1/fax-alert-rules/": {"get", "post"},
    "/api/v1/fax-alert-rules/{id}/": {"get", "patch", "delete"},
    "/api/v1/faxes/backfill/": {"get"},
    "/api/v1/messages/": {"get", "post"},
    "/api/v1/messages/{uuid}/": {"get", "delete", "patch"},
    "/api/v1/messages/{uuid}/resend/": {"post"},
    "/api/v1/messages/{uuid}/media/{position}/": {"get"},
    "/api/v1/conversations/": {"get"},
    "/api/v1/conversations/{id}/": {"get", "patch"},
    "/api/v1/conversations/{id}/notes/": {"get", "post"},
    "/api/v1/labels/": {"get", "post"},
    "/api/v1/labels/{id}/": {"get", "patch", "delete"},
    "/api/v1/numbers/": {"get"},
    "/api/v1/contacts/": {"get", "post"},
    "/api/v1/contacts/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/contacts/imports/{id}/": {"get"},
    "/api/v1/connections/": {"get"},
    "/api/v1/jobs/": {"get"},
    "/api/v1/webhook-ledger/": {"get"},
    "/api/v1/webhook-endpoints/": {"get", "post"},
    "/api/v1/webhook-endpoints/{id}/": {"get", "put", "patch", "delete"},
    "/api/v1/webhook-endpoints/{id}/rotate/": {"post"},
    "/api/v1/webhook-endpoints/{id}/test/": {"post"},
    "/api/v1/webhook-endpoints/{id}/deliveries/": {"get"},
    "/api/v1/webhook-endpoints/event-types/": {"get"},
    "/api/v1/templates/": {"get", "post"},
    "/api/v1/templates/{id}/": {"get", "patch", "delete"},
    "/api/v1/templates/{id}/render/": {"post"},
    "/api/v1/opt-outs/": {"get", "post"},
    "/api/v1/opt-outs/{number}/": {"get", "delete"},
    "/api/v1/campaigns/": {"get", "post"},
    "/api/v1/campaigns/{id}/": {"get"},
    "/api/v1/campaigns/{id}/preview/": {"get"},
    "/api/v1/campaigns/{id}/start/": {"post"},
    "/api/v1/campaigns/{id}/pause/": {"post"},
    "/api/v1/campaigns/{id}/resume/": {"post"},
    "/api/v1/campaigns/{id}/cancel/": {"post"},
    "/api/v1/campaigns/{id}/recipients/": {"get"},
    "/api/v1/campaigns/{id}/outcomes/": {"get"},
    "/api/v1/search/": {"get"},
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
    ("/api/v1/messages/{uuid}/resend/", "post"),
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
    assert {"from", "to", "text", "media", "media_type", "client_reference",
            "send_at"} == set(body["properties"])
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


def test_every_request_body_is_closed(schema):
    """The API refuses a field it does not know: the schema says so."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                component = schema["components"]["schemas"][ref.split("/")[-1]]
                assert component["additionalProperties"] is False, (method, path)


def test_numbers_to_send_are_e164(schema):
    body = schema["components"]["schemas"]["SendRequest"]["properties"]
    e164 = "^\\+1[2-9][0-9]{2}[2-9][0-9]{6}$"
    assert body["from"]["pattern"] == e164
    assert body["to"]["items"]["pattern"] == e164


def test_a_send_has_a_text_or_a_file_of_its_declared_type(schema):
    variants = schema["components"]["schemas"]["SendRequest"]["oneOf"]
    assert variants[0]["required"] == ["text"]
    assert [v["properties"]["media_type"]["pattern"] for v in variants[1:]] == [
        f"^{t}$" for t in sorted(MMS_TYPES)]
    assert all(v["required"] == ["media", "media_type"] for v in variants[1:])


@pytest.mark.parametrize("path", ["/api/v1/faxes/", "/api/v1/messages/"])
def test_times_are_rfc_3339_date_times_never_empty(schema, path):
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    for name in ("since", "until"):
        assert parameters[name]["schema"] == {"type": "string", "format": "date-time"}


def test_a_lookup_takes_references_or_a_day(schema):
    [parameter] = schema["paths"]["/api/v1/faxes/lookup/"]["get"]["parameters"]
    assert (parameter["in"], parameter["style"], parameter["explode"]) == ("query", "form", True)
    assert parameter["required"] is True
    lookup = schema["components"]["schemas"]["FaxLookupRequest"]
    assert lookup["oneOf"] == [{"required": ["customer_field"]}, {"required": ["date"]}]
    assert lookup["additionalProperties"] is False


def test_a_conversation_id_is_a_positive_64_bit_integer(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/messages/"]["get"]["parameters"]}
    assert parameters["conversation"]["schema"] == {
        "type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}


def test_a_cursor_is_base64url(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/faxes/"]["get"]["parameters"]}
    assert parameters["cursor"]["schema"]["pattern"] == "^[A-Za-z0-9_-]*$"


def test_the_idempotency_key_is_at_most_40_printable_characters(schema):
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/messages/"]["post"]["parameters"]}
    header = parameters["Idempotency-Key"]["schema"]
    assert header["maxLength"] == 40
    assert re.fullmatch(header["pattern"].strip("^$"), "order-17 é")
    assert not re.search(header["pattern"], "order\t17")
