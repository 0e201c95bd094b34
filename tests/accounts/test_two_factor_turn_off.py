"""Turning two-factor sign-in off takes a current code (or a recovery code)."""

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from tests.accounts.two_factor_helpers import (
    RECOVERY_CODES,
    RecoveryCodesFactory,
    TOTPDeviceFactory,
    code_now,
    verified_client,
    wrong_code,
)
from tests.factories import PASSWORD

TURN_OFF = "/accounts/two-factor/turn-off/"


@pytest.fixture
def device(owner, clock):
    RecoveryCodesFactory(user=owner.user)
    return TOTPDeviceFactory(user=owner.user)


@pytest.fixture
def client_2fa(owner, device):
    return verified_client(owner.user, device)


def _has_two_factor(user) -> bool:
    return (TOTPDevice.objects.filter(user=user).exists()
            or StaticDevice.objects.filter(user=user).exists())


def test_a_current_code_turns_it_off(client_2fa, owner, device):
    response = client_2fa.post(TURN_OFF, {"code": code_now(device)})
    assert response.url == "/accounts/two-factor/"
    assert not _has_two_factor(owner.user)


def test_a_recovery_code_turns_it_off(client_2fa, owner):
    client_2fa.post(TURN_OFF, {"code": RECOVERY_CODES[1]})
    assert not _has_two_factor(owner.user)


def test_a_wrong_code_leaves_it_on(client_2fa, owner, device):
    response = client_2fa.post(TURN_OFF, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert _has_two_factor(owner.user)


def test_turning_it_off_is_audited(client_2fa, owner, device):
    client_2fa.post(TURN_OFF, {"code": code_now(device)})
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="auth.two_factor_disabled")
    assert (entry.organization, entry.actor) == (owner.organization, owner.user)


def test_after_turning_it_off_the_password_alone_signs_in(client_2fa, client, owner, device):
    client_2fa.post(TURN_OFF, {"code": code_now(device)})
    response = client.post("/accounts/login/", {"username": owner.user.username,
                                                "password": PASSWORD})
    assert response.url == "/"


def test_turning_off_needs_a_login(client, db):
    assert client.post(TURN_OFF, {"code": "123456"}).url.startswith("/accounts/login/")


def test_a_recovery_code_of_digits_only_turns_it_off(owner, clock):
    RecoveryCodesFactory(user=owner.user, codes=["23456723"])
    client = verified_client(owner.user)
    client.post(TURN_OFF, {"code": "23456723"})
    assert not _has_two_factor(owner.user)
