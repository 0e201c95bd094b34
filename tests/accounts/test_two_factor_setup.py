"""Setting up two-factor sign-in: an authenticator app from a QR code (its secret shown
once), confirmed with a code, then ten single-use recovery codes, shown once."""

from base64 import b32encode

import pytest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from tests.accounts.two_factor_helpers import TOTPDeviceFactory, code_now, wrong_code

SETUP = "/accounts/two-factor/setup/"
MANAGE = "/accounts/two-factor/"


def _pending(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user, confirmed=False)


def _secret(device) -> str:
    return b32encode(device.bin_key).decode()


@pytest.fixture
def set_up(owner_client, owner, clock):
    """Open the setup page and confirm with the right code; returns the answer."""
    owner_client.get(SETUP)
    return owner_client.post(SETUP, {"code": code_now(_pending(owner.user))})


def test_setup_page_shows_the_secret_of_a_new_app(owner_client, owner):
    response = owner_client.get(SETUP)
    assert response.status_code == 200
    assert _secret(_pending(owner.user)) in response.content.decode().replace(" ", "")


def test_setup_page_draws_the_qr_code_as_inline_svg(owner_client, owner):
    content = owner_client.get(SETUP).content.decode()
    assert "<svg" in content
    assert "<img" not in content


def test_each_visit_of_the_setup_page_makes_a_new_secret(owner_client, owner):
    owner_client.get(SETUP)
    first = _secret(_pending(owner.user))
    owner_client.get(SETUP)
    assert _secret(_pending(owner.user)) != first
    assert TOTPDevice.objects.filter(user=owner.user).count() == 1


def test_the_right_code_turns_two_factor_on(set_up, owner):
    assert TOTPDevice.objects.get(user=owner.user).confirmed


def test_turning_it_on_shows_ten_recovery_codes(set_up, owner):
    codes = set_up.context["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    device = StaticDevice.objects.get(user=owner.user)
    assert sorted(t.token for t in device.token_set.all()) == sorted(codes)
    for code in codes:
        assert code in set_up.content.decode()


def test_a_wrong_code_leaves_two_factor_off(owner_client, owner, clock):
    owner_client.get(SETUP)
    response = owner_client.post(SETUP, {"code": wrong_code(_pending(owner.user))})
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert not TOTPDevice.objects.filter(user=owner.user, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=owner.user).exists()


def test_the_session_that_set_it_up_counts_as_verified(set_up, owner_client):
    # It proved the code just now: no second step for this session.
    assert owner_client.get("/").status_code == 200


def test_the_secret_is_not_shown_again(set_up, owner_client, owner):
    secret = _secret(TOTPDevice.objects.get(user=owner.user))
    assert owner_client.get(SETUP).url == MANAGE
    assert secret not in owner_client.get(MANAGE).content.decode().replace(" ", "")


def test_the_recovery_codes_are_not_shown_again(set_up, owner_client):
    content = owner_client.get(MANAGE).content.decode()
    assert not any(code in content for code in set_up.context["recovery_codes"])
    assert "10 recovery codes left" in content


def test_turning_it_on_is_audited(set_up, owner):
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="auth.two_factor_enabled")
    assert (entry.organization, entry.actor) == (owner.organization, owner.user)


def test_setup_needs_a_login(client, db):
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_a_user_with_an_app_is_sent_to_the_two_factor_page_rather_than_set_up_again(
        owner, clock):
    from tests.accounts.two_factor_helpers import verified_client

    client = verified_client(owner.user, TOTPDeviceFactory(user=owner.user))
    assert client.get(SETUP).url == MANAGE


def test_two_factor_page_says_it_is_off_and_links_the_setup(owner_client):
    content = owner_client.get(MANAGE).content.decode()
    assert "Two-factor sign-in is off" in content
    assert SETUP in content


def test_every_page_links_the_two_factor_page(owner_client):
    assert f'href="{MANAGE}"' in owner_client.get("/").content.decode()


def test_the_setup_page_with_its_secret_is_never_cached(owner_client):
    response = owner_client.get("/accounts/two-factor/setup/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
