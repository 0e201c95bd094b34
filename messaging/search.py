"""Searching message text, from an index on both databases.

Django's icontains is a LIKE '%...%', which no B-tree index can answer: at a million
messages a search that finds little reads them all. PostgreSQL answers the same SQL from a
pg_trgm index (migration 0005). SQLite's LIKE cannot use one, so there the search asks the
FTS5 trigram table of migration 0006, which can.
"""

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

# The FTS5 table answers LIKE from its index only without an ESCAPE clause: a query with a
# LIKE wildcard or the escape character in it takes icontains, which escapes them.
_LIKE_SPECIAL = frozenset("%_\\")


def text_contains(query: str) -> Q:
    """A filter of messages whose text contains `query`, ignoring (ASCII) case."""
    if connection.vendor == "sqlite" and not _LIKE_SPECIAL & set(query):
        return Q(id__in=RawSQL("SELECT rowid FROM messaging_message_text WHERE text LIKE %s",
                               [f"%{query}%"]))
    return Q(text__icontains=query)
