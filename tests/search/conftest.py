"""A reference held by one fax and one message, and a contact with a number, in `org`."""

from datetime import UTC, datetime

import pytest

from tests.contacts.factories import contact_with
from tests.faxes.factories import FaxFactory
from tests.messaging.factories import ConversationFactory, MessageFactory
from tests.messaging.provider import OTHER

REFERENCE = "CLAIM-7731"


@pytest.fixture
def fax(org):
    return FaxFactory(organization=org, customer_field=REFERENCE, destination_number=OTHER,
                      sent_at=datetime(2024, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def conversation(number):
    return ConversationFactory(own_number=number, participants=OTHER,
                               last_message_at=datetime(2024, 3, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def message(conversation):
    return MessageFactory(conversation=conversation,
                          text=f"Did the fax for {REFERENCE} arrive?")


@pytest.fixture
def contact(org):
    return contact_with(org, OTHER, name="Dana Whitfield", company="Bayside Imaging",
                        reference="PAT-0042")
