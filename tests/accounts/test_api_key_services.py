"""create_api_key and revoke_api_key: what is stored, what is shown once, and the audit."""

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from accounts.api_keys import create_api_key, find_api_key, revoke_api_key
from accounts.models import ApiKey, AuditEntry


def test_a_key_carries_256_random_bits_behind_its_marker(org):
    _, clear = create_api_key(organization=org, name="Billing", scopes="read")
    assert clear.startswith("axp_")
    assert len(clear) == 4 + 43  # token_urlsafe(32)


def test_only_the_digest_and_the_visible_prefix_are_stored(org):
    row, clear = create_api_key(organization=org, name="Billing", scopes="read")
    assert row.digest == hashlib.sha256(clear.encode()).hexdigest()
    assert row.prefix == clear[:12]
    with scopes_disabled():
        stored = ApiKey.objects.filter(pk=row.pk).values().get()
    assert clear not in str(stored)


def test_scopes_are_kept_in_order(org):
    row, _ = create_api_key(organization=org, name="Billing", scopes=["send", "READ"])
    assert row.scope_list == ["read", "send"]


@pytest.mark.parametrize("name, scopes, field", [
    ("", "read", "name"),
    ("x" * 101, "read", "name"),
    ("Billing", "", "scopes"),
    ("Billing", "read,admin", "scopes"),
])
def test_bad_values_are_refused_by_field(org, name, scopes, field):
    with pytest.raises(ValidationError) as error:
        create_api_key(organization=org, name=name, scopes=scopes)
    assert field in error.value.message_dict


def test_creation_is_audited_without_the_key(org, owner):
    row, clear = create_api_key(organization=org, name="Billing", scopes="read,send",
                                actor=owner.user, ip="203.0.113.5")
    with scopes_disabled():
        entry = AuditEntry.objects.get(organization=org, action="api_key.created")
    assert entry.actor == owner.user
    assert entry.detail == {"scopes": ["read", "send"]}
    assert row.prefix in entry.target
    assert clear not in entry.target + str(entry.detail)


def test_revocation_is_audited_once(org, owner):
    row, _ = create_api_key(organization=org, name="Billing", scopes="read")
    revoke_api_key(key=row, actor=owner.user)
    revoke_api_key(key=row, actor=owner.user)
    with scopes_disabled():
        assert AuditEntry.objects.filter(organization=org, action="api_key.revoked").count() == 1
        assert ApiKey.objects.get(pk=row.pk).revoked_at is not None


def test_find_api_key_matches_the_digest_only(org):
    row, clear = create_api_key(organization=org, name="Billing", scopes="read")
    assert find_api_key(clear).pk == row.pk
    assert find_api_key(clear[:-1]) is None
    assert find_api_key("axp_" + "a" * 200) is None
