"""charts.services.recount_message_days: messages in and out per number and day."""

from datetime import UTC, date, datetime

import pytest
from django_scopes import scopes_disabled

from charts.services import recount_message_days
from messaging.models import Direction, Message
from tests.charts.helpers import message_days
from tests.messaging.factories import ConversationFactory, MessageFactory, MessagingNumberFactory

pytestmark = pytest.mark.django_db

DAY = date(2024, 2, 28)
NOON = datetime(2024, 2, 28, 17, 0, tzinfo=UTC)  # noon in New York, the organization's zone
MAIN, SUPPORT = "+18056420001", "+18056420002"


def conversation(org, number):
    return ConversationFactory(own_number=MessagingNumberFactory(organization=org,
                                                                 number=number))


@pytest.fixture
def messages(org):
    main, support = conversation(org, MAIN), conversation(org, SUPPORT)
    MessageFactory.create_batch(3, conversation=main, direction=Direction.INBOUND,
                                status="RECEIVED", sent_at=NOON)
    MessageFactory.create_batch(2, conversation=main, direction=Direction.OUTBOUND,
                                sent_at=NOON)
    MessageFactory(conversation=support, direction=Direction.OUTBOUND, status="FAILED",
                   sent_at=NOON)
    return main, support


def test_messages_are_counted_in_and_out_per_number(org, messages):
    recount_message_days(organization=org, days=[DAY])
    assert message_days(org) == {(DAY, MAIN): (3, 2), (DAY, SUPPORT): (0, 1)}


def test_recounting_again_changes_nothing(org, messages):
    recount_message_days(organization=org, days=[DAY])
    first = message_days(org)
    recount_message_days(organization=org, days=[DAY])
    assert message_days(org) == first


def test_a_number_without_messages_that_day_any_more_is_removed(org, messages):
    recount_message_days(organization=org, days=[DAY])
    with scopes_disabled():
        Message.objects.filter(conversation=messages[1]).delete()
    recount_message_days(organization=org, days=[DAY])
    assert message_days(org) == {(DAY, MAIN): (3, 2)}


def test_the_day_is_the_organizations_not_utcs(org):
    main = conversation(org, MAIN)
    MessageFactory(conversation=main, sent_at=datetime(2024, 2, 28, 4, 59, tzinfo=UTC))
    MessageFactory(conversation=main, sent_at=datetime(2024, 2, 29, 4, 59, tzinfo=UTC))
    recount_message_days(organization=org, days=[DAY])
    assert message_days(org) == {(DAY, MAIN): (0, 1)}


def test_another_organizations_messages_are_not_counted(org, other_org):
    MessageFactory(conversation=conversation(other_org, MAIN), sent_at=NOON)
    recount_message_days(organization=other_org, days=[DAY])
    recount_message_days(organization=org, days=[DAY])
    assert message_days(other_org) == {(DAY, MAIN): (0, 1)}  # the control
    assert message_days(org) == {}


def test_scheduled_messages_are_not_counted_until_they_go(org, messages):
    main, _ = messages
    MessageFactory(conversation=main, direction=Direction.OUTBOUND, status="SCHEDULED",
                   sent_at=NOON)
    recount_message_days(organization=org, days=[DAY])
    assert message_days(org)[(DAY, MAIN)] == (3, 2)
