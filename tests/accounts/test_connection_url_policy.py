"""Connection URLs the portal must not call are refused when a connection is saved: on the
page, by connect_axion and by the service they share (https to public addresses only,
unless AXION_ALLOWED_HOSTS or the sandbox allows the URL)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from accounts.models import AuditEntry, Connection
from accounts.services import save_connection
from accounts.tasks import renew_tokens
from tests.factories import ConnectionFactory

FAX = "/organization/connections/fax/"
VALUES = {"username": "harbor", "api_key": "AK-new-1f2e3d", "password": "PW-new-4c5b6a",
          "time_zone": "UTC"}


def _post(client, url):
    return client.post(FAX, {**VALUES, "api_url": url})


def _connection(org):
    with scopes_disabled():
        return Connection.objects.filter(organization=org, kind="fax").first()


@pytest.mark.parametrize(("url", "says"), [
    ("http://fax.axion.example/api", "The URL must start with https://."),
    ("https://127.0.0.1/api", "127.0.0.1 is not a public address"),
    ("https://10.1.2.3/api", "10.1.2.3 is not a public address"),
    ("https://169.254.169.254/latest/meta-data/", "169.254.169.254 is not a public address"),
    ("https://[::1]:8443/api", ":1 is not a public address"),
    ("https://user:pw@fax.axion.example/api", "must not contain a user name or password"),
])
def test_page_refuses_a_url_the_portal_must_not_call(admin_client_, org, url, says):
    response = _post(admin_client_, url)
    assert response.status_code == 200
    [message] = response.context["form"].errors["api_url"]
    assert says in message
    assert _connection(org) is None


def test_page_refuses_a_name_that_resolves_to_a_private_address(admin_client_, org, dns):
    dns["intranet.example"] = ["192.168.10.20"]
    response = _post(admin_client_, "https://intranet.example/api")
    [message] = response.context["form"].errors["api_url"]
    assert message.startswith("intranet.example does not resolve to a public address")
    assert b"192.168.10.20" not in response.content
    assert _connection(org) is None


def test_page_refuses_a_name_that_does_not_resolve(admin_client_, org):
    response = _post(admin_client_, "https://fax.provider.invalid/api")
    assert "does not resolve to a public address" in response.context["form"].errors[
        "api_url"][0]


def test_page_saves_a_host_listed_in_axion_allowed_hosts(admin_client_, org, settings):
    settings.AXION_ALLOWED_HOSTS = ["127.0.0.1"]
    assert _post(admin_client_, "http://127.0.0.1:8080/api").status_code == 302
    assert _connection(org).api_url == "http://127.0.0.1:8080/api"


def test_page_refuses_other_hosts_when_axion_allowed_hosts_is_set(admin_client_, org, settings):
    settings.AXION_ALLOWED_HOSTS = ["fax.axion.example"]
    response = _post(admin_client_, "https://other.axion.example/api")
    assert "other.axion.example is not one of them" in response.context["form"].errors[
        "api_url"][0]


@pytest.mark.parametrize(("sandbox", "saved"), [(True, True), (False, False)])
def test_sandbox_url_is_saved_only_while_the_sandbox_is_on(admin_client_, org, settings,
                                                            sandbox, saved):
    settings.AXION_SANDBOX = sandbox
    settings.PORTAL_BASE_URL = "http://127.0.0.1:8000"
    _post(admin_client_, "http://127.0.0.1:8000/sandbox/fax")
    assert (_connection(org) is not None) == saved


def test_service_refuses_a_private_url_before_changing_anything(org):
    connection = ConnectionFactory(organization=org)
    with pytest.raises(ValidationError) as caught:
        save_connection(organization=org, kind="fax", values={"api_url": "https://10.0.0.8/"},
                        actor=None)
    assert "10.0.0.8 is not a public address" in caught.value.message_dict["api_url"][0]
    assert _connection(org).api_url == connection.api_url
    with scopes_disabled():
        assert not AuditEntry.objects.filter(organization=org).exists()


def test_connect_axion_refuses_a_loopback_url(org, monkeypatch):
    monkeypatch.setenv("AXION_API_KEY", "AK-env-6e7f")
    monkeypatch.setenv("AXION_PASSWORD", "PW-env-8a9b")
    with pytest.raises(CommandError, match="api_url: The URL must start with https://."):
        call_command("connect_axion", "harbor", "fax", url="http://localhost:6379/",
                     username="harbor", stdout=None)
    assert _connection(org) is None


def test_renewal_flags_a_connection_whose_url_now_resolves_privately(org, dns):
    """Saved while public; the name now points inside the network."""
    connection = ConnectionFactory(organization=org, api_url="https://rebound.example/api")
    dns["rebound.example"] = ["10.9.8.7"]
    assert renew_tokens() == "0 tokens renewed, 1 failed"
    flagged = _connection(org)
    assert flagged.failing_since is not None
    assert "API URL" in flagged.last_error
    assert flagged.pk == connection.pk
