"""Database helpers that depend on the backend."""

import threading
from contextlib import contextmanager, nullcontext

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
