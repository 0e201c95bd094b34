"""Database helpers that depend on the backend."""

import functools
import itertools
import re
import threading
from contextlib import contextmanager, nullcontext

import psycopg
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from psycopg.adapt import PyFormat, Transformer
from psycopg.pq import ConnStatus, ExecStatus, TransactionStatus

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
    own), libpq's own execution instead of a cursor (see _execute_prepared), and no health
    check (CONN_HEALTH_CHECKS, a round trip of its own): the caller retries on a connection
    that the server dropped. Errors are still Django's (django.db.OperationalError and so
    on). The SQL takes `%s` placeholders, and `%%` for a literal `%`.

    Elsewhere, with DATABASE_PREPARED_STATEMENTS off, or while something watches the
    queries (DEBUG, a test counting them, an execute wrapper), it is Django's usual cursor.
    """
    _numbered(sql)  # the same placeholders on every path (cached)
    db = connections[using]
    with _serialized_write(db):
        if _runs_lean(db):
            with db.wrap_database_errors:
                return _execute_prepared(db.connection, sql, params)
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None


def _runs_lean(db) -> bool:
    """Whether fetch_prepared may go straight to libpq on this connection (see above)."""
    if (db.vendor != "postgresql" or not settings.DATABASE_PREPARED_STATEMENTS
            or db.queries_logged or db.execute_wrappers):
        return False
    db.ensure_connection()
    db.validate_no_broken_transaction()
    conn = db.connection
    # Not as the first statement of an atomic block: Django's cursor sends the BEGIN that
    # Django asked for there (through psycopg), which libpq alone would not.
    return conn.autocommit or conn.pgconn.transaction_status != TransactionStatus.IDLE


class _PreparedStatements:
    """What one psycopg connection keeps for fetch_prepared: a Transformer, whose adapters
    are looked up once, and the names of the statements prepared on that connection (they
    live as long as it does, so this is kept on it)."""

    def __init__(self, conn: psycopg.Connection):
        self.transformer = Transformer(conn)
        self.names: dict[tuple[str, tuple], bytes] = {}


def _execute_prepared(conn: psycopg.Connection, sql: str, params: list) -> tuple | None:
    """One statement through libpq's PQexecPrepared, a single blocking call.

    A psycopg cursor waits for the server in several steps, and each gives up and takes
    back the interpreter's lock, for which a worker's threads queue under load; this call
    releases it once for the whole round trip. Served side by side by one gunicorn in
    alternating rounds, the webhook answered 8 % and 15 % more requests per second this
    way than through a cursor (median of the rounds' ratios, two runs), with 90 and 400 µs
    less CPU per request. Parameters and results go through psycopg's own adapters.
    """
    state = getattr(conn, "_portal_prepared", None)
    if state is None:
        state = conn._portal_prepared = _PreparedStatements(conn)
    transformer = state.transformer
    with conn.lock:  # as psycopg does around every exchange with the server
        values = transformer.dump_sequence(params, [PyFormat.AUTO] * len(params))
        # A statement is prepared for its parameters' types, as psycopg's own cache does.
        key = (sql, tuple(transformer.types))
        try:
            result = _execute(conn, state, key, values)
        except psycopg.errors.InvalidSqlStatementName:
            # Our statements were dropped (DISCARD ALL or DEALLOCATE ALL, by a pooler
            # resetting the session, say): prepare them again, once, outside a transaction.
            if conn.pgconn.transaction_status != TransactionStatus.IDLE:
                raise
            state.names.clear()
            result = _execute(conn, state, key, values)
        if not result.ntuples:
            return None
        transformer.set_pgresult(result)
        return transformer.load_row(0, tuple)


def _execute(conn: psycopg.Connection, state: _PreparedStatements, key: tuple, values):
    name = state.names.get(key)
    if name is None:
        sql, types = key
        name = f"portal_{len(state.names)}".encode()
        _succeeded(conn, conn.pgconn.prepare(name, _numbered(sql).encode(conn.info.encoding),
                                             types))
        state.names[key] = name
    return _succeeded(conn, conn.pgconn.exec_prepared(name, values,
                                                      state.transformer.formats))


_PLACEHOLDER = re.compile(r"%s|%%|%")


@functools.lru_cache(maxsize=256)
def _numbered(sql: str) -> str:
    """The statement with PostgreSQL's $1, $2 ... in place of each %s, and % for each %%,
    as psycopg reads it."""
    numbers = itertools.count(1)

    def replace(match: re.Match) -> str:
        if match.group() == "%s":
            return f"${next(numbers)}"
        if match.group() == "%%":
            return "%"
        raise ValueError("fetch_prepared takes %s placeholders (and %% for a %).")

    return _PLACEHOLDER.sub(replace, sql)


def _succeeded(conn: psycopg.Connection, result):
    """The result, or psycopg's exception for it (Django's wrapper makes it Django's)."""
    if result.status in (ExecStatus.COMMAND_OK, ExecStatus.TUPLES_OK):
        return result
    if conn.pgconn.status == ConnStatus.BAD:
        # No SQLSTATE to go by: psycopg's own name for a connection that is gone.
        raise psycopg.OperationalError("the connection to the database was lost")
    raise psycopg.errors.error_from_result(result, encoding=conn.info.encoding)
