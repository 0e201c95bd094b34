"""Importing contacts from a CSV file: read it row by row, check it (the dry run), and apply
it in chunks (the job).

The file is read as a stream (io.TextIOWrapper over the stored file, csv.reader over that):
never whole into memory. Its first line names the columns, matched leniently ("Phone
number", "E-mail", "Patient ID"...); a cell may hold several numbers separated by ; , or /.
A row whose number belongs to a contact updates that contact (its filled-in cells replace
the values, its new numbers are added); any other row creates one. Cells are stored as text,
exactly as written: a cell that a spreadsheet would read as a formula ("=1+2") is just text
here, and written spreadsheet-safe on export.

Both the dry run and the job plan each chunk of rows the same way (`_plan`): one query finds
which of the chunk's numbers already have a contact, one loads those contacts. The job then
writes the chunk with bulk_create and bulk_update in one transaction that also records its
progress, so an interrupted job resumes where it stopped.
"""

import csv
import io
import logging
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Organization
from accounts.services import audit
from common.phone import parse_us_number
from common.spreadsheets import FORMULA_STARTS
from contacts.models import (
    Contact,
    ContactImport,
    ContactNumber,
    ImportedContact,
    ImportState,
)
from contacts.services import FIELDS, MAX_NUMBERS, NUMBER_SEPARATORS

log = logging.getLogger(__name__)

CHUNK = 1000
FIRST_ERRORS = 50  # errors kept to show; all of them are counted
MAX_LENGTHS = {"name": 200, "company": 200, "email": 254, "reference": 200, "notes": 10_000}

# Header names as people write them, compared without case, spaces or punctuation.
ALIASES = {
    "name": {"name", "fullname", "contact", "contactname", "displayname", "patientname",
             "patient", "client", "clientname", "customer", "customername"},
    "first_name": {"firstname", "givenname", "first"},
    "last_name": {"lastname", "surname", "familyname", "last"},
    "numbers": {"numbers", "number", "phone", "phones", "phonenumber", "phonenumbers",
                "mobile", "mobilenumber", "mobilephone", "cell", "cellphone", "cellnumber",
                "telephone", "tel", "fax", "faxnumber", "sms", "smsnumber", "workphone",
                "homephone", "businessphone", "phone1", "phone2", "phone3"},
    "company": {"company", "companyname", "organization", "organisation", "business",
                "employer", "practice", "office"},
    "email": {"email", "emailaddress", "mail", "emails"},
    "reference": {"reference", "ref", "yourreference", "customerreference", "patientid",
                  "patientnumber", "claim", "claimnumber", "claimid", "accountnumber",
                  "account", "customerfield", "customerid", "clientid", "externalid",
                  "mrn", "id"},
    "notes": {"notes", "note", "comments", "comment", "remarks", "description"},
}
_BY_ALIAS = {alias: column for column, aliases in ALIASES.items() for alias in aliases}

UTF8_HELP = ("Save it as UTF-8 text (in Excel: Save As, then \"CSV UTF-8 (Comma "
             "delimited)\") and upload it again.")


class FileProblem(Exception):
    """The file as a whole cannot be imported (its encoding, its header): the message says
    why, for people."""


@dataclass
class Row:
    """A row that can be imported: E.164 numbers, FIELDS values ("" where the cell is empty
    or the column absent)."""
    line: int
    numbers: list[str]
    values: dict[str, str]


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self):
        return f"row {self.line}: {self.message}"


def _compact(header: str) -> str:
    return re.sub(r"[\W_]+", "", header.casefold())


