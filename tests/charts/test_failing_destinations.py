"""The failure rate by destination: the top ten over the last 30 days, ranked by failure
rate among destinations with at least MIN_DESTINATION_FAXES finished faxes and a failure."""

from datetime import UTC, date, datetime, timedelta

import pytest

from charts.services import MIN_DESTINATION_FAXES, rank_failing_destinations, recount_fax_days
from tests.charts.helpers import ranking
from tests.faxes.factories import FaxFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 3, 1, 17, 0, tzinfo=UTC)  # noon of March 1st in New York
TODAY = date(2024, 3, 1)


def faxes(org, destination, *, sent=0, failed=0, day=TODAY):
    when = datetime(day.year, day.month, day.day, 15, 0, tzinfo=UTC)
    for status, count in (("SENT", sent), ("FAILED", failed)):
        FaxFactory.create_batch(count, organization=org, status=status,
                                destination_number=destination, sent_at=when)


def number(n: int) -> str:
    return f"+1805555{n:04d}"


def test_destinations_are_ranked_by_failure_rate(org):
    faxes(org, number(1), sent=8, failed=2)  # 20%
    faxes(org, number(2), sent=1, failed=4)  # 80%
    faxes(org, number(3), sent=5, failed=5)  # 50%
    recount_fax_days(organization=org, days=[TODAY], now=NOW)
    assert ranking(org) == [(1, number(2), 1, 4), (2, number(3), 5, 5), (3, number(1), 8, 2)]


def test_equal_rates_rank_the_one_with_more_failures_first(org):
    faxes(org, number(1), sent=3, failed=2)  # 40% of 5
    faxes(org, number(2), sent=6, failed=4)  # 40% of 10
    recount_fax_days(organization=org, days=[TODAY], now=NOW)
    assert [row[1] for row in ranking(org)] == [number(2), number(1)]


def test_destinations_below_the_minimum_volume_are_left_out(org):
    faxes(org, number(1), failed=MIN_DESTINATION_FAXES - 1)  # 100%, but too few to say
    faxes(org, number(2), sent=MIN_DESTINATION_FAXES - 1, failed=1)  # just enough
    recount_fax_days(organization=org, days=[TODAY], now=NOW)
    assert [row[1] for row in ranking(org)] == [number(2)]


def test_destinations_without_a_failure_are_left_out(org):
    faxes(org, number(1), sent=20)
    recount_fax_days(organization=org, days=[TODAY], now=NOW)
    assert ranking(org) == []


def test_only_the_top_ten_are_kept(org):
    for n in range(12):
        faxes(org, number(n), sent=10 - n % 10, failed=n + 1)
    recount_fax_days(organization=org, days=[TODAY], now=NOW)
    ranked = ranking(org)
    assert [row[0] for row in ranked] == list(range(1, 11))
    assert number(0) not in [row[1] for row in ranked]  # 1 of 11: the lowest rate


def test_the_volume_adds_up_over_the_days_of_the_window(org):
    earlier = TODAY - timedelta(days=29)
    faxes(org, number(1), sent=2, failed=1, day=earlier)
    faxes(org, number(1), sent=1, failed=1)
    recount_fax_days(organization=org, days=[earlier, TODAY], now=NOW)
    assert ranking(org) == [(1, number(1), 3, 2)]


def test_days_before_the_window_are_left_out(org):
    before = TODAY - timedelta(days=30)
    faxes(org, number(1), sent=2, failed=8, day=before)
    recount_fax_days(organization=org, days=[before], now=NOW)
    assert ranking(org) == []


def test_a_new_ranking_replaces_the_old_one(org):
    faxes(org, number(1), sent=1, failed=4)
    recount_fax_days(organization=org, days=[TODAY], now=NOW)
    assert ranking(org) == [(1, number(1), 1, 4)]  # the control
    # Thirty days later the day is out of the window.
    rank_failing_destinations(organization=org, now=NOW + timedelta(days=30))
    assert ranking(org) == []


def test_another_organizations_destinations_are_not_ranked(org, other_org):
    faxes(other_org, number(1), sent=1, failed=4)
    recount_fax_days(organization=other_org, days=[TODAY], now=NOW)
    recount_fax_days(organization=org, days=[TODAY], now=NOW)
    assert [row[1] for row in ranking(other_org)] == [number(1)]  # the control
    assert ranking(org) == []
