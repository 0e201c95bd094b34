"""A trigram full-text index for the inbox search, on SQLite only (PostgreSQL: 0005).

SQLite's FTS5 with the trigram tokenizer (SQLite 3.34+) answers `text LIKE '%...%'` from its
index, case-insensitively like Django's icontains. The virtual table holds no copy of the
text (content=messaging_message); triggers keep its index in step with every insert,
delete and change of a message's text. messaging/search.py is what queries it.

Django rebuilds a SQLite table to alter a column, and the rebuild drops these triggers:
after every migrate, messaging.search.restore_sqlite_index puts them back and indexes again.
"""

from django.db import migrations

# Written out in full: these are the statements to run again after a table rebuild.
FTS_TABLE = """CREATE VIRTUAL TABLE IF NOT EXISTS messaging_message_text USING fts5(
    text, content='messaging_message', content_rowid='id', tokenize='trigram')"""
TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS messaging_message_text_insert
    AFTER INSERT ON messaging_message BEGIN
        INSERT INTO messaging_message_text(rowid, text) VALUES (new.id, new.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS messaging_message_text_delete
    AFTER DELETE ON messaging_message BEGIN
        INSERT INTO messaging_message_text(messaging_message_text, rowid, text)
        VALUES ('delete', old.id, old.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS messaging_message_text_update
    AFTER UPDATE OF text ON messaging_message BEGIN
        INSERT INTO messaging_message_text(messaging_message_text, rowid, text)
        VALUES ('delete', old.id, old.text);
        INSERT INTO messaging_message_text(rowid, text) VALUES (new.id, new.text);
    END""",
]
TRIGGER_NAMES = {"messaging_message_text_insert", "messaging_message_text_delete",
                 "messaging_message_text_update"}
# Indexes again every message of the content table.
REBUILD = "INSERT INTO messaging_message_text(messaging_message_text) VALUES ('rebuild')"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(FTS_TABLE)
    for trigger in TRIGGERS:
        schema_editor.execute(trigger)
    schema_editor.execute(REBUILD)  # the messages that are already there


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS messaging_message_text_insert")
    schema_editor.execute("DROP TRIGGER IF EXISTS messaging_message_text_delete")
    schema_editor.execute("DROP TRIGGER IF EXISTS messaging_message_text_update")
    schema_editor.execute("DROP TABLE IF EXISTS messaging_message_text")


class Migration(migrations.Migration):

    dependencies = [
        ("messaging", "0005_message_text_search_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
