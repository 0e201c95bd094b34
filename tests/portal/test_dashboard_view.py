"""The dashboard: every member sees their organization's page, composed of today's faxes,
unread messages and the connections; others are sent elsewhere."""

from django_scopes import scopes_disabled

from messaging.models import Conversation, MessagingNumber
from tests.factories import ConnectionFactory, UserFactory


def _conversation(org, unread):
    with scopes_disabled():
        number = MessagingNumber.objects.filter(organization=org).first()
        if number is None:
            number = MessagingNumber(organization=org, number="+18056421414")
            number.set_new_secret()
            number.save()
        return Conversation.objects.create(organization=org, own_number=number,
                                           participants=f"+1213555{unread:04d}",
                                           unread_count=unread)


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
    assert b"<h1>Harbor Clinic</h1>" in response.content  # the control: its own name is shown
    assert response.context["fax_connection"] is None
    assert b"Summit Law" not in response.content


def test_member_opening_the_no_organization_page_goes_to_the_dashboard(viewer_client):
    response = viewer_client.get("/no-organization/")
    assert response.url == "/"


def test_dashboard_counts_unread_messages_and_conversations(viewer_client, org):
    _conversation(org, 2)
    _conversation(org, 3)
    _conversation(org, 0)
    response = viewer_client.get("/")
    assert b"5 unread" in response.content
    assert b"2 conversations" in response.content


def test_dashboard_does_not_count_another_organizations_unread(viewer_client, org, other_org):
    _conversation(other_org, 7)
    response = viewer_client.get("/")
    assert b"No unread messages" in response.content


def test_dashboard_counts_only_conversations_of_numbers_the_member_may_use(viewer_client,
                                                                        viewer, org):
    conversation = _conversation(org, 4)
    with scopes_disabled():
        conversation.own_number.allowed_users.add(UserFactory())  # someone else's number
    response = viewer_client.get("/")
    assert b"No unread messages" in response.content
    with scopes_disabled():
        conversation.own_number.allowed_users.add(viewer.user)
    assert b"4 unread" in viewer_client.get("/").content  # the control: now theirs too


def test_dashboard_without_connections_says_what_to_do(owner_client):
    response = owner_client.get("/")
    assert b"Connect your Axion account" in response.content
