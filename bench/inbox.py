"""Inbox and conversation pages at scale: median at 1,000,000 messages / median at 1,000.

Fills one organization with --rows messages in 10,000 conversations, another with as many
(so the tables hold two tenants), and a third with 1,000 messages in 200 conversations;
then times the inbox page, a conversation page, the inbox search and the team inbox's
filters of the large and the small organization, interleaved, in one run.

Every organization's conversations are worked alike (TEAM_SHARES): a third closed, a fifth
assigned to the member who is timed, a fifth labelled "billing", a fifth with a note that
mentions the member; the small organization has 200 conversations so that each filter
fills a whole page (30 rows) there too, and both sides render the same rows. Goal: at most
1.5 for the inbox, the conversation and each team filter; the search's and the team
filters' ratios are printed on the lines before the last.

    python bench/inbox.py [--database-url postgres://postgres@127.0.0.1:5432/test]

The last line is `inbox_ratio=<number> conversation_ratio=<number>`.
"""

import json
import random
import time
from datetime import UTC, datetime, timedelta

from _setup import bench_database, configure_django, interleaved_medians, parse_args

BATCH = 10_000


FOCUS = 100  # the first messages all go to the conversation that is timed
# Of every 15 conversations (i % 15): which are closed, assigned to the timed member,
# labelled, and have a note mentioning the member. Spread so that filters overlap as in a
# real inbox (an assigned conversation may be closed, a labelled one assigned).
TEAM_SHARES = {"closed": {0, 3, 6, 9, 12}, "mine": {1, 6, 11}, "label": {2, 7, 12},
               "mention": {4, 9, 14}}


