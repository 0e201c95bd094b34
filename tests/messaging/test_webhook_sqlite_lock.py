"""On SQLite, a webhook that meets a write lock held longer than the busy timeout is still
stored: the provider does not retry, so an answer of 500 would lose the event.

This runs the real thing: gunicorn on a SQLite file of its own, and a second connection
holding that file's write lock for 7 s (the busy timeout is 5 s) while the event comes.
"""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.messaging.provider import new_sms

ROOT = Path(__file__).resolve().parents[2]
SECRET = "sqlite-lock-test-secret-0123456789abcdef"
NUMBER = "+13109549528"

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite",
                                reason="SQLite's write lock (the PostgreSQL run skips it)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def portal(tmp_path):
    """A gunicorn serving the portal on a fresh SQLite file with one messaging number."""
    port = _free_port()
    env = {**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
           "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}", "DEBUG": "false",
           "SECRET_KEY": "sqlite-lock-test", "ALLOWED_HOSTS": "127.0.0.1",
           "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_ACCESS_LOG": "",
           "LOG_LEVEL": "WARNING", "Q_SYNC": "false"}

    def manage(*args):
        subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                       capture_output=True, timeout=120)

    manage("migrate", "--no-input")
    manage("shell", "--no-imports", "-c", (
        "from django.utils import timezone\n"
        "from django_scopes import scopes_disabled\n"
        "from accounts.models import Organization\n"
        "from messaging.models import MessagingNumber, secret_digest\n"
        "with scopes_disabled():\n"
        "    org = Organization.objects.create(name='Lock', slug='lock')\n"
        f"    MessagingNumber.objects.create(organization=org, number='{NUMBER}',\n"
        f"        webhook_secret='{SECRET}', webhook_secret_digest=secret_digest('{SECRET}'),\n"
        "        activated_at=timezone.now())\n"))
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "portal.wsgi", "-c",
                               "gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)  # waiting for a process to start, not for the behaviour
        yield url, tmp_path / "portal.sqlite3"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def _hold_write_lock(path: Path, seconds: float, taken: threading.Event) -> None:
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        taken.set()
        time.sleep(seconds)  # the lock held by a slow writer is what the test is about
        holder.execute("COMMIT")
    finally:
        holder.close()


def test_a_webhook_that_waits_out_a_long_write_lock_is_stored(portal):
    url, database = portal
    taken = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(database, 7, taken))
    holder.start()
    assert taken.wait(10)
    request = urllib.request.Request(
        f"{url}/hooks/sms/{SECRET}/", data=json.dumps(new_sms("locked-0001")).encode(),
        headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            status = response.status
    finally:
        holder.join()
    assert status == 200
    stored = sqlite3.connect(database).execute(
        "SELECT message_uuid FROM messaging_webhookevent").fetchall()
    assert stored == [("locked-0001",)]
