"""A contact's page at scale: median with 100,000 messages and faxes / median with 100.

One organization holds a large contact (--rows items: half messages in its one-to-one
conversation, half faxes to and from its numbers and with its reference), a small contact
(100 items alike) and --rows more messages and faxes of other parties, so the tables are
not the contacts' alone. The contact page (newest page) and its second page (from the first
page's cursor) of both contacts are timed interleaved, in one run. Goal: at most 1.5.

    python bench/contact_timeline.py [--database-url postgres://postgres@127.0.0.1:5432/test]

The last line is `ratio=<number>` (the first page's; the second page's is on the line
before).
"""

import argparse
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import bench_database, configure_django, interleaved_medians  # noqa: E402

BATCH = 5_000
SMALL = 100


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="",
                        help="PostgreSQL server to use (a new database is created and "
                             "dropped on it); default: a temporary SQLite file")
    parser.add_argument("--rows", type=int, default=100_000,
                        help="messages and faxes of the large contact (default 100,000)")
    parser.add_argument("--repeat", type=int, default=31, help="requests timed per page")
    return parser.parse_args()


def fill(organization, own, party: str, second: str, reference: str, items: int,
         seed: int) -> None:
    """`items` messages and faxes of one party: half messages, half faxes (to, from, and
    by reference in turn), a minute apart."""
    from django.db import transaction
    from django_scopes import scopes_disabled

    from faxes.models import Fax, FaxStatus, fax_identity
    from messaging.models import Conversation, Message

    start = datetime(2025, 1, 1, tzinfo=UTC)
    with scopes_disabled():
        conversation = Conversation.objects.create(
            organization=organization, own_number=own, participants=party,
            last_message_at=start)
        messages = items // 2
        for offset in range(0, messages, BATCH):
            with transaction.atomic():
                Message.objects.bulk_create([
                    Message(organization=organization, uuid=f"{seed}-m-{i}",
                            conversation=conversation, direction="in" if i % 2 else "out",
                            source=party if i % 2 else own.number,
                            destinations=[own.number if i % 2 else party],
                            text=f"Message {i} about the appointment", status="SENT",
                            sent_at=start + timedelta(minutes=2 * i))
                    for i in range(offset, min(offset + BATCH, messages))])
        faxes = items - messages
        for offset in range(0, faxes, BATCH):
            rows = []
            for i in range(offset, min(offset + BATCH, faxes)):
                sent_at = start + timedelta(minutes=2 * i + 1)
                source, destination, customer = {
                    0: ("+18005550000", second, None),
                    1: (party, "+18005550000", None),
                    2: ("+18005550000", "+12135550000", reference)}[i % 3]
                customer = customer if customer is not None else f"{seed}-{i}"
                rows.append(Fax(organization=organization, customer_field=customer,
                                source_number=source, destination_number=destination,
                                sent_at=sent_at, pages=2, status=FaxStatus.SENT,
                                identity=fax_identity(customer, source, destination, sent_at)))
            with transaction.atomic():
                Fax.objects.bulk_create(rows)


def main() -> None:
    args = parse_args()
    with bench_database(args.database_url) as url:
        configure_django(url)
        from django.db import connection
        from django.test import Client
        from django_scopes import scopes_disabled

        from accounts.models import Membership, Organization, Role, User
        from contacts.models import Contact, ContactNumber
        from messaging.models import MessagingNumber

        organization = Organization.objects.create(name="bench", slug="bench", time_zone="UTC")
        user = User.objects.create_user(username="bench-agent", password="x")
        with scopes_disabled():
            Membership.objects.create(user=user, organization=organization, role=Role.AGENT)
            own = MessagingNumber(organization=organization, number="+18005550101")
            own.set_new_secret()
            own.save()

        def contact(name: str, numbers: list[str], reference: str) -> int:
            with scopes_disabled():
                person = Contact.objects.create(organization=organization, name=name,
                                                reference=reference)
                for position, number in enumerate(numbers):
                    ContactNumber.objects.create(organization=organization, contact=person,
                                                 number=number, position=position)
            return person.pk

        began = time.perf_counter()
        large = contact("Large", ["+13105550001", "+13105550002"], "L-1")
        fill(organization, own, "+13105550001", "+13105550002", "L-1", args.rows, 1)
        small = contact("Small", ["+13105550003", "+13105550004"], "S-1")
        fill(organization, own, "+13105550003", "+13105550004", "S-1", SMALL, 2)
        # Everyone else: as many rows again, of a thousand other parties.
        for n in range(1000):
            fill(organization, own, f"+1415555{n:04d}", f"+1415556{n:04d}", f"O-{n}",
                 args.rows // 1000, 10 + n)
        print(f"filled: {args.rows} + {SMALL} + {args.rows} messages and faxes in "
              f"{time.perf_counter() - began:.1f}s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        client = Client()
        client.force_login(user)

        def page(pk: int, cursor: str = "") -> str:
            response = client.get(f"/contacts/{pk}/", {"cursor": cursor} if cursor else {})
            assert response.status_code == 200, response.status_code
            found = re.search(rb'href="\?cursor=([A-Za-z0-9_-]+)"', response.content)
            return found.group(1).decode() if found else ""

        cursors = {pk: page(pk) for pk in (large, small)}
        assert cursors[large] and cursors[small]
        medians = interleaved_medians({
            "large_first": lambda: page(large),
            "small_first": lambda: page(small),
            "large_second": lambda: page(large, cursors[large]),
            "small_second": lambda: page(small, cursors[small]),
        }, args.repeat)
        for name, seconds in medians.items():
            print(f"{name}: {seconds * 1000:.1f} ms")
        explain(large)
        print(f"database: {connection.vendor}; {args.rows} vs {SMALL} messages and faxes")
        print(f"second_page_ratio={medians['large_second'] / medians['small_second']:.2f}")
        print(f"ratio={medians['large_first'] / medians['small_first']:.2f}")


def explain(contact_pk: int) -> None:
    """The plan of each query of the large contact's first page: each must use an index
    that ends with the time (no sort of the contact's rows)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope, scopes_disabled

    from contacts.models import Contact
    from contacts.timeline import timeline_page

    with scopes_disabled():
        person = Contact.objects.get(pk=contact_pk)
    with scope(organization=person.organization_id), \
            CaptureQueriesContext(connection) as queries:
        timeline_page(person, membership=None)
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if not re.search(r'FROM "(messaging_message|faxes_fax|messaging_conversation)"',
                             sql):
                continue
            cursor.execute(prefix + sql)
            plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
            table = re.search(r'FROM "(\w+)"', sql).group(1)
            print(f"plan {table}: {plan}")


if __name__ == "__main__":
    main()
