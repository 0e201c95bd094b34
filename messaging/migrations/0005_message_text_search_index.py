"""A trigram index for the inbox search, on PostgreSQL only.

The search is `text__icontains`, which Django writes as UPPER("text") LIKE UPPER('%...%'):
without an index, a search that matches little reads every message of the organization
(1.9 s at 1,000,000 messages). A GIN index of pg_trgm over UPPER(text) answers it from the
index. It is built CONCURRENTLY (so the migration is not atomic): on a large table a plain
CREATE INDEX would block incoming messages for as long as it takes.

pg_trgm is a trusted extension (PostgreSQL 13+): the database's owner may create it. Where
it cannot be created, the migration says so and goes on: the search works, only slower.
SQLite, the embedded default for small deployments, keeps the plain LIKE.
"""

from django.db import DatabaseError, migrations

INDEX = "message_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError as error:
        print(f"\n  pg_trgm could not be created ({error}); the inbox search will work "
              "without its index.")
        return
    # A concurrent build that failed (cancelled, killed with migrate) leaves an invalid
    # index that IF NOT EXISTS would keep: the planner never uses it, writes still pay.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)",
                       [INDEX])
        invalid = cursor.fetchone()
    if invalid and invalid[0]:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY "{INDEX}"')
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{INDEX}" ON "messaging_message" '
        'USING gin (UPPER("text") gin_trgm_ops)')


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("messaging", "0004_event_organization_index"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
