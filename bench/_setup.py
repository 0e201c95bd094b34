"""Shared set-up of the benchmarks: a throw-away database, Django configured for speed.

Each benchmark runs against its own new database: a temporary SQLite file by default, or a
new database created on the PostgreSQL server named by --database-url, dropped at the end.
DEBUG is off (DEBUG keeps every query in memory) and connections persist.
"""

import argparse
import os
import socket
import statistics
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def parse_args(description: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server to use (a new database is created and "
                             "dropped on it); default: a temporary SQLite file")
    parser.add_argument("--rows", type=int, default=1_000_000,
                        help="rows of the large organization (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=31, help="requests timed per page")
    return parser.parse_args()


@contextmanager
def bench_database(database_url: str):
    """Yield a DATABASE_URL of a new, empty database, removed afterwards."""
    if not database_url:
        folder = tempfile.mkdtemp(prefix="portal-bench-")
        path = Path(folder) / "bench.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for file in Path(folder).glob("*"):
                file.unlink()
            Path(folder).rmdir()
        return
    import psycopg

    parts = urlsplit(database_url.replace("postgresql://", "postgres://", 1))
    name = f"portal_bench_{uuid.uuid4().hex[:8]}"
    admin_url = urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(("postgres", parts.netloc, f"/{name}", "", ""))
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def configure_django(database_url: str) -> None:
    os.environ.update({
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-secret-key",
        "FIELD_ENCRYPTION_KEYS": "FRGTlXw8hpCwW-pHx0Ls3nAK2y6DkCQaDc5wYmRXEM4=",
        "STATIC_MANIFEST": "false",
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "AXION_SANDBOX": "false",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "600",
    })
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def median_seconds(fn, repeat: int) -> float:
    """Median wall time of `repeat` calls of fn, after two warm-up calls."""
    fn()
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def interleaved_medians(fns: dict, repeat: int) -> dict[str, float]:
    """Time several callables round-robin, so drift on the machine hits them alike."""
    for fn in fns.values():
        fn()
        fn()
    times = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def free_port() -> int:
    """A TCP port free on loopback, for a server the benchmark starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, seconds: float = 30) -> None:
    """Wait until a server the benchmark started answers at `url`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback only
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")
