"""`SmsClient`: the SMS API (version 9), one typed method per provider method.

Answers become records with normalised values: numbers in E.164 where they are US ones
(docs/provider.md quirk 11), times as aware UTC datetimes (docs/provider.md quirk 18), media as a
list of URLs even when the provider sends '' or nothing (docs/provider.md quirk 12), text '' when
missing. Everything else (session, retries, errors) is the transport's, in axion/transport.py.

Two rules from the provider's gaps live here:

- `send_sms` is never repeated (docs/provider.md quirk 16). When its answer is lost it raises
  `axion.OutcomeUnknown`: record the message as unknown and look for it with `get_sms`
  (by messaging number, number and time window) before any resend.
- `get_sms` returns at most 100 messages (docs/provider.md quirk 15); `iter_sms` pages through all
  of them. `NOT FOUND` (no match, or an offset past the end) is an empty page, as in
  docs/provider.md quirk 3. Times sent as filters are written in ISO 8601 UTC with `Z`, like the
  provider's webhook times; numbers are sent as given, except `number`, which the provider
  documents as E.164.
"""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from axion.errors import MalformedResponse, NotFound, OutcomeUnknown
from axion.transport import AxionTransport
from common.phone import normalize_number

PAGE_SIZE = 100  # the provider's maximum per getSMS call
# The provider takes jpg, png, gif and mp3 files "up to 3.5MB", read as 3,500,000 bytes: the
# stricter reading, so that nothing the portal accepts is refused upstream.
MAX_FILE_BYTES = 3_500_000
MAX_FILE_SIZE = f"{MAX_FILE_BYTES / 1_000_000:g} MB"  # as people read it: "3.5 MB"
FILE_TOO_LARGE = f"The file is larger than {MAX_FILE_SIZE}."

# getSMS filters by their Python names; the provider's own camelCase names work too.
FILTERS = {
    "uuid": "uuid",
    "messaging_number": "messagingNumber",
    "number": "number",
    "message_status": "messageStatus",
    "from_time": "fromTime",
    "to_time": "toTime",
    "limit": "limit",
    "offset": "offset",
    "sort": "sort",
    "customer_provided_id": "customerProvidedId",
}


