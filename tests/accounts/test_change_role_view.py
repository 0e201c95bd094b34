"""Changing a member's role: admins manage agents and viewers, only owners touch owners."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Membership, Role
from tests.factories import MembershipFactory


def _role_url(membership):
    return f"/organization/members/{membership.pk}/role/"


def _role_of(membership):
    with scopes_disabled():
        return Membership.objects.get(pk=membership.pk).role


def test_admin_changes_an_agents_role(admin_client_, agent):
    response = admin_client_.post(_role_url(agent), {"role": Role.VIEWER})
    assert response.status_code == 302
    assert _role_of(agent) == Role.VIEWER


@pytest.mark.parametrize("client_fixture", ["agent_client", "viewer_client"])
def test_agent_and_viewer_get_403_for_changing_a_role(request, client_fixture, admin_member):
    client = request.getfixturevalue(client_fixture)
    response = client.post(_role_url(admin_member), {"role": Role.VIEWER})
    assert response.status_code == 403
    assert _role_of(admin_member) == Role.ADMIN


def test_admin_gets_403_for_changing_an_owner(admin_client_, owner):
    response = admin_client_.post(_role_url(owner), {"role": Role.VIEWER})
    assert response.status_code == 403
    assert _role_of(owner) == Role.OWNER


def test_admin_gets_403_for_making_an_owner(admin_client_, agent):
    response = admin_client_.post(_role_url(agent), {"role": Role.OWNER})
    assert response.status_code == 403
    assert _role_of(agent) == Role.AGENT


def test_owner_makes_an_owner(owner_client, agent):
    owner_client.post(_role_url(agent), {"role": Role.OWNER})
    assert _role_of(agent) == Role.OWNER


def test_owner_demotes_another_owner(owner_client, org):
    co_owner = MembershipFactory(organization=org, role=Role.OWNER)
    owner_client.post(_role_url(co_owner), {"role": Role.ADMIN})
    assert _role_of(co_owner) == Role.ADMIN


def test_last_owner_cannot_be_demoted(owner_client, owner):
    response = owner_client.post(_role_url(owner), {"role": Role.ADMIN}, follow=True)
    assert _role_of(owner) == Role.OWNER
    assert b"always keeps an owner" in response.content


def test_unknown_role_is_refused_with_a_message(owner_client, agent):
    response = owner_client.post(_role_url(agent), {"role": "emperor"}, follow=True)
    assert _role_of(agent) == Role.AGENT
    assert b"Choose one of the listed roles." in response.content


def test_outsider_gets_404_for_member_role_change(outsider_client, agent):
    response = outsider_client.post(_role_url(agent), {"role": Role.VIEWER})
    assert response.status_code == 404
    assert _role_of(agent) == Role.AGENT


def test_role_change_by_get_is_not_allowed(owner_client, agent):
    assert owner_client.get(_role_url(agent)).status_code == 405
