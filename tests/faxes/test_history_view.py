"""The history page: every fax of the organization, filtered, sorted, in keyset pages."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext

from tests.faxes.factories import FaxFactory
from tests.faxes.pages import references, table_rows

pytestmark = pytest.mark.django_db

HISTORY = "/faxes/"
START = datetime(2017, 11, 29, 12, 0, tzinfo=UTC)


def many(org, count, first=0, **fields):
    """`count` faxes a minute apart, REF-000 the oldest."""
    return [FaxFactory(organization=org, customer_field=f"REF-{n:03d}",
                       sent_at=START + timedelta(minutes=n), **fields)
            for n in range(first, first + count)]


def next_page_link(response) -> str | None:
    match = re.search(r'href="\?([^"]*cursor=[^"]+)"', response.content.decode())
    return "?" + html.unescape(match.group(1)) if match else None


def test_the_organizations_faxes_are_listed_newest_first(viewer_client, org):
    many(org, 3)
    response = viewer_client.get(HISTORY)
    assert response.status_code == 200
    assert references(response) == ["REF-002", "REF-001", "REF-000"]


def test_oldest_first_on_request(viewer_client, org):
    many(org, 3)
    response = viewer_client.get(HISTORY, {"sort": "oldest"})
    assert references(response) == ["REF-000", "REF-001", "REF-002"]


def test_filter_by_status(viewer_client, org):
    FaxFactory(organization=org, customer_field="sent", status="SENT")
    FaxFactory(organization=org, customer_field="failed", status="FAILED", try_count=3)
    response = viewer_client.get(HISTORY, {"status": "FAILED"})
    assert references(response) == ["failed"]


def test_filter_by_date_range_in_the_organizations_time_zone(viewer_client, org):
    # New York: 2017-11-29 00:30 is 05:30 UTC, 2017-11-30 23:30 is 2017-12-01 04:30 UTC.
    for name, when in [("before", datetime(2017, 11, 29, 4, 30)),
                       ("first", datetime(2017, 11, 29, 5, 30)),
                       ("last", datetime(2017, 12, 1, 4, 30)),
                       ("after", datetime(2017, 12, 1, 5, 30))]:
        FaxFactory(organization=org, customer_field=name, sent_at=when.replace(tzinfo=UTC))
    response = viewer_client.get(HISTORY, {"since": "2017-11-29", "until": "2017-11-30"})
    assert references(response) == ["last", "first"]


def test_filter_by_reference_prefix(viewer_client, org):
    for reference in ["INV-1001", "INV-1002", "PO-INV-1"]:
        FaxFactory(organization=org, customer_field=reference)
    response = viewer_client.get(HISTORY, {"reference": "INV-"})
    assert sorted(references(response)) == ["INV-1001", "INV-1002"]


@pytest.mark.parametrize("typed", ["(805) 852-2606", "805.852.2606", "18058522606",
                                   "+1 805 852 2606"])
def test_filter_by_number_in_any_format(viewer_client, org, typed):
    FaxFactory(organization=org, customer_field="to it", destination_number="+18058522606")
    FaxFactory(organization=org, customer_field="elsewhere", destination_number="+18002255288")
    response = viewer_client.get(HISTORY, {"number": typed})
    assert references(response) == ["to it"]


def test_the_number_filter_matches_the_sender_too(viewer_client, org):
    FaxFactory(organization=org, customer_field="from it", source_number="+13103560491")
    FaxFactory(organization=org, customer_field="not it")
    response = viewer_client.get(HISTORY, {"number": "310-356-0491"})
    assert references(response) == ["from it"]


def test_the_number_filter_finds_an_unparseable_destination(viewer_client, org):
    FaxFactory(organization=org, customer_field="short", destination_number="1234")
    FaxFactory(organization=org, customer_field="long")
    response = viewer_client.get(HISTORY, {"number": " 1234 "})
    assert references(response) == ["short"]


def test_an_end_before_the_start_is_a_field_error(viewer_client, org):
    response = viewer_client.get(HISTORY, {"since": "2017-11-30", "until": "2017-11-29"})
    assert b"The end date is before the start date." in response.content


def test_a_page_holds_fifty_faxes_and_links_the_next(viewer_client, org):
    many(org, 60)
    response = viewer_client.get(HISTORY)
    assert len(table_rows(response)) == 50
    assert next_page_link(response)


def test_the_next_page_continues_without_overlap_or_gap(viewer_client, org):
    many(org, 120)
    seen, url = [], HISTORY
    while url:
        response = viewer_client.get(HISTORY + url if url.startswith("?") else url)
        seen += references(response)
        url = next_page_link(response)
    assert seen == [f"REF-{n:03d}" for n in reversed(range(120))]


def test_the_next_page_keeps_the_filters_and_sort(viewer_client, org):
    many(org, 60, status="FAILED")
    many(org, 5, first=100)
    first = viewer_client.get(HISTORY, {"status": "FAILED", "sort": "oldest"})
    second = viewer_client.get(HISTORY + next_page_link(first))
    assert references(second) == [f"REF-{n:03d}" for n in range(50, 60)]
    assert b"First page" in second.content
    assert next_page_link(second) is None


# "not a cursor", and ["yesterday", "abc"]: decodable, but not a time and an id.
@pytest.mark.parametrize("cursor", ["bm90IGEgY3Vyc29y", "WyJ5ZXN0ZXJkYXkiLCAiYWJjIl0"])
def test_an_invalid_cursor_shows_the_first_page(viewer_client, org, cursor):
    many(org, 60)
    response = viewer_client.get(HISTORY, {"cursor": cursor})
    assert response.status_code == 200
    assert references(response)[0] == "REF-059"
    assert b"First page" not in response.content


def test_the_query_count_does_not_depend_on_the_number_of_faxes(viewer_client, org):
    many(org, 5)
    with CaptureQueriesContext(db) as few:
        viewer_client.get(HISTORY)
    FaxFactory.create_batch(55, organization=org)
    with CaptureQueriesContext(db) as full:
        response = viewer_client.get(HISTORY)
    assert len(table_rows(response)) == 50
    assert len(full) == len(few)


def test_no_faxes_yet_says_how_they_arrive(viewer_client):
    response = viewer_client.get(HISTORY)
    assert b"No faxes yet." in response.content


def test_filters_without_match_offer_to_clear_them(viewer_client, org):
    many(org, 2)
    response = viewer_client.get(HISTORY, {"reference": "nothing"})
    assert b"No fax matches these filters." in response.content


@pytest.mark.parametrize("member", ["owner_client", "admin_client_", "agent_client",
                                    "viewer_client"])
def test_every_role_may_see_the_history(request, member, org):
    many(org, 2)
    response = request.getfixturevalue(member).get(HISTORY)
    assert response.status_code == 200
    assert len(table_rows(response)) == 2


def test_anonymous_is_sent_to_login(client):
    response = client.get(HISTORY)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_outsider_sees_none_of_the_organizations_faxes(outsider_client, org, other_org):
    many(org, 3)
    FaxFactory(organization=other_org, customer_field="theirs")
    response = outsider_client.get(HISTORY)
    assert references(response) == ["theirs"]


def test_an_outsider_cannot_page_into_the_organizations_faxes(viewer_client, outsider_client,
                                                              org):
    many(org, 60)
    link = next_page_link(viewer_client.get(HISTORY))
    assert table_rows(viewer_client.get(HISTORY + link))  # the control: the link pages on
    response = outsider_client.get(HISTORY + link)
    assert table_rows(response) == []
