"""Fixtures of the sandbox tests: an account with a number, its tokens, and JSON posters."""

import json

import pytest

from sandbox import services
from sandbox.models import SandboxToken
from tests.sandbox.factories import SandboxAccountFactory, SandboxNumberFactory


@pytest.fixture
def account(db):
    return SandboxAccountFactory(username="john_doe", password="my_secret_pass")


@pytest.fixture
def number(account):
    return SandboxNumberFactory(account=account, number="+13109549528")


@pytest.fixture
def fax_token(account):
    return services.login(api=SandboxToken.Api.FAX, api_key=account.api_key,
                          username=account.username, password=account.password).token


@pytest.fixture
def sms_token(account):
    return services.login(api=SandboxToken.Api.SMS, api_key=account.api_key,
                          username=account.username, password=account.password).token


def _poster(client, url):
    def post(body):
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        return client.post(url, data=data, content_type="application/json")

    return post


@pytest.fixture
def post_fax(client):
    """POST a body (a dict, or raw text) to the fax API; returns the response."""
    return _poster(client, "/sandbox/fax")


@pytest.fixture
def post_sms(client):
    return _poster(client, "/sandbox/sms")


@pytest.fixture
def fax_call(post_fax, account, fax_token):
    """Call a fax method as the account, with a live token; returns the decoded body."""
    def call(method, **params):
        body = {"METHOD": method, "API_KEY": account.api_key, "SESSION_TOKEN": fax_token, **params}
        return post_fax(body).json()

    return call


@pytest.fixture
def sms_call(post_sms, account, sms_token):
    """Call an SMS method as the account; returns the response (getMMSMedia is not JSON)."""
    def call(method, **params):
        return post_sms({"method": method, "apiKey": account.api_key, "sessionToken": sms_token,
                         **params})

    return call
