"""Database helpers that depend on the backend."""

import threading
from contextlib import contextmanager, nullcontext

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_sqlite_writer = threading.Lock()


def _serialized_write(db):
    """A lock around a short write on SQLite, a no-op elsewhere.

    SQLite lets one connection write at a time, and a connection that finds the database
    locked sleeps in steps of up to 100 ms before it tries again. Threads of one process
    that queue on a Python lock instead hand the write over at once; this is what keeps the
    webhook endpoint fast on the embedded default (one gunicorn process with threads).
    """
    return _locked() if db.vendor == "sqlite" else nullcontext()


@contextmanager
def _locked():
    with _sqlite_writer:
        yield


def fetch_prepared(sql: str, params: list, *, using: str = DEFAULT_DB_ALIAS) -> tuple | None:
    """Run one statement of a hot path; return its first row (None if it returned none).

    On PostgreSQL its parameters are bound on the server and the statement is prepared on
    first use, then only executed: planning the webhook endpoint's INSERT ... SELECT cost
    more than running it. Django's own cursors bind on the client, which rules that out.

    It is also lean, for a path that runs thousands of times a second: one lookup of the
    connection (each attribute of the `connection` proxy is a thread-local lookup of its
    own), psycopg's cursor without Django's wrapper, and no health check (CONN_HEALTH_CHECKS,
    a round trip of its own): the caller retries on a connection that the server dropped.
    Errors are still Django's (django.db.OperationalError and so on).

    Elsewhere, with DATABASE_PREPARED_STATEMENTS off, or while something watches the
    queries (DEBUG, a test counting them, an execute wrapper), it is Django's usual cursor.
    """
    db = connections[using]
    with _serialized_write(db):
        if (db.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS
                or db.queries_logged or db.execute_wrappers):
            with db.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone() if cursor.description else None
        db.ensure_connection()
        db.validate_no_broken_transaction()
        with db.wrap_database_errors, psycopg.Cursor(db.connection) as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchone() if cursor.description else None
