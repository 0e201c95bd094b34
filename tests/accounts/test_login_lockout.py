"""Failed logins are limited per username and per address (django-axes)."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def low_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _fail(client, username, address="203.0.113.7"):
    return client.post("/accounts/login/", {"username": username, "password": "wrong"},
                       REMOTE_ADDR=address)


def test_username_is_locked_after_the_limit_with_a_clear_message(client, owner):
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        _fail(client, owner.user.username, address)
    response = client.post("/accounts/login/", {"username": owner.user.username,
                                                "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.4")
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


def test_address_is_locked_after_the_limit_whatever_the_username(client, owner):
    for username in ("alice", "bob", "carol"):
        _fail(client, username)
    response = client.post("/accounts/login/", {"username": owner.user.username,
                                                "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429


def test_lockout_is_in_the_audit_log(client, owner):
    for _ in range(3):
        _fail(client, owner.user.username)
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="auth.locked_out",
                                         organization=owner.organization).exists()


def test_a_good_login_below_the_limit_works_and_resets_the_count(client, owner):
    _fail(client, owner.user.username)
    _fail(client, owner.user.username)
    response = client.post("/accounts/login/", {"username": owner.user.username,
                                                "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
