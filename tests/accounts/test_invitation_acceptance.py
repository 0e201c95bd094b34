"""Accepting an invitation: bound to the invited e-mail address, and taken once, atomically."""

import pytest
from django_scopes import scopes_disabled

from accounts import services
from accounts.models import Invitation, Membership, Role
from tests.factories import InvitationFactory, UserFactory


def _members_of(org):
    with scopes_disabled():
        return list(Membership.objects.filter(organization=org))


def test_a_user_with_another_address_cannot_accept(org):
    invitation = InvitationFactory(organization=org, email="invited@example.test")
    stranger = UserFactory(email="stranger@example.test")
    with pytest.raises(services.InvitationForAnotherAddress):
        services.accept_invitation(invitation=invitation, user=stranger)
    assert _members_of(org) == []


def test_a_user_without_an_address_cannot_accept(org):
    invitation = InvitationFactory(organization=org, email="invited@example.test")
    with pytest.raises(services.InvitationForAnotherAddress):
        services.accept_invitation(invitation=invitation, user=UserFactory(email=""))


def test_the_address_matches_whatever_its_case(org):
    invitation = InvitationFactory(organization=org, email="Invited@Example.TEST")
    user = UserFactory(email="invited@example.test")
    membership = services.accept_invitation(invitation=invitation, user=user)
    assert (membership.user, membership.organization) == (user, org)


def test_a_used_invitation_is_refused(org):
    invitation = InvitationFactory(organization=org, email="invited@example.test")
    services.accept_invitation(invitation=invitation,
                               user=UserFactory(email="invited@example.test"))
    with pytest.raises(services.InvitationUnavailable):
        services.accept_invitation(invitation=invitation,
                                   user=UserFactory(email="invited@example.test"))


def test_two_accepts_that_both_found_the_invitation_open_make_one_membership(org):
    # Two requests look the invitation up before either has accepted it (each holds its own
    # copy, both open), then both accept: only the first may take it.
    first_copy = InvitationFactory(organization=org, email="invited@example.test")
    with scopes_disabled():
        second_copy = Invitation.objects.get(pk=first_copy.pk)
    services.accept_invitation(invitation=first_copy,
                               user=UserFactory(email="invited@example.test"))
    with pytest.raises(services.InvitationUnavailable):
        services.accept_invitation(invitation=second_copy,
                                   user=UserFactory(email="invited@example.test"))
    assert len(_members_of(org)) == 1


def test_a_revoked_invitation_is_refused_to_a_request_that_found_it_open(org):
    invitation = InvitationFactory(organization=org, email="invited@example.test")
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).delete()
    with pytest.raises(services.InvitationUnavailable):
        services.accept_invitation(invitation=invitation,
                                   user=UserFactory(email="invited@example.test"))
    assert _members_of(org) == []


def test_an_invitation_that_expired_after_it_was_found_is_refused(org, time_machine):
    invitation = InvitationFactory(organization=org, email="invited@example.test")
    time_machine.move_to(invitation.expires_at, tick=False)
    with pytest.raises(services.InvitationUnavailable):
        services.accept_invitation(invitation=invitation,
                                   user=UserFactory(email="invited@example.test"))


def test_accepting_marks_the_invitation_used_by_the_user(org):
    invitation = InvitationFactory(organization=org, email="invited@example.test",
                                   role=Role.ADMIN)
    user = UserFactory(email="invited@example.test")
    services.accept_invitation(invitation=invitation, user=user)
    with scopes_disabled():
        invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
