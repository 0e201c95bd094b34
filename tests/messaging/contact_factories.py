"""Contacts with their numbers, for the tests of the pages, payloads and composer that show
or pick them (scopes disabled like tests/factories.py)."""

import factory
from django_scopes import scopes_disabled

from contacts.models import Contact, ContactNumber
from tests.factories import OrganizationFactory, ScopeFreeFactory


class ContactFactory(ScopeFreeFactory):
    """A contact; `numbers=["+1...", ...]` gives it those numbers, in that order."""

    class Meta:
        model = Contact
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")

    @factory.post_generation
    def numbers(contact, create, numbers, **kwargs):
        if not create or not numbers:
            return
        with scopes_disabled():
            for position, number in enumerate(numbers):
                ContactNumber.objects.create(organization=contact.organization,
                                             contact=contact, number=number,
                                             position=position)
