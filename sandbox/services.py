"""What the simulated provider does: log in, report faxes, send, advance, notify, receive.

The API methods (fax_methods, sms_methods), the jobs (tasks), the admin and the commands all
call these functions. They raise `ApiError` with the provider's error strings, because the
provider's errors are the sandbox's domain.

Timing, and why:
- Faxes need no job: a fax's reported status follows from its age when it is read
  (`fax_state`): QUEUED for a minute, then PROGRESS for two minutes per try, then its outcome.
  Reading is deterministic under a frozen clock.
- An outbound message is QUEUED with a due time SEND_DELAY (3 s) ahead. sendSMS enqueues
  `tasks.advance_message`, which in a worker waits out the rest of those seconds (a bounded
  sleep, never a poll) and advances it; the periodic `sandbox_advance` job advances whatever
  is due too, so a task lost by the broker only delays a message by a minute. Tests run
  django-q2 in sync mode, where the task never sleeps: they move the clock and run the job.
- A message's advance is a conditional UPDATE from QUEUED, so the task and the job may race
  and still only one of them sends the updatedSMS event.
"""

import base64
import binascii
import hmac
import logging
import secrets
import uuid
import zoneinfo
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django_q.tasks import async_task

from sandbox import media as media_files
from sandbox import phone
from sandbox.models import (
    TOKEN_LIFETIME,
    FaxStatus,
    MessageStatus,
    SandboxAccount,
    SandboxFax,
    SandboxMedia,
    SandboxMessage,
    SandboxNumber,
    SandboxToken,
)
from sandbox.protocol import (
    MISSING_PARAMETERS,
    NOT_ALLOWED,
    NOT_FOUND,
    WRONG_CREDENTIALS,
    ApiError,
    event_time,
)

log = logging.getLogger(__name__)

# How long the simulated carrier takes to take an outbound message off the queue.
SEND_DELAY = timedelta(seconds=3)
# A fax waits this long in QUEUED, then each of its tries takes FAX_TRY_TAKES in PROGRESS.
FAX_QUEUED_FOR = timedelta(minutes=1)
FAX_TRY_TAKES = timedelta(minutes=2)
# The provider deletes media 30 days after the message time.
MEDIA_LIFETIME = timedelta(days=30)
# Webhooks: (connect, read) seconds. A slow portal must not hold a worker for long.
WEBHOOK_TIMEOUT = (3.05, 5)


# --- Accounts and session tokens ------------------------------------------------------

def account_for_key(api_key: str) -> SandboxAccount:
    account = SandboxAccount.objects.filter(api_key=api_key).first()
    if account is None:
        raise ApiError(NOT_ALLOWED)
    return account


def login(*, api: str, api_key: str, username: str, password: str) -> SandboxToken:
    """A new session token of one API. Earlier tokens stay valid until they expire."""
    account = account_for_key(api_key)
    # Both compared, always, in constant time: no hint which of the two was wrong.
    good_username = hmac.compare_digest(account.username.encode(), username.encode())
    good_password = hmac.compare_digest(account.password.encode(), password.encode())
    if not (good_username and good_password):
        raise ApiError(WRONG_CREDENTIALS)
    now = timezone.now()
    return SandboxToken.objects.create(account=account, api=api, token=secrets.token_urlsafe(48),
                                       created_at=now, expires_at=now + TOKEN_LIFETIME)


def authenticate(*, api: str, api_key: str, token: str) -> SandboxAccount:
    """The account of a live session token of this API issued under this API key."""
    row = (SandboxToken.objects.select_related("account")
           .filter(token=token, api=api, account__api_key=api_key,
                   expires_at__gt=timezone.now())
           .first())
    if row is None:
        raise ApiError(NOT_ALLOWED)
    return row.account


# --- Faxes ----------------------------------------------------------------------------

def fax_state(fax: SandboxFax, now: datetime) -> tuple[str, int]:
    """(STATUS, TRY_COUNT) of a fax at `now`, from its age."""
    age = now - fax.time
    if age < FAX_QUEUED_FOR:
        return FaxStatus.QUEUED, 0
    current_try = (age - FAX_QUEUED_FOR) // FAX_TRY_TAKES + 1
    if current_try <= fax.try_count:
        return FaxStatus.PROGRESS, current_try
    return fax.outcome, fax.try_count


def visible_faxes(account: SandboxAccount, now: datetime) -> QuerySet[SandboxFax]:
    """The account's faxes sent by `now` (seeded faxes of the future are not there yet)."""
    return SandboxFax.objects.filter(account=account, time__lte=now).order_by("time", "id")


def faxes_of_day(account: SandboxAccount, day: date, now: datetime) -> QuerySet[SandboxFax]:
    """The faxes of one calendar day in the account's time zone."""
    tz = account_tzinfo(account)
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return visible_faxes(account, now).filter(time__gte=start, time__lt=end)


def account_tzinfo(account: SandboxAccount) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(account.time_zone)


# --- Media ----------------------------------------------------------------------------

