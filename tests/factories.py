"""Factories for the portal's models. They run with scopes disabled: setting up data is not
the code under test, and tenant scoping is checked by the tests of the code that reads it."""

import factory
from django_scopes import scopes_disabled

from accounts.models import (
    AuditEntry,
    Connection,
    Invitation,
    Membership,
    Organization,
    Role,
    User,
    digest,
)

# Every factory-made user's password.
PASSWORD = "correct horse battery"


class ScopeFreeFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class UserFactory(ScopeFreeFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.django.Password(PASSWORD)


class OrganizationFactory(ScopeFreeFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    time_zone = "America/New_York"


class MembershipFactory(ScopeFreeFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.AGENT


class ConnectionFactory(ScopeFreeFactory):
    class Meta:
        model = Connection

    organization = factory.SubFactory(OrganizationFactory)
    kind = Connection.Kind.FAX
    api_url = "https://fax.axion.example/api"
    api_key = factory.Sequence(lambda n: f"api-key-{n:04d}-7c1e9f2b")
    username = "portal"
    password = factory.Sequence(lambda n: f"pass-{n:04d}-c0ffee")


class InvitationFactory(ScopeFreeFactory):
    """An open invitation; pass `token=` to know the link's token (only its digest is kept)."""

    class Meta:
        model = Invitation
        exclude = ("token",)

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.AGENT
    token = factory.Sequence(lambda n: f"invitation-token-{n:04d}")
    token_digest = factory.LazyAttribute(lambda i: digest(i.token))


class AuditEntryFactory(ScopeFreeFactory):
    class Meta:
        model = AuditEntry

    organization = factory.SubFactory(OrganizationFactory)
    actor_label = "someone"
    action = "test.action"
