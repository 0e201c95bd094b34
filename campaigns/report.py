"""A campaign's outcomes: counts by where each recipient's message got to, and the CSV of
every recipient (spreadsheet-safe cells)."""

import csv
from collections.abc import Iterator

from django.db.models import Count

from accounts.tenancy import organization_scope
from campaigns.models import Campaign, CampaignRecipient
from common.spreadsheets import spreadsheet_row

CSV_HEADER = ["number", "name", "contact", "status", "reason", "message_status",
              "message_status_reason", "sent_at"]


def outcome_counts(campaign: Campaign) -> dict[str, int]:
    """Recipients by outcome: delivered (SENT), failed at the provider (FAILED), still on
    their way (queued, or unknown until reconciled), failed when sent, skipped, and not sent
    (left pending by a cancel). One grouped read."""
    with organization_scope(campaign.organization):
        rows = (CampaignRecipient.objects.filter(campaign=campaign)
                .values_list("status", "message__status").annotate(n=Count("id")).order_by())
    counts = dict.fromkeys(("delivered", "undelivered", "on_the_way", "failed", "skipped",
                            "not_sent"), 0)
    for status, message_status, n in rows:
        if status == "sent":
            key = {"SENT": "delivered", "FAILED": "undelivered"}.get(message_status,
                                                                     "on_the_way")
        elif status in ("pending", "sending"):
            key = "not_sent"
        else:
            key = status
        counts[key] += n
    return counts


class _Echo:
    def write(self, value):
        return value


def outcome_rows(campaign: Campaign) -> Iterator[str]:
    """The CSV's lines, header first, a thousand recipients read at a time."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    with organization_scope(campaign.organization):
        recipients = (CampaignRecipient.objects.filter(campaign=campaign)
                      .select_related("message", "contact").order_by("id"))
        for recipient in recipients.iterator(chunk_size=1000):
            message = recipient.message
            yield writer.writerow(spreadsheet_row([
                recipient.number, recipient.name,
                recipient.contact.name if recipient.contact else "", recipient.status,
                recipient.get_skip_reason_display() if recipient.skip_reason
                else recipient.detail,
                message.status if message else "", message.status_reason if message else "",
                message.sent_at.isoformat() if message else ""]))
