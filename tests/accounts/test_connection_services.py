"""services.save_connection: write-only secrets, token reset, and audit without values."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts import services
from accounts.models import AuditEntry, Connection
from tests.factories import ConnectionFactory

VALUES = {"api_url": "https://fax.axion.example/api", "username": "harbor",
          "api_key": "AK-svc-0a1b", "password": "PW-svc-2c3d", "time_zone": "America/Chicago"}


def _save(org, actor=None, **changes):
    return services.save_connection(organization=org, kind="fax",
                                    values={**VALUES, **changes}, actor=actor)


def _audit_entries(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


def test_creates_a_connection_with_its_secrets(org):
    connection = _save(org)
    assert (connection.organization, connection.api_key) == (org, "AK-svc-0a1b")


def test_new_connection_without_secrets_is_refused(org):
    with pytest.raises(ValidationError) as error:
        _save(org, api_key="", password="")
    assert set(error.value.message_dict) == {"api_key", "password"}
    with scopes_disabled():
        assert not Connection.objects.exists()


def test_invalid_url_is_refused(org):
    with pytest.raises(ValidationError) as error:
        _save(org, api_url="not a url")
    assert "api_url" in error.value.message_dict


def test_blank_secret_keeps_the_stored_value(org):
    ConnectionFactory(organization=org, api_key="AK-kept", password="PW-kept")
    connection = _save(org, api_key="", password="")
    assert (connection.api_key, connection.password) == ("AK-kept", "PW-kept")


@pytest.mark.parametrize("field, value", [
    ("api_url", "https://other.axion.example/api"), ("username", "someone-else"),
    ("api_key", "AK-changed"), ("password", "PW-changed"),
])
def test_changing_credentials_drops_the_session_token(org, field, value):
    ConnectionFactory(organization=org, session_token="ST-old", **VALUES)
    connection = _save(org, **{field: value})
    assert (connection.session_token, connection.token_expires_at) == ("", None)


def test_changing_only_the_time_zone_keeps_the_session_token(org):
    ConnectionFactory(organization=org, session_token="ST-kept", **VALUES)
    connection = _save(org, time_zone="Europe/Berlin")
    assert connection.session_token == "ST-kept"


def test_changing_credentials_clears_the_failure_state(org):
    ConnectionFactory(organization=org, failing_since=timezone.now(), last_error="WRONG", **VALUES)
    connection = _save(org, password="PW-fixed")
    assert (connection.failing_since, connection.last_error) == (None, "")


def test_audit_entry_lists_changed_field_names_but_no_values(org, owner):
    ConnectionFactory(organization=org, **VALUES)
    _save(org, actor=owner.user, api_key="AK-secret-new", username="new-login")
    [entry] = _audit_entries("connection.changed")
    assert entry.detail == {"fields": ["api_key", "username"]}
    assert "AK-secret-new" not in str(entry.detail) + entry.target


def test_creation_is_audited_with_field_names_only(org, owner):
    _save(org, actor=owner.user)
    [entry] = _audit_entries("connection.created")
    assert entry.detail == {"fields": sorted(VALUES)}
    assert "PW-svc-2c3d" not in str(entry.detail)
