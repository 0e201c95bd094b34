"""The fax backfill keeps the charts' daily counts of the days it fetched."""

import pytest
from django_scopes import scopes_disabled

from charts.models import FaxDay
from faxes.backfill import backfill_organization
from tests.faxes.factories import connection_for

# `days` (tests/faxes/conftest.py) answers All_Faxes_Status one fax a day.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def test_the_backfilled_days_are_counted_for_the_charts(org, days):
    connection_for(org)
    backfill_organization(organization=org, days=3)
    with scopes_disabled():
        counted = FaxDay.objects.filter(organization=org)
        total = sum(day.sent + day.failed + day.pending for day in counted)
    assert total == 3
