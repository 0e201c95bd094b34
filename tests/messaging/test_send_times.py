"""messaging/send_times.py: a local date and time in the organization's zone, across
daylight-saving changes (America/New_York: clocks forward on 2024-03-10 at 02:00, back on
2024-11-03 at 02:00)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from messaging.send_times import MAX_SCHEDULE_DAYS, check_send_time, local_send_time
from tests.clock import NOW

NEW_YORK = ZoneInfo("America/New_York")


def test_a_local_time_is_read_in_the_organization_zone():
    at = local_send_time(day=date(2024, 3, 1), at=time(9, 0), zone=NEW_YORK)
    assert at.astimezone(UTC) == datetime(2024, 3, 1, 14, 0, tzinfo=UTC)


def test_a_time_after_the_spring_change_is_in_daylight_time():
    at = local_send_time(day=date(2024, 3, 11), at=time(9, 0), zone=NEW_YORK)
    assert at.astimezone(UTC) == datetime(2024, 3, 11, 13, 0, tzinfo=UTC)


def test_a_local_time_skipped_by_the_spring_change_is_refused():
    with pytest.raises(ValidationError, match="does not exist in America/New_York"):
        local_send_time(day=date(2024, 3, 10), at=time(2, 30), zone=NEW_YORK)


def test_a_local_time_repeated_by_the_fall_change_is_its_first_occurrence():
    at = local_send_time(day=date(2024, 11, 3), at=time(1, 30), zone=NEW_YORK)
    assert at.astimezone(UTC) == datetime(2024, 11, 3, 5, 30, tzinfo=UTC)  # EDT, not EST


def test_seconds_are_dropped():
    at = local_send_time(day=date(2024, 3, 1), at=time(9, 0, 42), zone=NEW_YORK)
    assert (at.second, at.microsecond) == (0, 0)


def test_a_time_that_has_passed_is_refused():
    with pytest.raises(ValidationError, match="has passed"):
        check_send_time(NOW, now=NOW)


def test_a_time_beyond_the_horizon_is_refused():
    with pytest.raises(ValidationError, match=f"At most {MAX_SCHEDULE_DAYS} days"):
        check_send_time(NOW + timedelta(days=MAX_SCHEDULE_DAYS, minutes=1), now=NOW)


def test_a_naive_time_is_refused():
    with pytest.raises(ValidationError, match="offset"):
        check_send_time(datetime(2024, 3, 2, 9, 0), now=NOW)


def test_a_time_to_come_within_the_horizon_is_taken():
    later = NOW + timedelta(minutes=1)
    assert check_send_time(later, now=NOW) == later


def test_the_last_day_of_the_calendar_is_refused_not_a_crash():
    with pytest.raises(ValidationError, match="days ahead"):
        local_send_time(day=date(9999, 12, 31), at=time(23, 0), zone=NEW_YORK)
