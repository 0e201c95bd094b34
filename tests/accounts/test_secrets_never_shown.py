"""No page shows a stored secret: not the lists, forms, dashboard, audit log or admin."""

import pytest

from tests.factories import ConnectionFactory, UserFactory

SECRETS = {"api_key": "AK-never-shown-3a7f", "password": "PW-never-shown-9c2e",
           "session_token": "ST-never-shown-5d1b"}


@pytest.fixture
def connections(org):
    return [ConnectionFactory(organization=org, kind=kind, **SECRETS) for kind in ("fax", "sms")]


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _assert_no_secret(response):
    assert response.status_code == 200
    for value in SECRETS.values():
        assert value.encode() not in response.content


@pytest.mark.parametrize("url", [
    "/", "/organization/connections/", "/organization/connections/fax/",
    "/organization/connections/sms/", "/organization/audit/",
])
def test_page_shows_no_stored_secret(owner_client, connections, url):
    _assert_no_secret(owner_client.get(url))


def test_audit_log_after_changing_secrets_shows_no_secret(owner_client, connections):
    owner_client.post("/organization/connections/fax/", {
        "api_url": "https://fax.axion.example/api", "username": "portal",
        "api_key": "AK-never-shown-3a7f", "password": "PW-never-shown-9c2e",
        "time_zone": "UTC"})
    owner_client.post("/organization/connections/sms/", {
        "api_url": "https://sms.axion.example/api", "username": "portal",
        "api_key": "AK-never-shown-3a7f", "password": "PW-never-shown-9c2e"})
    _assert_no_secret(owner_client.get("/organization/audit/"))


def test_invalid_edit_form_does_not_echo_the_submitted_secrets(owner_client, connections):
    response = owner_client.post("/organization/connections/fax/", {
        "api_url": "not a url", "username": "portal", "api_key": "AK-never-shown-3a7f",
        "password": "PW-never-shown-9c2e", "time_zone": "UTC"})
    _assert_no_secret(response)


@pytest.mark.parametrize("kind_index", [0, 1], ids=["fax", "sms"])
def test_admin_change_form_shows_no_stored_secret(superuser_client, connections, kind_index):
    connection = connections[kind_index]
    _assert_no_secret(
        superuser_client.get(f"/admin/accounts/connection/{connection.pk}/change/"))


def test_admin_connection_list_shows_no_stored_secret(superuser_client, connections):
    _assert_no_secret(superuser_client.get("/admin/accounts/connection/"))
