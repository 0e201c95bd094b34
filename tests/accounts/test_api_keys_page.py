"""The API keys page: owners and admins list, create (shown once) and revoke keys."""

import re

import pytest
from django_scopes import scopes_disabled

from accounts.models import ApiKey, AuditEntry, digest
from tests.api.helpers import key_client, make_key

URL = "/organization/api-keys/"


def new_key_on(response) -> str:
    match = re.search(r'value="(axp_[A-Za-z0-9_-]+)"', response.content.decode())
    assert match, "the new key is not on the page"
    return match.group(1)


@pytest.mark.parametrize("client_fixture", ["owner_client", "admin_client_"])
def test_owners_and_admins_see_the_page(request, client_fixture):
    assert request.getfixturevalue(client_fixture).get(URL).status_code == 200


@pytest.mark.parametrize("client_fixture", ["agent_client", "viewer_client"])
def test_agents_and_viewers_may_not(request, client_fixture):
    assert request.getfixturevalue(client_fixture).get(URL).status_code == 403


def test_the_nav_links_the_page_for_admins_only(admin_client_, agent_client):
    assert URL in admin_client_.get("/").content.decode()
    assert URL not in agent_client.get("/").content.decode()


def test_the_list_shows_prefix_scopes_and_last_use_never_the_key(org, owner_client):
    row, clear = make_key(org, scopes="read,send", name="Billing system")
    page = owner_client.get(URL).content.decode()
    assert "Billing system" in page
    assert row.prefix in page
    assert "read, send" in page
    assert "Never" in page
    assert clear not in page


def test_the_list_shows_only_this_organizations_keys(org, other_org, owner_client):
    make_key(org, name="Our key")
    make_key(other_org, name="Their key")
    page = owner_client.get(URL).content.decode()
    assert "Our key" in page
    assert "Their key" not in page


def test_creating_shows_the_key_once_and_it_works(org, owner_client, owner):
    response = owner_client.post(URL, {"name": "Reports", "scopes": ["read"]})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    clear = new_key_on(response)
    with scopes_disabled():
        row = ApiKey.objects.get(organization=org)
    assert (row.name, row.scope_list, row.created_by) == ("Reports", ["read"], owner.user)
    assert row.digest == digest(clear)
    assert clear not in owner_client.get(URL).content.decode()
    assert key_client(clear).get("/api/v1/numbers/").status_code == 200


def test_a_key_needs_a_name_and_a_scope(org, owner_client):
    response = owner_client.post(URL, {"name": "", "scopes": []})
    assert response.status_code == 400
    with scopes_disabled():
        assert not ApiKey.objects.filter(organization=org).exists()


def test_an_agent_cannot_create_a_key(org, agent_client):
    assert agent_client.post(URL, {"name": "Mine", "scopes": ["send"]}).status_code == 403
    with scopes_disabled():
        assert not ApiKey.objects.filter(organization=org).exists()


def test_revoking_stops_the_key_at_once(org, owner_client):
    row, clear = make_key(org)
    response = owner_client.post(f"{URL}{row.pk}/revoke/")
    assert response.status_code == 302
    assert key_client(clear).get("/api/v1/numbers/").status_code == 401
    with scopes_disabled():
        assert AuditEntry.objects.filter(organization=org, action="api_key.revoked").exists()
    assert "Revoked" in owner_client.get(URL).content.decode()


def test_revoking_needs_post(org, owner_client):
    row, _ = make_key(org)
    assert owner_client.get(f"{URL}{row.pk}/revoke/").status_code == 405


def test_outsider_gets_404_revoking_a_key_of_another_organization(org, outsider_client):
    row, clear = make_key(org)
    assert outsider_client.post(f"{URL}{row.pk}/revoke/").status_code == 404
    assert key_client(clear).get("/api/v1/numbers/").status_code == 200
