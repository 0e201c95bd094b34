"""Campaigns: creating one with its audience, the preview before it starts, starting,
pausing, resuming and cancelling it, the organization's default rate, and its end.

Every change is audited and goes through a conditional UPDATE on the status, so two
members (or a member and the runner) acting at once cannot both win. Sending itself is
campaigns/runner.py; the pages, the API and the jobs call these functions alike.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django_q.tasks import async_task

from accounts.models import Organization, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from campaigns.audience import Audience, from_label
from campaigns.models import (
    AudienceSource,
    Campaign,
    CampaignDefaults,
    CampaignRecipient,
    CampaignStatus,
)
from campaigns.segments import count_segments
from common.filetypes import MMS_TYPES
from contacts.names import contacts_by_number
from events import payloads as event_payloads
from events.services import emit
from message_templates.models import MessageTemplate
from message_templates.rendering import InvalidTemplate, MissingValues, check_text, render
from messaging.models import Label, MessagingNumber
from messaging.sending import MAX_TEXT_LENGTH, Attachment, sendable_number
from optouts.services import opted_out_numbers

CHUNK = 1000  # recipients written, or looked up, per statement
NAME_LENGTH = 100


def visible_campaigns(membership):
    """The campaigns of the numbers whose conversations the member sees (all of them for
    None: an API key acts for the organization)."""
    if membership is None:
        return Campaign.objects.all()
    return Campaign.objects.filter(
        own_number__in=MessagingNumber.objects.visible_to(membership))


def max_rate() -> int:
    return settings.CAMPAIGN_MAX_RATE_PER_MINUTE


def default_rate(*, organization: Organization) -> int:
    """The rate new campaigns of the organization start with (its admins set it)."""
    with organization_scope(organization):
        row = CampaignDefaults.objects.first()
    rate = row.rate_per_minute if row else settings.CAMPAIGN_RATE_PER_MINUTE
    return min(rate, max_rate())


def check_rate(rate: int) -> int:
    if not 1 <= rate <= max_rate():
        raise ValidationError({"rate_per_minute": f"Between 1 and {max_rate()} messages a "
                                                  f"minute (the portal's limit)."})
    return rate


def set_default_rate(*, organization: Organization, rate_per_minute: int, actor: User | None,
                     actor_label: str = "", ip: str | None = None) -> None:
    check_rate(rate_per_minute)
    with organization_scope(organization):
        CampaignDefaults.objects.update_or_create(
            organization=organization, defaults={"rate_per_minute": rate_per_minute})
    audit(organization=organization, action="campaign.default_rate_changed", actor=actor,
          actor_label=actor_label, ip=ip, detail={"rate_per_minute": rate_per_minute})


def create_campaign(*, organization: Organization, user: User | None, name: str,
                    own_number: str, text: str, audience: Audience, source: str,
                    attachment: Attachment | None = None, label: Label | None = None,
                    template: MessageTemplate | None = None,
                    rate_per_minute: int | None = None, actor_label: str = "",
                    ip: str | None = None) -> Campaign:
    """A draft campaign with its recipients (nothing is sent until it is started).

    With a template and no text, the template's text (a copy) and, without an attachment
    of its own, the template's file. ValidationError names the field: no text nor
    attachment, a text too long or with unknown placeholders, no recipient, too many, a
    rate out of bounds; PermissionDenied for a number the user may not send from."""
    text = (text or "").strip()
    name = (name or "").strip()[:NAME_LENGTH]
    if template is not None:
        text = text or template.text
        if attachment is None and template.attachment:
            with template.attachment.open("rb") as file:
                attachment = Attachment(content=file.read(),
                                        content_type=template.attachment_type)
    if not text and attachment is None:
        raise ValidationError({"text": "Write a message or attach a file."})
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError({"text": f"At most {MAX_TEXT_LENGTH} characters."})
    try:
        check_text(text)
    except InvalidTemplate as error:
        raise ValidationError({"text": str(error)}) from error
    if not audience.recipients:
        raise ValidationError({"recipients": "No valid number among the recipients."})
    if len(audience.recipients) > settings.CAMPAIGN_MAX_RECIPIENTS:
        raise ValidationError({"recipients": f"At most {settings.CAMPAIGN_MAX_RECIPIENTS:,} "
                                             f"recipients in one campaign."})
    rate = check_rate(rate_per_minute if rate_per_minute is not None
                      else default_rate(organization=organization))
    own = sendable_number(organization=organization, user=user, number=own_number)
    with organization_scope(organization), transaction.atomic():
        campaign = Campaign(
            organization=organization, name=name or f"Campaign of {timezone.now():%Y-%m-%d}",
            own_number=own, text=text, template=template, rate_per_minute=rate,
            audience_source=source,
            label=label if source == AudienceSource.LABEL else None,
            invalid_lines=audience.invalid, invalid_count=audience.invalid_count,
            duplicates_removed=audience.duplicates,
            created_by=user, total=len(audience.recipients))
        if attachment is not None:
            campaign.attachment_type = attachment.content_type
            campaign.attachment.save(
                f"{organization.pk}-campaign.{MMS_TYPES[attachment.content_type]}",
                ContentFile(attachment.content), save=False)
        campaign.save()
        for start in range(0, len(audience.recipients), CHUNK):
            chunk = audience.recipients[start:start + CHUNK]
            contacts = contacts_by_number(number for number, _ in chunk)
            CampaignRecipient.objects.bulk_create([
                CampaignRecipient(organization=organization, campaign=campaign, number=number,
                                  name=name, contact=contacts.get(number))
                for number, name in chunk])
    audit(organization=organization, action="campaign.created", actor=user,
          actor_label=actor_label, target=str(campaign.pk), ip=ip,
          detail={"name": campaign.name, "from": own.number, "recipients": campaign.total,
                  "source": source})
    return campaign


class NamedRecipient:
    """A recipient who is no contact but came with a name (a CSV's name column): enough
    for the name placeholders."""

    company = reference = ""

    def __init__(self, name: str):
        self.name = name
        self.first_name = name.split()[0] if name.split() else ""


def text_for(campaign: Campaign, recipient: CampaignRecipient) -> str:
    """The campaign's text for one recipient, placeholders filled from their contact (or
    their name from the CSV) and the campaign's author; MissingValues when one has none."""
    if "{" not in campaign.text:
        return campaign.text
    person = recipient.contact or (NamedRecipient(recipient.name) if recipient.name else None)
    return render(text=campaign.text, contact=person, member=campaign.created_by,
                  number=recipient.number)


