"""Settings refuse an unsafe production configuration and tune SQLite for concurrency."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_DB = ("import django, json; django.setup(); from django.conf import settings; "
            "from django.db import connection; c = connection.cursor(); "
            "print(json.dumps({'options': settings.DATABASES['default']['OPTIONS'], "
            "'journal_mode': c.execute('PRAGMA journal_mode').fetchone()[0], "
            "'busy_timeout': c.execute('PRAGMA busy_timeout').fetchone()[0]}))")


def _run(code, **env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", **env}
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment,
                          capture_output=True, text=True, timeout=60, check=False)


def test_debug_off_without_encryption_keys_refuses_to_load():
    result = _run("import django; django.setup()",
                  DEBUG="false", FIELD_ENCRYPTION_KEYS="", SECRET_KEY="x")
    assert result.returncode != 0
    assert "ImproperlyConfigured: FIELD_ENCRYPTION_KEYS must be set when DEBUG is off" in (
        result.stderr)


def test_debug_off_without_secret_key_refuses_to_load():
    result = _run("import django; django.setup()", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_sqlite_uses_wal_busy_timeout_and_immediate_transactions(tmp_path):
    result = _run(PRINT_DB, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["options"]["transaction_mode"] == "IMMEDIATE"
    assert "PRAGMA journal_mode=WAL" in loaded["options"]["init_command"]
    assert (loaded["journal_mode"], loaded["busy_timeout"]) == ("wal", 5000)
