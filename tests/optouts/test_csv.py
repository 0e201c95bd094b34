"""The opt-out list as CSV: exported spreadsheet-safe, imported after a dry run that shows
what will change (source import, one audit entry), the export importing back unchanged."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from events.models import Event
from optouts.models import OptOut
from optouts.services import opted_out_numbers
from tests.optouts.factories import OptOutFactory


def upload(client, text: str, name="list.csv"):
    return client.post(reverse("opt_out_import"), {
        "file": SimpleUploadedFile(name, text.encode(), content_type="text/csv")})


def confirm(client, preview):
    return client.post(reverse("opt_out_import_confirm"), {"token": preview.context["token"]})


def exported(client) -> list[list[str]]:
    response = client.get(reverse("opt_out_export"))
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_export_lists_every_opt_out_with_how(owner_client, org):
    OptOutFactory(organization=org, number="+13105550142", keyword="Stop")
    header, row = exported(owner_client)
    assert header == ["number", "opted_out_at", "source", "keyword", "note", "added_by"]
    assert row[0] == "'+13105550142"  # a leading + is a formula to a spreadsheet
    assert row[2:4] == ["keyword", "Stop"]


def test_the_export_is_spreadsheet_safe(owner_client, org):
    OptOutFactory(organization=org, source="member", keyword="", note="=HYPERLINK(\"x\")")
    [_, row] = exported(owner_client)
    assert row[4].startswith("'=")


def test_agents_may_not_export(agent_client):
    assert agent_client.get(reverse("opt_out_export")).status_code == 403


def test_the_dry_run_shows_what_will_change_and_changes_nothing(owner_client, org):
    OptOutFactory(organization=org, number="+13105550142")
    preview = upload(owner_client, "phone,reason\n(310) 555-0142,old\n310-555-0199,moved\n"
                                   "555-12,bad\n")
    assert preview.status_code == 200
    assert preview.context["new"] == ["+13105550199"]
    assert preview.context["known"] == 1
    [error] = preview.context["read"].errors
    assert error.startswith("Row 4: 555-12 is not a US number")
    assert opted_out_numbers(organization=org, numbers=["+13105550199"]) == set()


def test_confirming_imports_the_new_numbers_with_their_notes(owner_client, org, owner):
    preview = upload(owner_client, "3105550199\n2135550100\n3105550199\n")
    assert preview.context["new"] == ["+13105550199", "+12135550100"]
    response = confirm(owner_client, preview)
    assert response.status_code == 302
    with scopes_disabled():
        rows = {row.number: row for row in OptOut.objects.all()}
        assert AuditEntry.objects.get(action="optout.imported").detail["added"] == 2
        assert Event.objects.filter(type="contact.opted_out").count() == 2
    assert set(rows) == {"+13105550199", "+12135550100"}
    assert {row.source for row in rows.values()} == {"import"}
    assert rows["+13105550199"].created_by == owner.user


def test_the_export_imports_back_unchanged(owner_client, org, other_org, outsider_client):
    OptOutFactory(organization=org, number="+13105550142", note="asked by phone")
    text = b"".join(owner_client.get(reverse("opt_out_export")).streaming_content).decode()
    confirm(outsider_client, upload(outsider_client, text))
    with scopes_disabled():
        [row] = OptOut.objects.filter(organization=other_org)
    assert (row.number, row.note) == ("+13105550142", "asked by phone")


def test_a_file_without_numbers_is_refused_with_the_reason(owner_client):
    response = upload(owner_client, "name,city\nAna,Reno\n")
    assert response.status_code == 400
    assert "no phone number" in response.context["form"].errors["file"][0]


def test_a_field_beyond_the_csv_limit_is_refused_with_the_reason(owner_client):
    response = upload(owner_client, "number,note\n3105550199," + "x" * 200_000 + "\n")
    assert response.status_code == 400
    assert "cannot be read as CSV" in response.context["form"].errors["file"][0]


def test_a_file_that_is_not_utf8_is_refused(owner_client):
    response = owner_client.post(reverse("opt_out_import"), {
        "file": SimpleUploadedFile("l.csv", "3105550199,Zoë\n".encode("utf-16"))})
    assert response.status_code == 400
    assert "UTF-8" in response.context["form"].errors["file"][0]


def test_a_changed_confirmation_is_refused(owner_client, org):
    response = owner_client.post(reverse("opt_out_import_confirm"), {"token": "x:y:z"},
                                 follow=True)
    assert "upload the file again" in response.content.decode()
    with scopes_disabled():
        assert not OptOut.objects.exists()


def test_a_confirmation_from_another_organization_is_refused(owner_client, outsider_client,
                                                             other_org):
    preview = upload(owner_client, "3105550199\n")
    confirm(outsider_client, preview)
    assert opted_out_numbers(organization=other_org, numbers=["+13105550199"]) == set()


@pytest.mark.parametrize("member", ["agent_client", "viewer_client"])
def test_agents_and_viewers_may_not_import(db, request, member):
    client = request.getfixturevalue(member)
    assert upload(client, "3105550199\n").status_code == 403


def test_the_export_reads_in_batches(owner_client, org, monkeypatch):
    monkeypatch.setattr("optouts.views.EXPORT_CHUNK", 2)
    OptOutFactory.create_batch(5, organization=org)
    assert len(exported(owner_client)) == 6
