"""The webhook ledger page at 1,000,000 stored webhook events / at 1,000, in one run.

Fills one organization with --rows stored webhook events over the last 60 days (mostly
processed, some rejected, invalid or failed), and another with 1,000 over the same days,
each on one number; counts them into the ledger the way an upgrade does (the operations
migration's count of stored events, timed and printed), then the way the processing job
does from then on (`count_arrivals`, which must find nothing left); then times the ledger
page (14 days) of both organizations' admins, interleaved, with a day's events page
(newest first, read by the ledger's id range) printed beside it.

The page reads the counters, never the events: its time must not grow with them. Goal: at
most 1.5.

    python bench/ledger.py [--database-url postgres://postgres@127.0.0.1:5432/test]

The last line is `ratio=<large/small ledger page>`.
"""

import importlib
import json
import random
import time
from datetime import UTC, datetime, timedelta

from _setup import bench_database, configure_django, interleaved_medians, parse_args

BATCH = 10_000
DAYS = 60
STATES = (["processed"] * 95 + ["rejected"] * 2 + ["invalid", "failed", "waiting"])


def fill(organization_id: int, number_id: int, own: str, rows: int, seed: int,
         now: datetime) -> None:
    """Insert `rows` stored events of the number, oldest first, over the last DAYS days."""
    from django.db import connection, transaction

    rng = random.Random(seed)
    start = now - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / rows
    headers = json.dumps({"CONTENT_TYPE": "application/json", "REMOTE_ADDR": "203.0.113.9"})
    sql = ("INSERT INTO messaging_webhookevent (organization_id, number_id, received_at, "
           "headers, body, event_type, message_uuid, state, error, attempts, processed_at) "
           "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
    for offset in range(0, rows, BATCH):
        batch = []
        for i in range(offset, min(offset + BATCH, rows)):
            at = start + step * i
            uuid = f"{seed}-{i:09d}"
            state = rng.choice(STATES)
            body = json.dumps({"event": "newSMS", "uuid": uuid, "time": at.isoformat(),
                               "number": own, "sourceNumber": "+14155550100",
                               "destinationNumbers": [own], "text": f"Message {i}",
                               "media": ""}).encode()
            batch.append((organization_id, number_id, at, headers, body,
                          "" if state == "invalid" else "newSMS",
                          "" if state == "invalid" else uuid, state,
                          "Not confirmed." if state == "rejected" else "",
                          1 if state == "failed" else 0,
                          at if state in ("processed", "rejected") else None))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    with bench_database(args.database_url) as url:
        configure_django(url)
        from django.apps import apps
        from django.db import connection
        from django.test import Client
        from django_scopes import scopes_disabled

        from accounts.models import Membership, Organization, Role, User
        from messaging.models import MessagingNumber
        from operations.ledger import count_arrivals
        from operations.models import MissedWebhook, WebhookDay

        now = datetime.now(UTC)

        def tenant(slug: str, own: str, rows: int, seed: int):
            organization = Organization.objects.create(name=slug, slug=slug, time_zone="UTC")
            user = User.objects.create_user(username=f"{slug}-admin", password="x")
            Membership.objects.with_scopes_disabled().create(
                user=user, organization=organization, role=Role.ADMIN)
            number = MessagingNumber(organization=organization, number=own,
                                     activated_at=now - timedelta(days=DAYS + 1))
            number.set_new_secret()
            number.save()
            began = time.perf_counter()
            fill(organization.pk, number.pk, own, rows, seed, now)
            with scopes_disabled():
                MissedWebhook.objects.bulk_create([
                    MissedWebhook(organization=organization, number=number,
                                  message_uuid=f"missed-{seed}-{i}",
                                  message_time=now - timedelta(hours=i)) for i in range(20)])
            print(f"filled {slug}: {rows} events in {time.perf_counter() - began:.1f}s",
                  flush=True)
            client = Client()
            client.force_login(user)
            return client, number

        large, large_number = tenant("large", "+18005550101", args.rows, 1)
        small, small_number = tenant("small", "+18005550103", 1_000, 3)

        # What the upgrade does once: count the events already stored, by their state.
        began = time.perf_counter()
        migration = importlib.import_module("operations.migrations.0002_count_stored_webhooks")
        with scopes_disabled():
            WebhookDay.objects.all().delete()
            migration.count_stored(apps, None)
        print(f"counted {args.rows + 1000} stored events into the ledger in "
              f"{time.perf_counter() - began:.1f}s", flush=True)
        assert count_arrivals() == 0, "events left uncounted"
        with scopes_disabled():
            rows = WebhookDay.objects.filter(organization__slug="large").count()
            received = sum(WebhookDay.objects.filter(organization__slug="large")
                           .values_list("received", flat=True))
        assert received == args.rows, (received, args.rows)
        print(f"large: {rows} ledger rows, {received} events received")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        def get(client: Client, path: str) -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        today = now.date().isoformat()
        medians = interleaved_medians({
            "large_ledger": lambda: get(large, "/operations/ledger/"),
            "small_ledger": lambda: get(small, "/operations/ledger/"),
            "large_day": lambda: get(large, f"/operations/ledger/{large_number.pk}/{today}/"),
            "small_day": lambda: get(small, f"/operations/ledger/{small_number.pk}/{today}/"),
        }, args.repeat)
        for name, seconds in medians.items():
            print(f"{name}: {seconds * 1000:.1f} ms")
        print(f"database: {connection.vendor}; {args.rows} vs 1,000 stored events")
        print(f"day_ratio={medians['large_day'] / medians['small_day']:.2f} (a day's events, "
              "informative)")
        print(f"ratio={medians['large_ledger'] / medians['small_ledger']:.2f}")


if __name__ == "__main__":
    main()
