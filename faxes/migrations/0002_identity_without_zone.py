"""Fax identities from the provider's wall-clock time, without the zone it was read in
(faxes.models.fax_identity): recomputed for the faxes already stored.

They were made from the time with its zone's offset, so correcting a connection's time zone
made every fax synced again a second row. The stored times are read back in the zone of
the organization's fax connection (UTC without one), the zone they were read in. Faxes that
an earlier correction already doubled stay two rows: the zone the older copy was read in is
not known any more. A time in the hour that a clock change skips (02:30 in New York on the
spring change) reads back an hour off, and that fax is stored once more at its next sync.

Stop the job workers while this runs: a fax sync of the old code during or after it would
not find the recomputed rows, and would store each fax it sees a second time.
"""

import hashlib
import zoneinfo

from django.db import migrations

BATCH = 2000


def wall_clock_identity(fax, zone) -> str:
    """faxes.models.fax_identity as it is in this migration's time: a migration must not
    change when that function changes later."""
    return _identity(fax, fax.sent_at.astimezone(zone).replace(tzinfo=None).isoformat())


def offset_identity(fax, zone) -> str:
    """The identity before this migration: the time with its zone's offset."""
    return _identity(fax, fax.sent_at.astimezone(zone).isoformat())


def _identity(fax, time: str) -> str:
    parts = ["\x00" if fax.customer_field is None else fax.customer_field, fax.source_number,
             fax.destination_number, time]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def recompute(apps, schema_editor, identity=wall_clock_identity):
    Fax = apps.get_model("faxes", "Fax")
    Connection = apps.get_model("accounts", "Connection")
    zones = dict(Connection.objects.filter(kind="fax").order_by("-pk")
                 .values_list("organization_id", "time_zone"))
    organizations = Fax.objects.values_list("organization_id", flat=True).distinct().order_by()
    for organization_id in list(organizations):
        zone = zoneinfo.ZoneInfo(zones.get(organization_id) or "UTC")
        faxes = Fax.objects.filter(organization_id=organization_id)
        # Identities of one kind never equal those of the other (one hashes the offset,
        # the other not), so only rows already of the target kind can be in the way: a
        # row written meanwhile by code of the other side, or two old rows read in two
        # zones on one instant. The second keeps its identity (listed, matched no more).
        taken = set(faxes.values_list("identity", flat=True))
        after = 0
        while batch := list(faxes.filter(id__gt=after)
                            .only("id", "customer_field", "source_number",
                                  "destination_number", "sent_at", "identity")
                            .order_by("id")[:BATCH]):
            after = batch[-1].pk
            updated = []
            for fax in batch:
                new = identity(fax, zone)
                if new not in taken:
                    taken.add(new)
                    fax.identity = new
                    updated.append(fax)
            Fax.objects.bulk_update(updated, ["identity"])


def restore(apps, schema_editor):
    recompute(apps, schema_editor, identity=offset_identity)


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_apikey"),
        ("faxes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(recompute, restore),
    ]
