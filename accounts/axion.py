"""The one transport to Axion's two APIs (fax status v3, SMS v9); it imports nothing from Django.

Every call is a JSON POST to the tenant's API URL over one pooled `requests.Session`, with
mandatory (connect, read) timeouts. This module owns what both APIs share (see
axion-api.md, gaps 1, 2 and 16):

- the exception hierarchy, and the mapping of every answer to it: the provider's error
  strings are found wherever the body carries them and compared without regard to case or
  space; HTML, empty and non-JSON bodies, redirects and HTTP 5xx are distinct, clear errors;
- the session: a call without a token logs in first; `NOT ALLOWED` logs in again once and
  repeats the call once; a second `NOT ALLOWED` is raised. Logins of one connection are
  serialised by the token store's lock, and whoever gets the lock re-reads the store first,
  because another caller may have logged in meanwhile. Tokens last 30 days;
- retries: only calls that are harmless to repeat are retried, after a short backoff, and
  only on transport failures (timeouts, refused or dropped connections, HTTP 5xx), never on
  a provider's answer. Logins, lookups, reads, media and `updateNumber` (it sets a value) are
  repeatable. `deleteSMS` is not retried: a repeat after a lost answer would report an error
  for a message that was in fact deleted, so the caller decides. `sendSMS` is never repeated:
  when its request may have reached the provider and the answer was lost, the call raises
  `OutcomeUnknown`, and the message must be reconciled through `getSMS` before any resend.

Secrets never appear in an exception's str() or repr(), nor in the body it keeps for logs:
the API key, the password and every token seen are replaced by `[redacted]`.
"""

import json
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Protocol, TypeVar

import requests
from urllib3.exceptions import ConnectTimeoutError

logger = logging.getLogger(__name__)

# Gap 1: "The session token is valid for 30 days."
TOKEN_LIFETIME = timedelta(days=30)
# Repeatable calls are tried this often in all, waiting BACKOFF_SECONDS, then twice that.
DEFAULT_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
REDACTED = "[redacted]"

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- Exceptions -------------------------------------------------------------------------


class AxionError(Exception):
    """Base of every error of the provider client.

    str() is a short message that is safe to show and log: it never holds a secret. The
    provider's whole answer is kept in `body` (text, secrets redacted) for logs, with the
    HTTP `status` and the provider `method` called.
    """

    def __init__(self, message: str = "", *, method: str = "", body: str = "",
                 status: int | None = None):
        super().__init__(message)
        self.method = method
        self.body = body
        self.status = status


class ProviderError(AxionError):
    """The provider answered with an error string."""

    error_string: ClassVar[str] = ""


class NotAllowed(ProviderError):
    """Invalid API key or session token."""

    error_string = "NOT ALLOWED"


class WrongCredentials(ProviderError):
    """Invalid username or password."""

    error_string = "WRONG CREDENTIALS"


class MissingParameters(ProviderError):
    error_string = "MISSING PARAMETERS"


class InvalidJson(ProviderError):
    error_string = "INVALID JSON"


class InvalidMethod(ProviderError):
    error_string = "INVALID METHOD"


class NotFound(ProviderError):
    """No record matches; the fax lookups turn it into an empty list (gap 3)."""

    error_string = "NOT FOUND"


class UnknownProviderError(ProviderError):
    """An error the provider's text does not list; `provider_text` is what it said."""

    def __init__(self, message: str = "", *, provider_text: str = "", **kwargs: Any):
        super().__init__(message, **kwargs)
        self.provider_text = provider_text


class MalformedResponse(AxionError):
    """The answer is not a provider answer: HTML, empty, not JSON, a redirect, no RESULT."""


