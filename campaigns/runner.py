"""Sending a running campaign: batches of recipients at the campaign's rate, each one at
most once, by at most one runner at a time.

- One runner per campaign: it holds the lock `campaign:<id>` (common/locks.py) while it
  sends, for at most CAMPAIGN_RUN_SECONDS, then hands over to a new task; one that dies
  (a crash, a restart) lets its lock expire, and the `run_campaigns` job starts another.
- Never one recipient twice: a runner claims each batch with a conditional UPDATE
  (pending → sending, marked with its own token) and sends only what it claimed. Each send
  carries an idempotency key made of the campaign and the recipient, so a recipient left
  "sending" by a runner that died is put back and, when its send was recorded, finds that
  message (its outcome, or SendInProgress) instead of sending again.
- Opted-out numbers are skipped before each batch is sent, checked again per batch (a
  recipient may text STOP while the campaign runs), and send_message refuses them anyway.
- A paused or cancelled campaign sends nothing after the batch in flight: its status is
  read before each batch, and a batch lasts about ten seconds at the campaign's rate.
- A batch is sent with messaging.sending.send_batch, through one provider client for the
  whole run (one login, one connection pool): per send, only its provider call; its
  records, outcomes, events and audit entry are a few statements per batch, as are the
  batch's claim, opt-out check, contacts and the recipients' outcomes.
"""

import logging
import time
import uuid
from collections.abc import Callable
from contextlib import nullcontext

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import axion
from accounts.tenancy import organization_scope
from campaigns import services
from campaigns.models import (
    Campaign,
    CampaignRecipient,
    CampaignStatus,
    RecipientStatus,
    SkipReason,
)
from common.bulk import update_rows
from common.locks import job_lock
from message_templates.rendering import MissingValues
from messaging.models import MessageStatus
from messaging.sending import BatchResult, BatchSend, send_batch
from messaging.services import sms_connection
from optouts.services import OptedOut, opted_out_numbers

log = logging.getLogger(__name__)

MAX_BATCH = 100
BATCH_SECONDS = 10  # a pause or cancel waits at most about this long


def lock_name(campaign_id: int) -> str:
    return f"campaign:{campaign_id}"


def idempotency_key(campaign_id: int, recipient_id: int) -> str:
    return f"campaign-{campaign_id}-{recipient_id}"


