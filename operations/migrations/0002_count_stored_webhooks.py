"""The ledger of the webhook events already stored: each counted by the state it is in,
by its number and the day it came (in its organization's time zone), and the arrival
count's mark put after the newest, so that the processing job counts only what comes next.

Read in id order, a chunk at a time; written with one statement per number and day.
"""

import zoneinfo
from collections import Counter, defaultdict

from django.db import migrations
from django.utils import timezone

CHUNK = 5000
RETRY_LIMIT = 60  # messaging.webhooks.RETRY_LIMIT when this was written


def _buckets(state, attempts, error):
    if state == "processed":
        return ("processed",)
    if state == "rejected":
        unknown = error.startswith("The provider does not know this message")
        return ("rejected", "unknown") if unknown else ("rejected",)
    if state == "waiting":
        return ("waited",)
    if state == "failed":
        return ("retrying",) if attempts < RETRY_LIMIT else ("gave_up",)
    if state == "invalid":
        return ("invalid",)
    return ()


def count_stored(apps, schema_editor):
    WebhookEvent = apps.get_model("messaging", "WebhookEvent")
    Organization = apps.get_model("accounts", "Organization")
    WebhookDay = apps.get_model("operations", "WebhookDay")
    ArrivalMark = apps.get_model("operations", "ArrivalMark")
    zones = {pk: zoneinfo.ZoneInfo(name)
             for pk, name in Organization.objects.values_list("pk", "time_zone")}
    counts = defaultdict(Counter)
    ids = {}
    after = 0
    while rows := list(WebhookEvent.objects.filter(id__gt=after).order_by("id").values_list(
            "id", "organization_id", "number_id", "received_at", "state", "attempts",
            "error")[:CHUNK]):
        for event_id, organization_id, number_id, received_at, state, attempts, error in rows:
            after = event_id
            if number_id is None:
                continue
            day = timezone.localtime(received_at, zones[organization_id]).date()
            key = (organization_id, number_id, day)
            counts[key]["received"] += 1
            counts[key].update(_buckets(state, attempts, error))
            low, high = ids.get(key, (event_id, event_id))
            ids[key] = (min(low, event_id), max(high, event_id))
    WebhookDay.objects.bulk_create([
        WebhookDay(organization_id=key[0], number_id=key[1], day=key[2],
                   first_event_id=ids[key][0], last_event_id=ids[key][1], **counter)
        for key, counter in counts.items()], batch_size=500)
    ArrivalMark.objects.update_or_create(name="webhooks", defaults={"last_event_id": after})


class Migration(migrations.Migration):

    dependencies = [
        ("operations", "0001_webhook_ledger"),
    ]

    operations = [
        migrations.RunPython(count_stored, migrations.RunPython.noop),
    ]
