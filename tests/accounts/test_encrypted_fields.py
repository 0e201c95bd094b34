"""Secrets of a connection are stored as Fernet tokens and read back as clear text."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection as db
from django_scopes import scopes_disabled

from accounts.models import Connection
from tests.factories import ConnectionFactory

SECRETS = {"api_key": "AK-clear-5b1d9e", "password": "PW-clear-77c3a0",
           "session_token": "ST-clear-e4f2b8"}


def stored_columns(connection) -> dict[str, str]:
    """The secret columns as they are in the database, read past the ORM."""
    names = list(SECRETS)
    with db.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(names)} FROM {Connection._meta.db_table} "  # noqa: S608
                       "WHERE id = %s", [connection.pk])
        return dict(zip(names, cursor.fetchone(), strict=True))


@pytest.fixture
def secret_connection(org):
    return ConnectionFactory(organization=org, **SECRETS)


@pytest.mark.parametrize("field", list(SECRETS))
def test_stored_secret_is_not_the_clear_text(secret_connection, field):
    stored = stored_columns(secret_connection)[field]
    assert stored.startswith("gAAAAA")  # the control: the column holds a Fernet token
    assert SECRETS[field] not in stored


@pytest.mark.parametrize("field", list(SECRETS))
def test_stored_secret_decrypts_to_the_clear_text(secret_connection, field, settings):
    stored = stored_columns(secret_connection)[field]
    fernet = Fernet(settings.FIELD_ENCRYPTION_KEYS[0].encode())
    assert fernet.decrypt(stored.encode()).decode() == SECRETS[field]


def test_orm_reads_the_clear_text(secret_connection):
    with scopes_disabled():
        loaded = Connection.objects.get(pk=secret_connection.pk)
    assert {f: getattr(loaded, f) for f in SECRETS} == SECRETS


def test_empty_session_token_is_stored_empty(org):
    connection = ConnectionFactory(organization=org, session_token="")
    assert stored_columns(connection)["session_token"] == ""


def test_same_secret_is_stored_differently_each_time(org, other_org):
    first = ConnectionFactory(organization=org, api_key="same-key")
    second = ConnectionFactory(organization=other_org, api_key="same-key")
    assert stored_columns(first)["api_key"] != stored_columns(second)["api_key"]


def test_unknown_key_gives_a_clear_error_without_the_ciphertext(secret_connection, settings):
    stored = stored_columns(secret_connection)["api_key"]
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(ImproperlyConfigured, match="cannot be decrypted") as error:
        with scopes_disabled():
            Connection.objects.get(pk=secret_connection.pk)
    assert stored not in str(error.value)


def test_invalid_key_gives_a_clear_error(secret_connection, settings):
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        with scopes_disabled():
            Connection.objects.get(pk=secret_connection.pk)
