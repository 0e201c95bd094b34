"""Fixtures of the template tests: a one-to-one conversation with a known contact."""

import pytest

from tests.contacts.factories import contact_with
from tests.messaging.factories import ConversationFactory
from tests.messaging.provider import OTHER


@pytest.fixture
def ada(org):
    return contact_with(org, OTHER, name="Ada Lovelace", company="", reference="PT-1815")


@pytest.fixture
def conversation(number):
    return ConversationFactory(own_number=number, participants=OTHER)
