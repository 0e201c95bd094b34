"""Factories of contacts, their numbers and imports (scopes disabled, as in tests.factories)."""

import factory

from contacts.models import Contact, ContactImport, ContactNumber
from tests.factories import OrganizationFactory, ScopeFreeFactory


class ContactFactory(ScopeFreeFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Contact {n:04d}")


class ContactNumberFactory(ScopeFreeFactory):
    class Meta:
        model = ContactNumber

    contact = factory.SubFactory(ContactFactory)
    organization = factory.SelfAttribute("contact.organization")
    number = factory.Sequence(lambda n: f"+1805555{n % 10000:04d}")


def contact_with(organization, *numbers: str, **values) -> Contact:
    """A contact of `organization` with these E.164 numbers, in order."""
    contact = ContactFactory(organization=organization, **values)
    for position, number in enumerate(numbers):
        ContactNumberFactory(contact=contact, number=number, position=position)
    return contact


class ContactImportFactory(ScopeFreeFactory):
    class Meta:
        model = ContactImport

    organization = factory.SubFactory(OrganizationFactory)
    filename = "contacts.csv"
