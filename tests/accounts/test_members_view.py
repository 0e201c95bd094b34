"""The members page: every member sees it; only owners and admins invite."""

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from accounts.models import Invitation, Role
from tests.factories import InvitationFactory

MEMBERS = "/organization/members/"


@pytest.mark.parametrize("client_fixture",
                         ["owner_client", "admin_client_", "agent_client", "viewer_client"])
def test_every_member_sees_the_members_page(request, client_fixture):
    response = request.getfixturevalue(client_fixture).get(MEMBERS)
    assert response.status_code == 200


def test_members_page_lists_only_the_own_organizations_members(owner_client, owner, outsider):
    response = owner_client.get(MEMBERS)
    assert list(response.context["member_list"]) == [owner]
    assert outsider.user.username.encode() not in response.content


def test_viewer_does_not_see_the_invitation_form(viewer_client):
    response = viewer_client.get(MEMBERS)
    assert response.status_code == 200
    assert b"Members of Harbor Clinic" in response.content
    assert b"Invite a member" not in response.content


def test_admin_sees_open_invitations_of_the_own_organization_only(admin_client_, org, other_org):
    ours = InvitationFactory(organization=org)
    InvitationFactory(organization=other_org)
    response = admin_client_.get(MEMBERS)
    assert response.context["invitations"] == [ours]


def test_admin_invites_a_member_by_email(admin_client_, org):
    response = admin_client_.post(MEMBERS, {"email": "new@example.test", "role": Role.AGENT})
    assert response.status_code == 302
    with scopes_disabled():
        invitation = Invitation.objects.get()
    assert (invitation.organization, invitation.email, invitation.role) == (
        org, "new@example.test", Role.AGENT)
    assert mail.outbox[0].to == ["new@example.test"]


def test_owner_invites_an_owner(owner_client):
    owner_client.post(MEMBERS, {"email": "co-owner@example.test", "role": Role.OWNER})
    with scopes_disabled():
        assert Invitation.objects.get().role == Role.OWNER


@pytest.mark.parametrize("client_fixture", ["agent_client", "viewer_client"])
def test_agent_and_viewer_get_403_for_inviting(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    response = client.post(MEMBERS, {"email": "new@example.test", "role": Role.VIEWER})
    assert response.status_code == 403
    assert mail.outbox == []


def test_admin_gets_403_for_inviting_an_owner(admin_client_):
    response = admin_client_.post(MEMBERS, {"email": "new@example.test", "role": Role.OWNER})
    assert response.status_code == 403
    with scopes_disabled():
        assert not Invitation.objects.exists()


def test_invalid_email_gets_a_field_error(admin_client_):
    response = admin_client_.post(MEMBERS, {"email": "not-an-address", "role": Role.AGENT})
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["Enter a valid email address."]
    assert mail.outbox == []


def test_unknown_role_gets_a_field_error(admin_client_):
    response = admin_client_.post(MEMBERS, {"email": "new@example.test", "role": "emperor"})
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert mail.outbox == []


def test_anonymous_user_is_sent_to_login(client, org):
    response = client.get(MEMBERS)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
