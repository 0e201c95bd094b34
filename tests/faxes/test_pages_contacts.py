"""Contacts' names on the faxes pages and in the export, beside the destination number;
numbers as people read them, E.164 in tel: links and in the export."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.axion import bodies
from tests.faxes.factories import FaxFactory
from tests.faxes.pages import table_rows
from tests.faxes.recorded import answer
from tests.messaging.contact_factories import ContactFactory

pytestmark = pytest.mark.django_db

HISTORY = "/faxes/"
EXPORT = "/faxes/export.csv"
LAB = "+18058522606"
START = datetime(2017, 11, 29, 12, 0, tzinfo=UTC)


def destination_cells(response) -> list[str]:
    return [row[2] for row in table_rows(response)]


def export_rows(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_history_names_the_destinations_contact(viewer_client, org):
    ContactFactory(organization=org, name="Harbor Lab", numbers=[LAB])
    FaxFactory(organization=org, destination_number=LAB)
    assert destination_cells(viewer_client.get(HISTORY)) == ["Harbor Lab (805) 852-2606"]


def test_the_name_links_to_the_contact_and_the_number_dials_in_e164(viewer_client, org):
    lab = ContactFactory(organization=org, name="Harbor Lab", numbers=[LAB])
    FaxFactory(organization=org, destination_number=LAB)
    page = viewer_client.get(HISTORY).content.decode()
    assert f'href="/contacts/{lab.pk}/">Harbor Lab</a>' in page
    assert f'href="tel:{LAB}">(805) 852-2606</a>' in page


def test_a_destination_without_contact_is_its_number(viewer_client, org):
    FaxFactory(organization=org, destination_number=LAB)
    assert destination_cells(viewer_client.get(HISTORY)) == ["(805) 852-2606"]


def test_an_agent_may_save_a_destination_as_a_contact(agent_client, org):
    FaxFactory(organization=org, destination_number=LAB)
    page = agent_client.get(HISTORY).content.decode()
    assert "/contacts/new/?number=%2B18058522606" in page
    assert "Save as contact" in page


def test_a_contact_of_another_organization_is_not_named(viewer_client, org, other_org):
    ContactFactory(organization=other_org, name="Summit Lab", numbers=[LAB])
    FaxFactory(organization=org, destination_number=LAB)
    response = viewer_client.get(HISTORY)
    assert destination_cells(response) == ["(805) 852-2606"]
    assert b"Summit Lab" not in response.content


def test_the_source_is_shown_as_people_read_it(viewer_client, org):
    FaxFactory(organization=org, source_number="+18059731214")
    assert [row[1] for row in table_rows(viewer_client.get(HISTORY))] == ["(805) 973-1214"]


def test_the_history_looks_contacts_up_once_whatever_the_page_size(
        viewer_client, org, django_assert_num_queries):
    def faxes_to_contacts(first, count):
        for n in range(first, first + count):
            number = f"+1805852{n:04d}"
            ContactFactory(organization=org, name=f"Office {n}", numbers=[number])
            FaxFactory(organization=org, destination_number=number,
                       sent_at=START + timedelta(minutes=n))

    faxes_to_contacts(0, 3)
    with CaptureQueriesContext(connection) as small:
        assert len(table_rows(viewer_client.get(HISTORY))) == 3
    faxes_to_contacts(3, 60)
    with django_assert_num_queries(len(small)):
        response = viewer_client.get(HISTORY)
    cells = destination_cells(response)
    assert len(cells) == 50
    assert all(cell.startswith("Office ") for cell in cells)


def test_the_lookup_names_the_contacts(viewer_client, org, fax_connection, provider):
    ContactFactory(organization=org, name="Toll-free lab", numbers=["+18002255288"])
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    response = viewer_client.get("/faxes/lookup/", {"references": "test 1"})
    assert destination_cells(response) == ["Toll-free lab (800) 225-5288", "(800) 225-5211"]


def test_the_export_has_the_contact_beside_the_number(viewer_client, org):
    ContactFactory(organization=org, name="Harbor Lab", numbers=[LAB])
    FaxFactory(organization=org, destination_number=LAB, sent_at=START)
    FaxFactory(organization=org, destination_number="1234", sent_at=START - timedelta(hours=1))
    rows = export_rows(viewer_client.get(EXPORT))
    # E.164, made spreadsheet-safe like every cell (a leading + would be read as a formula).
    assert [(row["to"], row["contact"]) for row in rows] == [
        ("'" + LAB, "Harbor Lab"), ("1234", "")]


def test_the_export_names_no_contact_of_another_organization(viewer_client, org, other_org):
    ContactFactory(organization=other_org, name="Summit Lab", numbers=[LAB])
    FaxFactory(organization=org, destination_number=LAB)
    assert [row["contact"] for row in export_rows(viewer_client.get(EXPORT))] == [""]


def test_the_export_looks_contacts_up_per_chunk_not_per_row(viewer_client, org):
    for n in range(30):
        number = f"+1805852{n:04d}"
        ContactFactory(organization=org, name=f"Office {n}", numbers=[number])
        FaxFactory(organization=org, destination_number=number)
    with CaptureQueriesContext(connection) as queries:
        rows = export_rows(viewer_client.get(EXPORT))
    assert {row["contact"] for row in rows} == {f"Office {n}" for n in range(30)}
    lookups = [q for q in queries.captured_queries if "contacts_contactnumber" in q["sql"]]
    assert len(lookups) == 1


def test_a_destination_that_is_no_phone_number_is_shown_as_it_came(agent_client, org):
    FaxFactory(organization=org, destination_number="1234")
    response = agent_client.get(HISTORY)
    assert destination_cells(response) == ["1234"]
    assert b'href="tel:1234"' not in response.content
    assert b"Save as contact" not in response.content