def audience_of_label(label: Label, membership) -> Audience:
    with organization_scope(label.organization):
        return from_label(label, membership)


def attachment_of(campaign: Campaign) -> Attachment | None:
    if not campaign.attachment:
        return None
    with campaign.attachment.open("rb") as file:
        return Attachment(content=file.read(), content_type=campaign.attachment_type)


@dataclass
class Preview:
    """What starting the campaign would do, counted now."""

    total: int
    will_get: int
    opted_out: int
    opted_out_numbers: list[str]
    invalid: list[dict]
    invalid_count: int
    duplicates_removed: int
    missing_values: int
    encoding: str
    segments_per_message: int
    total_segments: int
    already_done: int = 0
    notes: list[str] = field(default_factory=list)


def preview(*, campaign: Campaign, sample: int = 20) -> Preview:
    """Recipients who would get it, who opted out (checked now), the lines left out, and
    the cost in SMS segments (an attachment makes each an MMS: one message each)."""
    organization = campaign.organization
    personal = "{" in campaign.text
    with organization_scope(organization):
        pending = CampaignRecipient.objects.filter(campaign=campaign,
                                                   status__in=("pending", "sending"))
        if personal:
            recipients = list(pending.select_related("contact").order_by("id"))
        else:
            recipients = [CampaignRecipient(number=number) for number in
                          pending.values_list("number", flat=True)]
    opted = set()
    for start in range(0, len(recipients), CHUNK):
        opted |= opted_out_numbers(organization=organization,
                                   numbers=[r.number for r in recipients[start:start + CHUNK]])
    texts, missing, notes = [], 0, []
    for recipient in recipients:
        if recipient.number in opted:
            continue
        try:
            texts.append(text_for(campaign, recipient))
        except MissingValues as error:
            missing += 1
            if len(notes) < sample:
                notes.append(str(error))
    will_get = len(texts)
    if campaign.attachment:
        encoding, per_message, total_segments = "MMS", 1, will_get
    elif personal:
        counted = [count_segments(text) for text in texts] or [count_segments(campaign.text)]
        encoding = "UCS-2" if any(c.encoding == "UCS-2" for c in counted) else "GSM-7"
        per_message = max(c.count for c in counted)
        total_segments = sum(c.count for c in counted) if texts else 0
    else:
        segments = count_segments(campaign.text)
        encoding, per_message = segments.encoding, segments.count
        total_segments = will_get * per_message
    invalid = campaign.invalid_lines or []
    return Preview(
        total=campaign.total, will_get=will_get, opted_out=len(opted),
        opted_out_numbers=sorted(opted)[:sample], invalid=invalid,
        invalid_count=campaign.invalid_count, duplicates_removed=campaign.duplicates_removed,
        missing_values=missing, encoding=encoding, segments_per_message=per_message,
        total_segments=total_segments, already_done=campaign.total - len(recipients),
        notes=notes)


