"""ConnectionTokenStore (accounts/tokens.py): session tokens kept on Connection rows."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection as db_connection
from django.utils import timezone

import axion
from accounts.models import Connection
from accounts.tokens import EXPIRY_MARGIN, ConnectionTokenStore
from tests.axion.bodies import FAX_LOGIN_OK, OTHER_TOKEN, TOKEN
from tests.axion.recorded import answer, sent
from tests.factories import ConnectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def connection():
    return ConnectionFactory(failing_since=timezone.now(), last_error="WRONG CREDENTIALS")


def test_saved_token_is_returned_while_valid(connection):
    store = ConnectionTokenStore(connection)
    store.save(TOKEN, timezone.now() + timedelta(days=30))
    assert store.get() == TOKEN


def test_token_is_stored_encrypted(connection):
    ConnectionTokenStore(connection).save(TOKEN, timezone.now() + timedelta(days=30))
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT session_token FROM accounts_connection WHERE id = %s",
                       [connection.pk])
        stored = cursor.fetchone()[0]
    assert stored and TOKEN not in stored


def test_save_clears_the_failure_marks_and_nothing_else(connection):
    connection.username = "changed-in-memory-only"
    ConnectionTokenStore(connection).save(TOKEN, timezone.now() + timedelta(days=30))
    row = Connection._base_manager.get(pk=connection.pk)
    assert (row.session_token, row.failing_since, row.last_error) == (TOKEN, None, "")
    assert row.username == "portal"


def test_no_token_is_none(connection):
    assert ConnectionTokenStore(connection).get() is None


def test_token_expires_after_30_days(connection):
    store = ConnectionTokenStore(connection)
    store.save(TOKEN, timezone.now() + timedelta(days=30))
    assert store.get() == TOKEN  # the control: valid until then
    with time_machine.travel(timezone.now() + timedelta(days=30, seconds=1)):
        assert store.get() is None


def test_token_close_to_expiry_is_not_used(connection):
    store = ConnectionTokenStore(connection)
    store.save(TOKEN, timezone.now() + EXPIRY_MARGIN - timedelta(seconds=1))
    # the control: the token is stored, only its nearness to expiry keeps it from use
    assert Connection._base_manager.get(pk=connection.pk).session_token == TOKEN
    assert store.get() is None


def test_lock_rereads_a_token_saved_by_another_process(connection):
    stale_copy = Connection._base_manager.get(pk=connection.pk)
    ConnectionTokenStore(connection).save(OTHER_TOKEN, timezone.now() + timedelta(days=30))
    store = ConnectionTokenStore(stale_copy)
    assert store.get() is None
    with store.lock():
        assert store.get() == OTHER_TOKEN


def test_client_reuses_a_token_saved_meanwhile_instead_of_logging_in(provider, connection):
    stale_copy = Connection._base_manager.get(pk=connection.pk)
    answer(provider, "User_Login", FAX_LOGIN_OK)
    answer(provider, "Fax_Status", {"RESULT": "OK", "FAXES": []})
    axion.client_for(connection).fax_status("test 1")
    axion.client_for(stale_copy).fax_status("test 1")
    assert len(sent(provider, "User_Login")) == 1
    assert [p["SESSION_TOKEN"] for p in sent(provider, "Fax_Status")] == [TOKEN, TOKEN]


def test_store_needs_a_saved_connection():
    with pytest.raises(ValueError, match="saved connection"):
        ConnectionTokenStore(Connection())
