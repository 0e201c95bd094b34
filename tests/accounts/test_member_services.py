"""services for members: roles, removal and invitations, with their rules and audit."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django_scopes import scopes_disabled

from accounts import services
from accounts.models import AuditEntry, Membership, Role, digest
from accounts.tenancy import organization_scope
from tests.factories import InvitationFactory, MembershipFactory


def _audit(action):
    with scopes_disabled():
        return AuditEntry.objects.get(action=action)


def test_create_organization_makes_the_creator_its_owner(db, owner):
    organization = services.create_organization(name="North Dental", slug="north",
                                                owner=owner.user)
    with organization_scope(organization):
        assert Membership.objects.get().role == Role.OWNER


def test_last_owner_cannot_be_demoted(owner):
    with organization_scope(owner.organization), pytest.raises(ValidationError,
                                                               match="always keeps an owner"):
        services.change_role(actor_membership=owner, membership=owner, role=Role.ADMIN)


def test_last_owner_cannot_be_removed_or_leave(owner):
    with organization_scope(owner.organization), pytest.raises(ValidationError,
                                                               match="always keeps an owner"):
        services.remove_member(actor_membership=owner, membership=owner)


def test_an_owner_leaves_when_another_owner_remains(owner, org):
    other_owner = MembershipFactory(organization=org, role=Role.OWNER)
    with organization_scope(org):
        services.remove_member(actor_membership=owner, membership=owner)
        assert Membership.objects.filter(pk=other_owner.pk).exists()
        assert not Membership.objects.filter(pk=owner.pk).exists()


def test_owners_of_another_organization_do_not_count(owner, outsider):
    with organization_scope(owner.organization), pytest.raises(ValidationError):
        services.change_role(actor_membership=owner, membership=owner, role=Role.VIEWER)


def test_admin_may_not_touch_an_owner(admin_member, owner):
    with organization_scope(owner.organization), pytest.raises(PermissionDenied):
        services.change_role(actor_membership=admin_member, membership=owner, role=Role.AGENT)


def test_role_change_is_audited_with_old_and_new_role(admin_member, agent):
    with organization_scope(agent.organization):
        services.change_role(actor_membership=admin_member, membership=agent,
                             role=Role.VIEWER, ip="192.0.2.7")
    entry = _audit("member.role_changed")
    assert (entry.actor, entry.target, entry.detail, entry.ip_address) == (
        admin_member.user, agent.user.username, {"from": "agent", "to": "viewer"}, "192.0.2.7")


def test_unknown_role_is_refused(admin_member, agent):
    with organization_scope(agent.organization), pytest.raises(ValueError):
        services.change_role(actor_membership=admin_member, membership=agent, role="emperor")


def test_invitation_is_emailed_with_its_link(admin_member):
    with organization_scope(admin_member.organization):
        _, link = services.invite_member(actor_membership=admin_member,
                                         email="new@example.test", role=Role.VIEWER)
    assert mail.outbox[0].to == ["new@example.test"]
    assert link in mail.outbox[0].body
    assert link.startswith("https://portal.example.test/invitation/")


def test_invitation_stores_the_digest_of_the_links_token(admin_member):
    with organization_scope(admin_member.organization):
        invitation, link = services.invite_member(actor_membership=admin_member,
                                                  email="new@example.test", role=Role.VIEWER)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_digest == digest(token) != token


def test_find_open_invitation_looks_up_by_token_across_organizations(other_org):
    invitation = InvitationFactory(organization=other_org, token="abc-token")
    assert services.find_open_invitation("abc-token") == invitation


def test_accepting_as_a_member_keeps_the_existing_role(org, owner):
    invitation = InvitationFactory(organization=org, role=Role.VIEWER, email=owner.user.email)
    membership = services.accept_invitation(invitation=invitation, user=owner.user)
    assert membership.role == Role.OWNER
