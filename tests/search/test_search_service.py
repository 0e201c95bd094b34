"""search.services.search: what a query finds, for whom."""

from datetime import UTC, datetime

import factory
import pytest

from accounts.tenancy import organization_scope
from search import services
from tests.factories import UserFactory
from tests.faxes.factories import FaxFactory
from tests.messaging.factories import ConversationFactory, MessageFactory, MessagingNumberFactory
from tests.messaging.provider import OTHER
from tests.search.conftest import REFERENCE

pytestmark = pytest.mark.django_db


def run(org, query, membership=None):
    with organization_scope(org):
        return services.search(organization=org, membership=membership, query=query)


def test_a_reference_finds_its_fax_and_the_message_mentioning_it(org, fax, message):
    results = run(org, REFERENCE)
    assert results.faxes.items == [fax]
    assert results.messages.items == [message]


def test_the_exact_reference_comes_before_longer_ones(org, fax):
    longer = FaxFactory(organization=org, customer_field=REFERENCE + "-B",
                        sent_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert run(org, REFERENCE).faxes.items == [fax, longer]


def test_a_reference_prefix_finds_the_faxes_that_start_with_it(org, fax):
    FaxFactory(organization=org, customer_field="CLAIM-8000")
    FaxFactory(organization=org, customer_field="OTHER-CLAIM-7731")
    found = run(org, "CLAIM-77").faxes.items
    assert [f.customer_field for f in found] == [REFERENCE]


def test_a_prefix_ending_in_the_last_character_still_finds(org):
    reference = "AB\U0010ffff1"
    fax = FaxFactory(organization=org, customer_field=reference)
    assert run(org, "AB\U0010ffff").faxes.items == [fax]


def test_a_number_finds_faxes_from_and_to_it_in_any_format(org):
    sent_to = FaxFactory(organization=org, destination_number="+18055550177",
                         sent_at=datetime(2024, 1, 1, tzinfo=UTC))
    sent_from = FaxFactory(organization=org, source_number="+18055550177",
                           sent_at=datetime(2024, 2, 1, tzinfo=UTC))
    FaxFactory(organization=org)
    results = run(org, "(805) 555-0177")
    assert results.number == "+18055550177"
    assert results.faxes.items == [sent_from, sent_to]


def test_a_number_finds_the_conversations_with_it(org, conversation):
    assert run(org, OTHER[2:]).conversations.items == [conversation]


def test_a_number_finds_its_contact(org, contact):
    assert run(org, "805-642-1415").contacts.items == [contact]


@pytest.mark.parametrize("query", ["Dana", "whitfield", "Bayside", "PAT-00"])
def test_a_name_company_or_reference_finds_a_contact(org, contact, query):
    assert run(org, query).contacts.items == [contact]


def test_another_organizations_data_is_never_found(org, other_org, fax, message, contact):
    assert run(other_org, REFERENCE).empty
    assert run(other_org, "Dana").empty
    assert run(other_org, OTHER).empty


def test_a_member_not_on_the_number_does_not_see_its_messages(org, agent, number, message):
    number.allowed_users.add(UserFactory())
    results = run(org, REFERENCE, membership=agent)
    assert results.messages.items == []
    assert run(org, OTHER, membership=agent).conversations.items == []


def test_a_member_on_the_number_sees_its_messages(org, agent, number, message):
    number.allowed_users.add(agent.user)
    assert run(org, REFERENCE, membership=agent).messages.items == [message]


def test_an_api_key_sees_every_numbers_messages(org, number, message):
    number.allowed_users.add(UserFactory())
    assert run(org, REFERENCE, membership=None).messages.items == [message]


def test_a_deleted_message_is_not_found(org, message):
    message.deleted_at = datetime(2024, 3, 2, tzinfo=UTC)
    message.save()
    assert run(org, REFERENCE).messages.items == []


def test_two_characters_search_faxes_and_contacts_not_message_text(org, contact, message):
    results = run(org, "Da")
    assert results.contacts.items == [contact]
    assert results.messages.items == []


def test_each_group_is_capped_and_says_there_is_more(org):
    FaxFactory.create_batch(services.GROUP_SIZE + 1, organization=org,
                            customer_field=factory.Sequence(lambda n: f"BATCH-{n:03d}"))
    results = run(org, "BATCH")
    assert len(results.faxes.items) == services.GROUP_SIZE
    assert results.faxes.more and results.faxes.more_by_reference
    assert not results.faxes.more_by_number


@pytest.mark.parametrize("query, reason", [
    ("x", "at least 2"), (" x ", "at least 2"), ("x" * 101, "at most 100"),
    ("ab\x00", "null character"),
])
def test_a_query_too_short_too_long_or_with_a_null_is_refused(org, query, reason):
    with pytest.raises(services.QueryError, match=reason):
        run(org, query)


def test_the_query_is_stripped(org, fax):
    assert run(org, f"  {REFERENCE}\n").faxes.items == [fax]


def test_a_conversation_of_another_number_with_the_party_is_found_too(org, number, conversation):
    second = ConversationFactory(own_number=MessagingNumberFactory(organization=org),
                                 participants=OTHER)
    MessageFactory(conversation=second)
    assert set(run(org, OTHER).conversations.items) == {conversation, second}


def test_a_member_sees_the_messages_of_the_open_number_not_of_the_closed_one(org, agent, number,
                                                                           message):
    open_one = ConversationFactory(own_number=MessagingNumberFactory(organization=org))
    seen = MessageFactory(conversation=open_one, text=f"Also {REFERENCE}")
    number.allowed_users.add(UserFactory())
    assert run(org, REFERENCE, membership=agent).messages.items == [seen]


def test_a_member_whose_numbers_are_all_open_sees_every_message(org, viewer, number, message):
    assert run(org, REFERENCE, membership=viewer).messages.items == [message]
