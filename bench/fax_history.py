"""Fax history and search at scale: median time with 1,000,000 faxes / median with 1,000.

Fills one organization with --rows faxes and --rows messages (in conversations, the text
search's index kept up by the database: SQLite's FTS5 triggers, PostgreSQL's trigram
index), another with as many faxes (so the tables hold two tenants), and a third with 1,000
of each; one reference is held by exactly one fax and one message of the large and of the
small organization. Then times, interleaved in one run, for the large and the small
organization: the history page with its charts (first page, a page deep in the list through
its cursor, the status filter), the page of the fax holding the reference with 20 observed
changes in its timeline (every other fax has one, as the migration gives them), and the
search page for that reference. The charts' daily counts of the last 30 days are recounted
first (charts.services), as the sync jobs keep them. Goal: every ratio <= 1.5.

    python bench/fax_history.py [--rows 1000000] [--database-url postgres://postgres@127.0.0.1:5432/test]

It prints one `<measurement> ratio=<number>` line per measurement; the last line is
`ratio=<number>`, the largest of them.
"""

import hashlib
import json
import random
import time
from datetime import UTC, datetime, timedelta

from _setup import bench_database, configure_django, interleaved_medians, parse_args

BATCH = 10_000
STATUSES = ["SENT"] * 7 + ["FAILED", "QUEUED", "PROGRESS"]
# Held by one fax and one message of each timed organization, and by nothing else.
REFERENCE = "QX-40417-ZK"
MESSAGES_PER_CONVERSATION = 100
WORDS = ("appointment confirmed tomorrow please call back invoice attached received fax "
         "thanks office results ready pickup pharmacy refill order shipped claim pending "
         "review signed form patient").split()


def fill(organization_id: int, rows: int, seed: int, marked: int | None = None) -> None:
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
            if i == marked:
                reference = REFERENCE
            identity = hashlib.sha256(f"{organization_id}:{i}".encode()).hexdigest()
            batch.append((organization_id, identity, reference, "+18056421414",
                          f"+1805{rng.randrange(10**7):07d}", sent_at, rng.randint(1, 9),
                          rng.choice(STATUSES), rng.randint(0, 3), sent_at, sent_at, sent_at))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)


TIMELINE = ["QUEUED", "PROGRESS", "FAILED", "PROGRESS"] * 4 + ["PROGRESS", "FAILED",
                                                                 "PROGRESS", "SENT"]


def fill_observations(organization_id: int) -> None:
    """One observation per fax (what the migration gives faxes stored before timelines),
    and 20 for the fax holding REFERENCE, a minute apart."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO faxes_faxobservation (organization_id, fax_id, observed_at, status, "
            "try_count, via) SELECT organization_id, id, status_changed_at, status, try_count, "
            "'earlier' FROM faxes_fax WHERE organization_id = %s", [organization_id])
    from faxes.models import Fax, FaxObservation

    fax = Fax.objects.with_scopes_disabled().filter(
        organization_id=organization_id, customer_field=REFERENCE).first()
    if fax is None:
        return
    FaxObservation.objects.with_scopes_disabled().filter(fax=fax).delete()
    FaxObservation.objects.with_scopes_disabled().bulk_create(
        FaxObservation(organization_id=organization_id, fax=fax,
                       observed_at=fax.sent_at + timedelta(minutes=n), status=status,
                       try_count=1 + n // 4, via="sync")
        for n, status in enumerate(TIMELINE))


def count_for_charts(organization) -> None:
    """The charts' daily counts of the last 30 days, as the sync jobs keep them."""
    from django.utils import timezone

    from charts.services import recount_fax_days

    today = timezone.now().astimezone(organization.tzinfo).date()
    recount_fax_days(organization=organization,
                     days=[today - timedelta(days=n) for n in range(31)])


