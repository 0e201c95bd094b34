"""Helpers of the API tests: API keys, clients that present them, and the error shape."""

from django.test import Client

from accounts.api_keys import create_api_key


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