def columns_of(header: list[str]) -> dict[str, list[int]]:
    """Which cells of a row hold what: {"name": [0], "numbers": [1, 4], ...}. Several
    columns may hold numbers (Phone, Mobile, Fax); the other fields take their first."""
    columns: dict[str, list[int]] = {}
    for index, title in enumerate(header):
        column = _BY_ALIAS.get(_compact(_unescape(title)))
        if column is not None and (column == "numbers" or column not in columns):
            columns.setdefault(column, []).append(index)
    found = ", ".join(repr(title.strip()) for title in header if title.strip()) or "nothing"
    if "name" not in columns and "first_name" not in columns:
        raise FileProblem(f"The file has no name column. Its first line must name the "
                          f"columns, such as: name,numbers,company,email,reference,notes "
                          f"(found: {found}).")
    if "numbers" not in columns:
        raise FileProblem(f"The file has no phone number column (such as numbers, phone or "
                          f"mobile) in its first line (found: {found}).")
    return columns


def _unescape(cell: str) -> str:
    """A cell as written before spreadsheet_safe() escaped it: "'=1+2" is "=1+2", so that
    the portal's own export imports back unchanged."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def _number_errors(cell: str, numbers: list[str]) -> list[str]:
    errors = []
    for part in NUMBER_SEPARATORS.split(cell):
        part = part.strip()
        if not part:
            continue
        try:
            number = parse_us_number(part)
        except ValueError as error:
            reason = str(error).rstrip(".")
            errors.append(f"{part} is not a US number: {reason[0].lower()}{reason[1:]}")
            continue
        if number not in numbers:
            numbers.append(number)
    return errors


def parse_row(line: int, cells: list[str], columns: dict[str, list[int]]) -> Row | RowError | None:
    """One data row, checked; None for a blank row."""
    if not any(cell.strip() for cell in cells):
        return None
    if any("\x00" in cell for cell in cells):
        return RowError(line, "it holds a null character; remove it from the file.")

    def cell(column: str) -> str:
        indexes = columns.get(column)
        if not indexes or indexes[0] >= len(cells):
            return ""
        return _unescape(cells[indexes[0]])

    values = {name: cell(name).strip() for name in FIELDS if name != "notes"}
    values["notes"] = cell("notes").strip()
    if not values["name"]:
        values["name"] = " ".join(part for part in (cell("first_name").strip(),
                                                    cell("last_name").strip()) if part)
    numbers: list[str] = []
    problems = []
    for index in columns["numbers"]:
        if index < len(cells):
            problems += _number_errors(_unescape(cells[index]), numbers)
    if not values["name"]:
        problems.insert(0, "the name is empty")
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            problems.append(f"the {name} is longer than {limit} characters")
    if values["email"] and len(values["email"]) <= MAX_LENGTHS["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            problems.append(f"{values['email']} is not an e-mail address")
    if not numbers and not problems:
        problems.append("it has no phone number")
    if len(numbers) > MAX_NUMBERS:
        problems.append(f"a contact has at most {MAX_NUMBERS} numbers")
    if problems:
        return RowError(line, "; ".join(problems) + ".")
    return Row(line, numbers, values)


def _delimiter(first_line: str) -> str:
    """Comma, unless the header line has more semicolons or tabs (Excel in many locales
    writes ";")."""
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] > counts[","] else ","


def read_rows(binary) -> Iterator[Row | RowError | None]:
    """Every data row of a CSV file (a binary file object), in order: a Row, a RowError, or
    None for a blank one. Raises FileProblem when the file is not UTF-8 text (UTF-8 with a
    byte order mark is) or its header lacks a name or a number column."""
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
        if not first.strip():
            raise FileProblem("The file is empty: its first line must name the columns, "
                              "such as: name,numbers,company,email,reference,notes.")
        reader = csv.reader(chain([first], text), delimiter=_delimiter(first))
        columns = columns_of(next(reader))
        line = 1
        while True:
            line += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield RowError(line, f"it cannot be read as CSV ({error}).")
                continue
            yield parse_row(line, cells, columns)
    except UnicodeDecodeError as error:
        # The row is not known: the text is decoded a few thousand bytes ahead of it.
        raise FileProblem(f"The file is not UTF-8 text (it has a byte 0x"
                          f"{error.object[error.start]:02x} that UTF-8 does not have there): it "
                          f"was saved in another encoding. {UTF8_HELP}") from None
    finally:
        # The caller closes the file itself.
        text.detach()


@dataclass
class Plan:
    """What one chunk of rows does."""
    creates: list[Row] = field(default_factory=list)
    updates: list[tuple[Row, Contact, dict]] = field(default_factory=list)  # row, contact, values
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass
class Tally:
    """Counts of a whole file, as ContactImport.preview and .result keep them."""
    rows: int = 0
    create: int = 0
    update: int = 0
    unchanged: int = 0
    errors: int = 0
    first_errors: list[str] = field(default_factory=list)

    def add(self, plan: Plan, rows: int) -> None:
        self.rows += rows
        self.create += len(plan.creates)
        self.update += len(plan.updates)
        self.unchanged += plan.unchanged
        self.errors += len(plan.errors)
        room = FIRST_ERRORS - len(self.first_errors)
        self.first_errors += [str(error) for error in plan.errors[:max(room, 0)]]

    def as_dict(self) -> dict:
        return {"rows": self.rows, "create": self.create, "update": self.update,
                "unchanged": self.unchanged, "errors": self.errors,
                "first_errors": self.first_errors}

    @classmethod
    def from_dict(cls, data: dict) -> "Tally":
        return cls(**{name: data[name] for name in
                      ("rows", "create", "update", "unchanged", "errors", "first_errors")
                      if name in data})


@dataclass
class FileState:
    """What earlier chunks of the same file claimed: a number is in one row of a file, and a
    contact is updated by one row."""
    numbers: dict[str, int] = field(default_factory=dict)  # number: row
    contacts: dict[int, int] = field(default_factory=dict)  # contact id: row


def _plan(rows: list[Row | RowError], state: FileState) -> Plan:
    plan = Plan()
    wanted = {number for row in rows if isinstance(row, Row) for number in row.numbers}
    owners = dict(ContactNumber.objects.filter(number__in=wanted)
                  .values_list("number", "contact_id"))
    contacts = {contact.pk: contact for contact in
                Contact.objects.filter(pk__in=set(owners.values())).prefetch_related("numbers")}
    for row in rows:
        if isinstance(row, RowError):
            plan.errors.append(row)
            continue
        repeated = [f"{number} is also in row {state.numbers[number]}"
                    for number in row.numbers if number in state.numbers]
        if repeated:
            plan.errors.append(RowError(row.line, "; ".join(repeated) + "."))
            continue
        found = {owners[number] for number in row.numbers if number in owners}
        if len(found) > 1:
            named = "; ".join(f"{number} is the number of {contacts[owners[number]].name} "
                              f"(contact {owners[number]})"
                              for number in row.numbers if number in owners)
            plan.errors.append(RowError(
                row.line, f"its numbers belong to different contacts: {named}."))
            continue
        for number in row.numbers:
            state.numbers[number] = row.line
        if not found:
            plan.creates.append(row)
            continue
        contact = contacts[found.pop()]
        if contact.pk in state.contacts:
            plan.errors.append(RowError(
                row.line, f"it updates {contact.name} (contact {contact.pk}), as row "
                          f"{state.contacts[contact.pk]} does already."))
            continue
        state.contacts[contact.pk] = row.line
        values = {name: value or getattr(contact, name) for name, value in row.values.items()}
        current = [number.number for number in contact.numbers.all()]
        numbers = current + [number for number in row.numbers if number not in current]
        if len(numbers) > MAX_NUMBERS:
            plan.errors.append(RowError(row.line, f"{contact.name} would have more than "
                                                  f"{MAX_NUMBERS} numbers."))
        elif numbers == current and all(getattr(contact, name) == value
                                        for name, value in values.items()):
            plan.unchanged += 1
        else:
            plan.updates.append((row, contact, {"fields": values, "numbers": numbers}))
    return plan


def _chunks(rows: Iterable, size: int = CHUNK) -> Iterator[tuple[list, int]]:
    """Lists of up to `size` non-blank rows, each with how many rows (blank ones too) it
    covers."""
    iterator = iter(rows)
    while True:
        batch = list(islice(iterator, size))
        if not batch:
            return
        yield [row for row in batch if row is not None], len(batch)


def check_file(binary) -> Tally:
    """The dry run: what importing the file would do, changing nothing."""
    tally, state = Tally(), FileState()
    for rows, read in _chunks(read_rows(binary)):
        tally.add(_plan(rows, state), read)
    return tally


def _apply(plan: Plan, contact_import: ContactImport) -> None:
    now = timezone.now()
    organization_id = contact_import.organization_id
    created = Contact.objects.bulk_create(
        [Contact(organization_id=organization_id, created_at=now, updated_at=now,
                 created_by_import=contact_import, **row.values) for row in plan.creates],
        batch_size=CHUNK)
    numbers = [ContactNumber(organization_id=organization_id, contact_id=contact.pk,
                             number=number, position=position)
               for contact, row in zip(created, plan.creates, strict=True)
               for position, number in enumerate(row.numbers)]
    changed, before = [], []
    for _row, contact, after in plan.updates:
        current = [number.number for number in contact.numbers.all()]
        before.append(ImportedContact(
            organization_id=organization_id, contact_import=contact_import,
            contact_pk=contact.pk,
            previous={"fields": {name: getattr(contact, name) for name in FIELDS},
                      "numbers": current}))
        for name, value in after["fields"].items():
            setattr(contact, name, value)
        contact.updated_at = now
        changed.append(contact)
        numbers += [ContactNumber(organization_id=organization_id, contact_id=contact.pk,
                                  number=number, position=position)
                    for position, number in enumerate(after["numbers"])
                    if number not in current]
    ContactNumber.objects.bulk_create(numbers, batch_size=CHUNK)
    if changed:
        Contact.objects.bulk_update(changed, [*FIELDS, "updated_at"], batch_size=CHUNK)
        ImportedContact.objects.bulk_create(before, batch_size=CHUNK)


def _resume_state(contact_import: ContactImport, rows: Iterator) -> FileState:
    """The FileState of the rows an interrupted run already wrote, which it skips."""
    state = FileState()
    for row in islice(rows, contact_import.processed_rows):
        if isinstance(row, Row):
            for number in row.numbers:
                state.numbers.setdefault(number, row.line)
    changed = ImportedContact.objects.filter(contact_import=contact_import)
    state.contacts = dict.fromkeys(changed.values_list("contact_pk", flat=True), 0)
    return state


def run_file(binary, contact_import: ContactImport) -> Tally:
    """Import the file's rows after the `processed_rows` already done, chunk by chunk; each
    chunk's writes and its progress are one transaction."""
    rows = read_rows(binary)
    state = _resume_state(contact_import, rows) if contact_import.processed_rows else FileState()
    tally = Tally.from_dict(contact_import.result or {})
    for chunk, read in _chunks(rows):
        for attempt in (1, 2):
            chunk_state = FileState(dict(state.numbers), dict(state.contacts))
            plan = _plan(chunk, chunk_state)
            try:
                with transaction.atomic():
                    _apply(plan, contact_import)
                    tally_after = Tally.from_dict(tally.as_dict())
                    tally_after.add(plan, read)
                    ContactImport.objects.filter(pk=contact_import.pk).update(
                        processed_rows=F("processed_rows") + read,
                        result=tally_after.as_dict())
                break
            except IntegrityError:
                # Someone gave one of these numbers to a contact meanwhile: plan the chunk
                # again, which now sees it.
                if attempt == 2:
                    raise
        state, tally = chunk_state, tally_after
        contact_import.processed_rows += read
    return tally


