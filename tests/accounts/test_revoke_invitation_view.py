"""Revoking an open invitation: admins and owners of the organization only."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry, Invitation
from tests.factories import InvitationFactory


def _revoke_url(invitation):
    return f"/organization/invitations/{invitation.pk}/revoke/"


def _exists(invitation):
    with scopes_disabled():
        return Invitation.objects.filter(pk=invitation.pk).exists()


@pytest.mark.parametrize("client_fixture", ["owner_client", "admin_client_"])
def test_owner_and_admin_revoke_an_invitation(request, client_fixture, org):
    invitation = InvitationFactory(organization=org)
    response = request.getfixturevalue(client_fixture).post(_revoke_url(invitation))
    assert response.status_code == 302
    assert not _exists(invitation)


def test_revocation_is_audited(admin_client_, org):
    invitation = InvitationFactory(organization=org, email="gone@example.test")
    admin_client_.post(_revoke_url(invitation))
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="member.invitation_revoked")
    assert (entry.organization, entry.target) == (org, "gone@example.test")


@pytest.mark.parametrize("client_fixture", ["agent_client", "viewer_client"])
def test_agent_and_viewer_get_403_for_revoking(request, client_fixture, org):
    invitation = InvitationFactory(organization=org)
    response = request.getfixturevalue(client_fixture).post(_revoke_url(invitation))
    assert response.status_code == 403
    assert _exists(invitation)


def test_outsider_gets_404_for_invitation_revoke(outsider_client, org):
    invitation = InvitationFactory(organization=org)
    response = outsider_client.post(_revoke_url(invitation))
    assert response.status_code == 404
    assert _exists(invitation)
