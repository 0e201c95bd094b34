"""seed_demo gives the demo organization contacts with names, for most of its numbers."""

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from accounts.models import Organization
from contacts.models import Contact, ContactNumber
from messaging.models import Label
from sandbox.demo import CONTACTS, FAX_OFFICES
from sandbox.models import SandboxFax


@pytest.fixture
def demo(db):
    call_command("seed_demo")
    return Organization.objects.get(slug="demo")


def named(organization) -> dict[str, str]:
    with scopes_disabled():
        return dict(ContactNumber.objects.filter(organization=organization)
                    .values_list("number", "contact__name"))


def test_most_messaging_numbers_are_named_contacts(demo):
    names = named(demo)
    with_name = [number for number in CONTACTS if names.get(number)]
    assert len(with_name) > len(CONTACTS) / 2
    assert len(with_name) < len(CONTACTS)  # a few stay numbers, to show "Save as contact"
    assert names["+13235550187"] == "James Carter"


def test_most_faxes_go_to_named_offices(demo):
    names = named(demo)
    destinations = [f"+{fax.destination}" for fax in SandboxFax.objects.all()]
    assert sum(d in names for d in destinations) > len(destinations) / 2
    assert set(FAX_OFFICES) <= set(names)


def test_the_demo_has_the_team_inboxs_labels(demo):
    with scopes_disabled():
        labels = set(Label.objects.filter(organization=demo).values_list("name", flat=True))
    assert {"Appointments", "Billing", "Urgent"} <= labels


def test_running_again_adds_no_contact_or_label(demo):
    with scopes_disabled():
        before = (Contact.objects.count(), ContactNumber.objects.count(), Label.objects.count())
        call_command("seed_demo")
        assert (Contact.objects.count(), ContactNumber.objects.count(),
                Label.objects.count()) == before


def test_a_contact_a_member_changed_is_left_alone(demo):
    with scopes_disabled():
        Contact.objects.filter(name="James Carter").update(name="Jim Carter")
        call_command("seed_demo")
        assert list(Contact.objects.filter(name__endswith="Carter")
                    .values_list("name", flat=True)) == ["Jim Carter"]
