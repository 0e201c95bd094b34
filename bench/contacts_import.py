"""Importing contacts from CSV: rows per second of the import job / of a bare bulk_create of
the same rows.

Writes a CSV file of --rows contacts (one or two numbers each, in the formats people type,
company, e-mail, reference, notes) and imports it with the import job's own function
(contacts.imports.run_import: reading the stored file as a stream, parsing and checking
every row, one query per chunk for the numbers that have a contact, bulk writes, progress),
each run into a new organization. The floor is Django's bulk_create of the same contacts
and numbers, already parsed, in the same chunks and transactions: what storing the rows
costs at the least. The two alternate, --repeat times each, in one run. Goal: at least 0.3.
The dry run (the check before an import) is timed too and printed.

    python bench/contacts_import.py [--database-url postgres://postgres@127.0.0.1:5432/test]

The last line is `ratio=<number>`.
"""

import argparse
import csv
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import bench_database, configure_django  # noqa: E402

AREAS = ["805", "323", "213", "310", "415", "212"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server to use (a new database is created and "
                             "dropped on it); default: a temporary SQLite file")
    parser.add_argument("--rows", type=int, default=100_000,
                        help="contacts in the file (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, alternating")
    return parser.parse_args()


def people(rows: int) -> list[dict]:
    """The contacts of the file: values as stored (E.164) and as written in the file."""
    result = []
    for i in range(rows):
        exchange, line = 201 + i // 10_000, i % 10_000
        first = f"+1{AREAS[0]}{exchange}{line:04d}"
        numbers = [first]
        written = [(f"({AREAS[0]}) {exchange}-{line:04d}", f"{AREAS[0]}.{exchange}.{line:04d}",
                    f"1 {AREAS[0]} {exchange} {line:04d}")[i % 3]]
        if i % 5 == 0:
            numbers.append(f"+1{AREAS[1 + i % 5]}{exchange}{line:04d}")
            written.append(numbers[-1])
        result.append({"name": f"Person {i:06d} Example", "numbers": numbers,
                       "written": "; ".join(written), "company": f"Clinic {i % 300}",
                       "email": f"person{i}@example.com", "reference": f"P-{i:06d}",
                       "notes": "Met at the conference; prefers texts."})
    return result


def csv_file(contacts: list[dict]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["Name", "Phone numbers", "Company", "E-mail", "Patient ID", "Notes"])
    for c in contacts:
        writer.writerow([c["name"], c["written"], c["company"], c["email"], c["reference"],
                         c["notes"]])
    return text.getvalue().encode()


def main() -> None:
    args = parse_args()
    media = tempfile.mkdtemp(prefix="portal-bench-media-")
    os.environ["MEDIA_ROOT"] = media
    try:
        run(args)
    finally:
        shutil.rmtree(media, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    with bench_database(args.database_url) as url:
        configure_django(url)
        from django.core.files.base import ContentFile
        from django.db import connection, transaction
        from django_scopes import scope, scopes_disabled

        from accounts.models import Organization
        from contacts import imports
        from contacts.models import Contact, ContactImport, ContactNumber, ImportState

        contacts = people(args.rows)
        content = csv_file(contacts)
        print(f"file: {args.rows} rows, {len(content) / 1e6:.1f} MB", flush=True)
        counter = iter(range(1_000_000))

        def organization() -> Organization:
            n = next(counter)
            return Organization.objects.create(name=f"bench {n}", slug=f"bench-{n}",
                                               time_zone="UTC")

        def bare() -> float:
            org = organization()
            began = time.perf_counter()
            with scope(organization=org.pk):
                for offset in range(0, len(contacts), imports.CHUNK):
                    chunk = contacts[offset:offset + imports.CHUNK]
                    with transaction.atomic():
                        made = Contact.objects.bulk_create([
                            Contact(organization=org, name=c["name"], company=c["company"],
                                    email=c["email"], reference=c["reference"],
                                    notes=c["notes"]) for c in chunk])
                        ContactNumber.objects.bulk_create([
                            ContactNumber(organization=org, contact=made_one, number=number,
                                          position=position)
                            for made_one, c in zip(made, chunk, strict=True)
                            for position, number in enumerate(c["numbers"])])
            return time.perf_counter() - began

        def stored(org) -> ContactImport:
            with scopes_disabled():
                record = ContactImport(organization=org, filename="bench.csv",
                                       size=len(content), state=ImportState.QUEUED,
                                       total_rows=args.rows)
                record.file.save("bench.csv", ContentFile(content), save=True)
            return record

        def job() -> float:
            org = organization()
            record = stored(org)
            began = time.perf_counter()
            with scope(organization=org.pk):
                imports.run_import(record)
            seconds = time.perf_counter() - began
            record.refresh_from_db()
            assert record.state == ImportState.DONE, (record.state, record.problem)
            assert record.result["create"] == args.rows, record.result
            return seconds

        def dry_run() -> float:
            org = organization()
            began = time.perf_counter()
            with scope(organization=org.pk):
                tally = imports.check_file(io.BytesIO(content))
            assert tally.create == args.rows, tally.as_dict()
            return time.perf_counter() - began

        times = {"bare": [], "import": [], "dry_run": []}
        for _ in range(args.repeat):
            times["bare"].append(bare())
            times["import"].append(job())
            times["dry_run"].append(dry_run())
            print("round: " + ", ".join(f"{name} {values[-1]:.2f}s"
                                       for name, values in times.items()), flush=True)
        rates = {name: args.rows / statistics.median(values) for name, values in times.items()}
        for name, rate in rates.items():
            print(f"{name}: {rate:,.0f} rows/s (median of {args.repeat})")
        print(f"database: {connection.vendor}; {args.rows} contacts")
        print(f"dry_run_ratio={rates['dry_run'] / rates['bare']:.2f}")
        print(f"ratio={rates['import'] / rates['bare']:.2f}")


if __name__ == "__main__":
    main()
