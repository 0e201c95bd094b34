"""Labels and internal notes, for the team inbox's tests (scopes disabled like
tests/factories.py), and members limited to some numbers."""

import factory
from django_scopes import scopes_disabled

from accounts.models import Role
from messaging.models import Label, LabelColour, Note
from tests.factories import MembershipFactory, OrganizationFactory, ScopeFreeFactory, UserFactory
from tests.messaging.factories import ConversationFactory


class LabelFactory(ScopeFreeFactory):
    class Meta:
        model = Label

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"label {n}")
    colour = LabelColour.BLUE


class NoteFactory(ScopeFreeFactory):
    """A note; `mentions=[user, ...]` mentions them."""

    class Meta:
        model = Note
        skip_postgeneration_save = True

    conversation = factory.SubFactory(ConversationFactory)
    organization = factory.SelfAttribute("conversation.organization")
    text = "Called them back, waiting for the form."

    @factory.post_generation
    def mentions(note, create, users, **kwargs):
        if create and users:
            with scopes_disabled():
                note.mentions.set(users)


def member(organization, username: str, role=Role.AGENT, *, numbers=()):
    """A member called `username`; with `numbers`, allowed to use them (so limited to them
    unless they are an admin or owner)."""
    membership = MembershipFactory(organization=organization, role=role,
                                   user=UserFactory(username=username))
    with scopes_disabled():
        for number in numbers:
            number.allowed_users.add(membership.user)
    return membership