# --- The flow: upload and check, confirm, run (the job), undo ---------------------------

ACTIVE = (ImportState.QUEUED, ImportState.RUNNING)


class ImportRefused(Exception):
    """An import that cannot be confirmed or undone now: the message says why, for people."""


def start_import(*, organization: Organization, upload, user=None, actor_label: str = "",
                 ) -> ContactImport:
    """Keep the uploaded file in storage and check it (the dry run). The organization's
    earlier files that were checked but never imported are dropped."""
    for older in ContactImport.objects.filter(state=ImportState.CHECKED):
        older.file.delete(save=False)
        older.state = ImportState.REPLACED
        older.save(update_fields=["file", "state"])
    record = ContactImport(organization=organization, created_by=user,
                           actor_label=actor_label or (user.get_username() if user else ""),
                           filename=(upload.name or "contacts.csv")[-255:], size=upload.size)
    # A name of our own: the uploaded one is only shown.
    record.file.save(f"{uuid.uuid4().hex}.csv", upload, save=False)
    try:
        with record.file.open("rb") as binary:
            tally = check_file(binary)
    except FileProblem as problem:
        record.state, record.problem = ImportState.REFUSED, str(problem)
        record.file.delete(save=False)
    else:
        record.preview, record.total_rows = tally.as_dict(), tally.rows
    record.save()
    return record


