"""Values written to CSV files that people open in a spreadsheet.

A cell that starts with =, +, -, @, a tab or a carriage return is read as a formula by
Excel, LibreOffice and Google Sheets: a value from a customer or the provider could run as
one when the file is opened (OWASP's "CSV injection"). Such a cell is written with a leading
apostrophe, which spreadsheets show as text.
"""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """The value as a cell's text that no spreadsheet reads as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_row(values: list) -> list[str]:
    """Every cell of a row made safe (numbers and times included)."""
    return [spreadsheet_safe(value) for value in values]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv rows."""

    def write(self, value):
        return value


def csv_download(rows: Iterable[list], *, filename: str) -> StreamingHttpResponse:
    """A CSV file to download, streamed as `rows` (lists of values) are produced, every
    cell spreadsheet-safe. Rows read from the database after the view returned are read
    outside the request's scope: the generator enters the organization's scope itself."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse((writer.writerow(spreadsheet_row(row)) for row in rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
