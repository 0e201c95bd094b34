"""GET /api/v1/faxes/ and /api/v1/faxes/{id}/: the stored history, its filters and pages."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from faxes.models import FaxStatus
from tests.api.helpers import error_of
from tests.faxes.factories import FaxFactory

URL = "/api/v1/faxes/"
T0 = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [fax["id"] for fax in response.json()["results"]]


def test_lists_the_organizations_faxes_newest_first(org, other_org, api):
    old = FaxFactory(organization=org, sent_at=T0)
    new = FaxFactory(organization=org, sent_at=T0 + timedelta(hours=1))
    FaxFactory(organization=other_org)
    assert ids(api.get(URL)) == [new.pk, old.pk]


def test_a_fax_has_snake_case_fields_and_utc_times(org, api):
    fax = FaxFactory(organization=org, customer_field="INV-7", sent_at=T0, pages=3)
    body = api.get(f"{URL}{fax.pk}/").json()
    assert body["customer_field"] == "INV-7"
    assert body["sent_at"] == "2024-03-01T12:00:00Z"
    assert body["pages"] == 3
    assert body["status"] == "SENT"
    assert set(body) == {"id", "customer_field", "source_number", "destination_number",
                         "contact", "sent_at", "pages", "status", "try_count",
                         "first_seen_at", "last_seen_at", "status_changed_at", "timeline"}


def test_times_are_utc_for_a_session_in_another_time_zone(org, viewer_client):
    fax = FaxFactory(organization=org, sent_at=T0)  # org is in America/New_York
    assert viewer_client.get(f"{URL}{fax.pk}/").json()["sent_at"] == "2024-03-01T12:00:00Z"


def test_filters_by_status(org, api):
    failed = FaxFactory(organization=org, status=FaxStatus.FAILED)
    FaxFactory(organization=org, status=FaxStatus.SENT)
    assert ids(api.get(URL, {"status": "FAILED"})) == [failed.pk]


def test_filters_by_customer_field_prefix(org, api):
    match = FaxFactory(organization=org, customer_field="INV-1001")
    FaxFactory(organization=org, customer_field="PO-1001")
    assert ids(api.get(URL, {"customer_field": "INV-"})) == [match.pk]


def test_filters_by_time(org, api):
    FaxFactory(organization=org, sent_at=T0 - timedelta(days=1))
    inside = FaxFactory(organization=org, sent_at=T0)
    FaxFactory(organization=org, sent_at=T0 + timedelta(days=1))
    response = api.get(URL, {"since": "2024-03-01T00:00:00Z", "until": "2024-03-02T00:00:00Z"})
    assert ids(response) == [inside.pk]


def test_a_time_in_another_zone_is_read_in_utc(org, api):
    FaxFactory(organization=org, sent_at=T0 - timedelta(minutes=1))
    inside = FaxFactory(organization=org, sent_at=T0)
    assert ids(api.get(URL, {"since": "2024-03-01T07:00:00-05:00"})) == [inside.pk]


@pytest.mark.parametrize("since", ["2024-03-01T12:00:00", "2024-03-01", "2024-03-01 12:00:00Z",
                                   "20240301T120000Z", "2024-03-01T12:00Z", ""])
def test_a_time_that_is_not_rfc_3339_is_400(api, since):
    response = api.get(URL, {"since": since})
    assert response.status_code == 400
    assert error_of(response)["fields"] == {"since": [
        "Datetime has wrong format. Use one of these formats instead: RFC 3339 with its "
        "offset, such as 2024-03-01T12:00:00Z."]}


@pytest.mark.parametrize("until", ["9999-12-31T23:59:59-05:00", "9999-12-31T23:59:59.999999Z"])
def test_a_time_beyond_the_calendar_bounds_nothing(org, api, until):
    fax = FaxFactory(organization=org, sent_at=T0)
    assert ids(api.get(URL, {"until": until, "since": "0001-01-01T00:00:00+05:00"})) == [fax.pk]


def test_an_empty_time_range_is_an_empty_page(org, api):
    fax = FaxFactory(organization=org, sent_at=T0)
    # the control: the same bounds the right way round list the fax
    assert ids(api.get(URL, {"since": "2024-03-01T00:00:00Z",
                             "until": "2024-03-02T00:00:00Z"})) == [fax.pk]
    assert ids(api.get(URL, {"since": "2024-03-02T00:00:00Z",
                             "until": "2024-03-01T00:00:00Z"})) == []


def test_filters_by_number_in_any_format(org, api):
    match = FaxFactory(organization=org, destination_number="+18058522606")
    FaxFactory(organization=org, destination_number="+18058520000",
               source_number="+18059730000")
    assert ids(api.get(URL, {"number": "(805) 852-2606"})) == [match.pk]


@pytest.mark.parametrize("query, field", [
    ({"status": "LOST"}, "status"),
    ({"since": "yesterday"}, "since"),
    ({"page_size": "201"}, "page_size"),
    ({"page_size": "0"}, "page_size"),
    ({"cursor": "not-a-cursor"}, "cursor"),
])
def test_bad_filters_are_400_on_their_field(api, query, field):
    response = api.get(URL, query)
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_blank_filters_are_ignored(org, api):
    fax = FaxFactory(organization=org)
    assert ids(api.get(URL, {"status": "", "customer_field": "", "number": ""})) == [fax.pk]


def test_pages_follow_next_links(org, api):
    faxes = [FaxFactory(organization=org, sent_at=T0 + timedelta(minutes=n)) for n in range(5)]
    first = api.get(URL, {"page_size": 2}).json()
    assert len(first["results"]) == 2
    second = api.get(first["next"]).json()
    third = api.get(second["next"]).json()
    seen = [f["id"] for page in (first, second, third) for f in page["results"]]
    assert seen == [f.pk for f in reversed(faxes)]
    assert third["next"] is None


def test_pages_keep_the_filters(org, api):
    for n in range(3):
        FaxFactory(organization=org, status=FaxStatus.FAILED, sent_at=T0 + timedelta(minutes=n))
    FaxFactory(organization=org, status=FaxStatus.SENT)
    first = api.get(URL, {"status": "FAILED", "page_size": 2}).json()
    assert "status=FAILED" in first["next"]
    assert len(api.get(first["next"]).json()["results"]) == 1


def test_a_page_has_no_count(org, api):
    FaxFactory(organization=org)
    assert set(api.get(URL).json()) == {"next", "results"}


def test_page_size_up_to_200(org, api):
    FaxFactory.create_batch(3, organization=org)
    assert len(api.get(URL, {"page_size": 200}).json()["results"]) == 3


def test_the_list_costs_the_same_queries_at_any_page_size(org, api):
    for n in range(30):
        FaxFactory(organization=org, sent_at=T0 + timedelta(minutes=n))
    api.get(URL)  # first use of the key writes last_used_at
    counts = []
    for size in (1, 30):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(URL, {"page_size": size}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)


def test_one_fax(org, api):
    fax = FaxFactory(organization=org)
    assert api.get(f"{URL}{fax.pk}/").json()["id"] == fax.pk


def test_a_fax_of_another_organization_is_404(other_org, api):
    fax = FaxFactory(organization=other_org)
    response = api.get(f"{URL}{fax.pk}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_outsider_gets_404(org, outsider_api):
    fax = FaxFactory(organization=org)
    assert outsider_api.get(f"{URL}{fax.pk}/").status_code == 404


def test_an_id_beyond_any_integer_is_404(api):
    assert api.get(f"{URL}{'9' * 30}/").status_code == 404


def test_a_send_only_key_cannot_read(sender_only):
    response = sender_only.get(URL)
    assert response.status_code == 403
    assert error_of(response)["message"] == "This API key does not have the read scope."
