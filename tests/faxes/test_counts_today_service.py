"""counts_today: today's faxes by status, for the strip on the faxes page."""

from datetime import UTC, datetime

import pytest

from faxes.services import counts_today
from tests.faxes.factories import FaxFactory

pytestmark = pytest.mark.django_db

# 22:00 on 2017-11-29 in New York, the organization's zone; already the 30th in UTC.
EVENING = datetime(2017, 11, 30, 3, 0, tzinfo=UTC)


def utc(day, hour, minute=0) -> datetime:
    return datetime(2017, 11, day, hour, minute, tzinfo=UTC)


def test_every_status_is_counted_even_at_zero(org):
    assert counts_today(org, now=EVENING) == {"QUEUED": 0, "PROGRESS": 0, "SENT": 0,
                                              "FAILED": 0}


def test_todays_faxes_are_counted_by_status(org):
    FaxFactory.create_batch(2, organization=org, status="SENT", sent_at=utc(29, 15))
    FaxFactory(organization=org, status="FAILED", sent_at=utc(29, 16))
    FaxFactory(organization=org, status="QUEUED", sent_at=utc(30, 2))
    assert counts_today(org, now=EVENING) == {"QUEUED": 1, "PROGRESS": 0, "SENT": 2,
                                              "FAILED": 1}


def test_today_is_the_organizations_day(org):
    FaxFactory(organization=org, customer_field="23:00 on the 28th there", sent_at=utc(29, 4))
    FaxFactory(organization=org, customer_field="00:30 on the 29th there",
               sent_at=utc(29, 5, 30))
    FaxFactory(organization=org, customer_field="00:30 on the 30th there",
               sent_at=utc(30, 5, 30))
    assert counts_today(org, now=EVENING)["SENT"] == 1


def test_other_organizations_faxes_are_not_counted(org, other_org):
    FaxFactory(organization=other_org, sent_at=utc(29, 15))
    assert counts_today(other_org, now=EVENING)["SENT"] == 1  # the control: a fax of today
    assert counts_today(org, now=EVENING)["SENT"] == 0


def test_the_clock_is_the_default_now(org, time_machine):
    time_machine.move_to(EVENING, tick=False)
    FaxFactory(organization=org, status="PROGRESS", sent_at=utc(29, 15))
    assert counts_today(org)["PROGRESS"] == 1