def _change_status(campaign: Campaign, *, allowed_from: tuple[str, ...], to: str,
                   **values) -> bool:
    """Move the campaign's status in one conditional UPDATE; whether it moved."""
    with organization_scope(campaign.organization):
        moved = Campaign.objects.filter(pk=campaign.pk, status__in=allowed_from).update(
            status=to, **values)
        campaign.refresh_from_db()
    return bool(moved)


def _refuse(campaign: Campaign, action: str) -> ValidationError:
    return ValidationError({"status": f"A {campaign.get_status_display().lower()} campaign "
                                      f"cannot be {action}."})


def queue_runner(campaign: Campaign) -> None:
    """Start the campaign's runner once the change that asked for it is committed."""
    campaign_id = campaign.pk
    transaction.on_commit(lambda: async_task(
        "campaigns.tasks.run_campaign", campaign_id, task_name=f"campaign-{campaign_id}"))


def _act(campaign: Campaign, *, action: str, done: str, allowed_from: tuple[str, ...],
         to: str, actor: User | None, actor_label: str, ip: str | None, **values) -> None:
    if not _change_status(campaign, allowed_from=allowed_from, to=to, **values):
        raise _refuse(campaign, done)
    if to == CampaignStatus.RUNNING:
        queue_runner(campaign)
    audit(organization=campaign.organization, action=f"campaign.{action}", actor=actor,
          actor_label=actor_label, target=str(campaign.pk), ip=ip,
          detail={"name": campaign.name})


def start_campaign(*, campaign: Campaign, actor: User | None, actor_label: str = "",
                   ip: str | None = None) -> None:
    """A draft starts sending (its runner is queued); ValidationError for any other."""
    _act(campaign, action="started", done="started", allowed_from=(CampaignStatus.DRAFT,),
         to=CampaignStatus.RUNNING, actor=actor, actor_label=actor_label, ip=ip,
         started_at=timezone.now())


def pause_campaign(*, campaign: Campaign, actor: User | None, actor_label: str = "",
                   ip: str | None = None) -> None:
    """Nothing more is sent after the batch in flight."""
    _act(campaign, action="paused", done="paused", allowed_from=(CampaignStatus.RUNNING,),
         to=CampaignStatus.PAUSED, actor=actor, actor_label=actor_label, ip=ip)


def resume_campaign(*, campaign: Campaign, actor: User | None, actor_label: str = "",
                    ip: str | None = None) -> None:
    _act(campaign, action="resumed", done="resumed", allowed_from=(CampaignStatus.PAUSED,),
         to=CampaignStatus.RUNNING, actor=actor, actor_label=actor_label, ip=ip)


def cancel_campaign(*, campaign: Campaign, actor: User | None, actor_label: str = "",
                    ip: str | None = None) -> None:
    """Nothing more is sent after the batch in flight; the recipients not sent to stay
    pending (the report lists them as not sent). Emits campaign.finished for a campaign
    that had started (a draft discarded sent nothing: no event)."""
    with transaction.atomic():
        _act(campaign, action="cancelled", done="cancelled",
             allowed_from=(CampaignStatus.DRAFT, CampaignStatus.RUNNING,
                           CampaignStatus.PAUSED),
             to=CampaignStatus.CANCELLED, actor=actor, actor_label=actor_label, ip=ip,
             finished_at=timezone.now())
        if campaign.started_at is not None:
            _announce_end(campaign)


def refresh_counts(campaign: Campaign) -> None:
    """Recount the recipients by status (one grouped read) into the campaign's counts."""
    with organization_scope(campaign.organization):
        counts = dict(CampaignRecipient.objects.filter(campaign=campaign)
                      .values_list("status").annotate(n=Count("id")).order_by())
        values = {"sent": counts.get("sent", 0), "failed": counts.get("failed", 0),
                  "skipped": counts.get("skipped", 0)}
        Campaign.objects.filter(pk=campaign.pk).update(**values)
    for name, value in values.items():
        setattr(campaign, name, value)


def finish_campaign(*, campaign: Campaign) -> bool:
    """A running campaign with nobody left to send to is finished (campaign.finished);
    whether this call finished it."""
    with transaction.atomic():
        refresh_counts(campaign)
        if not _change_status(campaign, allowed_from=(CampaignStatus.RUNNING,),
                              to=CampaignStatus.FINISHED, finished_at=timezone.now()):
            return False
        _announce_end(campaign)
    audit(organization=campaign.organization, action="campaign.finished",
          actor_label="campaign runner", target=str(campaign.pk),
          detail={"sent": campaign.sent, "failed": campaign.failed,
                  "skipped": campaign.skipped})
    return True


def _announce_end(campaign: Campaign) -> None:
    """campaign.finished, in the transaction of the change."""
    refresh_counts(campaign)
    event = event_payloads.campaign_finished_event(campaign)
    with organization_scope(campaign.organization):
        emit(organization=campaign.organization, type=event.type, subject=event.subject,
             payload=event.payload)
