"""The dashboard: every member sees their organization's page; others are sent elsewhere."""

from tests.factories import ConnectionFactory, UserFactory


def test_viewer_sees_the_dashboard_of_their_organization(viewer_client, org):
    response = viewer_client.get("/")
    assert response.status_code == 200
    assert response.context["organization"] == org


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_user_without_organization_is_sent_to_the_no_organization_page(client, db):
    client.force_login(UserFactory())
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/no-organization/"
    assert b"not in an organization yet" in response.content


def test_dashboard_shows_only_the_own_organizations_connection(owner_client, outsider):
    ConnectionFactory(organization=outsider.organization, api_url="https://summit.example/api")
    response = owner_client.get("/")
    assert response.context["fax_connection"] is None
    assert b"Summit Law" not in response.content


def test_member_opening_the_no_organization_page_goes_to_the_dashboard(viewer_client):
    response = viewer_client.get("/no-organization/")
    assert response.url == "/"
