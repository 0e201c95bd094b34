"""portal.db.fetch_prepared: one statement of a hot path, with Django's errors and Django's
query instrumentation still in force."""

import contextlib

import pytest
from django.db import DataError, OperationalError, connection, transaction
from django.db.transaction import TransactionManagementError

from portal.db import fetch_prepared
from tests.factories import OrganizationFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="the lean psycopg path is PostgreSQL's")


def test_returns_the_first_row(db):
    assert fetch_prepared("SELECT %s, %s", [7, "seven"]) == (7, "seven")


def test_returns_none_for_a_statement_without_rows(db):
    organization = OrganizationFactory()
    assert fetch_prepared("UPDATE accounts_organization SET name = %s WHERE id = %s",
                          ["Renamed", organization.pk]) is None
    organization.refresh_from_db()
    assert organization.name == "Renamed"


def test_statement_is_seen_by_execute_wrappers(db):
    seen = []

    def watch(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        fetch_prepared("SELECT %s", [1])
    assert seen == ["SELECT %s"]


@postgresql_only
def test_database_errors_are_djangos(db):
    with pytest.raises(DataError):
        fetch_prepared("SELECT 1 / %s", [0])


def test_refuses_to_run_in_a_transaction_marked_for_rollback(db):
    with transaction.atomic():
        transaction.set_rollback(True)
        with pytest.raises(TransactionManagementError):
            fetch_prepared("SELECT %s", [1])


@postgresql_only
def test_a_statement_runs_again_with_parameters_of_other_types(db):
    assert fetch_prepared("SELECT %s", [7]) == (7,)
    assert fetch_prepared("SELECT %s", ["seven"]) == ("seven",)
    assert fetch_prepared("SELECT %s", [7]) == (7,)


@postgresql_only
def test_null_parameters_and_binary_values_round_trip(db):
    assert fetch_prepared("SELECT %s::int, %s::bytea", [None, b"\x00\xff"]) == (None, b"\x00\xff")


def test_placeholders_other_than_percent_s_are_refused(db):
    with pytest.raises(ValueError, match="placeholders"):
        fetch_prepared("SELECT %(n)s", [1])


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_is_djangos_operational_error(db,
                                                                    server_drops_connection):
    fetch_prepared("SELECT %s", [1])
    server_drops_connection()
    with pytest.raises(OperationalError):
        fetch_prepared("SELECT %s", [1])
    connection.close()


def server_prepared(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements "
                       "WHERE name LIKE 'portal%%' AND statement = %s", [sql])
        return cursor.fetchone()[0]


@postgresql_only
def test_a_statement_is_prepared_on_the_server_once(db):
    for _ in range(3):
        fetch_prepared("SELECT %s + 1", [41])
    assert server_prepared("SELECT $1 + 1") == 1


def test_a_literal_percent_is_written_as_two(db):
    assert fetch_prepared("SELECT 7 %% %s", [4]) == (3,)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_statements_dropped_on_the_server_are_prepared_again(db):
    fetch_prepared("SELECT %s", [1])
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert fetch_prepared("SELECT %s", [2]) == (2,)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_statement_that_opens_an_atomic_block_is_rolled_back_with_it(db):
    organization = OrganizationFactory(name="Kept")
    with contextlib.suppress(RuntimeError), transaction.atomic():
        fetch_prepared("UPDATE accounts_organization SET name = %s WHERE id = %s",
                       ["Renamed", organization.pk])
        raise RuntimeError("roll back")
    organization.refresh_from_db()
    assert organization.name == "Kept"
