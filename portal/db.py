"""Database helpers that depend on the backend."""

import threading
from contextlib import contextmanager, nullcontext

from django.conf import settings
from django.db import connection

_sqlite_writer = threading.Lock()


def serialized_write():
    """A lock around a short write on SQLite, a no-op elsewhere.

    SQLite lets one connection write at a time, and a connection that finds the database
    locked sleeps in steps of up to 100 ms before it tries again. Threads of one process
    that queue on a Python lock instead hand the write over at once; this is what keeps the
    webhook endpoint fast on the embedded default (one gunicorn process with threads).
    """
    return _locked() if connection.vendor == "sqlite" else nullcontext()


@contextmanager
def _locked():
    with _sqlite_writer:
        yield


def prepared_cursor():
    """A cursor for a statement that runs on every request of a hot path.

    On PostgreSQL its parameters are bound on the server and the statement is prepared on
    first use, then only executed: planning the webhook endpoint's INSERT ... SELECT cost
    more than running it. Django's own cursors bind on the client, which rules that out.
    Elsewhere, or with DATABASE_PREPARED_STATEMENTS off, it is Django's usual cursor.

    Unlike connection.cursor(), it skips the health check (CONN_HEALTH_CHECKS), a round
    trip of its own: the caller retries on a connection that the server dropped.
    """
    if connection.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS:
        return connection.cursor()
    import psycopg

    # What connection.cursor() does, with a server-binding cursor of psycopg's.
    connection.ensure_connection()
    with connection.wrap_database_errors:
        cursor = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)
