"""Failed logins are limited per username and address together, and per address (django-axes):
nobody can lock a user out from another address."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from tests.accounts.two_factor_helpers import (
    RECOVERY_CODES,
    RecoveryCodesFactory,
    TOTPDeviceFactory,
    code_now,
    wrong_code,
)
from tests.factories import PASSWORD

VERIFY = "/accounts/two-factor/verify/"
RECOVERY = "/accounts/two-factor/recovery/"


@pytest.fixture(autouse=True)
def low_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _fail(client, username, address="203.0.113.7"):
    return client.post("/accounts/login/", {"username": username, "password": "wrong"},
                       REMOTE_ADDR=address)


def _log_in(client, user, address="203.0.113.7"):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD},
                       REMOTE_ADDR=address)


def test_failures_from_other_addresses_do_not_lock_the_user_out(client, owner):
    # Whoever knows a username must not be able to lock its owner out from elsewhere.
    for address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        _fail(client, owner.user.username, address)
    assert _log_in(client, owner.user, "198.51.100.4").status_code == 302


def test_username_and_address_together_are_locked_after_the_limit_with_a_clear_message(
        client, owner):
    for _ in range(3):
        _fail(client, owner.user.username)
    response = _log_in(client, owner.user)
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


def test_behind_the_proxy_each_client_address_is_counted_apart(client, owner, settings):
    # Behind a proxy every request comes from the proxy's address: counted by that, failures
    # from anyone would lock everyone out.
    settings.PROXY_COUNT = 1
    for client_address in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        client.post("/accounts/login/", {"username": "alice", "password": "wrong"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=client_address)
    response = client.post("/accounts/login/", {"username": owner.user.username,
                                                "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert response.status_code == 302
    response = client.post("/accounts/login/", {"username": "bob", "password": "wrong"},
                           REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    for _ in range(2):  # the control: one client address is still locked at the limit
        response = client.post("/accounts/login/", {"username": "bob", "password": "wrong"},
                               REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.1")
    assert response.status_code == 429


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


def test_a_good_login_below_the_limit_works(client, owner):
    _fail(client, owner.user.username)
    _fail(client, owner.user.username)
    assert _log_in(client, owner.user).status_code == 302


def test_a_login_to_ones_own_account_does_not_clear_the_addresss_failures(client, owner,
                                                                          agent):
    # Else anyone with an account could guess another's password without end: two guesses,
    # a login of their own, two more guesses...
    _fail(client, owner.user.username)
    _fail(client, owner.user.username)
    _log_in(client, agent.user)
    client.logout()
    _fail(client, owner.user.username)
    assert _log_in(client, owner.user).status_code == 429


def test_failures_expire_after_the_cool_off(client, owner, clock, settings):
    for _ in range(3):
        _fail(client, owner.user.username)
    clock.shift(settings.AXES_COOLOFF_TIME * 3600 + 1)
    assert _log_in(client, owner.user).status_code == 302


@pytest.fixture
def app(owner, clock):
    RecoveryCodesFactory(user=owner.user)
    return TOTPDeviceFactory(user=owner.user)


def test_wrong_two_factor_codes_count_as_failed_logins(client, owner, app):
    _log_in(client, owner.user)
    for _ in range(3):
        client.post(VERIFY, {"code": wrong_code(app)}, REMOTE_ADDR="203.0.113.7")
    response = client.post(VERIFY, {"code": code_now(app)}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


def test_wrong_recovery_codes_count_as_failed_logins(client, owner, app):
    _log_in(client, owner.user)
    for n in range(3):
        client.post(RECOVERY, {"code": f"wrong{n}"}, REMOTE_ADDR="203.0.113.7")
    response = client.post(RECOVERY, {"code": RECOVERY_CODES[0]}, REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 429


def test_a_locked_out_pair_cannot_start_the_second_step(client, owner, app):
    for _ in range(3):
        _fail(client, owner.user.username)
    assert _log_in(client, owner.user).status_code == 429
