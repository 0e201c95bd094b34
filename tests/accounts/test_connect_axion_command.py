"""connect_axion: an organization's connection from the command line, secrets from the env."""

import pytest
from django.core.management import CommandError, call_command
from django_scopes import scopes_disabled

from accounts.models import Connection
from tests.factories import ConnectionFactory

URL = "https://fax.axion.example/api"


@pytest.fixture
def secrets_env(monkeypatch):
    monkeypatch.setenv("AXION_API_KEY", "AK-env-6e7f")
    monkeypatch.setenv("AXION_PASSWORD", "PW-env-8a9b")


@pytest.fixture
def no_secrets_env(monkeypatch):
    monkeypatch.delenv("AXION_API_KEY", raising=False)
    monkeypatch.delenv("AXION_PASSWORD", raising=False)


def _connect(slug="harbor", kind="fax", **options):
    call_command("connect_axion", slug, kind, **{"url": URL, "username": "harbor", **options},
                 stdout=None)


def _connection(org, kind="fax"):
    with scopes_disabled():
        return Connection.objects.get(organization=org, kind=kind)


def test_creates_a_connection_with_secrets_from_the_environment(org, secrets_env):
    _connect(timezone="America/Denver")
    connection = _connection(org)
    assert (connection.api_url, connection.username, connection.api_key, connection.password,
            connection.time_zone) == (URL, "harbor", "AK-env-6e7f", "PW-env-8a9b",
                                      "America/Denver")


def test_unset_secrets_keep_the_stored_values(org, no_secrets_env):
    ConnectionFactory(organization=org, api_key="AK-stored", password="PW-stored")
    _connect(username="renamed")
    connection = _connection(org)
    assert (connection.username, connection.api_key, connection.password) == (
        "renamed", "AK-stored", "PW-stored")


def test_missing_secrets_for_a_new_connection_name_the_variables(org, no_secrets_env):
    with pytest.raises(CommandError) as error:
        _connect()
    assert "AXION_API_KEY: Required for a new connection." in str(error.value)
    assert "AXION_PASSWORD: Required for a new connection." in str(error.value)


def test_unknown_organization_slug_is_refused(db, secrets_env):
    with pytest.raises(CommandError, match="No organization with the slug 'nowhere'"):
        _connect(slug="nowhere")


def test_unknown_time_zone_is_refused(org, secrets_env):
    with pytest.raises(CommandError, match="Unknown time zone 'Mars/Olympus_Mons'"):
        _connect(timezone="Mars/Olympus_Mons")


def test_invalid_url_is_refused(org, secrets_env):
    with pytest.raises(CommandError, match="api_url: Enter a valid URL."):
        _connect(url="not a url")
    with scopes_disabled():
        assert not Connection.objects.exists()


def test_unknown_kind_is_refused(org, secrets_env):
    with pytest.raises(CommandError, match="invalid choice: 'voice'"):
        _connect(kind="voice")


def test_sms_connection_is_created(org, secrets_env):
    _connect(kind="sms", url="https://sms.axion.example/api")
    assert _connection(org, "sms").api_key == "AK-env-6e7f"
