"""The inbox search's trigram index (migration messaging 0005), on PostgreSQL."""

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from messaging.models import Message

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="the trigram index is PostgreSQL's")


def test_text_search_can_be_answered_from_the_trigram_index(db):
    # Only bitmap scans allowed, and no table of the test's size is worth one: the plan
    # names the index only if it matches the SQL that Django writes for icontains.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    with scopes_disabled():
        plan = Message.objects.filter(text__icontains="zebra").explain()
    assert "message_text_trgm" in plan
