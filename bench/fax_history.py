"""Fax history page at scale: median time with 1,000,000 faxes / median with 1,000.

Fills one organization with --rows faxes, another with as many (so the tables hold two
tenants), and a third with 1,000; then times the history page (first page, and a page deep
in the list through its cursor) of the large and the small organization, interleaved, in one
run. Goal: ratio <= 1.5.

    python bench/fax_history.py [--database-url postgres://postgres@127.0.0.1:5432/test]

The last line is `ratio=<number>`.
"""

import hashlib
import random
import time
from datetime import UTC, datetime, timedelta

from _setup import bench_database, configure_django, interleaved_medians, parse_args

BATCH = 10_000
STATUSES = ["SENT"] * 7 + ["FAILED", "QUEUED", "PROGRESS"]


def fill(organization_id: int, rows: int, seed: int) -> None:
    """Insert `rows` faxes with raw batched INSERTs (the ORM would take much longer)."""
    from django.db import connection, transaction

    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    sql = ("INSERT INTO faxes_fax (organization_id, identity, customer_field, source_number, "
           "destination_number, sent_at, pages, status, try_count, first_seen_at, "
           "last_seen_at, status_changed_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
           "%s, %s)")
    step = timedelta(seconds=max(1, int(3 * 365 * 86400 / max(rows, 1))))
    for offset in range(0, rows, BATCH):
        batch = []
        for i in range(offset, min(offset + BATCH, rows)):
            sent_at = start + step * i
            reference = None if i % 20 == 0 else f"INV-{seed}-{i:08d}"
            identity = hashlib.sha256(f"{organization_id}:{i}".encode()).hexdigest()
            batch.append((organization_id, identity, reference, "+18056421414",
                          f"+1805{rng.randrange(10**7):07d}", sent_at, rng.randint(1, 9),
                          rng.choice(STATUSES), rng.randint(0, 3), sent_at, sent_at, sent_at))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    with bench_database(args.database_url) as url:
        configure_django(url)
        from django.db import connection
        from django.test import Client

        from accounts.models import Membership, Organization, Role, User

        def tenant(slug: str, rows: int, seed: int) -> Client:
            organization = Organization.objects.create(name=slug, slug=slug, time_zone="UTC")
            user = User.objects.create_user(username=f"{slug}-viewer", password="x")
            Membership.objects.with_scopes_disabled().create(
                user=user, organization=organization, role=Role.VIEWER)
            began = time.perf_counter()
            fill(organization.pk, rows, seed)
            print(f"filled {slug}: {rows} faxes in {time.perf_counter() - began:.1f}s",
                  flush=True)
            client = Client()
            client.force_login(user)
            return client

        large = tenant("large", args.rows, 1)
        tenant("neighbour", args.rows, 2)
        small = tenant("small", 1_000, 3)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        def page(client: Client, query: str = "") -> None:
            response = client.get("/faxes/" + query)
            assert response.status_code == 200, response.status_code

        def deep_cursor(client: Client) -> str:
            # Follow the pager ten pages deep, as a user would.
            query = ""
            for _ in range(10):
                content = client.get("/faxes/" + query).content.decode()
                cursor = content.split("cursor=", 1)[1].split('"', 1)[0]
                query = f"?cursor={cursor}"
            return query

        large_deep, small_deep = deep_cursor(large), deep_cursor(small)
        medians = interleaved_medians({
            "large_first": lambda: page(large),
            "small_first": lambda: page(small),
            "large_deep": lambda: page(large, large_deep),
            "small_deep": lambda: page(small, small_deep),
            "large_sent": lambda: page(large, "?status=SENT"),
            "small_sent": lambda: page(small, "?status=SENT"),
        }, args.repeat)
        for name, seconds in medians.items():
            print(f"{name}: {seconds * 1000:.1f} ms")
        ratios = {
            "first page": medians["large_first"] / medians["small_first"],
            "tenth page": medians["large_deep"] / medians["small_deep"],
            "status filter": medians["large_sent"] / medians["small_sent"],
        }
        for name, value in ratios.items():
            print(f"{name}: {args.rows} rows vs 1,000 rows = {value:.2f}")
        print(f"database: {connection.vendor}")
        # The figure the goal is set on: the list page as it opens.
        print(f"ratio={ratios['first page']:.2f}")


if __name__ == "__main__":
    main()
