"""rotate_encryption_keys re-encrypts every stored secret under the first key."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django_scopes import scopes_disabled

from accounts.models import Connection
from tests.accounts.test_encrypted_fields import SECRETS, stored_columns
from tests.factories import ConnectionFactory


@pytest.fixture
def new_key():
    return Fernet.generate_key().decode()


@pytest.fixture
def secret_connection(org):
    return ConnectionFactory(organization=org, **SECRETS)


def _rotate_to(new_key, settings):
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_encryption_keys", stdout=None)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]


def _load(connection):
    with scopes_disabled():
        return Connection.objects.get(pk=connection.pk)


def test_secrets_decrypt_with_only_the_new_key_after_rotation(secret_connection, new_key,
                                                               settings):
    _rotate_to(new_key, settings)
    loaded = _load(secret_connection)
    assert {f: getattr(loaded, f) for f in SECRETS} == SECRETS


def test_stored_columns_are_tokens_of_the_new_key(secret_connection, new_key, settings):
    _rotate_to(new_key, settings)
    fernet = Fernet(new_key.encode())
    stored = stored_columns(secret_connection)
    assert {f: fernet.decrypt(v.encode()).decode() for f, v in stored.items()} == SECRETS


def test_without_rotation_the_new_key_alone_cannot_read_the_secrets(secret_connection,
                                                                     new_key, settings):
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    with pytest.raises(ImproperlyConfigured):
        _load(secret_connection)


def test_rotation_keeps_an_empty_session_token_empty(org, new_key, settings):
    connection = ConnectionFactory(organization=org, session_token="")
    _rotate_to(new_key, settings)
    assert stored_columns(connection)["session_token"] == ""


def test_rotation_covers_every_organization(org, other_org, new_key, settings):
    ours = ConnectionFactory(organization=org, api_key="ours-key")
    theirs = ConnectionFactory(organization=other_org, api_key="theirs-key")
    _rotate_to(new_key, settings)
    assert (_load(ours).api_key, _load(theirs).api_key) == ("ours-key", "theirs-key")


def test_rotation_reports_the_number_of_rows(org, other_org, settings, new_key, capsys):
    ConnectionFactory(organization=org)
    ConnectionFactory(organization=other_org)
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_encryption_keys")
    assert "Re-encrypted the secrets of 2 rows." in capsys.readouterr().out