def fill(organization_id: int, own_number_id: int, own: str, rows: int, conversations: int,
         seed: int, member_id: int, label_id: int) -> int:
    """Insert conversations and `rows` messages spread over them, worked by the team as
    TEAM_SHARES says; returns the id of a conversation with at least a full page of
    messages (the one that is timed)."""
    from django.db import connection, transaction

    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    step = timedelta(seconds=30)
    parties = [f"+1415{seed:02d}{i:05d}" for i in range(conversations)]

    def share(i: int, name: str) -> bool:
        return i % 15 in TEAM_SHARES[name]

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO messaging_conversation (organization_id, own_number_id, participants, "
            "last_message_at, last_preview, last_direction, unread_count, created_at, "
            "status, assignee_id, changed_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(organization_id, own_number_id, p, start + step * (rows - conversations + i),
              f"Last message {i}", "in", rng.randint(0, 3), start,
              "closed" if share(i, "closed") else "open",
              member_id if share(i, "mine") else None,
              start + step * (rows - conversations + i))
             for i, p in enumerate(parties)])
        cursor.execute("SELECT id, participants FROM messaging_conversation "
                       "WHERE organization_id = %s", [organization_id])
        ids = dict((p, cid) for cid, p in cursor.fetchall())
        cursor.executemany(
            "INSERT INTO messaging_conversation_labels (conversation_id, label_id) "
            "VALUES (%s, %s)",
            [(ids[p], label_id) for i, p in enumerate(parties) if share(i, "label")])
        cursor.executemany(
            "INSERT INTO messaging_note (organization_id, conversation_id, author_id, text, "
            "created_at) VALUES (%s, %s, %s, %s, %s)",
            [(organization_id, ids[p], member_id, "@agent please call them back", start)
             for i, p in enumerate(parties) if share(i, "mention")])
        cursor.execute("INSERT INTO messaging_note_mentions (note_id, user_id) "
                       "SELECT id, %s FROM messaging_note WHERE organization_id = %s",
                       [member_id, organization_id])
    sql = ("INSERT INTO messaging_message (organization_id, uuid, conversation_id, direction, "
           "source, destinations, text, status, status_reason, sent_at, sender_uuid, "
           "customer_provided_id, idempotency_key, created_at, updated_at) VALUES "
           "(%s, %s, %s, %s, %s, %s, %s, %s, '', %s, '', '', '', %s, %s)")
    for offset in range(0, rows, BATCH):
        batch = []
        for i in range(offset, min(offset + BATCH, rows)):
            party = parties[conversations // 2] if i < FOCUS else parties[i % conversations]
            inbound = rng.random() < 0.5
            sent_at = start + step * i
            batch.append((organization_id, f"{seed}-{i:09d}", ids[party],
                          "in" if inbound else "out", party if inbound else own,
                          json.dumps([own if inbound else party]),
                          f"Message number {i} about the appointment on Tuesday",
                          "RECEIVED" if inbound else "SENT", sent_at, sent_at, sent_at))
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, batch)
    return ids[parties[conversations // 2]]


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    with bench_database(args.database_url) as url:
        configure_django(url)
        from django.db import connection
        from django.test import Client
        from django_scopes import scopes_disabled

        from accounts.models import Membership, Organization, Role, User
        from messaging.models import Label, MessagingNumber

        def tenant(slug: str, own: str, rows: int, conversations: int, seed: int):
            organization = Organization.objects.create(name=slug, slug=slug, time_zone="UTC")
            user = User.objects.create_user(username=f"{slug}-agent", password="x")
            Membership.objects.with_scopes_disabled().create(
                user=user, organization=organization, role=Role.AGENT)
            number = MessagingNumber(organization=organization, number=own)
            number.set_new_secret()
            number.save()
            with scopes_disabled():
                label = Label.objects.create(organization=organization, name="billing")
            began = time.perf_counter()
            conversation_id = fill(organization.pk, number.pk, own, rows, conversations, seed,
                                   user.pk, label.pk)
            print(f"filled {slug}: {rows} messages in {conversations} conversations in "
                  f"{time.perf_counter() - began:.1f}s", flush=True)
            client = Client()
            client.force_login(user)
            return client, conversation_id, label.pk

        large, large_conversation, large_label = tenant("large", "+18005550101", args.rows,
                                                        10_000, 1)
        tenant("neighbour", "+18005550102", args.rows, 10_000, 2)
        # 200 conversations: each team filter fills a whole inbox page (30 rows), as in the
        # large organization.
        small, small_conversation, small_label = tenant("small", "+18005550103", 1_000, 200, 3)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        def get(client: Client, path: str) -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        medians = interleaved_medians({
            "large_inbox": lambda: get(large, "/messaging/"),
            "small_inbox": lambda: get(small, "/messaging/"),
            "large_conversation": lambda: get(
                large, f"/messaging/conversations/{large_conversation}/"),
            "small_conversation": lambda: get(
                small, f"/messaging/conversations/{small_conversation}/"),
            # The inbox search: a word that no message has (the worst case: nothing to
            # stop at early), a phrase that one message of the million has, and a word
            # that every message has.
            "large_search_none": lambda: get(large, "/messaging/?q=zebra"),
            "small_search_none": lambda: get(small, "/messaging/?q=zebra"),
            "large_search_one": lambda: get(large, "/messaging/?q=number+777+about"),
            "small_search_one": lambda: get(small, "/messaging/?q=number+777+about"),
            "large_search_all": lambda: get(large, "/messaging/?q=appointment"),
            "small_search_all": lambda: get(small, "/messaging/?q=appointment"),
            # The team inbox's filters, each a full page on both sides.
            "large_mine": lambda: get(large, "/messaging/?assignee=me&status=all"),
            "small_mine": lambda: get(small, "/messaging/?assignee=me&status=all"),
            "large_label": lambda: get(large, f"/messaging/?label={large_label}&status=all"),
            "small_label": lambda: get(small, f"/messaging/?label={small_label}&status=all"),
            "large_closed": lambda: get(large, "/messaging/?status=closed"),
            "small_closed": lambda: get(small, "/messaging/?status=closed"),
            "large_mentions": lambda: get(large, "/messaging/?mentions=me&status=all"),
            "small_mentions": lambda: get(small, "/messaging/?mentions=me&status=all"),
        }, args.repeat)
        for name, seconds in medians.items():
            print(f"{name}: {seconds * 1000:.1f} ms")
        inbox = medians["large_inbox"] / medians["small_inbox"]
        conversation = medians["large_conversation"] / medians["small_conversation"]
        print(f"database: {connection.vendor}; {args.rows} vs 1,000 messages")
        print("search_ratio={:.2f} (nothing found) {:.2f} (one message) {:.2f} (all)".format(
            *(medians[f"large_search_{found}"] / medians[f"small_search_{found}"]
              for found in ("none", "one", "all"))))
        print("team_ratio={:.2f} (mine) {:.2f} (label) {:.2f} (closed) {:.2f} (mentions)".format(
            *(medians[f"large_{team}"] / medians[f"small_{team}"]
              for team in ("mine", "label", "closed", "mentions"))))
        print(f"inbox_ratio={inbox:.2f} conversation_ratio={conversation:.2f}")


if __name__ == "__main__":
    main()
