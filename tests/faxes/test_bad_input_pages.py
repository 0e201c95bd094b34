"""The faxes pages given what no form or link of theirs makes: a day at the edge of the
calendar is a 400 that says which days work, a cursor no page issued shows the first page;
never a 500 (tests/portal/test_generated_query_strings.py throws generated ones at them)."""

import base64
import json

import pytest

from tests.faxes.factories import FaxFactory
from tests.faxes.pages import references

pytestmark = pytest.mark.django_db

HISTORY = "/faxes/"
EXPORT = "/faxes/export.csv"
LOOKUP = "/faxes/lookup/"


def cursor_of(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_a_cursor_time_beyond_the_calendar_shows_the_first_page(viewer_client, org, when):
    FaxFactory(organization=org, customer_field="only")
    response = viewer_client.get(HISTORY, {"cursor": cursor_of([when, 1])})
    assert response.status_code == 200
    assert references(response) == ["only"]


@pytest.mark.parametrize("url", [HISTORY, EXPORT])
@pytest.mark.parametrize("query", [{"until": "9999-12-31"}, {"since": "0001-01-01"}])
def test_a_day_at_the_edge_of_the_calendar_is_400_saying_which_days_work(viewer_client, org,
                                                                         url, query):
    response = viewer_client.get(url, query)
    assert response.status_code == 400
    assert b"Enter a date from 0001-01-02 to 9999-12-30." in response.content


def test_the_history_with_a_bad_filter_lists_nothing(viewer_client, org):
    FaxFactory(organization=org, customer_field="INV-1")
    response = viewer_client.get(HISTORY, {"since": "yesterday"})
    assert response.status_code == 400
    assert references(response) == []


def test_an_export_with_a_bad_filter_is_400_not_every_fax(viewer_client, org):
    FaxFactory(organization=org, customer_field="INV-1")
    response = viewer_client.get(EXPORT, {"since": "yesterday"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"Enter a valid date." in response.content


def test_a_lookup_day_at_the_edge_of_the_calendar_is_400_and_asks_nothing(
        viewer_client, connection, provider, clock):
    response = viewer_client.get(LOOKUP, {"day": "9999-12-31"})
    assert response.status_code == 400
    assert b"A day from 2000-01-01 to 2024-03-02." in response.content
    assert len(provider.calls) == 0


def test_a_lookup_with_a_bad_day_is_400(viewer_client, connection, provider):
    response = viewer_client.get(LOOKUP, {"day": "2017-13-45"})
    assert response.status_code == 400
    assert b"Enter a valid date." in response.content