def media_url(media: SandboxMedia) -> str:
    """The media's URL as getSMS and newSMS show it; fetching it directly is refused."""
    path = reverse("sandbox:media", kwargs={"key": media.key, "extension": media.extension})
    return settings.PORTAL_BASE_URL + path


def media_for_url(*, account: SandboxAccount, url: str) -> SandboxMedia:
    """The account's media behind a URL from getSMS; NOT FOUND when unknown or expired."""
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    key = name.split(".", 1)[0]
    media = (SandboxMedia.objects.select_related("message")
             .filter(key=key, message__account=account).first()) if key else None
    if media is None or media.message.time < timezone.now() - MEDIA_LIFETIME:
        raise ApiError(NOT_FOUND)
    return media


def decode_file(data: str) -> tuple[media_files.MediaKind, bytes]:
    """The bytes of sendSMS's base64 `file`: jpg, png, gif or mp3, at most 3.5 MB."""
    if data.startswith("data:") and "," in data:
        data = data.split(",", 1)[1]  # tolerate a data: URL prefix
    try:
        raw = base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(MISSING_PARAMETERS) from exc
    kind = media_files.sniff(raw)
    if kind is None or len(raw) > media_files.MAX_FILE_BYTES:
        raise ApiError(MISSING_PARAMETERS)
    return kind, raw


def _attach(message: SandboxMessage, kind: media_files.MediaKind, data: bytes) -> SandboxMedia:
    return SandboxMedia.objects.create(message=message, content_type=kind.content_type,
                                       extension=kind.extension, data=data)


# --- Messages -------------------------------------------------------------------------

def send_sms(*, account: SandboxAccount, source: str, destinations: list[str], text: str,
             file: str | None = None, customer_provided_id: str = "") -> SandboxMessage:
    """Accept an outbound message: QUEUED now, SENT or FAILED once due (see module doc)."""
    if not phone.is_us_e164(source):
        raise ApiError(MISSING_PARAMETERS)
    # Only US destinations, in E.164 (the provider's rule).
    if not destinations or not all(phone.is_us_e164(number) for number in destinations):
        raise ApiError(MISSING_PARAMETERS)
    attachment = decode_file(file) if file else None
    if not text and attachment is None:
        raise ApiError(MISSING_PARAMETERS)
    number = SandboxNumber.objects.filter(account=account, number=source).first()
    if number is None:
        raise ApiError(NOT_FOUND)
    now = timezone.now()
    with transaction.atomic():
        message = SandboxMessage.objects.create(
            account=account, number=number, direction=SandboxMessage.Direction.OUTBOUND,
            src=source, dst=list(destinations), text=text, time=now,
            status=MessageStatus.QUEUED, user_uuid=str(account.user_uuid),
            customer_provided_id=customer_provided_id, due_at=now + SEND_DELAY)
        if attachment is not None:
            _attach(message, *attachment)
        # Enqueued once the rows are committed, so the worker finds them.
        transaction.on_commit(
            lambda: async_task("sandbox.tasks.advance_message", message.pk,
                               task_name=f"sandbox-advance-{message.pk}"))
    return message


def outcome_of(message: SandboxMessage) -> str:
    """FAILED when any destination is unreachable (ends in 0000: phone.is_unreachable)."""
    if any(phone.is_unreachable(number) for number in message.dst):
        return MessageStatus.FAILED
    return MessageStatus.SENT


def advance_due_messages(*, message_ids: list[int] | None = None) -> int:
    """Move due QUEUED outbound messages to SENT/FAILED and send updatedSMS; how many moved."""
    now = timezone.now()
    due = SandboxMessage.objects.filter(
        status=MessageStatus.QUEUED, direction=SandboxMessage.Direction.OUTBOUND,
        due_at__lte=now)
    if message_ids is not None:
        due = due.filter(pk__in=message_ids)
    moved = 0
    for message in due.select_related("number", "account").order_by("due_at", "id"):
        outcome = outcome_of(message)
        # Conditional: whoever moves the row first (task or job) is the one that notifies.
        won = SandboxMessage.objects.filter(pk=message.pk, status=MessageStatus.QUEUED).update(
            status=outcome, due_at=None)
        if not won:
            continue
        message.status = outcome
        moved += 1
        deliver_webhook(message.number.callback_url, updated_sms_event(message, at=now))
    return moved


def find_messages(*, account: SandboxAccount, message_uuid: uuid.UUID | None = None,
                  messaging_number: str | None = None, number: str | None = None,
                  status: str | None = None, from_time: datetime | None = None,
                  to_time: datetime | None = None, newest_first: bool = True, offset: int = 0,
                  limit: int = 100) -> list[SandboxMessage]:
    """getSMS: the account's messages matching every given filter, one page of them."""
    found = SandboxMessage.objects.filter(account=account)
    if message_uuid is not None:
        found = found.filter(uuid=message_uuid)
    if messaging_number is not None:
        found = found.filter(number__number=messaging_number)
    if number is not None:
        found = found.filter(parties__contains=f" {number} ")
    if status is not None:
        found = found.filter(status=status)
    if from_time is not None:
        found = found.filter(time__gte=from_time)
    if to_time is not None:
        found = found.filter(time__lte=to_time)
    order = ("-time", "-id") if newest_first else ("time", "id")
    found = found.select_related("number").prefetch_related("media").order_by(*order)
    return list(found[offset:offset + limit])


