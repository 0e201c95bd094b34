"""python manage.py run_job sync_faxes [--org SLUG] [--date YYYY-MM-DD]: one run, now."""

import io
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from tests.axion import bodies
from tests.faxes.factories import connection_for
from tests.faxes.recorded import answer, sent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def noon(time_machine):
    time_machine.move_to(datetime(2017, 11, 29, 15, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def all_faxes(provider):
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    return provider


def run(*args) -> str:
    out = io.StringIO()
    call_command("run_job", "sync_faxes", *args, stdout=out)
    return out.getvalue()


def test_it_syncs_every_organization_once_and_says_so(all_faxes, org, other_org):
    connection_for(org)
    connection_for(other_org)
    output = run()
    assert len(sent(all_faxes, "All_Faxes_Status")) == 2
    assert ("sync_faxes: 2 organizations done, 0 failed, 0 skipped (already running), "
            "8 items") in output


def test_org_limits_the_run_to_one_organization(all_faxes, org, other_org):
    connection_for(org)
    theirs = connection_for(other_org)
    run("--org", "summit")
    assert [c["API_KEY"] for c in sent(all_faxes, "All_Faxes_Status")] == [theirs.api_key]


def test_date_fetches_that_day(all_faxes, org):
    connection_for(org)
    run("--date", "2017-11-20")
    assert [c["DATE"] for c in sent(all_faxes, "All_Faxes_Status")] == ["2017-11-20"]


def test_org_and_date_together(all_faxes, org, other_org):
    connection_for(org)
    connection_for(other_org)
    run("--org", "harbor", "--date", "2017-11-20")
    assert [c["DATE"] for c in sent(all_faxes, "All_Faxes_Status")] == ["2017-11-20"]


def test_an_unknown_organization_is_an_error(all_faxes, org):
    connection_for(org)
    with pytest.raises(CommandError, match="No organization with the slug 'nowhere'"):
        run("--org", "nowhere")
    assert len(all_faxes.calls) == 0


def test_an_organization_without_fax_connection_does_nothing(all_faxes, org):
    assert "0 organizations done" in run("--org", "harbor")
    assert len(all_faxes.calls) == 0


def test_a_malformed_date_is_an_error_before_any_call(all_faxes, org):
    connection_for(org)
    # run_job passes --date on unchecked; the job refuses it (a CommandError would be kinder).
    with pytest.raises((CommandError, ValueError), match="29/11/2017"):
        run("--date", "29/11/2017")
    assert len(all_faxes.calls) == 0
