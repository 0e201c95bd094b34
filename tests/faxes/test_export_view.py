"""The CSV export: the filtered history, streamed, times in the organization's zone."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.http import StreamingHttpResponse

from tests.faxes.factories import FaxFactory

pytestmark = pytest.mark.django_db

EXPORT = "/faxes/export.csv"
HEADER = ["reference", "from", "to", "contact", "time", "pages", "status", "tries",
          "status_changed_at", "last_seen_at"]
START = datetime(2017, 11, 29, 12, 0, tzinfo=UTC)


def rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))


def references(response) -> list[str]:
    return [row[0] for row in rows(response)[1:]]


def test_the_export_streams_a_csv_attachment(viewer_client, org, time_machine):
    time_machine.move_to(datetime(2017, 11, 30, 3, 15, tzinfo=UTC), tick=False)
    response = viewer_client.get(EXPORT)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    # The file is named for the organization and its local time (New York).
    assert response["Content-Disposition"] == (
        'attachment; filename="faxes-harbor-20171129-2215.csv"')


def test_the_first_row_names_the_columns(viewer_client):
    assert rows(viewer_client.get(EXPORT)) == [HEADER]


def test_each_fax_is_a_row_with_times_in_the_organizations_zone(viewer_client, org):
    FaxFactory(organization=org, customer_field="INV-1", source_number="+18059731214",
               destination_number="1234", sent_at=START, pages=3, status="FAILED",
               try_count=3, status_changed_at=START + timedelta(minutes=9),
               last_seen_at=START + timedelta(minutes=10))
    assert rows(viewer_client.get(EXPORT))[1] == [
        "INV-1", "'+18059731214", "1234", "", "2017-11-29T07:00:00-05:00", "3", "FAILED", "3",
        "2017-11-29T07:09:00-05:00", "2017-11-29T07:10:00-05:00"]


def test_a_fax_without_reference_has_an_empty_reference(viewer_client, org):
    FaxFactory(organization=org, customer_field=None)
    assert references(viewer_client.get(EXPORT)) == [""]


def test_every_fax_is_exported_not_just_one_page(viewer_client, org):
    FaxFactory.create_batch(120, organization=org)
    assert len(rows(viewer_client.get(EXPORT))) == 121


def test_the_export_honours_the_status_filter(viewer_client, org):
    FaxFactory(organization=org, customer_field="sent")
    FaxFactory(organization=org, customer_field="failed", status="FAILED")
    assert references(viewer_client.get(EXPORT, {"status": "FAILED"})) == ["failed"]


def test_the_export_honours_the_dates_in_the_organizations_zone(viewer_client, org):
    FaxFactory(organization=org, customer_field="late on the 29th in New York",
               sent_at=datetime(2017, 11, 30, 4, 0, tzinfo=UTC))
    FaxFactory(organization=org, customer_field="the 30th in New York",
               sent_at=datetime(2017, 11, 30, 5, 30, tzinfo=UTC))
    response = viewer_client.get(EXPORT, {"since": "2017-11-29", "until": "2017-11-29"})
    assert references(response) == ["late on the 29th in New York"]


def test_the_export_honours_reference_and_number(viewer_client, org):
    FaxFactory(organization=org, customer_field="INV-1", destination_number="+18002255288")
    FaxFactory(organization=org, customer_field="INV-2")
    FaxFactory(organization=org, customer_field="PO-1", destination_number="+18002255288")
    response = viewer_client.get(EXPORT, {"reference": "INV", "number": "800-225-5288"})
    assert references(response) == ["INV-1"]


def test_the_export_honours_the_sort(viewer_client, org):
    for n in range(3):
        FaxFactory(organization=org, customer_field=f"REF-{n}",
                   sent_at=START + timedelta(minutes=n))
    assert references(viewer_client.get(EXPORT)) == ["REF-2", "REF-1", "REF-0"]
    assert references(viewer_client.get(EXPORT, {"sort": "oldest"})) == [
        "REF-0", "REF-1", "REF-2"]


def test_the_history_links_the_export_of_its_filters(viewer_client, org):
    response = viewer_client.get("/faxes/", {"status": "SENT", "reference": "INV"})
    assert b'href="/faxes/export.csv?status=SENT' in response.content


@pytest.mark.parametrize("member", ["owner_client", "admin_client_", "agent_client",
                                    "viewer_client"])
def test_every_role_may_export(request, member, org):
    FaxFactory(organization=org, customer_field="INV-1")
    response = request.getfixturevalue(member).get(EXPORT)
    assert response.status_code == 200
    assert references(response) == ["INV-1"]


def test_anonymous_is_sent_to_login(client):
    response = client.get(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_outsider_exports_none_of_the_organizations_faxes(outsider_client, org,
                                                             other_org):
    FaxFactory(organization=org, customer_field="ours")
    FaxFactory(organization=other_org, customer_field="theirs")
    response = outsider_client.get(EXPORT)
    assert response["Content-Disposition"].startswith('attachment; filename="faxes-summit-')
    assert references(response) == ["theirs"]


def test_a_reference_that_looks_like_a_formula_is_exported_as_text(viewer_client, org):
    from tests.faxes.factories import FaxFactory

    FaxFactory(organization=org, customer_field="=HYPERLINK(\"http://x\")")
    body = b"".join(viewer_client.get("/faxes/export.csv").streaming_content).decode()
    assert "'=HYPERLINK" in body


def test_no_cell_of_the_export_starts_like_a_formula(viewer_client, org):
    # Numbers too: a destination is whatever was dialled, and +, -, = or @ first makes a
    # spreadsheet read the cell as a formula.
    FaxFactory(organization=org, customer_field="-2+3", source_number="+18059731214",
               destination_number="@SUM(A1)")
    row = rows(viewer_client.get(EXPORT))[1]
    assert row[:3] == ["'-2+3", "'+18059731214", "'@SUM(A1)"]
    assert not [cell for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