def fill_messages(organization_id: int, rows: int, seed: int, marked: int) -> None:
    """Insert `rows` messages in conversations of one number, with raw batched INSERTs;
    the message `marked` mentions REFERENCE."""
    from django.db import connection, transaction

    from messaging.models import Conversation, MessagingNumber

    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    step = timedelta(seconds=max(1, int(3 * 365 * 86400 / max(rows, 1))))
    own = MessagingNumber.objects.with_scopes_disabled().create(
        organization_id=organization_id, number=f"+1805642{seed:04d}",
        webhook_secret=f"bench-{seed}", webhook_secret_digest=f"bench-{seed}")
    count = max(1, rows // MESSAGES_PER_CONVERSATION)
    Conversation.objects.with_scopes_disabled().bulk_create(
        [Conversation(organization_id=organization_id, own_number=own,
                      participants=f"+1310{rng.randrange(10**7):07d}-{n}",
                      last_message_at=start + step * rows, last_preview="Thanks")
         for n in range(count)], batch_size=1000)
    conversations = list(Conversation.objects.with_scopes_disabled()
                         .filter(organization_id=organization_id)
                         .values_list("pk", "participants"))
    sql = ("INSERT INTO messaging_message (organization_id, uuid, conversation_id, direction, "
           "source, destinations, text, status, status_reason, sent_at, sender_uuid, "
           "customer_provided_id, idempotency_key, created_at, updated_at) VALUES (%s, %s, %s, "
           "%s, %s, %s, %s, %s, '', %s, '', '', '', %s, %s)")
    for offset in range(0, rows, BATCH):
        batch = []
        for i in range(offset, min(offset + BATCH, rows)):
            sent_at = start + step * i
            conversation, participant = conversations[i % len(conversations)]
            words = rng.sample(WORDS, 6)
            text = f"{' '.join(words)} #{rng.randrange(10**6)}"
            if i == marked:
                text = f"Did the fax for {REFERENCE} arrive?"
            inbound = i % 2 == 0
            batch.append((organization_id, f"bench-{seed}-{i}", conversation,
                          "in" if inbound else "out", participant if inbound else own.number,
                          json.dumps([own.number if inbound else participant]), text,
                          "RECEIVED" if inbound else "DELIVERED", sent_at, sent_at, sent_at))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    with bench_database(args.database_url) as url:
        configure_django(url)
        from django.db import connection
        from django.test import Client

        from accounts.models import Membership, Organization, Role, User

        def tenant(slug: str, rows: int, seed: int, messages: int = 0) -> Client:
            organization = Organization.objects.create(name=slug, slug=slug, time_zone="UTC")
            user = User.objects.create_user(username=f"{slug}-viewer", password="x")
            Membership.objects.with_scopes_disabled().create(
                user=user, organization=organization, role=Role.VIEWER)
            began = time.perf_counter()
            fill(organization.pk, rows, seed, marked=rows // 2 if messages else None)
            fill_observations(organization.pk)
            count_for_charts(organization)
            if messages:
                fill_messages(organization.pk, messages, seed, marked=messages // 2)
            print(f"filled {slug}: {rows} faxes, {messages} messages in "
                  f"{time.perf_counter() - began:.1f}s", flush=True)
            client = Client()
            client.force_login(user)
            return client

        from faxes.models import Fax

        large = tenant("large", args.rows, 1, messages=args.rows)
        tenant("neighbour", args.rows, 2)
        small = tenant("small", 1_000, 3, messages=1_000)
        for client, slug in ((large, "large"), (small, "small")):
            fax = Fax.objects.with_scopes_disabled().get(organization__slug=slug,
                                                         customer_field=REFERENCE)
            client.fax_page = f"/faxes/{fax.pk}/"
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        def page(client: Client, query: str = "", path: str = "/faxes/") -> None:
            response = client.get(path + query)
            assert response.status_code == 200, response.status_code

        def search(client: Client) -> None:
            content = client.get("/search/", {"q": REFERENCE}).content.decode()
            # Found: the fax (its page's link) and the message (its conversation's).
            assert content.count(REFERENCE) >= 3 and "/messaging/conversations/" in content

        def fax_page(client: Client) -> None:
            content = client.get(client.fax_page).content.decode()
            assert content.count('class="timeline-entry"') == 20, "the 20 observations"

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
            "large_fax": lambda: fax_page(large),
            "small_fax": lambda: fax_page(small),
            "large_search": lambda: search(large),
            "small_search": lambda: search(small),
        }, args.repeat)
        for name, seconds in medians.items():
            print(f"{name}: {seconds * 1000:.1f} ms")
        ratios = {
            "history (with its charts)": medians["large_first"] / medians["small_first"],
            "history tenth page": medians["large_deep"] / medians["small_deep"],
            "history status filter": medians["large_sent"] / medians["small_sent"],
            "fax page (20 observed changes)": medians["large_fax"] / medians["small_fax"],
            "search": medians["large_search"] / medians["small_search"],
        }
        print(f"database: {connection.vendor}; {args.rows} rows against 1,000")
        for name, value in ratios.items():
            print(f"{name} ratio={value:.2f}")
        print(f"ratio={max(ratios.values()):.2f}")

if __name__ == "__main__":
    main()
