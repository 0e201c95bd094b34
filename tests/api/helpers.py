"""Helpers of the API tests: API keys, clients that present them, the error shape, and the
schema called through the portal's WSGI application."""

from contextlib import contextmanager

import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.api_keys import create_api_key

# What an answer to a good request must keep to.
GOOD_ANSWER_CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
                      response_schema_conformance]


def key_client(clear: str, **options) -> Client:
    return Client(headers={"Authorization": f"Bearer {clear}"}, **options)


def make_key(organization, scopes="read,send", name="Billing system"):
    """A key of `organization`: (row, clear key)."""
    return create_api_key(organization=organization, name=name, scopes=scopes)


def error_of(response) -> dict:
    """The `error` object of an error answer, checking the shape every error has."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@contextmanager
def kept_connection_wsgi_app():
    """The portal's WSGI application, keeping the test's database connection open across
    requests, as Django's test client does (on PostgreSQL, the end of a request would close
    it, and the test's transaction with it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@contextmanager
def api_schema_over_wsgi():
    """The API's OpenAPI schema, its cases called through the portal's WSGI application."""
    with kept_connection_wsgi_app() as app:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", app)
