"""Secrets, bodies and signatures of outgoing webhooks, as the Standard Webhooks
specification has them (https://www.standardwebhooks.com/).

- A secret is `whsec_` and the base64 of 32 random bytes.
- The body is the JSON envelope {"id", "type", "created_at", "data"}, the same bytes on
  every attempt.
- Headers: `webhook-id` (the event's id, `evt_<id>`, the same on every retry, so a
  receiver drops a delivery it has seen), `webhook-timestamp` (unix seconds of this
  attempt) and `webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for
  each secret that signs (two, space-separated, during a rotation's grace period).

Signatures are made with the `standardwebhooks` package itself, so that what a receiver
verifies with it is what was signed.
"""

import base64
import json
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

from events.payloads import iso

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
USER_AGENT = "Axion-Portal-Webhooks/1"


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def event_id(event) -> str:
    """The event's stable id: the `webhook-id` header and the body's `id`."""
    return f"evt_{event.pk}"


def body_of(event) -> bytes:
    """The envelope of an event, as posted: compact JSON, ASCII only (any text escaped),
    so that the bytes signed are the bytes sent whatever a proxy does to encodings."""
    envelope = {"id": event_id(event), "type": event.type, "created_at": iso(event.created_at),
                "data": event.payload}
    return json.dumps(envelope, separators=(",", ":")).encode()


def signed_headers(*, message_id: str, body: bytes, secrets: list[str],
                   at: datetime) -> dict[str, str]:
    """The headers of one attempt at `at`, signed with each of `secrets`."""
    at = at.astimezone(UTC)
    text = body.decode()
    signatures = [Webhook(secret).sign(message_id, at, text) for secret in secrets]
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": " ".join(signatures),
    }
