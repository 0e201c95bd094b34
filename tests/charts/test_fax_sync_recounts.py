"""The fax sync recounts the days it stored: the charts follow each sync."""

from datetime import UTC, date, datetime

import pytest

from faxes.tasks import sync_faxes
from tests.axion import bodies
from tests.charts.helpers import destination_days, fax_days
from tests.faxes.factories import FaxFactory, connection_for
from tests.faxes.recorded import answer

pytestmark = pytest.mark.django_db

NOON = datetime(2017, 11, 29, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(NOON, tick=False)
    return time_machine


def test_the_synced_day_is_counted(clock, provider, org):
    connection_for(org)  # in UTC; the organization is in New York
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    sync_faxes()
    # The recorded day: three sent to +18058522606 and one failed to "1234", all on the
    # 29th in New York.
    assert fax_days(org) == {date(2017, 11, 29): (3, 1, 0)}
    assert destination_days(org) == {(date(2017, 11, 29), "+18058522606"): (3, 0),
                                     (date(2017, 11, 29), "1234"): (0, 1)}


def test_each_organization_day_the_synced_day_touches_is_recounted(clock, provider, org):
    """The connection's day (UTC) begins at 19:00 of the 28th in New York."""
    connection_for(org)
    FaxFactory(organization=org, status="FAILED",
               sent_at=datetime(2017, 11, 29, 2, 0, tzinfo=UTC))  # 21:00 on the 28th there
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    sync_faxes()
    assert fax_days(org)[date(2017, 11, 28)] == (0, 1, 0)


def test_a_failed_sync_counts_nothing(clock, provider, org):
    connection_for(org)
    answer(provider, "All_Faxes_Status", "", status=503)
    sync_faxes()
    assert fax_days(org) == {}
