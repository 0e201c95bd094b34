"""The connections pages: admins and owners connect their organization's Axion accounts."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Connection
from tests.factories import ConnectionFactory

LIST = "/organization/connections/"
FAX = "/organization/connections/fax/"
SMS = "/organization/connections/sms/"
NEW_FAX = {"api_url": "https://fax.axion.example/api", "username": "harbor",
           "api_key": "AK-new-1f2e3d", "password": "PW-new-4c5b6a",
           "time_zone": "America/Chicago"}


def _connection(org, kind="fax"):
    with scopes_disabled():
        return Connection.objects.filter(organization=org, kind=kind).first()


@pytest.mark.parametrize("url", [LIST, FAX, SMS])
@pytest.mark.parametrize("client_fixture", ["owner_client", "admin_client_"])
def test_owner_and_admin_open_the_connections_pages(request, client_fixture, url):
    assert request.getfixturevalue(client_fixture).get(url).status_code == 200


@pytest.mark.parametrize("url", [LIST, FAX, SMS])
@pytest.mark.parametrize("client_fixture", ["agent_client", "viewer_client"])
def test_agent_and_viewer_get_403_for_the_connections_pages(request, client_fixture, url):
    assert request.getfixturevalue(client_fixture).get(url).status_code == 403


def test_viewer_gets_403_for_saving_a_connection(viewer_client, org):
    assert viewer_client.post(FAX, NEW_FAX).status_code == 403
    assert _connection(org) is None


def test_admin_connects_the_fax_api(admin_client_, org):
    response = admin_client_.post(FAX, NEW_FAX)
    assert response.url == LIST
    connection = _connection(org)
    assert (connection.api_url, connection.username, connection.api_key, connection.password,
            connection.time_zone) == (NEW_FAX["api_url"], "harbor", "AK-new-1f2e3d",
                                      "PW-new-4c5b6a", "America/Chicago")


def test_sms_form_has_no_time_zone(admin_client_):
    response = admin_client_.get(SMS)
    assert "api_key" in response.context["form"].fields
    assert "time_zone" not in response.context["form"].fields


def test_admin_connects_the_sms_api(admin_client_, org):
    data = {k: v for k, v in NEW_FAX.items() if k != "time_zone"}
    admin_client_.post(SMS, data)
    assert _connection(org, "sms").api_key == "AK-new-1f2e3d"


def test_unknown_kind_is_a_404(admin_client_):
    assert admin_client_.get("/organization/connections/voice/").status_code == 404


def test_new_connection_without_secrets_gets_field_errors(admin_client_, org):
    data = {**NEW_FAX, "api_key": "", "password": ""}
    response = admin_client_.post(FAX, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["api_key"] == errors["password"] == ["This field is required."]
    assert _connection(org) is None


def test_invalid_url_gets_a_field_error(admin_client_, org):
    response = admin_client_.post(FAX, {**NEW_FAX, "api_url": "not a url"})
    assert response.context["form"].errors["api_url"] == ["Enter a valid URL."]
    assert _connection(org) is None


def test_unknown_time_zone_gets_a_field_error(admin_client_, org):
    response = admin_client_.post(FAX, {**NEW_FAX, "time_zone": "Mars/Olympus_Mons"})
    assert "time_zone" in response.context["form"].errors
    assert _connection(org) is None


def test_blank_secret_on_edit_keeps_the_stored_value(admin_client_, org):
    ConnectionFactory(organization=org, api_key="AK-kept-123", password="PW-kept-456")
    admin_client_.post(FAX, {**NEW_FAX, "api_key": "", "password": ""})
    connection = _connection(org)
    assert (connection.api_key, connection.password) == ("AK-kept-123", "PW-kept-456")
    assert connection.username == "harbor"


def test_changing_credentials_drops_the_stored_session_token(admin_client_, org):
    ConnectionFactory(organization=org, username="old", session_token="ST-old-789")
    admin_client_.post(FAX, {**NEW_FAX, "api_key": "", "password": ""})
    assert _connection(org).session_token == ""


def test_edit_form_of_an_existing_connection_does_not_require_secrets(admin_client_, org):
    ConnectionFactory(organization=org)
    form = admin_client_.get(FAX).context["form"]
    assert not form.fields["api_key"].required
    assert not form.fields["password"].required


def test_edit_form_shows_only_the_own_organizations_connection(outsider_client, org):
    ConnectionFactory(organization=org, api_url="https://harbor-only.example/api",
                      username="harbor-login")
    response = outsider_client.get(FAX)
    # the control: the form where a connection's address and username would be filled in
    assert b'name="api_url"' in response.content and b'name="username"' in response.content
    assert response.context["connection"].pk is None
    assert b"harbor-only.example" not in response.content
    assert b"harbor-login" not in response.content


def test_outsider_saving_a_kind_changes_only_their_own_connection(outsider_client, org,
                                                                   other_org):
    ConnectionFactory(organization=org, username="harbor-login")
    outsider_client.post(FAX, {**NEW_FAX, "username": "summit-login"})
    assert _connection(org).username == "harbor-login"
    assert _connection(other_org).username == "summit-login"


def test_connections_list_shows_only_the_own_organizations_connections(owner_client, org,
                                                                         other_org):
    ConnectionFactory(organization=other_org, api_url="https://summit-only.example/api")
    response = owner_client.get(LIST)
    assert [connection for _, _, connection in response.context["rows"]] == [None, None]
    assert b"summit-only.example" not in response.content