def batch_size(rate_per_minute: int) -> int:
    return max(1, min(MAX_BATCH, rate_per_minute * BATCH_SECONDS // 60))


class Pacer:
    """At most `per_minute` sends a minute, evenly spaced."""

    def __init__(self, per_minute: int, clock: Callable[[], float],
                 sleep: Callable[[float], None]):
        self.interval = 60 / per_minute
        self.clock, self.sleep = clock, sleep
        self.next_at = clock()

    def wait(self) -> None:
        now = self.clock()
        if now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + self.interval


def run_campaign(*, campaign: Campaign, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep,
                 seconds: float | None = None) -> str:
    """Send the campaign's pending recipients for up to `seconds` (CAMPAIGN_RUN_SECONDS);
    finish it when nobody is left. Returns what it did; "more" in it means the campaign
    still has recipients to send to (the caller queues the next runner)."""
    seconds = settings.CAMPAIGN_RUN_SECONDS if seconds is None else seconds
    organization = campaign.organization
    with organization_scope(organization), \
            job_lock(lock_name(campaign.pk), ttl_seconds=int(seconds) + 60) as acquired:
        if not acquired:
            return "another runner is sending this campaign"
        # Ours now: recipients a runner that died had claimed go back to pending; their
        # idempotency keys keep whatever it sent from going out again.
        CampaignRecipient.objects.filter(campaign=campaign,
                                         status=RecipientStatus.SENDING).update(
            status=RecipientStatus.PENDING, claim="")
        connection = sms_connection(organization)
        opened = axion.client_for(connection) if connection else nullcontext(None)
        runner = _Runner(campaign, Pacer(campaign.rate_per_minute, clock, sleep))
        deadline = clock() + seconds
        with opened as client:
            # At least one batch per run, so that every runner moves the campaign on.
            while runner.send_batch(client) and clock() < deadline:
                pass
        services.refresh_counts(campaign)
        if runner.nobody_left:
            services.finish_campaign(campaign=campaign)
            return f"{runner.sent} sent; campaign ended"
        more = " more to send" if runner.still_running else ""
        return f"{runner.sent} sent;{more or ' campaign not running'}"


class _Runner:
    def __init__(self, campaign: Campaign, pacer: Pacer):
        self.campaign = campaign
        self.pacer = pacer
        self.token = uuid.uuid4().hex
        self.attachment = services.attachment_of(campaign)
        self.sent = 0
        self.nobody_left = False
        self.still_running = True

    def send_batch(self, client) -> bool:
        """Claim and send one batch; False when there is nothing more to do now."""
        campaign = self.campaign
        status = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
        if status != CampaignStatus.RUNNING:
            self.still_running = False
            return False
        pending = list(CampaignRecipient.objects.filter(
            campaign=campaign, status=RecipientStatus.PENDING).order_by("id")
            .values_list("id", "number")[:batch_size(campaign.rate_per_minute)])
        if not pending:
            self.nobody_left = True
            return False
        now = timezone.now()
        opted = opted_out_numbers(organization=campaign.organization,
                                  numbers=[number for _, number in pending])
        if opted:
            CampaignRecipient.objects.filter(
                campaign=campaign, status=RecipientStatus.PENDING, number__in=opted).update(
                status=RecipientStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT,
                detail="Opted out before it was sent.", updated_at=now)
        CampaignRecipient.objects.filter(
            pk__in=[pk for pk, number in pending if number not in opted],
            status=RecipientStatus.PENDING).update(
            status=RecipientStatus.SENDING, claim=self.token, updated_at=now)
        claimed = list(CampaignRecipient.objects.filter(
            campaign=campaign, status=RecipientStatus.SENDING, claim=self.token)
            .select_related("contact").order_by("id"))
        self._send(claimed, client)
        update_rows(CampaignRecipient.objects.all(), claimed,
                    ["status", "skip_reason", "detail", "message", "updated_at"])
        services.refresh_counts(campaign)
        return True

    def _send(self, claimed: list[CampaignRecipient], client) -> None:
        """Send the claimed recipients as one batch (messaging.sending.send_batch); each
        recipient's outcome on its row, to be saved by the caller."""
        campaign = self.campaign
        now = timezone.now()
        sending = []
        for recipient in claimed:
            recipient.updated_at = now
            try:
                text = services.text_for(campaign, recipient)
            except MissingValues as error:
                recipient.status = RecipientStatus.SKIPPED
                recipient.skip_reason = SkipReason.MISSING_VALUES
                recipient.detail = str(error)[:300]
                continue
            sending.append((recipient, BatchSend(
                to=recipient.number, text=text,
                idempotency_key=idempotency_key(campaign.pk, recipient.pk))))
        if not sending:
            return
        try:
            results = send_batch(
                organization=campaign.organization, own_number=campaign.own_number.number,
                sends=[send for _, send in sending], client=client,
                attachment=self.attachment, actor_label=f"campaign {campaign.pk}",
                audit_target=f"campaign {campaign.pk}: {len(sending)} recipients",
                pace=self.pacer.wait)
        except (ValidationError, PermissionDenied) as error:  # its number, say, is gone
            for recipient, _ in sending:
                recipient.status = RecipientStatus.FAILED
                recipient.detail = _reason(error)
            return
        for (recipient, _), result in zip(sending, results, strict=True):
            self._record(recipient, result)

    def _record(self, recipient: CampaignRecipient, result: BatchResult) -> None:
        message = result.message
        if isinstance(result.refused, OptedOut):
            recipient.status = RecipientStatus.SKIPPED
            recipient.skip_reason = SkipReason.OPTED_OUT
            recipient.detail = "Opted out before it was sent."
        elif result.refused is not None:
            recipient.status = RecipientStatus.FAILED
            recipient.detail = _reason(result.refused)
        elif message.status == MessageStatus.FAILED:
            recipient.message = message
            recipient.status = RecipientStatus.FAILED
            recipient.detail = message.status_reason[:300]
        else:
            # Sent now, or by a runner that stopped before it wrote the outcome: that send
            # counts.
            recipient.message = message
            recipient.status = RecipientStatus.SENT
            self.sent += 1


def _reason(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)[:300]
    return str(error)[:300]
