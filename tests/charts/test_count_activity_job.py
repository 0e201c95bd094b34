"""The charts' jobs: count_activity recounts today and yesterday of every organization,
recount_activity the whole 30-day window (once a day, and after a deploy)."""

from datetime import UTC, date, datetime

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from charts.services import recount_fax_days
from charts.tasks import count_activity, recount_activity_window
from portal.jobs import job_named, sync_schedules
from tests.charts.helpers import destination_days, fax_days, message_days
from tests.factories import OrganizationFactory
from tests.faxes.factories import FaxFactory
from tests.messaging.factories import ConversationFactory, MessageFactory, MessagingNumberFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 3, 1, 17, 0, tzinfo=UTC)  # noon of March 1st in New York
TODAY, YESTERDAY, BEFORE = date(2024, 3, 1), date(2024, 2, 29), date(2024, 2, 28)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def activity_on(organization, day: date) -> None:
    """A fax and a message at noon of `day` in New York."""
    noon = datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)
    FaxFactory(organization=organization, sent_at=noon)
    number = MessagingNumberFactory(organization=organization)
    MessageFactory(conversation=ConversationFactory(own_number=number), sent_at=noon)


@pytest.fixture
def busy(org):
    """Activity on each of the last three days of an organization without connections."""
    for day in (BEFORE, YESTERDAY, TODAY):
        activity_on(org, day)
    return org


def test_today_and_yesterday_are_recounted(clock, busy):
    count_activity()
    assert sorted(fax_days(busy)) == [YESTERDAY, TODAY]
    assert sorted(day for day, _ in message_days(busy)) == [YESTERDAY, TODAY]


def test_every_organization_is_recounted(clock, org, other_org):
    activity_on(org, TODAY)
    activity_on(other_org, TODAY)
    assert count_activity().startswith("2 organizations done, 0 failed")
    assert fax_days(org) == fax_days(other_org) == {TODAY: (1, 0, 0)}


def test_today_is_each_organizations_own(clock):
    """At 17:00 UTC it is already the 2nd in Tokyo."""
    tokyo = OrganizationFactory(time_zone="Asia/Tokyo")
    FaxFactory(organization=tokyo, sent_at=datetime(2024, 3, 1, 16, 0, tzinfo=UTC))
    count_activity()
    assert fax_days(tokyo) == {date(2024, 3, 2): (1, 0, 0)}


def test_one_organization_with_its_id(clock, org, other_org):
    activity_on(org, TODAY)
    activity_on(other_org, TODAY)
    count_activity(organization_id=other_org.pk)
    assert fax_days(org) == {}
    assert fax_days(other_org) == {TODAY: (1, 0, 0)}


def test_run_job_with_an_organizations_slug(clock, org, other_org):
    activity_on(org, TODAY)
    activity_on(other_org, TODAY)
    call_command("run_job", "count_activity", "--org", other_org.slug)
    assert fax_days(org) == {}
    assert fax_days(other_org) == {TODAY: (1, 0, 0)}


def test_the_window_job_recounts_thirty_days(clock, org):
    activity_on(org, date(2024, 2, 1))  # the 30th day back
    activity_on(org, date(2024, 1, 31))  # one before
    recount_activity_window()
    assert list(fax_days(org)) == [date(2024, 2, 1)]
    assert [day for day, _ in message_days(org)] == [date(2024, 2, 1)]


def test_the_window_job_deletes_destination_counts_before_the_window(clock, org):
    FaxFactory(organization=org, sent_at=datetime(2024, 1, 31, 17, 0, tzinfo=UTC))
    recount_fax_days(organization=org, days=[date(2024, 1, 31)])
    assert list(destination_days(org)) == [(date(2024, 1, 31), "+18058522606")]  # control
    recount_activity_window()
    assert destination_days(org) == {}
    assert list(fax_days(org)) == [date(2024, 1, 31)]  # the day's total stays


def test_both_jobs_are_scheduled_by_their_settings(settings):
    settings.CHARTS_COUNT_MINUTES, settings.CHARTS_RECOUNT_MINUTES = 4, 720
    sync_schedules()
    assert Schedule.objects.get(name="count_activity").minutes == 4
    assert Schedule.objects.get(name="recount_activity").minutes == 720
    assert job_named("count_activity").per_organization