@dataclass(frozen=True)
class SmsMessage:
    """One message read with getSMS."""

    uuid: str
    source: str
    destinations: list[str]
    text: str
    time: dt.datetime
    media: list[str]
    status: str
    user_uuid: str | None
    associated_number: str
    raw: dict[str, Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class SendResult:
    """The provider's receipt of an accepted sendSMS; the message is QUEUED."""

    uuid: str
    time: dt.datetime | None
    customer_provided_id: str | None
    raw: dict[str, Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class VersionInfo:
    """The answer of the version check: userLogin with the API key only (docs/provider.md,
    quirk 9)."""

    version: str
    hash: str
    build_time: str
    raw: dict[str, Any] = field(compare=False, repr=False)


@dataclass(frozen=True)
class MediaFile:
    """The bytes of one MMS media file, with the content type when the provider gives one."""

    content: bytes
    content_type: str | None


class SmsClient:
    """The SMS API of one connection."""

    def __init__(self, transport: AxionTransport):
        self.transport = transport

    def close(self) -> None:
        self.transport.close()

    def __enter__(self) -> "SmsClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def version(self) -> VersionInfo:
        """The API version; needs the API key only, so it tests a connection without login."""
        data = self.transport.call_without_token("userLogin")
        return VersionInfo(version=_text(data.get("version")), hash=_text(data.get("hash")),
                           build_time=_text(data.get("buildTime")), raw=data)

    def login(self) -> None:
        """Log in now and store the new token (renewal, connection test)."""
        self.transport.login()

    def send_sms(self, source: str, destinations: Sequence[str] | str, text: str,
                 file_b64: str | None = None,
                 customer_provided_id: str | None = None) -> SendResult:
        """Send an SMS, or an MMS with `file_b64`. Never repeated: see OutcomeUnknown."""
        if isinstance(destinations, str):
            destinations = [destinations]
        if not destinations:
            raise ValueError("A message needs at least one destination number.")
        params: dict[str, Any] = {
            "sourceNumber": normalize_number(source),
            "destinationNumbers": [normalize_number(number) for number in destinations],
            "text": text,
        }
        if file_b64 is not None:
            _check_file_size(file_b64)
            params["file"] = file_b64
        if customer_provided_id is not None:
            params["customerProvidedId"] = customer_provided_id
        data = self.transport.call("sendSMS", params, repeatable=False,
                                   outcome_unknown_if_lost=True)
        uuid = data.get("uuid")
        if not isinstance(uuid, str) or not uuid:
            # Accepted, but we cannot tell which message it is: reconcile like a lost answer.
            raise OutcomeUnknown("sendSMS: the provider answered OK without a message uuid; "
                                 "reconcile before resending", method="sendSMS",
                                 body=json.dumps(data))
        return SendResult(uuid=uuid, time=_optional_time(data.get("time")),
                          customer_provided_id=_optional_text(data.get("customerProvidedId")),
                          raw=data)

    def get_sms(self, **filters: Any) -> list[SmsMessage]:
        """One page of messages (at most 100) matching the filters.

        Filters, by their Python or provider names: uuid, messaging_number, number,
        message_status, from_time, to_time (datetimes or strings), limit (1 to 100),
        offset, sort ("ASC" or "DESC"), customer_provided_id. `NOT FOUND` is an empty list.
        """
        try:
            data = self.transport.call("getSMS", _filter_params(filters), repeatable=True)
        except NotFound:
            # Like the fax lookups (docs/provider.md quirk 3): no match, or an offset past the end,
            # is no message.
            return []
        messages = data.get("messages") or []
        if not isinstance(messages, list):
            raise _malformed("getSMS: messages is not a list", data)
        return [_message(item, data) for item in messages]

    def iter_sms(self, filters: Mapping[str, Any] | None = None,
                 **more_filters: Any) -> Iterator[SmsMessage]:
        """Every message matching the filters, 100 per call, holding one page at a time.

        Sorted oldest first unless `sort` says otherwise, so that messages arriving while
        paging are appended after the last page instead of shifting the pages. Deduplicate
        by uuid all the same (docs/provider.md quirk 15).
        """
        base = {**(filters or {}), **more_filters}
        if {"limit", "offset"} & set(base):
            raise TypeError("iter_sms pages by itself: do not pass limit or offset.")
        base.setdefault("sort", "ASC")
        offset = 0
        while True:
            page = self.get_sms(**base, limit=PAGE_SIZE, offset=offset)
            yield from page
            if len(page) < PAGE_SIZE:
                return
            offset += len(page)

    def get_media(self, media_url: str) -> MediaFile:
        """The bytes of one media file (getMMSMedia); a JSON answer is an error."""
        reply = self.transport.call_raw("getMMSMedia", {"mediaUrl": media_url})
        return MediaFile(content=reply.content, content_type=reply.content_type)

    def delete_sms(self, uuid: str, customer_provided_id: str | None = None) -> None:
        """Delete a message for good. `uuid` is the message's (docs/provider.md quirk 10). Not
        retried: after a lost answer, a repeat would fail for a message that is in fact deleted."""
        params: dict[str, Any] = {"uuid": uuid}
        if customer_provided_id is not None:
            params["customerProvidedId"] = customer_provided_id
        self.transport.call("deleteSMS", params, repeatable=False)

    def update_number(self, number: str, callback_url: str) -> None:
        """Set the URL the provider posts this number's events to (updateNumber)."""
        self.transport.call("updateNumber",
                            {"number": normalize_number(number), "callbackUrl": callback_url},
                            repeatable=True)


def parse_time(value: str) -> dt.datetime:
    """An SMS API time as an aware UTC datetime (docs/provider.md quirk 18): ISO 8601 with `Z` or
    an offset, or without a zone (then it is UTC)."""
    parsed = dt.datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC)


def _filter_params(filters: Mapping[str, Any]) -> dict[str, Any]:
    provider_names = set(FILTERS.values())
    params: dict[str, Any] = {}
    for name, value in filters.items():
        key = FILTERS.get(name) or (name if name in provider_names else None)
        if key is None:
            raise TypeError(f"get_sms got an unknown filter {name!r}.")
        if value is not None:
            params[key] = _filter_value(key, value)
    limit = params.get("limit")
    if limit is not None and not 1 <= int(limit) <= PAGE_SIZE:
        raise ValueError(f"limit must be between 1 and {PAGE_SIZE}.")
    if "sort" in params and params["sort"] not in ("ASC", "DESC"):
        raise ValueError("sort must be 'ASC' or 'DESC'.")
    return params


def _filter_value(key: str, value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"{key} must be an aware datetime.")
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if key == "number":
        return normalize_number(str(value))
    if key == "sort":
        return str(value).upper()
    return value


def _message(item: Any, data: Mapping[str, Any]) -> SmsMessage:
    if not isinstance(item, dict):
        raise _malformed("getSMS: a message is not an object", data)
    uuid = item.get("uuid")
    if not isinstance(uuid, str) or not uuid:
        raise _malformed("getSMS: a message has no uuid", data)
    destinations = item.get("dst") or []
    if isinstance(destinations, str):
        destinations = [destinations]
    try:
        time = parse_time(str(item["time"]))
    except (KeyError, ValueError) as exc:
        raise _malformed(f"getSMS: message {uuid} has no readable time", data) from exc
    return SmsMessage(
        uuid=uuid,
        source=normalize_number(_text(item.get("src"))),
        destinations=[normalize_number(str(number)) for number in destinations],
        text=_text(item.get("text")),
        time=time,
        media=media_urls(item.get("media")),
        status=_text(item.get("status")).upper(),
        user_uuid=_optional_text(item.get("userUuid")),
        associated_number=normalize_number(_text(item.get("associatedNumber"))),
        raw=item,
    )


def media_urls(value: Any) -> list[str]:
    """Media as a list of URLs: '' or a missing value is no media (docs/provider.md quirk 12); one
    URL given as a string is a list of one."""
    if isinstance(value, str):
        return [value.strip()] if value.strip() else []
    if isinstance(value, list):
        return [str(url).strip() for url in value if str(url).strip()]
    return []


def _optional_time(value: Any) -> dt.datetime | None:
    """The time of a send receipt; an unreadable one must not lose the receipt (uuid)."""
    try:
        return parse_time(str(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _optional_text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _check_file_size(file_b64: str) -> None:
    try:
        size = len(base64.b64decode(file_b64, validate=True))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("The file must be base64 encoded.") from exc
    if size > MAX_FILE_BYTES:
        raise ValueError(FILE_TOO_LARGE)


def _malformed(reason: str, data: Mapping[str, Any]) -> MalformedResponse:
    # getSMS and sendSMS answers hold no secret, so the whole answer is kept for logs.
    return MalformedResponse(reason, body=json.dumps(data))
