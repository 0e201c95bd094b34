"""When a scheduled send may go: a local date and time in the organization's zone, read the
way people mean it across daylight-saving changes.

A wall-clock time is kept as the UTC instant it means on its day, so a send scheduled in
February for 09:00 on a day after the March change goes at 09:00 local time (13:00 UTC in
New York, not 14:00). A local time that does not exist (the hour skipped when clocks go
forward) is refused; one that happens twice (the hour repeated when clocks go back) is its
first occurrence, in daylight time.
"""

from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone

# How far ahead a send may be scheduled.
MAX_SCHEDULE_DAYS = 365


def local_send_time(*, day: date, at: time, zone: tzinfo) -> datetime:
    """The instant (aware, in `zone`) of the local `day` and `at`; ValidationError on
    `send_at` when that local time does not exist in `zone`."""
    wall = datetime.combine(day, at.replace(second=0, microsecond=0, tzinfo=None))
    first = wall.replace(tzinfo=zone, fold=0)
    try:
        round_trip = first.astimezone(ZoneInfo("UTC")).astimezone(zone).replace(tzinfo=None)
    except OverflowError:  # the first or the last day of the calendar, shifted out of it
        raise ValidationError({"send_at": (
            f"At most {MAX_SCHEDULE_DAYS} days ahead.")}) from None
    # A time in the gap of a spring-forward change does not survive a round trip to UTC.
    if round_trip != wall:
        raise ValidationError({"send_at": (
            f"{wall:%Y-%m-%d %H:%M} does not exist in {zone}: the clocks go forward then. "
            "Choose another time.")})
    return first


def describe_zone(zone: tzinfo, moment: datetime | None = None) -> str:
    """The zone's name and abbreviation at `moment`, e.g. "America/New_York (EST)"."""
    moment = moment or timezone.now()
    return f"{zone} ({moment.astimezone(zone):%Z})"


def check_send_time(send_at: datetime, *, now: datetime | None = None) -> datetime:
    """`send_at` if it is an aware time in the future and at most MAX_SCHEDULE_DAYS ahead;
    ValidationError on `send_at` otherwise."""
    now = now or timezone.now()
    if timezone.is_naive(send_at):
        raise ValidationError({"send_at": "Give the time with its offset (e.g. Z for UTC)."})
    if send_at <= now:
        raise ValidationError({"send_at": "This time has passed: choose a time to come."})
    if send_at > now + timedelta(days=MAX_SCHEDULE_DAYS):
        raise ValidationError({"send_at": f"At most {MAX_SCHEDULE_DAYS} days ahead."})
    return send_at
