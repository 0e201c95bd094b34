"""Importing contacts from the pages: upload and dry run, confirm, the job, undo."""

import pytest
from django.core.files.storage import default_storage
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from contacts.models import Contact, ContactImport, ImportState
from tests.contacts.factories import contact_with
from tests.contacts.helpers import csv_bytes, upload

JANE = "+18056421414"
BOB = "+13235550187"


def _contacts(org) -> dict:
    with scopes_disabled():
        return {c.name: (c.company, c.reference, [n.number for n in c.numbers.all()])
                for c in Contact.objects.filter(organization=org).prefetch_related("numbers")}


def _check(client, content: bytes):
    response = client.post("/contacts/import/", {"file": upload(content)})
    assert response.status_code == 302, response.content.decode()[:2000]
    with scopes_disabled():
        return ContactImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def _confirm(client, record, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/contacts/imports/{record.pk}/confirm/")
    assert response.status_code == 302
    record.refresh_from_db()
    return record


def _stored_files(media_root):
    return sorted(p.name for p in (media_root / "contact-imports").rglob("*.csv")) \
        if (media_root / "contact-imports").exists() else []


def test_the_dry_run_counts_and_changes_nothing(agent_client, org):
    contact_with(org, JANE, name="Jane", company="Harbor")
    contact_with(org, BOB, name="Bob", company="Summit")
    record = _check(agent_client, csv_bytes([
        ["Jane", JANE, "Harbor Clinic"],  # update
        ["Bob", BOB, "Summit"],  # unchanged
        ["Cal", "2135550123"],  # create
        ["Dee", "555-12"],  # error
    ]))
    assert record.state == ImportState.CHECKED
    assert {k: record.preview[k] for k in ("rows", "create", "update", "unchanged", "errors")} \
        == {"rows": 4, "create": 1, "update": 1, "unchanged": 1, "errors": 1}
    assert record.preview["first_errors"][0].startswith("row 5: 555-12 is not a US number")
    assert _contacts(org) == {"Jane": ("Harbor", "", [JANE]), "Bob": ("Summit", "", [BOB])}
    page = agent_client.get(f"/contacts/imports/{record.pk}/").content.decode()
    assert "row 5: 555-12 is not a US number" in page
    assert "Import 2 contacts" in page


def test_confirm_runs_the_job_which_creates_and_updates(agent_client, org, media_root,
                                                        django_capture_on_commit_callbacks):
    contact_with(org, JANE, name="Jane", company="Harbor")
    record = _check(agent_client, csv_bytes([
        ["Jane Doe", f"{JANE}; 310-555-0100", "", "", "P-1"],
        ["Cal", "2135550123", "Summit"]]))
    record = _confirm(agent_client, record, django_capture_on_commit_callbacks)
    assert record.state == ImportState.DONE
    assert (record.processed_rows, record.total_rows) == (2, 2)
    assert (record.result["create"], record.result["update"]) == (1, 1)
    # An empty cell keeps the value; new numbers are added after the contact's own.
    assert _contacts(org) == {"Jane Doe": ("Harbor", "P-1", [JANE, "+13105550100"]),
                              "Cal": ("Summit", "", ["+12135550123"])}
    assert _stored_files(media_root) == []  # the file is not kept once imported
    page = agent_client.get(f"/contacts/imports/{record.pk}/").content.decode()
    assert "1</strong> created" in page and "Undo last import" in page


def test_a_number_already_on_another_contact_is_an_error_of_that_row(agent_client, org):
    contact_with(org, JANE, name="Jane")
    contact_with(org, BOB, name="Bob")
    record = _check(agent_client, csv_bytes([["Jane or Bob", f"{JANE}, {BOB}"]]))
    [error] = record.preview["first_errors"]
    assert error.startswith("row 2: its numbers belong to different contacts: ")
    assert "is the number of Jane" in error and "is the number of Bob" in error


def test_a_number_twice_in_the_file_is_an_error_of_the_later_row(agent_client, org):
    record = _check(agent_client, csv_bytes([["Jane", JANE], ["Janet", JANE]]))
    assert record.preview["first_errors"] == [f"row 3: {JANE} is also in row 2."]
    assert record.preview["create"] == 1


def test_undo_deletes_what_the_import_created_and_restores_what_it_changed(
        agent_client, org, django_capture_on_commit_callbacks):
    contact_with(org, JANE, name="Jane", company="Harbor", reference="P-1")
    record = _check(agent_client, csv_bytes([
        ["Jane Doe", f"{JANE}; {BOB}", "Harbor Clinic", "", "P-2"], ["Cal", "2135550123"]]))
    _confirm(agent_client, record, django_capture_on_commit_callbacks)
    response = agent_client.post(f"/contacts/imports/{record.pk}/undo/")
    assert response.status_code == 302
    assert _contacts(org) == {"Jane": ("Harbor", "P-1", [JANE])}
    record.refresh_from_db()
    assert record.state == ImportState.UNDONE
    # Once only.
    agent_client.post(f"/contacts/imports/{record.pk}/undo/")
    assert _contacts(org) == {"Jane": ("Harbor", "P-1", [JANE])}


def test_only_the_last_import_can_be_undone(agent_client, org,
                                            django_capture_on_commit_callbacks):
    first = _check(agent_client, csv_bytes([["Jane", JANE]]))
    _confirm(agent_client, first, django_capture_on_commit_callbacks)
    second = _check(agent_client, csv_bytes([["Bob", BOB]]))
    _confirm(agent_client, second, django_capture_on_commit_callbacks)
    response = agent_client.post(f"/contacts/imports/{first.pk}/undo/", follow=True)
    assert "Only the last import can be undone" in response.content.decode()
    assert set(_contacts(org)) == {"Jane", "Bob"}


def test_imports_and_undos_are_audited(agent_client, org, agent,
                                       django_capture_on_commit_callbacks):
    record = _check(agent_client, csv_bytes([["Jane", JANE, "", "", "", "private note"]]))
    _confirm(agent_client, record, django_capture_on_commit_callbacks)
    agent_client.post(f"/contacts/imports/{record.pk}/undo/")
    with scopes_disabled():
        entries = list(AuditEntry.objects.filter(organization=org,
                                                 action__startswith="contacts.").order_by("id"))
    assert [e.action for e in entries] == ["contacts.import_started", "contacts.imported",
                                           "contacts.import_undone"]
    assert all(e.actor == agent.user for e in entries)
    assert entries[1].detail["create"] == 1
    assert entries[2].detail["deleted"] == 1
    assert not any("private note" in str(e.detail) for e in entries)


def test_a_file_in_another_encoding_is_refused_and_not_kept(agent_client, org, media_root):
    record = _check(agent_client, csv_bytes([["José", JANE]], encoding="cp1252"))
    assert record.state == ImportState.REFUSED
    page = agent_client.get(f"/contacts/imports/{record.pk}/").content.decode()
    assert "not UTF-8 text" in page
    assert _stored_files(media_root) == []
    assert agent_client.post(f"/contacts/imports/{record.pk}/confirm/").status_code == 302
    record.refresh_from_db()
    assert record.state == ImportState.REFUSED


def test_a_file_without_a_name_column_is_refused(agent_client, org):
    record = _check(agent_client, b"phone,company\n8056421414,Harbor\n")
    assert record.state == ImportState.REFUSED
    assert "no name column" in record.problem


def test_a_file_over_the_limit_is_refused_before_it_is_stored(agent_client, org, settings,
                                                             media_root):
    settings.CONTACT_IMPORT_MAX_BYTES = 1000
    content = csv_bytes([["Jane", JANE]] * 100)
    response = agent_client.post("/contacts/import/", {"file": upload(content)})
    assert response.status_code == 400
    assert "larger than 1000" in response.content.decode()
    with scopes_disabled():
        assert not ContactImport.objects.exists()
    assert _stored_files(media_root) == []


def test_a_50_mb_file_is_refused_without_keeping_it(agent_client, org, media_root,
                                                   monkeypatch):
    kept = []
    monkeypatch.setattr("django.core.files.uploadhandler.TemporaryFileUploadHandler"
                        ".receive_data_chunk", lambda self, data, start: kept.append(len(data)))
    content = b"name,phone\n" + b"Jane,8056421414\n" * (50 * 1024 * 1024 // 16)
    response = agent_client.post("/contacts/import/", {"file": upload(content)})
    assert response.status_code == 400
    assert "larger than 20" in response.content.decode()
    assert kept == []  # no byte of it went to a temporary file
    with scopes_disabled():
        assert not ContactImport.objects.exists()


def test_a_newer_file_replaces_one_checked_but_not_imported(agent_client, org, media_root):
    first = _check(agent_client, csv_bytes([["Jane", JANE]]))
    second = _check(agent_client, csv_bytes([["Bob", BOB]]))
    first.refresh_from_db()
    assert first.state == ImportState.REPLACED
    assert len(_stored_files(media_root)) == 1
    assert second.state == ImportState.CHECKED


def test_a_file_with_nothing_to_import_cannot_be_confirmed(agent_client, org,
                                                           django_capture_on_commit_callbacks):
    record = _check(agent_client, csv_bytes([["Jane", "555-12"]]))
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(f"/contacts/imports/{record.pk}/confirm/", follow=True)
    assert "would change no contact" in response.content.decode()
    assert _contacts(org) == {}


def test_the_progress_fragment_shows_processed_rows_of_the_total(agent_client, org):
    with scopes_disabled():
        record = ContactImport.objects.create(organization=org, filename="big.csv",
                                              state=ImportState.RUNNING, total_rows=200,
                                              processed_rows=50)
    page = agent_client.get(f"/contacts/imports/{record.pk}/").content.decode()
    assert f'data-live-url="/contacts/imports/{record.pk}/progress/"' in page
    fragment = agent_client.get(f"/contacts/imports/{record.pk}/progress/").content.decode()
    assert 'value="50"' in fragment and 'max="200"' in fragment
    assert "50 of 200 rows (25%)" in fragment


@pytest.mark.parametrize("path", ["/contacts/imports/{pk}/", "/contacts/imports/{pk}/progress/",
                                  "/contacts/imports/{pk}/confirm/",
                                  "/contacts/imports/{pk}/undo/"])
def test_another_organizations_import_is_not_found(agent_client, outsider_client, org, path):
    record = _check(agent_client, csv_bytes([["Jane", JANE]]))
    method = outsider_client.post if path.endswith(("confirm/", "undo/")) else outsider_client.get
    assert method(path.format(pk=record.pk)).status_code == 404


def test_viewers_may_not_confirm_or_undo(agent_client, viewer_client, org):
    record = _check(agent_client, csv_bytes([["Jane", JANE]]))
    assert viewer_client.post(f"/contacts/imports/{record.pk}/confirm/").status_code == 403
    assert viewer_client.post(f"/contacts/imports/{record.pk}/undo/").status_code == 403
    record.refresh_from_db()
    assert record.state == ImportState.CHECKED


def test_the_stored_file_is_in_djangos_storage_for_the_job(agent_client, org):
    record = _check(agent_client, csv_bytes([["Jane", JANE]]))
    assert default_storage.exists(record.file.name)
