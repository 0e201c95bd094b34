"""The import job: it resumes an interrupted run where its last chunk ended, leaves alone an
import that is not waiting to run, and runs one import of an organization at a time."""

from django.core.files.base import ContentFile
from django_scopes import scopes_disabled

from common.locks import job_lock
from contacts.models import Contact, ContactImport, ImportState
from contacts.tasks import run_contact_import
from tests.contacts.factories import contact_with
from tests.contacts.helpers import csv_bytes

JANE = "+18056421414"
BOB = "+13235550187"


def _stored(org, content: bytes, **values) -> ContactImport:
    with scopes_disabled():
        record = ContactImport(organization=org, filename="contacts.csv", size=len(content),
                               **values)
        record.file.save("contacts.csv", ContentFile(content), save=True)
    return record


def _names(org):
    with scopes_disabled():
        return sorted(Contact.objects.filter(organization=org).values_list("name", flat=True))


def test_an_interrupted_import_resumes_after_the_rows_it_wrote(org):
    content = csv_bytes([["Jane", JANE], ["Bob", BOB], ["Janet", JANE]])
    record = _stored(org, content, state=ImportState.RUNNING, total_rows=3, processed_rows=1,
                     result={"rows": 1, "create": 1, "update": 0, "unchanged": 0,
                             "errors": 0, "first_errors": []})
    # What the first chunk wrote before the worker died.
    jane = contact_with(org, JANE, name="Jane")
    with scopes_disabled():
        Contact.objects.filter(pk=jane.pk).update(created_by_import=record)
    run_contact_import(record.pk)
    record.refresh_from_db()
    assert record.state == ImportState.DONE
    assert _names(org) == ["Bob", "Jane"]
    assert (record.processed_rows, record.result["create"], record.result["errors"]) == (3, 2, 1)
    # The skipped rows still count: the number of row 2 is not taken twice.
    assert record.result["first_errors"] == [f"row 4: {JANE} is also in row 2."]


def test_an_import_not_waiting_to_run_is_left_alone(org):
    record = _stored(org, csv_bytes([["Jane", JANE]]), state=ImportState.CHECKED,
                     total_rows=1)
    assert "not waiting to run" in run_contact_import(record.pk)
    assert _names(org) == []


def test_one_import_of_an_organization_runs_at_a_time(org):
    record = _stored(org, csv_bytes([["Jane", JANE]]), state=ImportState.QUEUED,
                     total_rows=1)
    with job_lock(f"contact_import:{org.pk}") as held:
        assert held
        assert "already running" in run_contact_import(record.pk)
    assert _names(org) == []
    run_contact_import(record.pk)
    assert _names(org) == ["Jane"]


def test_a_file_gone_from_storage_fails_the_import_saying_so(org):
    record = _stored(org, csv_bytes([["Jane", JANE]]), state=ImportState.QUEUED,
                     total_rows=1)
    record.file.delete(save=False)
    run_contact_import(record.pk)
    record.refresh_from_db()
    assert record.state == ImportState.FAILED
    assert "The import stopped at row 1" in record.problem
