"""Removing a member, and leaving: an organization always keeps an owner."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import Membership, Role
from tests.factories import MembershipFactory


def _remove_url(membership):
    return f"/organization/members/{membership.pk}/remove/"


def _exists(membership):
    with scopes_disabled():
        return Membership.objects.filter(pk=membership.pk).exists()


def test_admin_removes_an_agent(admin_client_, agent):
    response = admin_client_.post(_remove_url(agent))
    assert response.status_code == 302
    assert not _exists(agent)


@pytest.mark.parametrize("client_fixture", ["agent_client", "viewer_client"])
def test_agent_and_viewer_get_403_for_removing_another_member(request, client_fixture,
                                                              admin_member):
    response = request.getfixturevalue(client_fixture).post(_remove_url(admin_member))
    assert response.status_code == 403
    assert _exists(admin_member)


def test_admin_gets_403_for_removing_an_owner(admin_client_, owner):
    response = admin_client_.post(_remove_url(owner))
    assert response.status_code == 403
    assert _exists(owner)


def test_owner_removes_another_owner(owner_client, owner, org):
    co_owner = MembershipFactory(organization=org, role=Role.OWNER)
    owner_client.post(_remove_url(co_owner))
    assert _exists(owner)  # the control: only the removed membership is gone
    assert not _exists(co_owner)


def test_viewer_leaves_the_organization(viewer_client, viewer):
    response = viewer_client.post(_remove_url(viewer))
    assert response.status_code == 302
    assert not _exists(viewer)


def test_last_owner_cannot_leave(owner_client, owner):
    response = owner_client.post(_remove_url(owner), follow=True)
    assert _exists(owner)
    assert b"always keeps an owner" in response.content


def test_owner_leaves_when_another_owner_remains(owner_client, owner, org):
    other_owner = MembershipFactory(organization=org, role=Role.OWNER)
    owner_client.post(_remove_url(owner))
    assert _exists(other_owner)
    assert not _exists(owner)


def test_outsider_gets_404_for_member_removal(outsider_client, agent):
    response = outsider_client.post(_remove_url(agent))
    assert response.status_code == 404
    assert _exists(agent)