def confirm_import(*, contact_import: ContactImport, user=None, actor_label: str = "",
                   ip: str | None = None) -> None:
    """Queue the checked import as a job (started once the transaction commits)."""
    from django_q.tasks import async_task

    with transaction.atomic():
        record = ContactImport.objects.select_for_update().get(pk=contact_import.pk)
        if record.state != ImportState.CHECKED:
            raise ImportRefused(f"This import is {record.get_state_display().lower()}: "
                                "it cannot be started again.")
        if not (record.preview.get("create") or record.preview.get("update")):
            raise ImportRefused("This file would change no contact: correct the rows in "
                                "error and upload it again.")
        if ContactImport.objects.filter(state__in=ACTIVE).exists():
            raise ImportRefused("Another import is running: start this one when it is "
                                "done.")
        record.state = ImportState.QUEUED
        record.save(update_fields=["state"])
        audit(organization=record.organization, action="contacts.import_started", actor=user,
              actor_label=actor_label, target=f"import {record.pk}",
              detail={"file": record.filename, "rows": record.total_rows}, ip=ip)
        transaction.on_commit(lambda: async_task(
            "contacts.tasks.run_contact_import", record.pk,
            task_name=f"contact-import-{record.pk}"))
    contact_import.state = record.state


def run_import(contact_import: ContactImport) -> str:
    """The job's work (in the organization's scope): import the file's rows not imported
    yet, then say so in the audit log. An import already over is left alone."""
    updated = ContactImport.objects.filter(pk=contact_import.pk, state__in=ACTIVE).update(
        state=ImportState.RUNNING,
        started_at=contact_import.started_at or timezone.now())
    if not updated:
        return f"import {contact_import.pk} is not waiting to run"
    contact_import.refresh_from_db()
    try:
        with contact_import.file.open("rb") as binary:
            tally = run_file(binary, contact_import)
    except Exception as error:  # noqa: BLE001 - the import says it failed, rows kept
        log.exception("contact import %s failed", contact_import.pk)
        contact_import.refresh_from_db()
        contact_import.state = ImportState.FAILED
        contact_import.problem = (
            str(error) if isinstance(error, FileProblem) else
            f"The import stopped at row {contact_import.processed_rows + 1} "
            f"({type(error).__name__}). The rows before it were imported: undo the import, "
            "or upload the rest of the file again.")
        contact_import.finished_at = timezone.now()
        contact_import.save(update_fields=["state", "problem", "finished_at"])
        _audit_result(contact_import, "contacts.import_failed")
        return f"import {contact_import.pk} failed"
    contact_import.refresh_from_db()
    contact_import.state = ImportState.DONE
    contact_import.finished_at = timezone.now()
    contact_import.file.delete(save=False)  # the contacts hold it now
    contact_import.save(update_fields=["state", "finished_at", "file"])
    _audit_result(contact_import, "contacts.imported")
    return (f"import {contact_import.pk}: {tally.create} created, {tally.update} updated, "
            f"{tally.unchanged} unchanged, {tally.errors} errors")


