"""Production settings from the documented variables pass `check --deploy` with no warning."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 20 + "-production-grade-secret-key-with-enough-entropy-4f9c2",
    "FIELD_ENCRYPTION_KEYS": "FRGTlXw8hpCwW-pHx0Ls3nAK2y6DkCQaDc5wYmRXEM4=",
    "ALLOWED_HOSTS": "portal.example.com",
    "PORTAL_BASE_URL": "https://portal.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_PROXY_SSL_HEADER": "true",
}


def _check(extra: dict, fail_level: str = "WARNING") -> subprocess.CompletedProcess:
    # The test run's own settings (the sandbox on, among them) are not production's.
    env = {k: v for k, v in os.environ.items()
           if k not in {"DJANGO_SETTINGS_MODULE", "STATIC_MANIFEST", "SESSION_COOKIE_SECURE",
                        "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "AXION_SANDBOX"}}
    env.update(PRODUCTION, **extra)
    return subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level",
                           fail_level], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_documented_production_settings_pass_the_deploy_check_without_warnings():
    result = _check({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_when_https_redirect_is_off():
    result = _check({"SECURE_SSL_REDIRECT": "false"})
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_the_deploy_check_warns_when_webhook_urls_are_not_https():
    result = _check({"PORTAL_BASE_URL": "http://portal.example.com"})
    assert result.returncode != 0
    assert "portal.W001" in result.stdout + result.stderr


def test_the_deploy_check_fails_with_an_error_when_the_sandbox_is_on_without_debug():
    result = _check({"AXION_SANDBOX": "true"}, fail_level="ERROR")
    assert result.returncode != 0
    assert "portal.E001" in result.stdout + result.stderr


def test_the_sandbox_is_no_error_in_development():
    result = _check({"AXION_SANDBOX": "true", "DEBUG": "true"}, fail_level="ERROR")
    assert result.returncode == 0, result.stdout + result.stderr
