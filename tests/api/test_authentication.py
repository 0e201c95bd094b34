"""Who may call the API: keys by Bearer header, browser sessions with CSRF, and the 401s."""

from datetime import timedelta

import pytest
from django.conf import global_settings
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.utils import timezone
from django.utils.module_loading import import_string
from django_scopes import scopes_disabled

from accounts.api_keys import revoke_api_key
from accounts.models import ApiKey
from tests.api.helpers import error_of, key_client
from tests.factories import UserFactory

URL = "/api/v1/numbers/"


def test_a_valid_key_is_let_in(api):
    assert api.get(URL).status_code == 200


def test_no_credentials_is_401_with_the_bearer_challenge(db):
    response = Client().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert error_of(response)["code"] == "not_authenticated"


def test_an_unknown_key_is_401(db):
    response = key_client("axp_" + "x" * 43).get(URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "invalid_key"


def test_a_key_without_the_marker_is_401(db):
    assert key_client("not-a-portal-key").get(URL).status_code == 401


def test_a_bearer_header_without_a_key_is_401(db):
    response = Client(headers={"Authorization": "Bearer"}).get(URL)
    assert response.status_code == 401


def test_a_revoked_key_is_401(api_key):
    row, clear = api_key
    revoke_api_key(key=row)
    response = key_client(clear).get(URL)
    assert response.status_code == 401
    assert error_of(response)["code"] == "revoked_key"


def test_other_authorization_schemes_are_not_keys(db):
    response = Client(headers={"Authorization": "Basic dXNlcjpwYXNz"}).get(URL)
    assert response.status_code == 401


def test_use_sets_last_used_at(api_key, api):
    api.get(URL)
    with scopes_disabled():
        assert ApiKey.objects.get(pk=api_key[0].pk).last_used_at is not None


def test_last_used_at_is_written_at_most_once_a_minute(api_key, api, time_machine,
                                                       django_assert_num_queries):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    api.get(URL)
    time_machine.move_to(start + timedelta(seconds=30), tick=False)
    api.get(URL)
    with scopes_disabled():
        assert ApiKey.objects.get(pk=api_key[0].pk).last_used_at == start
    time_machine.move_to(start + timedelta(seconds=61), tick=False)
    api.get(URL)
    with scopes_disabled():
        assert ApiKey.objects.get(pk=api_key[0].pk).last_used_at == start + timedelta(seconds=61)


def test_no_password_hash_runs_per_request(api, settings, monkeypatch):
    """Every configured hasher (production's list, and the suite's MD5) records its calls;
    a key's requests, let in or refused, make none. Recorded, not raised: an `except` of
    the code under test could swallow an exception."""
    md5 = "django.contrib.auth.hashers.MD5PasswordHasher"
    settings.PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, md5]
    stored_md5 = import_string(md5)().encode("a password", "somesalt")
    ran = []

    def recording(hasher_class, method):
        real = getattr(hasher_class, method)

        def record(self, *args, **kwargs):
            ran.append(f"{hasher_class.__name__}.{method}")
            return real(self, *args, **kwargs)

        return record

    for path in settings.PASSWORD_HASHERS:
        hasher_class = import_string(path)
        for method in ("encode", "verify", "harden_runtime"):
            monkeypatch.setattr(hasher_class, method, recording(hasher_class, method))

    assert api.get(URL).status_code == 200
    assert key_client("axp_" + "x" * 43).get(URL).status_code == 401
    assert ran == []
    # Positive control: a password check through Django's hashers is seen.
    assert check_password("a password", stored_md5)
    assert "MD5PasswordHasher.verify" in ran


def test_a_logged_in_member_reads_with_the_session(viewer_client):
    assert viewer_client.get(URL).status_code == 200


def test_a_logged_in_user_of_no_organization_is_403(db):
    client = Client()
    client.force_login(UserFactory())
    response = client.get(URL)
    assert response.status_code == 403
    assert "not a member" in error_of(response)["message"]


@pytest.mark.parametrize("method", ["post", "delete"])
def test_a_session_without_the_csrf_token_cannot_change_anything(agent, method):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent.user)
    url = "/api/v1/messages/" if method == "post" else "/api/v1/messages/some-uuid/"
    response = getattr(client, method)(url, {}, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


def test_a_key_needs_no_csrf_token(org, api_key):
    client = key_client(api_key[1], enforce_csrf_checks=True)
    response = client.post("/api/v1/messages/", {}, content_type="application/json")
    assert response.status_code == 400  # past authentication: the body is what is wrong
