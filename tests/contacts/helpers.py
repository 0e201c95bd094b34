"""Helpers of the contacts tests: CSV files as bytes and as uploads."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile

HEADER = ["name", "numbers", "company", "email", "reference", "notes"]


def csv_bytes(rows: list[list[str]], header: list[str] | None = HEADER,
              encoding: str = "utf-8") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def upload(content: bytes, name: str = "contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")
