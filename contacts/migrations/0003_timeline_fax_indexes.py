"""Indexes on faxes for a contact's timeline (contacts/timeline.py).

The timeline reads a contact's faxes newest first, one keyset page at a time, by number
(sender or recipient) and by reference. Fax's own indexes on those columns do not hold the
time, so a page would sort every fax of the contact: 100,000 faxes cost as much as sorting
them all. These indexes end with (sent_at, id), so a page reads only its own rows.

They are created here, by the app whose query needs them, through the schema editor's
public add_index (any database). They are not part of the faxes app's model state: should
faxes/models.py declare equivalent indexes one day, this migration's can be dropped.
"""

from django.db import migrations, models

INDEXES = [
    models.Index(fields=["organization", "destination_number", "sent_at", "id"],
                 name="fax_org_dest_time"),
    models.Index(fields=["organization", "source_number", "sent_at", "id"],
                 name="fax_org_source_time"),
    models.Index(fields=["organization", "customer_field", "sent_at", "id"],
                 name="fax_org_reference_time"),
]


def add_indexes(apps, schema_editor):
    fax = apps.get_model("faxes", "Fax")
    for index in INDEXES:
        schema_editor.add_index(fax, index)


def remove_indexes(apps, schema_editor):
    fax = apps.get_model("faxes", "Fax")
    for index in INDEXES:
        schema_editor.remove_index(fax, index)


class Migration(migrations.Migration):

    dependencies = [
        ("contacts", "0002_contact_imports"),
        ("faxes", "0002_identity_without_zone"),
    ]

    operations = [migrations.RunPython(add_indexes, remove_indexes, elidable=False)]
