"""The Django admin for the platform's staff: scopes are off, secrets stay write-only."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry, Connection
from tests.accounts.two_factor_helpers import verified_client
from tests.factories import AuditEntryFactory, ConnectionFactory, UserFactory


@pytest.fixture
def superuser_client(db):
    # The admin lets in a session that gave its two-factor code.
    return verified_client(UserFactory(username="staff", is_staff=True, is_superuser=True))


def _change_url(connection):
    return f"/admin/accounts/connection/{connection.pk}/change/"


def _load(connection):
    with scopes_disabled():
        return Connection.objects.get(pk=connection.pk)


def test_admin_lists_connections_of_every_organization(superuser_client, org, other_org):
    ConnectionFactory(organization=org)
    ConnectionFactory(organization=other_org)
    response = superuser_client.get("/admin/accounts/connection/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2


def test_admin_change_form_of_an_sms_connection_has_no_time_zone(superuser_client, org):
    connection = ConnectionFactory(organization=org, kind="sms")
    response = superuser_client.get(_change_url(connection))
    assert response.status_code == 200
    assert "time_zone" not in response.context["adminform"].form.fields


def test_admin_change_with_blank_secrets_keeps_them(superuser_client, org):
    connection = ConnectionFactory(organization=org, api_key="AK-admin-1", password="PW-admin-1")
    response = superuser_client.post(_change_url(connection), {
        "api_url": "https://fax2.axion.example/api", "username": "portal", "api_key": "",
        "password": "", "time_zone": "UTC"})
    assert response.status_code == 302
    loaded = _load(connection)
    assert (loaded.api_url, loaded.api_key, loaded.password) == (
        "https://fax2.axion.example/api", "AK-admin-1", "PW-admin-1")


def test_admin_change_is_audited_in_the_connections_organization(superuser_client, org):
    connection = ConnectionFactory(organization=org, kind="sms")
    superuser_client.post(_change_url(connection), {
        "api_url": "https://sms2.axion.example/api", "username": "portal", "api_key": "",
        "password": ""})
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="connection.changed")
    assert (entry.organization, entry.actor_label, entry.detail) == (
        org, "staff", {"fields": ["api_url"]})


def test_admin_adds_a_connection(superuser_client, org):
    response = superuser_client.post("/admin/accounts/connection/add/", {
        "organization": org.pk, "kind": "fax", "api_url": "https://fax.axion.example/api",
        "username": "portal", "api_key": "AK-added", "password": "PW-added",
        "time_zone": "UTC"})
    assert response.status_code == 302
    with scopes_disabled():
        assert Connection.objects.get(organization=org).api_key == "AK-added"


def test_admin_add_without_secrets_gets_field_errors(superuser_client, org):
    response = superuser_client.post("/admin/accounts/connection/add/", {
        "organization": org.pk, "kind": "fax", "api_url": "https://fax.axion.example/api",
        "username": "portal", "api_key": "", "password": "", "time_zone": "UTC"})
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"api_key", "password"}


def test_audit_entries_are_read_only_in_the_admin(superuser_client, org):
    entry = AuditEntryFactory(organization=org)
    response = superuser_client.post(f"/admin/accounts/auditentry/{entry.pk}/delete/",
                                     {"post": "yes"})
    assert response.status_code == 403
    assert superuser_client.get("/admin/accounts/auditentry/add/").status_code == 403


def test_member_who_is_not_staff_cannot_open_the_admin(owner_client):
    response = owner_client.get("/admin/accounts/connection/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


@pytest.mark.parametrize("url", [
    "/admin/accounts/organization/", "/admin/accounts/organization/add/",
    "/admin/accounts/membership/", "/admin/accounts/invitation/",
    "/admin/accounts/auditentry/", "/admin/accounts/connection/add/",
])
def test_admin_pages_of_accounts_open_for_staff(superuser_client, owner, url):
    assert superuser_client.get(url).status_code == 200


def test_admin_organization_page_shows_its_members(superuser_client, owner):
    response = superuser_client.get(f"/admin/accounts/organization/{owner.organization.pk}/"
                                    "change/")
    assert response.status_code == 200
    assert owner.user.username.encode() in response.content
