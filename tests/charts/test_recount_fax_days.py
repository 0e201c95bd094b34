"""charts.services.recount_fax_days: a day's faxes by outcome and by destination, recounted
from the faxes of that day in the organization's time zone."""

import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django_scopes import scopes_disabled

from charts.services import recount_fax_days
from faxes.models import Fax
from tests.charts.helpers import destination_days, fax_days
from tests.faxes.factories import FaxFactory

pytestmark = pytest.mark.django_db

DAY = date(2024, 2, 28)
A, B = "+18058522606", "+13105550100"


def at(day: int, hour: int, minute: int = 0, month: int = 2) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def faxes_of_the_day(org):
    """The 28th in New York (the organization's zone): 2 sent and 1 failed to A, 1 sent to
    B, 1 queued and 1 in progress to B."""
    for status, destination in [("SENT", A), ("SENT", A), ("FAILED", A), ("SENT", B),
                                ("QUEUED", B), ("PROGRESS", B)]:
        FaxFactory(organization=org, status=status, destination_number=destination,
                   sent_at=at(28, 15))


def test_a_day_is_counted_by_outcome(org, faxes_of_the_day):
    recount_fax_days(organization=org, days=[DAY])
    assert fax_days(org) == {DAY: (3, 1, 2)}


def test_a_day_is_counted_by_destination_with_finished_faxes_only(org, faxes_of_the_day):
    recount_fax_days(organization=org, days=[DAY])
    assert destination_days(org) == {(DAY, A): (2, 1), (DAY, B): (1, 0)}


def test_recounting_again_changes_nothing(org, faxes_of_the_day):
    recount_fax_days(organization=org, days=[DAY])
    first = fax_days(org), destination_days(org)
    recount_fax_days(organization=org, days=[DAY])
    assert (fax_days(org), destination_days(org)) == first


def test_a_recount_follows_changed_statuses(org, faxes_of_the_day):
    recount_fax_days(organization=org, days=[DAY])
    with scopes_disabled():
        Fax.objects.filter(status="QUEUED").update(status="FAILED")
    recount_fax_days(organization=org, days=[DAY])
    assert fax_days(org) == {DAY: (3, 2, 1)}
    assert destination_days(org)[(DAY, B)] == (1, 1)


def test_a_destination_without_faxes_that_day_any_more_is_removed(org, faxes_of_the_day):
    recount_fax_days(organization=org, days=[DAY])
    with scopes_disabled():
        Fax.objects.filter(destination_number=B).delete()
    recount_fax_days(organization=org, days=[DAY])
    assert destination_days(org) == {(DAY, A): (2, 1)}


def test_a_day_whose_faxes_are_gone_has_no_rows(org, faxes_of_the_day):
    recount_fax_days(organization=org, days=[DAY])
    with scopes_disabled():
        Fax.objects.all().delete()
    recount_fax_days(organization=org, days=[DAY])
    assert fax_days(org) == {} and destination_days(org) == {}


def test_the_day_is_the_organizations_not_utcs(org):
    FaxFactory(organization=org, sent_at=at(28, 4, 59))  # 23:59 on the 27th in New York
    FaxFactory(organization=org, sent_at=at(28, 5))  # midnight of the 28th there
    FaxFactory(organization=org, sent_at=at(29, 4, 59))  # 23:59 of the 28th there
    FaxFactory(organization=org, sent_at=at(29, 5))  # the 29th there
    recount_fax_days(organization=org, days=[DAY])
    assert fax_days(org) == {DAY: (2, 0, 0)}


def test_only_the_days_asked_for_are_recounted(org):
    FaxFactory(organization=org, sent_at=at(27, 15))
    FaxFactory(organization=org, sent_at=at(28, 15))
    recount_fax_days(organization=org, days=[DAY])
    assert list(fax_days(org)) == [DAY]


def test_days_of_another_zone_recount_each_organization_day_they_touch(org):
    """The fax sync's days are the connection's: a Los Angeles day ends at 03:00 of the
    next day in New York, so it touches two of the organization's days."""
    FaxFactory(organization=org, sent_at=at(28, 15))  # 10:00 on the 28th in New York
    FaxFactory(organization=org, sent_at=at(29, 7))  # 02:00 on the 29th there
    FaxFactory(organization=org, sent_at=at(29, 9))  # 04:00: after the LA day
    recount_fax_days(organization=org, days=[DAY], zone=zoneinfo.ZoneInfo("America/Los_Angeles"))
    assert fax_days(org) == {DAY: (1, 0, 0), date(2024, 2, 29): (2, 0, 0)}


def test_another_organizations_faxes_are_not_counted(org, other_org):
    FaxFactory(organization=other_org, sent_at=at(28, 15))
    recount_fax_days(organization=other_org, days=[DAY])
    recount_fax_days(organization=org, days=[DAY])
    assert fax_days(other_org) == {DAY: (1, 0, 0)}  # the control
    assert fax_days(org) == {} and destination_days(org) == {}

