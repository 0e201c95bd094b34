"""The job check_fax_alerts: stuck faxes (a frozen clock moved by hand), last tries reached
without a status change, and the none-sent rule of weekdays in the organization's zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scopes_disabled

from accounts.models import JobState, Role
from fax_alerts.models import Attention, RuleKind
from fax_alerts.tasks import check_fax_alerts
from notifications.models import Kind
from tests.fax_alerts.factories import RuleFactory, record, store
from tests.fax_alerts.helpers import alerts, notifications, told

pytestmark = pytest.mark.usefixtures("fax_connection")

# Org time zone: America/New_York (tests.factories). Monday 4 March 2024, 10:30 there.
MONDAY_1030 = datetime(2024, 3, 4, 15, 30, tzinfo=UTC)
SATURDAY_1030 = datetime(2024, 3, 2, 15, 30, tzinfo=UTC)


def run(org) -> None:
    check_fax_alerts(organization_id=org.pk)


def test_a_fax_queued_longer_than_the_rules_minutes_is_stuck(org, agent, clock):
    RuleFactory(organization=org, kind=RuleKind.STUCK, minutes=30, to_watchers=False,
                least_role=Role.AGENT)
    store(org, record(status="QUEUED"))  # sent ten minutes before the clock, seen now
    clock.shift(timedelta(minutes=29))
    run(org)
    assert alerts() == []
    clock.shift(timedelta(minutes=2))
    run(org)
    run(org)  # the next run: nothing new
    [alert] = alerts()
    assert alert.reason == "It is still queued more than 30 minutes after it was sent."
    assert told() == {agent.user.username: [
        (Kind.FAX_ALERT, "Fax CLAIM-2026-001 to (805) 852-2606 is stuck")]}


def test_a_stuck_fax_is_on_the_attention_list(org, clock):
    RuleFactory(organization=org, kind=RuleKind.STUCK, minutes=30)
    [fax] = store(org, record(status="PROGRESS", try_count=1))
    clock.shift(timedelta(hours=1))
    run(org)
    with scopes_disabled():
        assert Attention.objects.get().fax == fax


def test_a_fax_first_seen_just_now_is_not_stuck_at_once(org, clock):
    """Its time may be off (a connection's wrong zone): it waits the minutes from when
    the portal first saw it too."""
    RuleFactory(organization=org, kind=RuleKind.STUCK, minutes=30)
    store(org, record(status="QUEUED", sent_at=datetime(2024, 3, 1, 9, 0, tzinfo=UTC)))
    run(org)
    assert alerts() == []


def test_a_fax_that_went_through_in_time_is_not_stuck(org, clock):
    RuleFactory(organization=org, kind=RuleKind.STUCK, minutes=30)
    store(org, record(status="QUEUED"))
    store(org, record(status="SENT", try_count=1))
    clock.shift(timedelta(hours=1))
    run(org)
    assert alerts() == []


def test_a_last_try_reached_without_a_status_change_is_found_by_the_job(org, agent, clock):
    RuleFactory(organization=org, kind=RuleKind.THIRD_TRY, least_role=Role.AGENT)
    store(org, record(status="PROGRESS", try_count=2))
    store(org, record(status="PROGRESS", try_count=3))  # no event: the status is the same
    assert alerts() == []
    run(org)
    assert [a.rule.kind for a in alerts()] == [RuleKind.THIRD_TRY]


def none_sent_rule(org, hour=10):
    return RuleFactory(organization=org, kind=RuleKind.NONE_SENT, hour=hour,
                       to_watchers=False, least_role=Role.ADMIN)


def test_no_fax_by_the_hour_on_a_weekday_alerts_once_that_day(org, admin_member, agent,
                                                               clock):
    rule = none_sent_rule(org)
    clock.move_to(MONDAY_1030, tick=False)
    run(org)
    run(org)
    [alert] = alerts()
    assert (alert.rule, alert.day, alert.fax) == (rule, datetime(2024, 3, 4).date(), None)
    assert told() == {admin_member.user.username: [
        (Kind.FAX_ALERT, "No fax sent today by 10:00")]}
    assert notifications()[0].url == "/faxes/"


def test_before_the_hour_in_the_organizations_zone_nothing_is_due(org, clock):
    none_sent_rule(org, hour=11)  # 10:30 in New York, 15:30 in UTC
    clock.move_to(MONDAY_1030, tick=False)
    run(org)
    assert alerts() == []


def test_no_fax_on_a_weekend_alerts_nobody(org, clock):
    none_sent_rule(org)
    clock.move_to(SATURDAY_1030, tick=False)
    run(org)
    assert alerts() == []


def test_a_fax_sent_that_day_means_no_alert(org, clock):
    none_sent_rule(org)
    clock.move_to(MONDAY_1030, tick=False)
    store(org, record(status="SENT", try_count=1, sent_at=MONDAY_1030 - timedelta(hours=2)))
    run(org)
    assert alerts() == []


def test_the_next_weekday_alerts_again(org, clock):
    none_sent_rule(org)
    clock.move_to(MONDAY_1030, tick=False)
    run(org)
    clock.shift(timedelta(days=1))
    run(org)
    assert [a.day.isoformat() for a in alerts()] == ["2024-03-04", "2024-03-05"]


def test_the_run_is_recorded_for_the_operations_page(org, clock):
    run(org)
    with scopes_disabled():
        state = JobState.objects.get(organization=org, job="check_fax_alerts")
    assert state.last_outcome == "ok"


def test_a_rule_added_later_does_not_tell_of_earlier_failures(org, clock):
    store(org, record(status="FAILED", try_count=3))
    clock.shift(timedelta(minutes=5))
    RuleFactory(organization=org, kind=RuleKind.FAILED, least_role=Role.AGENT)
    run(org)
    assert alerts() == []


def test_the_job_alerts_a_failure_its_sync_could_not(org, agent, clock, monkeypatch):
    RuleFactory(organization=org, kind=RuleKind.FAILED, least_role=Role.AGENT)
    monkeypatch.setattr("fax_alerts.receivers.alerting.alert_on_faxes", _broken)
    store(org, record(status="FAILED", try_count=3))  # stored all the same
    assert alerts() == []
    monkeypatch.undo()
    run(org)
    assert [a.rule.kind for a in alerts()] == [RuleKind.FAILED]
    assert list(told()) == [agent.user.username]


def _broken(**kwargs):
    raise RuntimeError("the database hiccuped")
