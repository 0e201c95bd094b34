"""The wire format shared by both sandbox APIs: errors, reading a request, typed parameters, times.

Error bodies. The provider documents only the error strings (docs/provider.md quirk 2), so the
sandbox picks one shape and keeps it everywhere, for both APIs:

    {"RESULT": "ERROR", "ERROR": "NOT ALLOWED"}

with HTTP 200, as the provider's "RESULT: OK / ERROR" suggests that errors travel in the
body. The one exception is a request that is not a POST: 405 with the same body shape
(`NOT ALLOWED`) and an `Allow: POST` header.

Which error, when. A request is checked in the order of this list, except that the values
of parameters (formats, existence) are checked once the API key and token are accepted:

- INVALID JSON: the body is not JSON, or not a JSON object.
- MISSING PARAMETERS: no method; a required key is missing or has the wrong type; a value is
  malformed (a number that is not US E.164, a bad date, limit/offset/sort out of range, an
  unsupported or oversized file). The provider's text: "incomplete/missing/wrong variables".
- INVALID METHOD: a method name the API does not have.
- NOT ALLOWED: unknown API key; unknown, expired or other-account session token, or a
  token of the other API.
- WRONG CREDENTIALS: login with a good API key and a bad username or password.
- NOT FOUND: nothing matches a lookup (no fax, no message, offset past the end), or a
  number, message or media that does not exist in the account.
"""

import json
from datetime import UTC, datetime

from django.http import HttpRequest

NOT_ALLOWED = "NOT ALLOWED"
INVALID_JSON = "INVALID JSON"
MISSING_PARAMETERS = "MISSING PARAMETERS"
WRONG_CREDENTIALS = "WRONG CREDENTIALS"
INVALID_METHOD = "INVALID METHOD"
NOT_FOUND = "NOT FOUND"

# A 3.5 MB file grows to about 4.7 MB in base64; anything well past that is refused unread.
MAX_BODY_BYTES = 6 * 1024 * 1024

# Times in the SMS API's bodies (UTC, no zone: docs/provider.md quirk 18) and the fax API's (local:
# docs/provider.md quirk 6).
API_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


class ApiError(Exception):
    """A documented provider error; the view answers it as an error body."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def error_body(code: str) -> dict:
    return {"RESULT": "ERROR", "ERROR": code}


def read_json(request: HttpRequest) -> dict:
    """The request's JSON object. Reads the raw stream, because Django's `request.body`
    refuses bodies past DATA_UPLOAD_MAX_MEMORY_SIZE, which a portal may set below what a
    sendSMS with a 3.5 MB file in base64 needs."""
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(MISSING_PARAMETERS)
    try:
        params = json.loads(raw)
    except ValueError as exc:  # also UnicodeDecodeError
        raise ApiError(INVALID_JSON) from exc
    if not isinstance(params, dict):
        raise ApiError(INVALID_JSON)
    return params


def required_str(params: dict, key: str) -> str:
    value = params.get(key)
    if not isinstance(value, str) or not value:
        raise ApiError(MISSING_PARAMETERS)
    return value


def optional_str(params: dict, key: str) -> str | None:
    value = params.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ApiError(MISSING_PARAMETERS)
    return value


def optional_int(params: dict, key: str, *, default: int, minimum: int) -> int:
    """An integer given as a JSON number or a string of digits (the provider's habit)."""
    value = params.get(key)
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        raise ApiError(MISSING_PARAMETERS)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or value < minimum:
        raise ApiError(MISSING_PARAMETERS)
    return value


def api_time(moment: datetime) -> str:
    """A time as the SMS API writes it: UTC, "YYYY-MM-DD HH:MM:SS"."""
    return moment.astimezone(UTC).strftime(API_TIME_FORMAT)


def event_time(moment: datetime) -> str:
    """A time as the provider's webhooks write it: ISO 8601 with Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(value: str) -> datetime:
    """A UTC filter time: "YYYY-MM-DD HH:MM:SS", ISO 8601 (with Z or an offset), or a date."""
    text = value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ApiError(MISSING_PARAMETERS) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
