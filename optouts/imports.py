"""Reading a CSV file of numbers that opted out elsewhere (another platform's list, a
spreadsheet kept by hand), for the opt-out list's import.

The file is read whole (it is small: a number and a note a row, at most MAX_ROWS rows) and
checked before anything changes: the page shows what the import will do (the dry run),
and the member confirms it. Its first line may name the columns: a number column (number,
phone, mobile...) and a note column (note, reason, comment); without such names, the first
column holds the numbers. The portal's own export imports back unchanged.
"""

import csv
import io
from dataclasses import dataclass, field

from common.phone import parse_us_number
from contacts.imports import ALIASES

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 50_000
FIRST_ERRORS = 50
NOTE_HEADERS = {"note", "notes", "reason", "comment", "comments"}


class FileProblem(ValueError):
    """The file as a whole cannot be read: the message says why, for people."""


@dataclass
class ReadFile:
    entries: dict[str, str] = field(default_factory=dict)  # number: note, in file order
    errors: list[str] = field(default_factory=list)  # the first FIRST_ERRORS
    error_count: int = 0
    rows: int = 0


def _compact(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def _number(cell: str) -> str:
    # The portal's export writes "+1..." as "'+1..." (spreadsheet-safe).
    return parse_us_number(cell.strip().removeprefix("'"))


def _columns(first: list[str]) -> tuple[int, int | None, bool]:
    """(number column, note column or None, whether the first row is a header)."""
    names = [_compact(cell) for cell in first]
    number = next((i for i, name in enumerate(names) if name in ALIASES["numbers"]), None)
    note = next((i for i, name in enumerate(names) if name in NOTE_HEADERS), None)
    if number is not None:
        return number, note, True
    try:
        _number(first[0] if first else "")
    except ValueError:
        raise FileProblem("The first column holds no phone number and no column is named "
                          "number or phone: put the numbers in the first column, or name "
                          "their column in the first line.") from None
    return 0, None, False


def read_opt_out_file(content: bytes) -> ReadFile:
    """The numbers (E.164) and notes of a CSV file, and its rows in error."""
    if len(content) > MAX_BYTES:
        raise FileProblem(f"This file is larger than {MAX_BYTES // (1024 * 1024)} MB: split "
                          "it into several files.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("This file is not UTF-8 text: save it as CSV UTF-8 and upload it "
                          "again.") from None
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\x00", ""))))
    except csv.Error as error:  # a field beyond the csv module's limit, a stray quote
        raise FileProblem(f"This file cannot be read as CSV: {error}.") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise FileProblem("The file is empty.")
    number_column, note_column, header = _columns(rows[0])
    result = ReadFile()
    data = rows[1:] if header else rows
    if len(data) > MAX_ROWS:
        raise FileProblem(f"The file has {len(data)} rows; an import takes at most "
                          f"{MAX_ROWS}: split it into several files.")
    for line, row in enumerate(data, start=2 if header else 1):
        result.rows += 1
        cell = row[number_column] if number_column < len(row) else ""
        try:
            number = _number(cell)
        except ValueError as error:
            result.error_count += 1
            if len(result.errors) < FIRST_ERRORS:
                result.errors.append(f"Row {line}: {cell.strip() or '(empty)'} is not a US "
                                     f"number ({error}).")
            continue
        note = row[note_column].strip()[:200] if note_column is not None and \
            note_column < len(row) else ""
        result.entries.setdefault(number, note)
    return result
