"""Message text search from an index: pg_trgm on PostgreSQL (migration messaging 0005),
an FTS5 trigram table kept by triggers on SQLite (0006), behind messaging.search."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from messaging import search
from messaging.models import Conversation, Message
from messaging.search import conversations_with_text
from tests.messaging.factories import MessageFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql",
                                     reason="the pg_trgm index is PostgreSQL's")
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite",
                                 reason="the FTS5 table is SQLite's")


def found(query: str) -> list[str]:
    """The texts of the conversations found (each test message has one of its own)."""
    with scopes_disabled():
        conversations = Conversation.objects.filter(conversations_with_text(query))
        return sorted(Message.objects.filter(conversation__in=conversations)
                      .values_list("text", flat=True))


def test_search_ignores_case(db):
    MessageFactory(text="Your appointment is on Tuesday")
    assert found("APPOINTMENT is") == ["Your appointment is on Tuesday"]


def test_changed_text_is_found_by_its_new_words_only(db):
    message = MessageFactory(text="Bring your insurance card")
    with scopes_disabled():
        Message.objects.filter(pk=message.pk).update(text="Bring your referral letter")
    assert found("insurance") == []
    assert found("referral") == ["Bring your referral letter"]


def test_deleted_message_is_not_found(db):
    message = MessageFactory(text="Bring your insurance card")
    assert found("insurance") == ["Bring your insurance card"]  # the control: found before
    with scopes_disabled():
        Message.objects.filter(pk=message.pk).delete()
    assert found("insurance") == []


@pytest.mark.parametrize("query", ["100%", "a_b", "c\\d"])
def test_like_wildcards_in_a_query_match_only_themselves(db, query):
    MessageFactory(text=f"says {query} here")
    MessageFactory(text="says 1000 axb cxd here")
    assert found(query) == [f"says {query} here"]


def test_query_shorter_than_a_trigram_still_finds(db):
    MessageFactory(text="ok")
    MessageFactory(text="no")
    assert found("k") == ["ok"]


@sqlite_only
def test_sqlite_search_reads_the_trigram_table(db):
    MessageFactory(text="Your appointment is on Tuesday")
    with CaptureQueriesContext(connection) as queries:
        assert found("appointment") == ["Your appointment is on Tuesday"]
    assert "FROM messaging_message_text WHERE text LIKE" in queries[0]["sql"]
    assert "LIKE" not in queries[1]["sql"]


@sqlite_only
def test_sqlite_search_for_a_common_word_takes_icontains(db, monkeypatch):
    monkeypatch.setattr(search, "MOST_IDS", 1)
    MessageFactory(text="appointment one")
    MessageFactory(text="appointment two")
    with CaptureQueriesContext(connection) as queries:
        assert found("appointment") == ["appointment one", "appointment two"]
    assert "LIKE" in queries[1]["sql"]


def triggers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                       "AND tbl_name = 'messaging_message' ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


@sqlite_only
def test_sqlite_triggers_keeping_the_index_exist(db):
    assert triggers() == ["messaging_message_text_delete", "messaging_message_text_insert",
                          "messaging_message_text_update"]


@sqlite_only
def test_triggers_dropped_by_a_table_rebuild_come_back_after_migrate(db):
    # What Django's rebuild of messaging_message (to alter a column) does to them.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER messaging_message_text_insert")
    MessageFactory(text="Written while the trigger was gone")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert len(triggers()) == 3
    assert found("while the trigger") == ["Written while the trigger was gone"]


@postgresql_only
def test_postgresql_search_can_be_answered_from_the_trigram_index(db):
    # Only bitmap scans allowed, and no table of the test's size is worth one: the plan
    # names the index only if it matches the SQL that Django writes for icontains.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    with scopes_disabled():
        plan = Conversation.objects.filter(conversations_with_text("zebra")).explain()
    assert "message_text_trgm" in plan


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_an_invalid_index_left_by_a_failed_build_is_built_again():
    index_is_valid = ("SELECT indisvalid FROM pg_index "
                      "WHERE indexrelid = 'message_text_trgm'::regclass")
    with connection.cursor() as cursor:
        # What a cancelled CREATE INDEX CONCURRENTLY leaves behind.
        cursor.execute("UPDATE pg_index SET indisvalid = false "
                       "WHERE indexrelid = 'message_text_trgm'::regclass")
    with connection.schema_editor(atomic=False) as editor:
        import_module("messaging.migrations.0005_message_text_search_index").create_index(
            apps, editor)
    with connection.cursor() as cursor:
        cursor.execute(index_is_valid)
        assert cursor.fetchone() == (True,)
