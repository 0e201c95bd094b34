"""Re-encrypt every stored secret under the first key of FIELD_ENCRYPTION_KEYS."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from accounts.fields import EncryptedTextField, rotate


class Command(BaseCommand):
    help = ("Re-encrypt every encrypted field under the first key of FIELD_ENCRYPTION_KEYS. "
            "Put the new key first, run this, then drop the old key.")

    def handle(self, *args, **options):
        total = 0
        with transaction.atomic():
            for model in apps.get_models():
                if model._meta.proxy or not model._meta.managed:
                    continue  # the concrete model's table is rotated once, by itself
                columns = [f.column for f in model._meta.concrete_fields
                           if isinstance(f, EncryptedTextField)]
                if columns:
                    total += rotate_table(model._meta.db_table, model._meta.pk.column, columns)
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted the secrets of {total} rows."))


def rotate_table(table: str, pk: str, columns: list[str]) -> int:
    """Rotate the ciphertext in place, in SQL: the ORM would hand back clear text."""
    q = connection.ops.quote_name
    rows_changed = 0
    with connection.cursor() as cursor:
        # Table and column names come from the models, never from input.
        cursor.execute(f"SELECT {q(pk)}, {', '.join(map(q, columns))} FROM {q(table)}")  # noqa: S608
        rows = cursor.fetchall()
        for row_id, *tokens in rows:
            updates = {c: rotate(t) for c, t in zip(columns, tokens, strict=True) if t}
            if not updates:
                continue
            assignments = ", ".join(f"{q(c)} = %s" for c in updates)
            cursor.execute(f"UPDATE {q(table)} SET {assignments} WHERE {q(pk)} = %s",  # noqa: S608
                           [*updates.values(), row_id])
            rows_changed += 1
    return rows_changed
