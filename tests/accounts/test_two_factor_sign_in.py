"""Signing in with two-factor: after the password, a user with an authenticator app gives
its code (or one of their recovery codes) before they are signed in."""

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

LOGIN = "/accounts/login/"
VERIFY = "/accounts/two-factor/verify/"
RECOVERY = "/accounts/two-factor/recovery/"


@pytest.fixture
def device(owner, clock):
    RecoveryCodesFactory(user=owner.user)
    return TOTPDeviceFactory(user=owner.user)


def _password(client, user, next_url=""):
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(LOGIN, data)


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def _audit(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


def test_a_user_without_two_factor_signs_in_with_the_password_alone(client, owner):
    response = _password(client, owner.user)
    assert response.url == "/"
    assert _signed_in(client)


def test_the_password_alone_leads_to_the_second_step(client, owner, device):
    assert _password(client, owner.user).url == VERIFY


def test_the_password_alone_does_not_sign_in(client, owner, device):
    assert _password(client, owner.user).url == VERIFY  # the control: the password was right
    assert not _signed_in(client)


def test_the_right_code_signs_in(client, owner, device):
    _password(client, owner.user)
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.url == "/"
    assert _signed_in(client)


def test_the_sign_in_goes_on_to_where_the_user_was_going(client, owner, device):
    _password(client, owner.user, next_url="/organization/members/")
    assert client.post(VERIFY, {"code": code_now(device)}).url == "/organization/members/"


def test_a_wrong_code_does_not_sign_in(client, owner, device):
    _password(client, owner.user)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not _signed_in(client)


def test_a_code_used_once_does_not_sign_in_again(client, owner, device):
    code = code_now(device)
    _password(client, owner.user)
    client.post(VERIFY, {"code": code})
    assert _signed_in(client)  # the control: the code was right the first time
    client.logout()
    _password(client, owner.user)
    client.post(VERIFY, {"code": code})
    assert not _signed_in(client)


def test_the_login_is_audited_after_the_second_step_only(client, owner, device):
    _password(client, owner.user)
    assert _audit("auth.login") == []
    client.post(VERIFY, {"code": code_now(device)})
    assert len(_audit("auth.login")) == 1


def test_the_second_step_expires(client, owner, device, clock):
    _password(client, owner.user)
    clock.shift(301)
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.url.startswith(LOGIN)
    assert not _signed_in(client)


def test_the_second_step_without_the_password_goes_to_the_login_page(client, db):
    assert client.get(VERIFY).url.startswith(LOGIN)


def test_the_second_step_page_offers_a_recovery_code(client, owner, device):
    _password(client, owner.user)
    assert RECOVERY in client.get(VERIFY).content.decode()


def test_a_recovery_code_signs_in(client, owner, device):
    _password(client, owner.user)
    response = client.post(RECOVERY, {"code": RECOVERY_CODES[0]})
    assert response.url == "/"
    assert _signed_in(client)


def test_a_recovery_code_is_accepted_whatever_its_case_and_spaces(client, owner, device):
    _password(client, owner.user)
    client.post(RECOVERY, {"code": " " + RECOVERY_CODES[0].upper()[:4] + " "
                                  + RECOVERY_CODES[0].upper()[4:]})
    assert _signed_in(client)


def test_a_recovery_code_works_once(client, owner, device):
    _password(client, owner.user)
    client.post(RECOVERY, {"code": RECOVERY_CODES[0]})
    client.logout()
    _password(client, owner.user)
    response = client.post(RECOVERY, {"code": RECOVERY_CODES[0]})
    assert response.status_code == 200
    assert not _signed_in(client)


def test_a_used_recovery_code_is_audited_with_the_codes_left(client, owner, device):
    _password(client, owner.user)
    client.post(RECOVERY, {"code": RECOVERY_CODES[0]})
    [entry] = _audit("auth.recovery_code_used")
    assert (entry.organization, entry.actor, entry.detail) == (
        owner.organization, owner.user, {"codes_left": len(RECOVERY_CODES) - 1})


def test_a_wrong_code_is_audited_as_a_failed_login(client, owner, device):
    _password(client, owner.user)
    client.post(VERIFY, {"code": wrong_code(device)})
    [entry] = _audit("auth.login_failed")
    assert (entry.actor, entry.detail) == (owner.user, {"step": "two-factor code"})
