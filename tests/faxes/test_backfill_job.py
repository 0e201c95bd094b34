"""faxes.tasks.backfill_faxes: started when a fax connection is added, by its schedule for
organizations whose backfill never finished, and by `run_job backfill_faxes --days N`."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_q.models import Schedule
from django_scopes import scopes_disabled

from accounts.models import Connection, JobState
from accounts.services import save_connection
from faxes.models import FaxBackfill
from faxes.tasks import backfill_faxes
from tests.faxes.factories import connection_for
from tests.faxes.recorded import FAX_URL

# `days` (tests/faxes/conftest.py) answers All_Faxes_Status one fax a day; the clock stands
# at tests.clock.NOW, 2024-03-01 12:00 UTC, unless a test moves it.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]



@pytest.fixture
def allowed(settings):
    """The recorded provider's hosts, listed: saved without a DNS look-up."""
    settings.AXION_ALLOWED_HOSTS = ["fax.axion.example", "sms.axion.example"]


def add_fax_connection(organization, **values):
    return save_connection(organization=organization, kind=Connection.Kind.FAX, actor=None,
                           values={"api_url": FAX_URL, "api_key": "key-7c1e9f2b",
                                   "username": "office", "password": "pass-c0ffee", **values})


def test_adding_a_fax_connection_backfills_its_past_days(org, days, settings, allowed,
                                                         django_capture_on_commit_callbacks):
    settings.FAX_BACKFILL_DAYS = 3
    with django_capture_on_commit_callbacks(execute=True) as queued:
        add_fax_connection(org)
    assert len(queued) == 1  # queued once the connection is committed, run inline here
    assert days.asked == ["2024-03-01", "2024-02-29", "2024-02-28"]
    assert days.logins == 1


def test_a_broker_that_is_down_does_not_undo_the_new_connection(
        org, allowed, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise ConnectionError("the broker is down")

    monkeypatch.setattr("faxes.backfill.async_task", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        add_fax_connection(org)
    with scopes_disabled():
        assert Connection.objects.filter(organization=org, kind="fax").exists()
        # Left for the schedule, which starts every backfill that never finished.
        assert FaxBackfill.objects.get(organization=org).finished_at is None


def test_changing_a_fax_connection_does_not_start_it_again(org, days, allowed,
                                                          django_capture_on_commit_callbacks):
    add_fax_connection(org)  # its backfill is not run: the callback is not executed here
    with django_capture_on_commit_callbacks(execute=True) as queued:
        add_fax_connection(org, username="front-desk")
    assert queued == []


def test_adding_an_sms_connection_starts_no_fax_backfill(org, allowed,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        save_connection(organization=org, kind=Connection.Kind.SMS, actor=None,
                        values={"api_url": "https://sms.axion.example/api",
                                "api_key": "key", "username": "office", "password": "pw"})
    assert queued == []


def test_the_schedule_starts_organizations_that_never_had_one(org, other_org, days,
                                                              settings):
    settings.FAX_BACKFILL_DAYS = 2
    connection_for(org)
    connection_for(other_org)
    assert backfill_faxes() == ("2 organizations done, 0 failed, 0 skipped (already "
                                "running), 4 items")


def test_the_schedule_leaves_finished_backfills_alone(org, other_org, days, settings):
    settings.FAX_BACKFILL_DAYS = 2
    connection_for(org)
    connection_for(other_org)
    backfill_faxes(organization_id=org.pk)
    days.asked.clear()
    assert backfill_faxes().startswith("1 organizations done")
    assert days.asked == ["2024-03-01", "2024-02-29"]  # other_org's, not org's again
    with scopes_disabled():
        assert not JobState.objects.filter(organization=org, job="backfill_faxes",
                                           runs__gt=1).exists()


def test_a_failed_run_is_recorded_for_the_operations_page(org, days):
    connection_for(org)
    days.failing = {"2024-02-29"}
    assert backfill_faxes(organization_id=org.pk).startswith("0 organizations done, 1 failed")
    with scopes_disabled():
        run = JobState.objects.get(organization=org, job="backfill_faxes")
        assert run.last_outcome == "failed"
        assert FaxBackfill.objects.get(organization=org).last_error


def test_the_job_is_scheduled_every_fax_backfill_minutes(settings):
    schedule = Schedule.objects.get(name="backfill_faxes")
    assert schedule.func == "faxes.tasks.backfill_faxes"
    assert schedule.minutes == settings.FAX_BACKFILL_MINUTES == 15


def run(*args) -> str:
    out = io.StringIO()
    call_command("run_job", "backfill_faxes", *args, stdout=out)
    return out.getvalue()


def test_run_job_takes_the_organization_and_the_days(org, other_org, days):
    connection_for(org)
    connection_for(other_org)
    output = run("--org", org.slug, "--days", "5")
    assert len(days.asked) == 5
    assert "backfill_faxes: 1 organizations done, 0 failed, 0 skipped (already running), " \
           "5 items" in output


def test_run_job_with_days_but_no_organization_widens_every_organizations(org, other_org,
                                                                          days):
    connection_for(org)
    connection_for(other_org)
    backfill_faxes(organization_id=org.pk, days=2)  # finished
    days.asked.clear()
    run("--days", "3")
    assert sorted(days.asked) == ["2024-02-28", "2024-02-28", "2024-02-29", "2024-03-01"]


def test_run_job_refuses_days_that_are_not_a_count_of_days(org):
    with pytest.raises(CommandError, match="not a number of days"):
        run("--org", org.slug, "--days", "0")


def test_run_job_refuses_days_for_a_job_that_does_not_take_them(org):
    with pytest.raises(CommandError, match="sync_faxes does not take --days"):
        call_command("run_job", "sync_faxes", "--days", "3")