class TransportError(AxionError):
    """The provider could not be reached or failed (timeout, refused, reset, HTTP 5xx).

    `request_sent` is False only when nothing went out (the connection was never made).
    """

    def __init__(self, message: str = "", *, request_sent: bool = True, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.request_sent = request_sent


class TransportTimeout(TransportError):
    """No connection or no answer within the timeout."""


class OutcomeUnknown(AxionError):
    """A sendSMS may have reached the provider but its answer was lost (gap 16).

    Deliberately not a TransportError, so that code which retries transport errors cannot
    resend by accident: record the send as unknown and reconcile it through getSMS.
    """


_PROVIDER_ERRORS: tuple[type[ProviderError], ...] = (
    NotAllowed, WrongCredentials, MissingParameters, InvalidJson, InvalidMethod, NotFound,
)


def _squeeze(text: str) -> str:
    """Upper case without spaces or underscores: 'Not  allowed ' and 'NOT_ALLOWED' match."""
    return re.sub(r"[\s_]+", "", text).upper()


_ERROR_BY_STRING = {_squeeze(cls.error_string): cls for cls in _PROVIDER_ERRORS}
# Gap 2: keys that may carry the error string, compared in lower case. RESULT itself too.
_ERROR_KEYS = ("result", "error", "message", "description")
_SECRET_KEYS = ("apikey", "password", "sessiontoken", "token")


# --- Token storage ----------------------------------------------------------------------


class TokenStore(Protocol):
    """Where a connection's session token lives between calls (the database, in the portal)."""

    def get(self) -> str | None:
        """The stored token if it is still valid, else None."""

    def save(self, token: str, expires_at: datetime) -> None:
        """Keep a new token, valid until `expires_at`."""

    def lock(self) -> AbstractContextManager[Any]:
        """A lock held while logging in, shared by every caller of one connection."""


class MemoryTokenStore:
    """A TokenStore in memory: for scripts, tests, and anything without a database."""

    def __init__(self, token: str | None = None, expires_at: datetime | None = None, *,
                 clock: Callable[[], datetime] = utc_now):
        self.token = token
        self.expires_at = expires_at
        self._clock = clock
        self._lock = threading.Lock()

    def get(self) -> str | None:
        if self.token and self.expires_at is not None and self.expires_at > self._clock():
            return self.token
        return None

    def save(self, token: str, expires_at: datetime) -> None:
        self.token = token
        self.expires_at = expires_at

    def lock(self) -> AbstractContextManager[Any]:
        return self._lock


# --- Key names of the two APIs ------------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    """The key names and login method of one of the two APIs."""

    method: str
    api_key: str
    session_token: str
    username: str
    password: str
    login_method: str


FAX_API = Dialect(method="METHOD", api_key="API_KEY", session_token="SESSION_TOKEN",
                  username="USERNAME", password="PASSWORD", login_method="User_Login")
SMS_API = Dialect(method="method", api_key="apiKey", session_token="sessionToken",
                  username="username", password="password", login_method="userLogin")


@dataclass(frozen=True)
class RawReply:
    """A body returned as bytes (getMMSMedia), with its content type when given."""

    content: bytes
    content_type: str | None


def _lookup(data: Mapping[str, Any], name: str) -> Any:
    """The value of a key whatever its case or underscores (`SESSION_TOKEN`, `sessionToken`)."""
    for key, value in data.items():
        if _squeeze(str(key)) == _squeeze(name):
            return value
    return None


# --- The transport ------------------------------------------------------------------------


class AxionTransport:
    """JSON POSTs to one API URL of one connection, with its token handling and retries.

    One instance holds one pooled `requests.Session`; close it (or use `with`) when done.
    `sleep` and `clock` are injectable so that tests neither wait nor depend on the date.
    """

    def __init__(self, *, url: str, api_key: str, username: str, password: str,
                 dialect: Dialect, token_store: TokenStore, timeout: tuple[float, float],
                 session: requests.Session | None = None,
                 clock: Callable[[], datetime] = utc_now,
                 sleep: Callable[[float], None] = time.sleep,
                 attempts: int = DEFAULT_ATTEMPTS):
        connect_timeout, read_timeout = timeout
        if connect_timeout <= 0 or read_timeout <= 0:
            raise ValueError("Both (connect, read) timeouts must be positive.")
        if attempts < 1:
            raise ValueError("attempts must be at least 1.")
        self.url = url
        self.dialect = dialect
        self._api_key = api_key
        self._username = username
        self._password = password
        self._store = token_store
        self._timeout = (connect_timeout, read_timeout)
        self._session = session or requests.Session()
        self._clock = clock
        self._sleep = sleep
        self._attempts = attempts
        # Every secret this transport has seen, replaced in whatever an exception keeps.
        self._secrets: set[str] = {s for s in (api_key, password) if s}

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "AxionTransport":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Public calls -------------------------------------------------------------------------

    def call(self, method: str, params: Mapping[str, Any] | None = None, *,
             repeatable: bool, outcome_unknown_if_lost: bool = False) -> dict[str, Any]:
        """Call `method` with the session token; the provider's JSON answer on success.

        `repeatable`: whether a transport failure may be retried. `outcome_unknown_if_lost`:
        raise OutcomeUnknown instead of TransportError/MalformedResponse when the request
        may have reached the provider (sendSMS).
        """

        def send(token: str) -> dict[str, Any]:
            return self._exchange(self._payload(method, params, token), self._read_json,
                                  repeatable=repeatable,
                                  outcome_unknown_if_lost=outcome_unknown_if_lost)

        return self._with_token(send)

    def call_raw(self, method: str, params: Mapping[str, Any] | None = None) -> RawReply:
        """Call a repeatable `method` whose success body is bytes (getMMSMedia)."""

        def send(token: str) -> RawReply:
            return self._exchange(self._payload(method, params, token), self._read_raw,
                                  repeatable=True)

        return self._with_token(send)

    def call_without_token(self, method: str,
                           params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Call a repeatable `method` with the API key only (the SMS version check, gap 9)."""
        return self._exchange(self._payload(method, params, None), self._read_json,
                              repeatable=True)

    def login(self) -> None:
        """Log in now and store the new token, even if the stored one is still valid."""
        with self._store.lock():
            self._login()

    # Session ------------------------------------------------------------------------------

    def _with_token(self, send: Callable[[str], T]) -> T:
        token = self._store.get() or self._fresh_token(stale=None)
        try:
            return send(token)
        except NotAllowed:
            # Gap 1: the token was revoked or expired early; log in again once, repeat once.
            logger.info("Axion answered NOT ALLOWED at %s; logging in again once.", self.url)
            return send(self._fresh_token(stale=token))

    def _fresh_token(self, stale: str | None) -> str:
        """A token other than `stale`: from the store if another caller logged in, else new."""
        with self._store.lock():
            current = self._store.get()
            if current and current != stale:
                self._secrets.add(current)
                return current
            return self._login()

    def _login(self) -> str:
        payload = {
            self.dialect.method: self.dialect.login_method,
            self.dialect.api_key: self._api_key,
            self.dialect.username: self._username,
            self.dialect.password: self._password,
        }
        data = self._exchange(payload, self._read_json, repeatable=True)
        token = _lookup(data, "session_token")
        if not isinstance(token, str) or not token.strip():
            raise MalformedResponse(
                f"{self.dialect.login_method}: the provider answered OK without a session "
                "token", method=self.dialect.login_method, body=self._scrub(json.dumps(data)))
        self._secrets.add(token)
        self._store.save(token, self._clock() + TOKEN_LIFETIME)
        return token

    def _payload(self, method: str, params: Mapping[str, Any] | None,
                 token: str | None) -> dict[str, Any]:
        payload: dict[str, Any] = {self.dialect.method: method,
                                   self.dialect.api_key: self._api_key}
        if token is not None:
            self._secrets.add(token)
            payload[self.dialect.session_token] = token
        payload.update(params or {})
        return payload

    # One exchange, with retries -------------------------------------------------------------

    def _exchange(self, payload: dict[str, Any],
                  read: Callable[[requests.Response, str], T], *, repeatable: bool,
                  outcome_unknown_if_lost: bool = False) -> T:
        method = str(payload[self.dialect.method])
        attempts = self._attempts if repeatable else 1
        attempt = 1
        while True:
            try:
                return self._exchange_once(payload, read, method, outcome_unknown_if_lost)
            except TransportError as error:
                if attempt >= attempts:
                    raise
                delay = BACKOFF_SECONDS * 2 ** (attempt - 1)
                logger.warning("Axion %s failed (%s); attempt %d of %d in %.1f s.",
                               method, error, attempt + 1, attempts, delay)
                self._sleep(delay)
                attempt += 1

    def _exchange_once(self, payload: dict[str, Any],
                       read: Callable[[requests.Response, str], T], method: str,
                       outcome_unknown_if_lost: bool) -> T:
        try:
            return read(self._post(payload, method), method)
        except TransportError as error:
            if outcome_unknown_if_lost and error.request_sent:
                raise self._outcome_unknown(error) from error
            raise
        except MalformedResponse as error:
            # A 2xx the provider sent but we cannot read: the request was taken in.
            if outcome_unknown_if_lost and error.status is not None and error.status < 300:
                raise self._outcome_unknown(error) from error
            raise

    def _outcome_unknown(self, error: AxionError) -> OutcomeUnknown:
        return OutcomeUnknown(
            f"{error.method}: the request may have reached the provider but its answer was "
            f"lost ({error}); reconcile before resending", method=error.method,
            body=error.body, status=error.status)

    def _post(self, payload: dict[str, Any], method: str) -> requests.Response:
        try:
            # Redirects are refused: requests would turn the POST into a GET.
            return self._session.post(self.url, json=payload, timeout=self._timeout,
                                      allow_redirects=False)
        except requests.Timeout as exc:
            connecting = isinstance(exc, requests.ConnectTimeout)
            limit = self._timeout[0] if connecting else self._timeout[1]
            what = "connection" if connecting else "answer"
            raise TransportTimeout(
                f"{method}: no {what} from the provider within {limit:g} s", method=method,
                request_sent=not connecting) from exc
        except requests.RequestException as exc:
            # The exception's own text names the host; type names are enough here.
            raise TransportError(
                f"{method}: could not reach the provider ({type(exc).__name__})",
                method=method, request_sent=not _failed_before_sending(exc)) from exc

    # Reading answers ------------------------------------------------------------------------

    def _read_json(self, response: requests.Response, method: str) -> dict[str, Any]:
        self._check_status(response, method)
        text, data = self._decode(response)
        if isinstance(data, dict) and _is_ok(data) and response.status_code < 300:
            return data
        self._raise_provider_error(data, text, response, method)
        raise self._malformed(response, method, text, data)

    def _read_raw(self, response: requests.Response, method: str) -> RawReply:
        self._check_status(response, method)
        content = response.content
        content_type = response.headers.get("Content-Type") or None
        kind = (content_type or "").lower()
        # Media files are jpg, png, gif or mp3, never JSON: a JSON body is an answer.
        looks_like_json = content.lstrip()[:1] == b"{" or "json" in kind
        is_html = "html" in kind
        if looks_like_json or is_html or response.status_code >= 300 or not content:
            text, data = self._decode(response)
            self._raise_provider_error(data, text, response, method)
            raise self._malformed(response, method, text, data, expected="media")
        return RawReply(content=content, content_type=content_type)

    def _check_status(self, response: requests.Response, method: str) -> None:
        status = response.status_code
        if status >= 500:
            raise TransportError(
                f"{method}: the provider failed with HTTP {status}", method=method,
                status=status, body=self._scrub(self._decode(response)[0]),
                request_sent=True)
        if 300 <= status < 400:
            raise MalformedResponse(
                f"{method}: the provider redirected (HTTP {status}); check the API URL",
                method=method, status=status, body=self._scrub(self._decode(response)[0]))

    def _raise_provider_error(self, data: Any, text: str, response: requests.Response,
                              method: str) -> None:
        """Raise the provider's error if the answer carries one (gap 2); else return."""
        if isinstance(data, dict):
            texts = _error_texts(data)
        else:
            # A bare string, as JSON or as plain text, counts only if it is a known error.
            texts = [data if isinstance(data, str) else text]
        for candidate in texts:
            error_class = _ERROR_BY_STRING.get(_squeeze(candidate))
            if error_class is not None:
                raise error_class(f"{method}: the provider answered {error_class.error_string}",
                                  method=method, status=response.status_code,
                                  body=self._scrub(text))
        if not isinstance(data, dict) or _is_ok(data):
            return
        said = [t for t in texts if t.strip() and _squeeze(t) not in ("ERROR", "OK")]
        result = _lookup(data, "result")
        if said or result is not None:
            provider_text = self._scrub(said[0] if said else str(result))
            raise UnknownProviderError(
                f"{method}: the provider answered an unknown error: {provider_text[:200]}",
                provider_text=provider_text, method=method, status=response.status_code,
                body=self._scrub(text))

    def _malformed(self, response: requests.Response, method: str, text: str, data: Any,
                   expected: str = "JSON") -> MalformedResponse:
        status = response.status_code
        content_type = (response.headers.get("Content-Type") or "").lower()
        if not text.strip():
            what = "an empty body"
        elif "html" in content_type or text.lstrip().startswith("<"):
            what = "an HTML page"
        elif data is _NOT_JSON:
            what = "a body that is not JSON"
        elif isinstance(data, dict) and _is_ok(data):
            what = "RESULT OK"
        elif isinstance(data, dict):
            what = "JSON without RESULT"
        else:
            what = "JSON that is not an object"
        return MalformedResponse(
            f"{method}: the provider answered HTTP {status} with {what} instead of {expected}",
            method=method, status=status, body=self._scrub(text))

    # Secrets -------------------------------------------------------------------------------

    def _remember_secrets(self, data: Mapping[str, Any]) -> None:
        for key, value in data.items():
            if _squeeze(str(key)).lower() in _SECRET_KEYS and isinstance(value, str) and value:
                self._secrets.add(value)

    def _scrub(self, text: str) -> str:
        secrets = self._secrets | {self._store.get() or ""}
        # Longest first, so that a secret containing another one is replaced whole.
        for secret in sorted(filter(None, secrets), key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text

    def _decode(self, response: requests.Response) -> tuple[str, Any]:
        """The body as text and as decoded JSON (or _NOT_JSON); secrets in it are noted."""
        text = response.content.decode("utf-8", errors="replace")
        data = _parse_json(text)
        if isinstance(data, dict):
            self._remember_secrets(data)
        return text, data


# --- Helpers --------------------------------------------------------------------------------

_NOT_JSON = object()


def _parse_json(text: str) -> Any:
    """The decoded JSON, or _NOT_JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return _NOT_JSON


def _is_ok(data: Mapping[str, Any]) -> bool:
    result = _lookup(data, "result")
    return isinstance(result, str) and _squeeze(result) == "OK"


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


def _failed_before_sending(exc: requests.RequestException) -> bool:
    """Whether the request certainly never left: the connection was not made, or the URL
    was unusable. Anything else (reset, dropped, TLS or proxy trouble) may have sent it."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.InvalidURL
                  | requests.exceptions.MissingSchema | requests.exceptions.InvalidSchema):
        return True
    if isinstance(exc, requests.ConnectionError):
        # requests wraps urllib3's MaxRetryError, whose reason says where it failed;
        # NewConnectionError (refused, DNS) is a ConnectTimeoutError in urllib3 2.
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        return isinstance(reason, ConnectTimeoutError)
    return False
