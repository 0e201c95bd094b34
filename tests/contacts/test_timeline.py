"""A contact's timeline: its messages and faxes, newest first, in keyset pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scope

from common.pagination import InvalidCursor
from contacts.timeline import timeline_page
from tests.contacts.factories import contact_with
from tests.factories import UserFactory
from tests.faxes.factories import FaxFactory
from tests.messaging.factories import ConversationFactory, MessageFactory, MessagingNumberFactory

JANE = "+18056421414"
JANE_FAX = "+18056421499"
OWN = "+13105550100"
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def jane(org):
    return contact_with(org, JANE, JANE_FAX, name="Jane Doe", reference="P-1042")


@pytest.fixture
def own(org):
    return MessagingNumberFactory(organization=org, number=OWN)


def _message(own, party, minutes, **values):
    conversation = ConversationFactory._meta.model.objects.with_scopes_disabled().filter(
        own_number=own, participants=party).first() or ConversationFactory(
        own_number=own, participants=party)
    return MessageFactory(conversation=conversation, sent_at=T0 + timedelta(minutes=minutes),
                          **values)


def _fax(org, minutes, **values):
    return FaxFactory(organization=org, sent_at=T0 + timedelta(minutes=minutes), **values)


def _page(contact, membership=None, **kwargs):
    with scope(organization=contact.organization_id):
        return timeline_page(contact, membership=membership, **kwargs)


def _items(page):
    return [(entry.kind, entry.item.pk) for entry in page.entries]


def test_messages_and_faxes_come_newest_first(org, jane, own):
    old_message = _message(own, JANE, 1)
    fax_to = _fax(org, 2, destination_number=JANE_FAX)
    new_message = _message(own, JANE, 3)
    fax_from = _fax(org, 4, source_number=JANE)
    by_reference = _fax(org, 5, customer_field="P-1042")
    assert _items(_page(jane)) == [("fax", by_reference.pk), ("fax", fax_from.pk),
                                   ("message", new_message.pk), ("fax", fax_to.pk),
                                   ("message", old_message.pk)]


def test_others_messages_and_faxes_are_not_in_it(org, other_org, jane, own):
    _message(own, "+13235550187", 1)
    _fax(org, 2, destination_number="+13235550187", customer_field="P-9")
    _fax(other_org, 3, destination_number=JANE, customer_field="P-1042")
    other_own = MessagingNumberFactory(organization=other_org, number="+13105550199")
    _message(other_own, JANE, 4)
    assert _items(_page(jane)) == []


def test_a_fax_found_twice_shows_once(org, jane):
    fax = _fax(org, 1, source_number=JANE, destination_number=JANE_FAX, customer_field="P-1042")
    assert _items(_page(jane)) == [("fax", fax.pk)]


def test_pages_resume_both_kinds_without_gaps_or_repeats(org, jane, own):
    expected = []
    for minute in range(7):
        # A message and a fax at each instant: the cursor must tell them apart.
        expected[:0] = [("message", _message(own, JANE, minute).pk),
                        ("fax", _fax(org, minute, destination_number=JANE).pk)]
    seen, cursor, pages = [], None, 0
    while True:
        page = _page(jane, cursor=cursor, size=3)
        seen += _items(page)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected
    assert pages == 5


def test_within_one_instant_messages_come_before_faxes(org, jane, own):
    fax = _fax(org, 1, destination_number=JANE)
    message = _message(own, JANE, 1)
    assert _items(_page(jane)) == [("message", message.pk), ("fax", fax.pk)]


def test_a_member_sees_only_the_conversations_of_numbers_they_may_use(org, jane, own, agent):
    hidden_own = MessagingNumberFactory(organization=org, number="+13105550111")
    hidden_own.allowed_users.add(UserFactory())
    visible = _message(own, JANE, 1)
    _message(hidden_own, JANE, 2)
    assert _items(_page(jane, membership=agent)) == [("message", visible.pk)]
    assert len(_page(jane, membership=None).entries) == 2


def test_a_cursor_no_page_made_gives_the_first_page_or_an_error_when_strict(org, jane, own):
    message = _message(own, JANE, 1)
    assert _items(_page(jane, cursor="not-a-cursor")) == [("message", message.pk)]
    with pytest.raises(InvalidCursor):
        _page(jane, cursor="bm90IGpzb24", strict=True)


def test_the_contact_page_shows_the_timeline_and_pages_it(agent_client, org, jane, own,
                                                         monkeypatch):
    monkeypatch.setattr("contacts.timeline.PAGE_SIZE", 1)
    _fax(org, 1, destination_number=JANE, pages=3)
    _message(own, JANE, 2, text="See you on Tuesday")
    first = agent_client.get(f"/contacts/{jane.pk}/")
    assert "See you on Tuesday" in first.content.decode()
    cursor = first.context["page"].next_cursor
    second = agent_client.get(f"/contacts/{jane.pk}/", {"cursor": cursor}).content.decode()
    assert "Fax to Jane" in second and "3 pages" in second
    assert "See you on Tuesday" not in second
