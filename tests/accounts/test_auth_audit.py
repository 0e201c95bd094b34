"""Logins, logouts and failed logins are written to the audit log of the user's organizations."""

from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from tests.factories import PASSWORD, MembershipFactory


def _entries(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action).select_related("organization"))


def test_login_writes_an_audit_entry_with_actor_and_ip(client, owner):
    client.post("/accounts/login/", {"username": owner.user.username, "password": PASSWORD})
    [entry] = _entries("auth.login")
    assert (entry.organization, entry.actor, entry.actor_label, entry.ip_address) == (
        owner.organization, owner.user, owner.user.username, "127.0.0.1")


def test_login_is_audited_in_each_organization_of_the_user(client, owner, other_org):
    MembershipFactory(user=owner.user, organization=other_org)
    client.post("/accounts/login/", {"username": owner.user.username, "password": PASSWORD})
    assert {e.organization.slug for e in _entries("auth.login")} == {"harbor", "summit"}


def test_logout_writes_an_audit_entry(client, owner):
    client.post("/accounts/login/", {"username": owner.user.username, "password": PASSWORD})
    client.post("/accounts/logout/")
    [entry] = _entries("auth.logout")
    assert (entry.actor, entry.ip_address) == (owner.user, "127.0.0.1")


def test_failed_login_writes_an_audit_entry(client, owner):
    response = client.post("/accounts/login/",
                           {"username": owner.user.username, "password": "wrong"})
    assert response.status_code == 200
    [entry] = _entries("auth.login_failed")
    assert (entry.actor, entry.ip_address) == (owner.user, "127.0.0.1")


def test_failed_login_entry_holds_no_password(client, owner):
    client.post("/accounts/login/", {"username": owner.user.username, "password": "wrong-pw-7"})
    [entry] = _entries("auth.login_failed")
    assert "wrong-pw-7" not in str(entry.detail)


def test_failed_login_of_an_unknown_username_writes_nothing(client, owner):
    response = client.post("/accounts/login/", {"username": "nobody", "password": "x"})
    assert response.status_code == 200
    assert _entries("auth.login_failed") == []