def _audit_result(record: ContactImport, action: str) -> None:
    counts = {name: record.result.get(name, 0)
              for name in ("rows", "create", "update", "unchanged", "errors")}
    audit(organization=record.organization, action=action, actor=record.created_by,
          actor_label=record.actor_label, target=f"import {record.pk}",
          detail={"file": record.filename, **counts})


def last_import() -> ContactImport | None:
    """The organization's latest import that ran (or runs), whichever its outcome."""
    return (ContactImport.objects.filter(state__in=(*ACTIVE, ImportState.DONE,
                                                    ImportState.FAILED, ImportState.UNDONE))
            .order_by("-created_at", "-id").first())


def may_undo(contact_import: ContactImport) -> bool:
    last = last_import()
    return (last is not None and last.pk == contact_import.pk
            and last.state in (ImportState.DONE, ImportState.FAILED))


def undo_import(*, contact_import: ContactImport, user=None, actor_label: str = "",
                ip: str | None = None) -> dict:
    """Delete the contacts the import created and give those it changed their values back.
    Only the last import can be undone, once."""
    with transaction.atomic():
        record = ContactImport.objects.select_for_update().get(pk=contact_import.pk)
        if not may_undo(record):
            raise ImportRefused("Only the last import can be undone, once it has finished.")
        deleted = _delete_created(record)
        restored, numbers_lost = _restore_changed(record)
        record.state, record.undone_at = ImportState.UNDONE, timezone.now()
        record.save(update_fields=["state", "undone_at"])
        detail = {"file": record.filename, "deleted": deleted, "restored": restored,
                  "numbers_not_restored": numbers_lost}
        audit(organization=record.organization, action="contacts.import_undone", actor=user,
              actor_label=actor_label, target=f"import {record.pk}", detail=detail, ip=ip)
    contact_import.state = record.state
    return detail


