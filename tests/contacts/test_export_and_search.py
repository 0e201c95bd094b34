"""The CSV export of every contact, and the search the pickers use."""

import csv
import io

from tests.contacts.factories import ContactFactory, contact_with

JANE = "+18056421414"
BOB = "+13235550187"


def _export(client) -> list[list[str]]:
    response = client.get("/contacts/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-harbor-')
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_export_has_every_contact_with_e164_numbers(viewer_client, org, monkeypatch):
    monkeypatch.setattr("contacts.views.EXPORT_CHUNK", 2)  # several batches
    contact_with(org, JANE, BOB, name="Jane Doe", company="Harbor", email="j@example.test",
                 reference="P-1", notes="Line one\nline two")
    for name in ("Ann", "Ben"):
        ContactFactory(organization=org, name=name)
    header, *rows = _export(viewer_client)
    assert header[:6] == ["name", "numbers", "company", "email", "reference", "notes"]
    assert [row[0] for row in rows] == ["Jane Doe", "Ann", "Ben"]
    # Numbers start with "+": written spreadsheet-safe, read back as they were by the import.
    assert rows[0][1:6] == [f"'{JANE}; {BOB}", "Harbor", "j@example.test", "P-1",
                            "Line one\nline two"]


def test_export_writes_formula_cells_as_text(viewer_client, org):
    contact_with(org, JANE, name="=HYPERLINK(\"http://evil\")", company="@SUM(A1)",
                 reference="-2+3")
    [_header, row] = _export(viewer_client)
    assert row[0] == "'=HYPERLINK(\"http://evil\")"
    assert (row[2], row[4]) == ("'@SUM(A1)", "'-2+3")


def test_export_has_only_the_organizations_contacts(outsider_client, org):
    contact_with(org, JANE, name="Jane Doe")
    response = outsider_client.get("/contacts/export.csv")
    assert b"Jane Doe" not in b"".join(response.streaming_content)


def test_search_answers_at_most_ten_contacts_with_their_numbers(viewer_client, org):
    contact_with(org, JANE, name="Jane Doe")
    for n in range(12):
        ContactFactory(organization=org, name=f"Janet {n:02d}")
    results = viewer_client.get("/contacts/search/", {"q": "jan"}).json()["results"]
    assert len(results) == 10
    assert results[0]["name"] == "Jane Doe"
    assert results[0]["numbers"] == [{"number": JANE, "display": "(805) 642-1414"}]


def test_search_finds_by_number_digits_and_word_of_a_name(viewer_client, org):
    contact_with(org, JANE, name="Jane Doe")
    contact_with(org, BOB, name="Bob Stone")
    assert [r["name"] for r in viewer_client.get(
        "/contacts/search/", {"q": "6421"}).json()["results"]] == ["Jane Doe"]
    assert [r["name"] for r in viewer_client.get(
        "/contacts/search/", {"q": "sto"}).json()["results"]] == ["Bob Stone"]


def test_search_ignores_a_nul_character(viewer_client, org):
    contact_with(org, JANE, name="Jane Doe")
    response = viewer_client.get("/contacts/search/", {"q": "Ja\x00ne"})
    assert [r["name"] for r in response.json()["results"]] == ["Jane Doe"]


def test_search_needs_a_member(client, org):
    assert client.get("/contacts/search/", {"q": "jan"}).status_code == 302