def delete_message(*, account: SandboxAccount, message_uuid: uuid.UUID) -> None:
    """deleteSMS: permanent, media included."""
    deleted, _ = SandboxMessage.objects.filter(account=account, uuid=message_uuid).delete()
    if not deleted:
        raise ApiError(NOT_FOUND)


def update_number(*, account: SandboxAccount, number: str, callback_url: str) -> SandboxNumber:
    """updateNumber: set (or, with "", clear) the callback URL of one of the account's numbers."""
    if not phone.is_us_e164(number):
        raise ApiError(MISSING_PARAMETERS)
    if callback_url:
        try:
            URLValidator(schemes=["http", "https"])(callback_url)
        except ValidationError as exc:
            raise ApiError(MISSING_PARAMETERS) from exc
        if len(callback_url) > SandboxNumber._meta.get_field("callback_url").max_length:
            raise ApiError(MISSING_PARAMETERS)
    row = SandboxNumber.objects.filter(account=account, number=number).first()
    if row is None:
        raise ApiError(NOT_FOUND)
    row.callback_url = callback_url
    row.save(update_fields=["callback_url"])
    return row


def simulate_inbound(*, number: str, source: str, text: str = "",
                     media_names: list[str] | tuple[str, ...] = ()
                     ) -> tuple[SandboxMessage, bool | None]:
    """Receive a message on a sandbox number, as if `source` had texted it, and send newSMS.

    Returns the stored RECEIVED message and whether the event was delivered (None when the
    number has no callback URL). Raises ValueError for a number that is not in the sandbox,
    a bad sender, an unknown media kind or an empty message.
    """
    own = (SandboxNumber.objects.select_related("account")
           .filter(number=phone.lenient_us_number(number) or number).first())
    if own is None:
        raise ValueError(f"{number} is not a sandbox messaging number.")
    sender = phone.lenient_us_number(source)
    if sender is None:
        raise ValueError(f"{source} is not a US phone number.")
    unknown = [name for name in media_names if name not in media_files.KINDS]
    if unknown:
        raise ValueError(f"Unknown media kind {unknown[0]!r}; use one of "
                         f"{', '.join(media_files.KINDS)}.")
    if not text and not media_names:
        raise ValueError("An inbound message needs a text or media.")
    with transaction.atomic():
        message = SandboxMessage.objects.create(
            account=own.account, number=own, direction=SandboxMessage.Direction.INBOUND,
            src=sender, dst=[own.number], text=text, status=MessageStatus.RECEIVED)
        for name in media_names:
            _attach(message, *media_files.sample(name))
    if not own.callback_url:
        return message, None
    return message, deliver_webhook(own.callback_url, new_sms_event(message))


# --- Webhooks -------------------------------------------------------------------------

def updated_sms_event(message: SandboxMessage, *, at: datetime) -> dict:
    return {
        "event": "updatedSMS",
        "uuid": str(message.uuid),
        "time": event_time(at),
        "status": message.status,
        "messagingNumber": message.number.digits,  # no plus here (docs/provider.md quirk 11)
        "accountNumber": message.account.account_number,
    }


def new_sms_event(message: SandboxMessage) -> dict:
    urls = [media_url(media) for media in message.media.all()]
    return {
        "event": "newSMS",
        "uuid": str(message.uuid),
        "time": event_time(message.time),
        "number": message.number.number,
        "sourceNumber": message.src,
        "destinationNumbers": list(message.dst),
        "text": message.text,
        # The provider sends an empty string, not an empty list, when there is no media.
        "media": urls or "",
    }


def deliver_webhook(url: str, payload: dict) -> bool:
    """POST an event to a callback URL; True on a 2xx. Never raises: a failure is logged.

    The log names only the host: the path of a callback URL carries the portal's secret.
    Only the portal's own webhooks are called: the sandbox runs inside the portal, and a
    callback URL registered through it must not make the portal post anywhere else.
    """
    if not url:
        return False
    where = urlsplit(url).netloc
    if not url.startswith(f"{settings.PORTAL_BASE_URL.rstrip('/')}/hooks/"):
        log.warning("sandbox %s event %s not sent to %s: not the portal's own webhooks",
                    payload.get("event"), payload.get("uuid"), where)
        return False
    try:
        response = requests.post(url, json=payload, timeout=WEBHOOK_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - a broken receiver must never break the sender
        log.warning("sandbox %s event %s to %s failed: %s", payload.get("event"),
                    payload.get("uuid"), where, type(exc).__name__)
        return False
    if not 200 <= response.status_code < 300:
        log.warning("sandbox %s event %s to %s answered HTTP %s", payload.get("event"),
                    payload.get("uuid"), where, response.status_code)
        return False
    return True