def _delete_created(record: ContactImport) -> int:
    deleted = 0
    created = Contact.objects.filter(created_by_import=record).values_list("pk", flat=True)
    while True:
        batch = list(created.order_by("pk")[:CHUNK])
        if not batch:
            return deleted
        ContactNumber.objects.filter(contact_id__in=batch).delete()
        deleted += Contact.objects.filter(pk__in=batch).delete()[1].get(
            Contact._meta.label, 0)


def _restore_changed(record: ContactImport) -> tuple[int, list[str]]:
    """Give the changed contacts their previous values; numbers another contact has taken
    since stay with it (returned, for the audit log)."""
    restored, lost = 0, []
    changes = ImportedContact.objects.filter(contact_import=record).order_by("pk")
    after = 0
    while True:
        batch = list(changes.filter(pk__gt=after)[:CHUNK])
        if not batch:
            return restored, lost
        after = batch[-1].pk
        contacts = Contact.objects.in_bulk([change.contact_pk for change in batch])
        now = timezone.now()
        current: dict[int, list[ContactNumber]] = {}
        for row in ContactNumber.objects.filter(contact_id__in=list(contacts)):
            current.setdefault(row.contact_id, []).append(row)
        wanted = {n for change in batch for n in change.previous["numbers"]}
        elsewhere = dict(ContactNumber.objects.filter(number__in=wanted)
                         .exclude(contact_id__in=list(contacts))
                         .values_list("number", "contact_id"))
        stale, fresh, changed = [], [], []
        for change in batch:
            contact = contacts.get(change.contact_pk)
            if contact is None:
                continue  # deleted since
            for name, value in change.previous["fields"].items():
                setattr(contact, name, value)
            contact.updated_at = now
            changed.append(contact)
            have = {row.number: row for row in current.get(contact.pk, [])}
            stale += [row.pk for number, row in have.items()
                      if number not in change.previous["numbers"]]
            for position, number in enumerate(change.previous["numbers"]):
                if number in elsewhere:
                    lost.append(number)
                elif number not in have:
                    fresh.append(ContactNumber(organization_id=record.organization_id,
                                               contact_id=contact.pk, number=number,
                                               position=position))
        ContactNumber.objects.filter(pk__in=stale).delete()
        ContactNumber.objects.bulk_create(fresh)
        Contact.objects.bulk_update(changed, [*FIELDS, "updated_at"])
        restored += len(changed)
