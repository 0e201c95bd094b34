"""Reading the provider's answers: each answer becomes a dict, media bytes, or one error.

The steps, each a function of its own, in the order the transport takes them:

1. `check_status`: HTTP 5xx is a transport failure, a redirect is a wrong API URL.
2. `decode`: the body as text and as JSON (or NOT_JSON), nothing else.
3. `provider_error`: the provider's error, when the answer carries one. Error strings are
   found under any key that may hold them, nested values included, and compared without
   regard to case, spaces or underscores (docs/provider.md, quirk 2).
4. `malformed`: what to say of an answer that is neither a success nor an error.

Of an error the provider's text does not list, only an error code is kept for people
(`error_code`); free text stays in the error's body, for the logs.

`secrets_in` lists the values under secret-looking keys of an answer, so that the
transport can redact them too; nothing here keeps state.
"""

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from axion.errors import (
    PROVIDER_ERRORS,
    MalformedResponse,
    ProviderError,
    TransportError,
    UnknownProviderError,
)

# What `decode` returns for a body that is not JSON.
NOT_JSON = object()

# Keys that may carry the error string, compared in lower case; RESULT itself too.
_ERROR_KEYS = ("result", "error", "message", "description")
_SECRET_KEYS = ("apikey", "password", "sessiontoken", "token")
# What an error code looks like: upper-case letters, digits, spaces and underscores, short.
_CODE = re.compile(r"[A-Z0-9][A-Z0-9 _]{0,39}")


def squeeze(text: str) -> str:
    """Upper case without spaces or underscores: 'Not  allowed ' and 'NOT_ALLOWED' match."""
    return re.sub(r"[\s_]+", "", text).upper()


_ERROR_BY_STRING = {squeeze(cls.error_string): cls for cls in PROVIDER_ERRORS}


def lookup(data: Mapping[str, Any], name: str) -> Any:
    """The value of a key whatever its case or underscores (`SESSION_TOKEN`, `sessionToken`)."""
    for key, value in data.items():
        if squeeze(str(key)) == squeeze(name):
            return value
    return None


def is_ok(data: Mapping[str, Any]) -> bool:
    result = lookup(data, "result")
    return isinstance(result, str) and squeeze(result) == "OK"


def check_status(status: int, method: str) -> None:
    """Raise for an HTTP status that is not an answer of the provider's API."""
    if status >= 500:
        raise TransportError(f"{method}: the provider failed with HTTP {status}",
                             method=method, status=status, request_sent=True)
    if 300 <= status < 400:
        raise MalformedResponse(
            f"{method}: the provider redirected (HTTP {status}); check the API URL",
            method=method, status=status)


def decode(content: bytes) -> tuple[str, Any]:
    """The body as text, and as decoded JSON or NOT_JSON."""
    text = content.decode("utf-8", errors="replace")
    try:
        return text, json.loads(text)
    except ValueError:
        return text, NOT_JSON


def secrets_in(data: Any) -> set[str]:
    """The values under secret-looking keys of a decoded answer (a token, a key echoed)."""
    if not isinstance(data, Mapping):
        return set()
    return {value for key, value in data.items()
            if squeeze(str(key)).lower() in _SECRET_KEYS and isinstance(value, str) and value}


def provider_error(data: Any, text: str, method: str,
                   redact: Callable[[str], str]) -> ProviderError | None:
    """The provider's error carried by this answer, or None when it carries none.

    What the provider said of an error it does not document goes through `redact` before it
    is kept; the error's `body` is left for the caller to fill.
    """
    if isinstance(data, dict):
        texts = _error_texts(data)
    else:
        # A bare string, as JSON or as plain text, counts only if it is a known error.
        texts = [data if isinstance(data, str) else text]
    for candidate in texts:
        error_class = _ERROR_BY_STRING.get(squeeze(candidate))
        if error_class is not None:
            return error_class(f"{method}: the provider answered {error_class.error_string}",
                               method=method)
    if not isinstance(data, dict) or is_ok(data):
        return None
    said = [t for t in texts if t.strip() and squeeze(t) not in ("ERROR", "OK")]
    result = lookup(data, "result")
    if not said and result is None:
        return None
    code = error_code(redact(said[0])) if said else ""
    return UnknownProviderError(
        f"{method}: the provider answered an unknown error" + (f" ({code})" if code else ""),
        provider_code=code, method=method)


def error_code(text: str) -> str:
    """`text` stripped when it looks like an error code, else "": an answer's free text may
    hold anything (markup, addresses, an echoed secret) and is never shown to people."""
    text = text.strip()
    return text if _CODE.fullmatch(text) else ""


def malformed(*, status: int, content_type: str, text: str, data: Any, method: str,
              expected: str = "JSON") -> MalformedResponse:
    """The error for an answer that is neither a success nor a provider error."""
    content_type = content_type.lower()
    if not text.strip():
        what = "an empty body"
    elif "html" in content_type or text.lstrip().startswith("<"):
        what = "an HTML page"
    elif data is NOT_JSON:
        what = "a body that is not JSON"
    elif isinstance(data, dict) and is_ok(data):
        what = "RESULT OK"
    elif isinstance(data, dict):
        what = "JSON without RESULT"
    else:
        what = "JSON that is not an object"
    return MalformedResponse(
        f"{method}: the provider answered HTTP {status} with {what} instead of {expected}",
        method=method, status=status)


def looks_like_media(content: bytes, content_type: str, status: int) -> bool:
    """Whether a getMMSMedia answer is the file rather than an answer about it: media files
    are jpg, png, gif or mp3, never JSON or HTML, and never empty."""
    kind = content_type.lower()
    looks_like_json = content.lstrip()[:1] == b"{" or "json" in kind
    return bool(content) and status < 300 and not looks_like_json and "html" not in kind


def _error_texts(data: Mapping[str, Any]) -> list[str]:
    """Every string under a key that may carry the error, nested values included."""
    texts: list[str] = []
    for key, value in data.items():
        if str(key).lower() in _ERROR_KEYS:
            texts.extend(_strings_in(value))
    return texts


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for item in value.values() for s in _strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings_in(item)]
    return []
