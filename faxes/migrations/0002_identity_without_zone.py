"""Fax identities from the provider's wall-clock time, without the zone it was read in
(faxes.models.fax_identity): recomputed for the faxes already stored.

They were made from the time with its zone's offset, so correcting a connection's time zone
made every fax synced again a second row. The stored times are read back in the zone of
the organization's fax connection (UTC without one), the zone they were read in. Faxes that
an earlier correction already doubled stay two rows: the zone the older copy was read in is
not known any more.
"""

import hashlib
import zoneinfo

from django.db import migrations

BATCH = 2000


def wall_clock_identity(fax, zone) -> str:
    # faxes.models.fax_identity as it is in this migration's time: a migration must not
    # change when that function changes later.
    wall_clock = fax.sent_at.astimezone(zone).replace(tzinfo=None)
    parts = ["\x00" if fax.customer_field is None else fax.customer_field, fax.source_number,
             fax.destination_number, wall_clock.isoformat()]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def recompute(apps, schema_editor):
    Fax = apps.get_model("faxes", "Fax")
    Connection = apps.get_model("accounts", "Connection")
    zones = dict(Connection.objects.filter(kind="fax").order_by("-pk")
                 .values_list("organization_id", "time_zone"))
    organizations = Fax.objects.values_list("organization_id", flat=True).distinct().order_by()
    for organization_id in list(organizations):
        zone = zoneinfo.ZoneInfo(zones.get(organization_id) or "UTC")
        taken: set[str] = set()
        after = 0
        while batch := list(Fax.objects.filter(organization_id=organization_id, id__gt=after)
                            .only("id", "customer_field", "source_number",
                                  "destination_number", "sent_at")
                            .order_by("id")[:BATCH]):
            after = batch[-1].pk
            updated = []
            for fax in batch:
                identity = wall_clock_identity(fax, zone)
                # Taken only by two faxes read in different zones that fell on the same
                # instant: the second keeps its old identity (still listed, matched no more).
                if identity not in taken:
                    taken.add(identity)
                    fax.identity = identity
                    updated.append(fax)
            # Old identities hash the offset too, so no new one equals an old one: the
            # unique constraint holds at every step.
            Fax.objects.bulk_update(updated, ["identity"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_apikey"),
        ("faxes", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(recompute, migrations.RunPython.noop),
    ]
