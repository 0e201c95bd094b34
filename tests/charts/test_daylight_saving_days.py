"""A day is the organization's calendar day: 23 hours long when the clocks go forward, 25
when they go back (America/Los_Angeles, 2024), for faxes and messages alike."""

from datetime import UTC, date, datetime

import pytest

from charts.services import recount_fax_days, recount_message_days
from tests.charts.helpers import fax_days, message_days
from tests.factories import OrganizationFactory
from tests.faxes.factories import FaxFactory
from tests.messaging.factories import ConversationFactory, MessageFactory, MessagingNumberFactory

pytestmark = pytest.mark.django_db

SPRING = date(2024, 3, 10)  # 23 hours: 08:00 UTC to 07:00 UTC the next day
AUTUMN = date(2024, 11, 3)  # 25 hours: 07:00 UTC to 08:00 UTC the next day


@pytest.fixture
def pacific():
    return OrganizationFactory(slug="pacific", time_zone="America/Los_Angeles")


def utc(month, day, hour, minute=30) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


# Around each day's ends: just before its first hour, in it, its last half hour, after it.
SPRING_TIMES = [utc(3, 10, 7), utc(3, 10, 8), utc(3, 11, 6), utc(3, 11, 7)]
AUTUMN_TIMES = [utc(11, 3, 6), utc(11, 3, 7), utc(11, 4, 7), utc(11, 4, 8)]


@pytest.mark.parametrize(("day", "times"), [(SPRING, SPRING_TIMES), (AUTUMN, AUTUMN_TIMES)],
                         ids=["23-hour day", "25-hour day"])
def test_faxes_of_a_day_the_clocks_change(pacific, day, times):
    for sent_at in times:
        FaxFactory(organization=pacific, sent_at=sent_at)
    recount_fax_days(organization=pacific, days=[day])
    assert fax_days(pacific) == {day: (2, 0, 0)}


@pytest.mark.parametrize(("day", "times"), [(SPRING, SPRING_TIMES), (AUTUMN, AUTUMN_TIMES)],
                         ids=["23-hour day", "25-hour day"])
def test_messages_of_a_day_the_clocks_change(pacific, day, times):
    conversation = ConversationFactory(
        own_number=MessagingNumberFactory(organization=pacific, number="+18056420001"))
    for sent_at in times:
        MessageFactory(conversation=conversation, sent_at=sent_at)
    recount_message_days(organization=pacific, days=[day])
    assert message_days(pacific) == {(day, "+18056420001"): (0, 2)}
