"""The provider's webhook events: parsing and validating a raw body (docs/provider.md,
quirks 11-13 and 18)."""

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

from common.phone import normalize_number

NEW_SMS = "newSMS"
UPDATED_SMS = "updatedSMS"
_REQUIRED = {
    NEW_SMS: ("uuid", "time", "number", "sourceNumber", "destinationNumbers"),
    UPDATED_SMS: ("uuid", "status"),
}

# The longest uuid stored (WebhookEvent.message_uuid, Message.uuid).
MAX_UUID_LENGTH = 64


class InvalidEvent(ValueError):
    """The body is not an event the portal understands; the message says why."""

@dataclass
class Event:
    kind: str
    uuid: str
    status: str = ""
    time: datetime | None = None
    own_number: str = ""
    source: str = ""
    destinations: list[str] = field(default_factory=list)
    text: str = ""
    media: list[str] = field(default_factory=list)

def _time(value) -> datetime | None:
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible, such as February 30
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:  # SMS API times are UTC (docs/provider.md quirk 18)

        parsed = parsed.replace(tzinfo=UTC)
    return parsed

def _media(value) -> list[str]:
    # `media` may be "" instead of a list (docs/provider.md quirk 12), or missing.
    if isinstance(value, list):
        return [str(url) for url in value if url]
    if isinstance(value, str) and value.strip():
        return [value.strip()]
    return []

def check_event(body: bytes) -> tuple[str, str]:
    """The kind and uuid of the event in a raw body, or InvalidEvent saying what is wrong
    with it. All that the webhook endpoint needs: it stores the body and answers."""
    data = _valid_data(body)
    return data["event"], str(data["uuid"]).strip()


def parse_event(body: bytes) -> Event:
    """The event in a raw body, or InvalidEvent saying what is wrong with it."""
    data = _valid_data(body)
    kind, uuid = data["event"], str(data["uuid"]).strip()
    if kind == UPDATED_SMS:
        return Event(kind=kind, uuid=uuid, status=str(data["status"]).strip().upper(),
                     time=_time(data.get("time")),
                     own_number=normalize_number(str(data.get("messagingNumber") or "")))
    return Event(kind=kind, uuid=uuid, time=_time(data["time"]),
                 own_number=normalize_number(str(data["number"])),
                 source=normalize_number(str(data["sourceNumber"])),
                 destinations=[normalize_number(str(n)) for n in data["destinationNumbers"]],
                 text=str(data.get("text") or ""), media=_media(data.get("media")))


def _valid_data(body: bytes) -> dict:
    """The body's JSON object, checked for everything that can make an event unusable."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidEvent("The body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise InvalidEvent("The body is not a JSON object.")
    kind = data.get("event")
    if kind not in _REQUIRED:
        raise InvalidEvent(f"Unknown event {kind!r}: expected newSMS or updatedSMS.")
    missing = [key for key in _REQUIRED[kind] if data.get(key) in (None, "")]
    if missing:
        raise InvalidEvent(f"{kind} lacks {', '.join(missing)}.")
    if len(str(data["uuid"]).strip()) > MAX_UUID_LENGTH:
        raise InvalidEvent(f"{kind} has a uuid longer than {MAX_UUID_LENGTH} characters.")
    if kind == NEW_SMS:
        if _time(data["time"]) is None:
            raise InvalidEvent("newSMS has a time that is not ISO 8601.")
        if not isinstance(data["destinationNumbers"], list):
            raise InvalidEvent("newSMS destinationNumbers is not a list.")
    return data
