"""Searching message text, from an index on both databases.

Django's icontains is a LIKE '%...%', which no B-tree index can answer: at a million
messages a search that finds little reads them all. PostgreSQL answers the same SQL from a
pg_trgm index (migration 0005). SQLite's LIKE cannot use one, so there the search asks the
FTS5 trigram table of migration 0006, which can.
"""

from importlib import import_module

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Exists, OuterRef, Q

from messaging.models import Message

# The FTS5 table answers LIKE from its index only without an ESCAPE clause: a query with a
# LIKE wildcard or the escape character in it takes icontains, which escapes them.
_LIKE_SPECIAL = frozenset("%_\\")
# A word in more messages than this (of any organization) is common: icontains, which stops
# at the first page of conversations that have it, is then faster than a long list of ids
# (the README's Performance section has the figures).
MOST_IDS = 1000


def conversations_with_text(query: str) -> Q:
    """A filter of conversations with a message, not deleted, whose text contains `query`.

    From a short list of ids (SQLite, a word that few messages have) the conversations are
    looked up from those messages; otherwise each conversation, newest first, is checked
    for one, which stops early when many have it. PostgreSQL plans either from its index.
    """
    ids = _indexed_ids(query)
    if ids is not None:
        return Q(pk__in=Message.objects.filter(id__in=ids, deleted_at=None)
                 .values("conversation_id"))
    return Q(Exists(Message.objects.filter(text__icontains=query, deleted_at=None,
                                           conversation=OuterRef("pk"))))


def _indexed_ids(query: str) -> list[int] | None:
    """The ids of the messages that SQLite's FTS5 table finds, or None where it does not
    apply: PostgreSQL, a query with LIKE's special characters, a common word."""
    if connection.vendor != "sqlite" or _LIKE_SPECIAL & set(query):
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM messaging_message_text WHERE text LIKE %s LIMIT %s",
                       [f"%{query}%", MOST_IDS + 1])
        ids = [row[0] for row in cursor.fetchall()]
    return ids if len(ids) <= MOST_IDS else None


def restore_sqlite_index(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """After every migrate (post_migrate): put back the triggers that keep SQLite's FTS5
    table in step, should a migration have rebuilt messaging_message (Django does, to alter
    a column on SQLite, and the triggers go with the old table); then index again what was
    written without them."""
    db = connections[using]
    if db.vendor != "sqlite":
        return
    fts = import_module("messaging.migrations.0006_message_text_search_sqlite")
    with db.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name FROM sqlite_master "
                       "WHERE name LIKE 'messaging_message_text%' AND type IN ('table', 'trigger')")
        present = dict(cursor.fetchall())
        if "messaging_message_text" not in present:
            return  # migrated back past 0006
        if {name for name, table in present.items() if table == "messaging_message"} \
                >= fts.TRIGGER_NAMES:
            return
        for trigger in fts.TRIGGERS:
            cursor.execute(trigger)
        cursor.execute(fts.REBUILD)



def message_ids_with_text(query: str) -> list[int] | None:
    """The ids of the messages (of any organization, deleted ones too) whose text contains
    `query`, from SQLite's FTS5 table; None where it does not apply: filter with
    `text__icontains`, which PostgreSQL answers from its trigram index."""
    return _indexed_ids(query)
