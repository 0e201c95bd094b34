"""Idempotency keys of sends (the composer's one-time token, the API's `Idempotency-Key`).

A repeated key answers the first send instead of sending again, because sendSMS is not
idempotent upstream (docs/provider.md quirk 16). What a key was used for is kept as a
digest on each of its messages, so that the same key with another message is refused
rather than answered with the first; and while the first send has no outcome yet (SENDING,
or UNKNOWN until reconciled) the repeat is told so rather than given a stale answer.
"""

import hashlib
import json
from datetime import UTC, datetime

from messaging.models import Message, MessageStatus

KEY_REUSED = "This idempotency key was used for another message: use a new key for it."


class SendInProgress(Exception):
    """A repeated key whose first send has no outcome yet: nothing is sent again."""

    def __init__(self, messages: list[Message]):
        self.messages = messages
        super().__init__("; ".join(
            f"message {m.uuid} to {', '.join(m.destinations)} is {m.status}"
            + (f" ({m.status_reason})" if m.status_reason else "") for m in messages))


class IdempotencyKeyReused(Exception):
    """A repeated key with another message than the first time it was used."""


def request_digest(*, own_number: str, destinations: list[str], text: str,
                   media: bytes | None, client_reference: str, group: bool,
                   send_at: datetime | None = None) -> str:
    """What a send asks for, as a SHA-256 of its meaningful parts, already normalised by
    the caller (E.164 numbers, stripped text): the same message written differently, or
    with its recipients in another order, gives the same digest."""
    meaningful = {"from": own_number, "to": sorted(destinations), "text": text,
                  "media": hashlib.sha256(media).hexdigest() if media is not None else "",
                  "client_reference": client_reference, "group": group}
    if send_at is not None:  # only then: digests of sends now stay as they were
        meaningful["send_at"] = send_at.astimezone(UTC).isoformat()
    return hashlib.sha256(json.dumps(meaningful, sort_keys=True).encode()).hexdigest()


def _other_request(message: Message, digest: str) -> bool:
    # Messages sent before digests were kept have none: they are not compared.
    return bool(message.idempotency_digest) and message.idempotency_digest != digest


def check_earlier_send(message: Message, digest: str) -> None:
    """One earlier send of the key: of this same request, and with an outcome."""
    if _other_request(message, digest):
        raise IdempotencyKeyReused(KEY_REUSED)
    if message.status in MessageStatus.unsettled():
        raise SendInProgress([message])


def check_earlier_sends(keys: list[str], digest: str) -> None:
    """Before anything is sent, in the organization's scope: every earlier send of these
    keys (one per recipient) must be of this same request (IdempotencyKeyReused) and have an
    outcome (SendInProgress, naming each one that has none). Recipients without an earlier
    send are then sent to, the others answered with it."""
    if not any(keys):
        return
    earlier = list(Message.objects.filter(idempotency_key__in=keys).order_by("id"))
    if any(_other_request(m, digest) for m in earlier):
        raise IdempotencyKeyReused(KEY_REUSED)
    unsettled = [m for m in earlier if m.status in MessageStatus.unsettled()]
    if unsettled:
        raise SendInProgress(unsettled)
