"""faxes.tasks.sync_faxes: today's faxes (and yesterday's early on) of every organization."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from django_q.models import Schedule
from django_scopes import scopes_disabled

from accounts.models import Connection
from common.models import JobLock
from faxes.models import Fax, FaxSync
from faxes.tasks import sync_faxes
from tests.axion import bodies
from tests.factories import ConnectionFactory, OrganizationFactory
from tests.faxes.factories import FaxFactory, connection_for
from tests.faxes.recorded import FAX_URL, answer, error_body, sent

pytestmark = pytest.mark.django_db

NOON = datetime(2017, 11, 29, 15, 0, tzinfo=UTC)
DOWN_URL = "https://down.axion.example/api"


@pytest.fixture
def clock(time_machine):
    """The clock, stopped at NOON unless a test moves it."""
    time_machine.move_to(NOON, tick=False)
    return time_machine


@pytest.fixture
def all_faxes(provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    return provider


def dates(provider) -> list[str]:
    return [payload["DATE"] for payload in sent(provider, "All_Faxes_Status")]


def sync_of(organization) -> FaxSync:
    with scopes_disabled():
        return FaxSync.objects.get(organization=organization)


def test_one_call_per_organization_for_today(clock, all_faxes, org, other_org):
    first, second = connection_for(org), connection_for(other_org)
    sync_faxes()
    calls = sent(all_faxes, "All_Faxes_Status")
    assert len(calls) == 2 == len(all_faxes.calls)
    assert {c["API_KEY"] for c in calls} == {first.api_key, second.api_key}
    assert dates(all_faxes) == ["2017-11-29", "2017-11-29"]


def test_yesterday_too_in_the_first_hours_of_the_connections_day(clock, all_faxes, org):
    connection_for(org, time_zone="America/Los_Angeles")
    clock.move_to(datetime(2017, 11, 30, 10, 59, tzinfo=UTC), tick=False)  # 02:59 there
    sync_faxes()
    assert dates(all_faxes) == ["2017-11-29", "2017-11-30"]


def test_not_yesterday_once_the_first_hours_are_over(clock, all_faxes, org):
    connection_for(org, time_zone="America/Los_Angeles")
    clock.move_to(datetime(2017, 11, 30, 11, 0, tzinfo=UTC), tick=False)  # 03:00 there
    sync_faxes()
    assert dates(all_faxes) == ["2017-11-30"]


def test_today_is_the_connections_today_not_utcs(clock, all_faxes, org):
    connection_for(org, time_zone="America/Los_Angeles")
    clock.move_to(datetime(2017, 11, 30, 6, 0, tzinfo=UTC), tick=False)  # 22:00 on the 29th
    sync_faxes()
    assert dates(all_faxes) == ["2017-11-29"]


def test_the_first_hours_follow_the_setting(clock, all_faxes, org, settings):
    settings.FAX_SYNC_YESTERDAY_HOURS = 6
    connection_for(org)
    clock.move_to(datetime(2017, 11, 30, 5, 30, tzinfo=UTC), tick=False)
    sync_faxes()
    assert dates(all_faxes) == ["2017-11-29", "2017-11-30"]


def test_days_of_faxes_not_yet_final_are_fetched_again(clock, all_faxes, org):
    connection_for(org)
    FaxFactory(organization=org, status="QUEUED", try_count=0,
               sent_at=datetime(2017, 11, 27, 9, 0, tzinfo=UTC))
    FaxFactory(organization=org, status="PROGRESS", sent_at=datetime(2017, 11, 25, 9, 0,
                                                                     tzinfo=UTC))
    FaxFactory(organization=org, status="SENT", sent_at=datetime(2017, 11, 26, 9, 0, tzinfo=UTC))
    sync_faxes()
    assert dates(all_faxes) == ["2017-11-25", "2017-11-27", "2017-11-29"]


def test_a_pending_fax_is_refreshed_until_it_is_final(clock, provider, org):
    connection_for(org)
    pending = FaxFactory(organization=org, customer_field="test 1", status="PROGRESS",
                         source_number="+18059731214", destination_number="+18058522606",
                         sent_at=datetime(2017, 11, 28, 12, 43, 59, tzinfo=UTC))
    answer(provider, "All_Faxes_Status", error_body("NOT FOUND"), DATE="2017-11-29")
    answer(provider, "All_Faxes_Status", (
        '{"RESULT":"OK","DATE":"2017-11-28","FAXES":[{"CUSTOMER_PROVIDED_FAX_FIELD":"test 1",'
        '"SOURCE_NUMBER":"18059731214","DESTINATION_NUMBER":"18058522606","TIME":"2017-11-28 '
        '12:43:59","PAGES":"2","STATUS":"SENT","TRY_COUNT":"2"}]}'), DATE="2017-11-28")
    sync_faxes()
    pending.refresh_from_db()
    assert (pending.status, pending.try_count) == ("SENT", 2)
    provider.calls.reset()
    sync_faxes()
    assert dates(provider) == ["2017-11-29"]


def test_pending_faxes_older_than_a_week_are_left_alone(clock, all_faxes, org):
    connection_for(org)
    FaxFactory(organization=org, status="QUEUED", sent_at=NOON - timedelta(days=8))
    sync_faxes()
    assert dates(all_faxes) == ["2017-11-29"]


def test_no_login_while_the_stored_token_is_valid(clock, all_faxes, org):
    connection_for(org, token_expires_at=NOON + timedelta(days=20))
    sync_faxes()
    sync_faxes()
    assert sent(all_faxes, "User_Login") == []
    assert {c["SESSION_TOKEN"] for c in sent(all_faxes, "All_Faxes_Status")} == {bodies.TOKEN}


def test_one_login_without_a_token_then_the_token_is_reused(clock, all_faxes, org):
    connection = connection_for(org, session_token="", token_expires_at=None)
    answer(all_faxes, "User_Login", bodies.FAX_LOGIN_OK)
    sync_faxes()
    sync_faxes()
    assert len(sent(all_faxes, "User_Login")) == 1
    connection.refresh_from_db()
    assert connection.session_token == bodies.TOKEN


def test_synced_faxes_are_stored_and_counted(clock, all_faxes, org):
    connection_for(org)
    assert sync_faxes() == "1 organizations done, 0 failed, 0 skipped (already running), 4 items"
    with scopes_disabled():
        assert Fax.objects.filter(organization=org).count() == 4


def test_a_successful_sync_records_its_time(clock, all_faxes, org):
    connection_for(org)
    sync_faxes()
    assert sync_of(org).last_success_at == NOON
    assert not sync_of(org).failing


def test_a_failed_sync_records_the_error_and_keeps_the_last_success(clock, provider, org):
    connection_for(org)
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    sync_faxes()
    provider.replace("POST", FAX_URL, body=requests.ConnectionError("refused"))
    clock.move_to(NOON + timedelta(minutes=5), tick=False)
    sync_faxes()
    sync = sync_of(org)
    assert sync.failing
    assert sync.last_error.startswith("Axion could not be reached.")
    assert sync.last_error_at == NOON + timedelta(minutes=5)
    assert sync.last_success_at == NOON


def test_a_good_sync_after_an_error_is_no_longer_failing(clock, provider, org):
    connection_for(org)
    answer(provider, "All_Faxes_Status", "", status=503)
    sync_faxes()
    assert sync_of(org).failing  # the control: the 503 did make it fail
    provider.replace("POST", FAX_URL, body=bodies.ALL_FAXES_OK)
    clock.move_to(NOON + timedelta(minutes=5), tick=False)
    sync_faxes()
    assert not sync_of(org).failing


def test_wrong_credentials_flag_the_connection_and_the_sync(clock, provider, org):
    connection = connection_for(org, session_token="", token_expires_at=None)
    answer(provider, "User_Login", error_body("WRONG CREDENTIALS"))
    sync_faxes()
    connection.refresh_from_db()
    assert connection.failing_since == NOON
    assert "username or password" in sync_of(org).last_error


def test_each_organizations_connection_to_the_provider_is_released(clock, all_faxes, org,
                                                                  other_org, opened_clients):
    connection_for(org, api_url=DOWN_URL)
    connection_for(other_org)
    answer(all_faxes, "All_Faxes_Status", requests.ConnectionError("refused"), url=DOWN_URL)
    sync_faxes()
    assert [client.closed for client in opened_clients] == [True, True]


def test_a_failing_organization_does_not_stop_the_others(clock, all_faxes, org, other_org):
    connection_for(org, api_url=DOWN_URL)  # org comes first
    connection_for(other_org)
    answer(all_faxes, "All_Faxes_Status", requests.ConnectionError("refused"), url=DOWN_URL)
    sync_faxes()
    assert sync_of(org).failing
    assert sync_of(other_org).last_success_at == NOON
    with scopes_disabled():
        assert Fax.objects.filter(organization=other_org).count() == 4


def test_organizations_without_a_fax_connection_are_left_out(clock, all_faxes, org):
    ConnectionFactory(organization=org, kind=Connection.Kind.SMS,
                      api_url="https://sms.axion.example/api")
    OrganizationFactory()
    assert sync_faxes().startswith("0 organizations done")
    assert len(all_faxes.calls) == 0


def test_one_organization_only_on_request(clock, all_faxes, org, other_org):
    connection_for(org)
    theirs = connection_for(other_org)
    sync_faxes(organization_id=other_org.pk)
    assert [c["API_KEY"] for c in sent(all_faxes, "All_Faxes_Status")] == [theirs.api_key]


def test_one_given_day_only_on_request(clock, all_faxes, org):
    connection_for(org)
    FaxFactory(organization=org, status="QUEUED", sent_at=NOON - timedelta(days=2))
    clock.move_to(datetime(2017, 11, 30, 1, 0, tzinfo=UTC), tick=False)
    sync_faxes(date="2017-11-20")
    assert dates(all_faxes) == ["2017-11-20"]


def test_an_organization_already_being_synced_is_skipped(clock, all_faxes, org):
    connection_for(org)
    JobLock.objects.create(name=f"sync_faxes:{org.pk}", holder="another process",
                           acquired_at=NOON, expires_at=NOON + timedelta(minutes=10))
    assert sync_faxes() == "0 organizations done, 0 failed, 1 skipped (already running), 0 items"
    assert len(all_faxes.calls) == 0


def test_the_lock_is_released_after_the_run(clock, all_faxes, org, monkeypatch):
    from faxes import tasks

    connection_for(org)
    held, sync = [], tasks.sync_organization

    def sync_and_look(**kwargs):
        held.extend(JobLock.objects.values_list("name", flat=True))
        return sync(**kwargs)

    monkeypatch.setattr(tasks, "sync_organization", sync_and_look)
    sync_faxes()
    assert held == [f"sync_faxes:{org.pk}"]  # the control: the run held its lock
    assert not JobLock.objects.exists()


def test_the_job_is_scheduled_every_fax_sync_minutes(settings):
    schedule = Schedule.objects.get(name="sync_faxes")
    assert schedule.func == "faxes.tasks.sync_faxes"
    assert schedule.minutes == settings.FAX_SYNC_MINUTES == 5


def test_an_unexpected_error_in_one_organization_does_not_stop_the_others(
        monkeypatch, org, other_org):
    from faxes import tasks
    from tests.factories import ConnectionFactory

    ConnectionFactory(organization=org)
    ConnectionFactory(organization=other_org)
    synced = []

    def sync(*, organization, day=None):
        if organization == org:
            raise RuntimeError("a bug")
        synced.append(organization)
        return 1

    monkeypatch.setattr(tasks, "sync_organization", sync)
    assert tasks.sync_faxes() == ("1 organizations done, 1 failed, 0 skipped (already "
                                  "running), 1 items")
    assert synced == [other_org]
