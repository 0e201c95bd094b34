"""Putting a number on the opt-out list and taking it off: once, audited, with an event."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from events.models import Event
from optouts.models import OptOut, OptOutSource
from optouts.services import opt_in, opt_out

pytestmark = pytest.mark.django_db

NUMBER = "+13105550142"


def events(type_):
    with scopes_disabled():
        return list(Event.objects.filter(type=type_))


def test_opting_out_emits_contact_opted_out_with_how(org):
    opt_out(organization=org, number=NUMBER, source=OptOutSource.KEYWORD, keyword="Stop.")
    [event] = events("contact.opted_out")
    assert event.payload["number"] == NUMBER
    assert event.payload["source"] == "keyword"
    assert event.payload["keyword"] == "Stop."


def test_opting_out_twice_keeps_the_first_and_emits_once(org):
    first, created = opt_out(organization=org, number=NUMBER, source=OptOutSource.KEYWORD)
    again, created_again = opt_out(organization=org, number=NUMBER, source=OptOutSource.MEMBER)
    assert created and not created_again
    assert again.pk == first.pk and again.source == OptOutSource.KEYWORD
    assert len(events("contact.opted_out")) == 1


def test_opting_out_is_audited(org, owner):
    owner = owner.user
    opt_out(organization=org, number=NUMBER, source=OptOutSource.MEMBER, user=owner)
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="optout.added")
    assert entry.target == NUMBER and entry.actor == owner


def test_opting_in_removes_the_number_and_emits_contact_opted_in(org):
    opt_out(organization=org, number=NUMBER, source=OptOutSource.KEYWORD)
    assert opt_in(organization=org, number=NUMBER, source=OptOutSource.KEYWORD, keyword="START")
    with scopes_disabled():
        assert not OptOut.objects.exists()
    [event] = events("contact.opted_in")
    assert event.payload["keyword"] == "START"


def test_opting_in_a_number_not_on_the_list_changes_nothing(org):
    assert not opt_in(organization=org, number=NUMBER, source=OptOutSource.MEMBER)
    assert events("contact.opted_in") == []
