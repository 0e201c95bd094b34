"""faxes.backfill: the past days of faxes, one All_Faxes_Status per day, never a day twice."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import IntegrityError
from django_scopes import scopes_disabled

from axion.errors import AxionError
from events.models import Event
from faxes import backfill
from faxes.backfill import backfill_organization
from faxes.models import Fax, FaxBackfill, FaxBackfillDay, FaxObservation
from faxes.services import day_bounds
from tests.clock import NOW
from tests.faxes.factories import FaxFactory, connection_for

# `days` (tests/faxes/conftest.py) answers All_Faxes_Status one fax a day; the clock stands
# at tests.clock.NOW, 2024-03-01 12:00 UTC, unless a test moves it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

TODAY = date(2024, 3, 1)


def the_days(count: int, last: date = TODAY) -> list[str]:
    """`count` days ending with `last`, newest first, as the provider is asked for them."""
    return [(last - timedelta(days=n)).isoformat() for n in range(count)]


def fetched_days(organization) -> list[date]:
    with scopes_disabled():
        return sorted(FaxBackfillDay.objects.filter(organization=organization)
                      .values_list("day", flat=True))


def state(organization) -> FaxBackfill:
    with scopes_disabled():
        return FaxBackfill.objects.get(organization=organization)


def test_thirty_days_take_thirty_calls_and_one_login(org, days):
    connection_for(org, session_token="", token_expires_at=None)
    assert backfill_organization(organization=org, days=30) == 30
    assert days.logins == 1
    assert days.asked == the_days(30)
    assert len(set(days.asked)) == 30


def test_the_setting_gives_the_number_of_days(org, days, settings):
    settings.FAX_BACKFILL_DAYS = 4
    connection_for(org)
    backfill_organization(organization=org)
    assert days.asked == the_days(4)


def test_each_day_is_stored_with_its_faxes(org, days):
    connection_for(org)
    backfill_organization(organization=org, days=3)
    with scopes_disabled():
        assert sorted(Fax.objects.values_list("customer_field", flat=True)) == [
            "DAY-2024-02-28", "DAY-2024-02-29", "DAY-2024-03-01"]
        day = FaxBackfillDay.objects.get(day=TODAY)
    assert (day.faxes, day.fetched_at) == (1, NOW)


def test_a_finished_backfill_is_finished_without_error(org, days):
    connection_for(org)
    backfill_organization(organization=org, days=3)
    done = state(org)
    assert (done.first_day, done.last_day, done.finished_at, done.last_error) == (
        TODAY - timedelta(days=2), TODAY, NOW, "")
    assert backfill.progress(org).state == "finished"


def test_a_day_the_provider_does_not_find_is_done_and_empty(org, days):
    connection_for(org)
    days.not_found = {"2024-02-29"}
    backfill_organization(organization=org, days=3)
    with scopes_disabled():
        empty = FaxBackfillDay.objects.get(day=date(2024, 2, 29))
    assert empty.faxes == 0
    assert fetched_days(org) == [date(2024, 2, 28), date(2024, 2, 29), TODAY]
    assert state(org).finished_at == NOW


def test_a_finished_backfill_fetches_nothing_again(org, days):
    connection_for(org)
    backfill_organization(organization=org, days=5)
    days.asked.clear()
    assert backfill_organization(organization=org) == 0
    assert days.asked == []


def test_more_days_later_fetch_only_the_days_not_fetched(org, days):
    connection_for(org)
    backfill_organization(organization=org, days=5)
    days.asked.clear()
    assert backfill_organization(organization=org, days=8) == 3
    assert days.asked == ["2024-02-25", "2024-02-24", "2024-02-23"]
    assert backfill.progress(org).fetched == backfill.progress(org).total == 8


def test_a_provider_failure_stops_the_run_and_records_why(org, days):
    connection_for(org)
    days.failing = {the_days(30)[12]}  # the 13th day fetched
    with pytest.raises(AxionError):
        backfill_organization(organization=org, days=30)
    assert len(fetched_days(org)) == 12
    stopped = state(org)
    assert stopped.finished_at is None
    assert stopped.last_error_at == NOW
    assert "Axion" in stopped.last_error
    progress = backfill.progress(org)
    assert (progress.state, progress.fetched, progress.total) == ("failed", 12, 30)


def test_the_next_run_resumes_at_the_first_day_not_fetched(org, days, clock):
    connection_for(org)
    days.failing = {the_days(30)[12]}
    with pytest.raises(AxionError):
        backfill_organization(organization=org, days=30)
    days.failing.clear()
    days.asked.clear()
    clock.move_to(NOW + timedelta(minutes=15), tick=False)
    assert backfill_organization(organization=org) == 18
    assert days.asked == the_days(30)[12:]
    assert len(fetched_days(org)) == 30
    resumed = state(org)
    assert (resumed.finished_at, resumed.last_error) == (NOW + timedelta(minutes=15), "")


def test_after_a_crash_no_day_is_fetched_twice(org, days, monkeypatch):
    connection_for(org)
    store, stored = backfill.store_day, []

    def crash_on_the_13th_day(**kwargs):
        if len(stored) == 12:
            raise SystemExit("the worker was killed")
        stored.append(kwargs["day"])
        return store(**kwargs)

    monkeypatch.setattr(backfill, "store_day", crash_on_the_13th_day)
    with pytest.raises(SystemExit):
        backfill_organization(organization=org, days=30)
    monkeypatch.setattr(backfill, "store_day", store)
    days.asked.clear()
    backfill_organization(organization=org)
    assert days.asked == the_days(30)[12:]  # the 13th day's answer was never stored
    assert len(fetched_days(org)) == len(set(fetched_days(org))) == 30


def test_a_day_is_recorded_only_once(org):
    # The unique constraint: a run that overlapped another stores nothing of that day.
    backfill.store_day(organization=org, day=TODAY, records=[], now=NOW)
    with pytest.raises(IntegrityError):
        backfill.store_day(organization=org, day=TODAY, records=[], now=NOW)
    assert fetched_days(org) == [TODAY]


def test_the_days_are_the_connections_calendar_days(org, days, clock):
    connection_for(org, time_zone="America/Los_Angeles")
    clock.move_to(datetime(2024, 3, 2, 5, 0, tzinfo=UTC), tick=False)  # 21:00 on Mar 1 there
    backfill_organization(organization=org, days=2)
    assert days.asked == ["2024-03-01", "2024-02-29"]


@pytest.mark.parametrize("now, expected, hours", [
    # 23:30 on Sunday March 10 in New York, the day clocks went forward: a 23-hour day.
    (datetime(2024, 3, 11, 3, 30, tzinfo=UTC), ["2024-03-10", "2024-03-09"], 23),
    # 23:30 on Sunday November 3, the day clocks went back: a 25-hour day.
    (datetime(2024, 11, 4, 4, 30, tzinfo=UTC), ["2024-11-03", "2024-11-02"], 25),
])
def test_a_day_across_a_dst_change_is_the_organizations_calendar_day(org, days, clock, now,
                                                                     expected, hours):
    connection_for(org, time_zone="America/New_York")  # org's zone too (the factory's)
    clock.move_to(now, tick=False)
    late = f"{expected[0]} 23:10:00"
    early = f"{expected[0]} 00:10:00"
    days.times = {expected[0]: late, expected[1]: early.replace(expected[0], expected[1])}
    backfill_organization(organization=org, days=2)
    assert days.asked == expected
    start, end = day_bounds(org, date.fromisoformat(expected[0]))
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=hours)
    with scopes_disabled():
        in_the_day = Fax.objects.filter(organization=org, sent_at__gte=start, sent_at__lt=end)
        assert list(in_the_day.values_list("customer_field", flat=True)) == [
            f"DAY-{expected[0]}"]


def test_backfilled_faxes_emit_no_events(org, days):
    connection_for(org)
    backfill_organization(organization=org, days=3)  # today's fax is six hours old: news
    with scopes_disabled():
        assert Fax.objects.count() == 3
        assert not Event.objects.exists()


def test_a_known_fax_the_backfill_finds_changed_is_still_news(org, days):
    connection_for(org)
    FaxFactory(organization=org, customer_field="DAY-2024-03-01", status="PROGRESS",
               source_number="+18059731214", destination_number="+18058522606",
               sent_at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC))
    backfill_organization(organization=org, days=1)
    with scopes_disabled():
        assert list(Event.objects.values_list("type", flat=True)) == ["fax.status_changed"]


def test_backfilled_faxes_are_observed_via_backfill(org, days):
    connection_for(org)
    backfill_organization(organization=org, days=2)
    with scopes_disabled():
        assert list(FaxObservation.objects.values_list("via", "status", "observed_at")) == [
            ("backfill", "SENT", NOW), ("backfill", "SENT", NOW)]


def test_without_a_fax_connection_nothing_happens(org, days):
    assert backfill_organization(organization=org, days=30) == 0
    assert days.asked == []
    with scopes_disabled():
        assert not FaxBackfill.objects.exists()


def test_one_organizations_backfill_is_its_own(org, other_org, days):
    connection_for(org)
    connection_for(other_org)
    backfill_organization(organization=org, days=2)
    backfill_organization(organization=other_org, days=3)
    assert (len(fetched_days(org)), len(fetched_days(other_org))) == (2, 3)
    assert backfill.progress(org).total == 2
    with scopes_disabled():
        assert Fax.objects.filter(organization=other_org).count() == 3


def test_a_resumed_backfill_is_no_longer_stopped_once_a_day_is_fetched(org, days,
                                                                       monkeypatch):
    connection_for(org)
    days.failing = {the_days(5)[2]}
    with pytest.raises(AxionError):
        backfill_organization(organization=org, days=5)
    days.failing.clear()
    store, states = backfill.store_day, []

    def store_and_look(**kwargs):
        states.append(backfill.progress(org).state)
        return store(**kwargs)

    monkeypatch.setattr(backfill, "store_day", store_and_look)
    backfill_organization(organization=org)
    assert states == ["failed", "running", "running"]
