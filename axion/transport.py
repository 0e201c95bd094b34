"""The one transport to Axion's two APIs (fax status v3, SMS v9); it imports nothing from Django.

Every call is a JSON POST to the tenant's API URL over one pooled, guarded session of
common/outbound.py: the URL must be https to a public address or allowed by the policy
passed in (checked before each request and again when each connection is made), no redirect
is followed, each exchange has a total deadline besides its (connect, read) timeouts and
counts against the budget of the work it belongs to, and no answer is read past its cap.
This module owns what both APIs share (docs/provider.md, quirks 1, 2 and 16):

- the session: a call without a token logs in first; `NOT ALLOWED` logs in again once and
  repeats the call once; a second `NOT ALLOWED` is raised. Logins of one connection are
  serialised by the token store's lock, and whoever gets the lock re-reads the store first,
  because another caller may have logged in meanwhile;
- retries: only calls that are harmless to repeat are retried, after a short backoff, and
  only on transport failures (timeouts, refused or dropped connections, HTTP 5xx), never on
  a provider's answer. Logins, lookups, reads, media and `updateNumber` (it sets a value) are
  repeatable. `deleteSMS` is not retried: a repeat after a lost answer would report an error
  for a message that was in fact deleted, so the caller decides. `sendSMS` is never repeated:
  when its request may have reached the provider and the answer was lost, the call raises
  `OutcomeUnknown`, and the message must be reconciled through `getSMS` before any resend;
- turning every answer into a result or one error of axion/errors.py (the steps are in
  axion/answers.py).

Secrets never appear in an exception's str() or repr(), nor in the body it keeps for logs:
the API key, the password and every token seen are replaced by `[redacted]`.
"""

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import requests
from urllib3.exceptions import ConnectTimeoutError

from axion import answers
from axion.errors import (
    AxionError,
    MalformedResponse,
    NotAllowed,
    OutcomeUnknown,
    ReplyTooLarge,
    TransportError,
    TransportTimeout,
    URLNotAllowed,
)
from axion.tokens import TOKEN_LIFETIME, TokenStore, utc_now
from common import outbound

logger = logging.getLogger(__name__)

# Repeatable calls are tried this often in all, waiting BACKOFF_SECONDS, then twice that.
DEFAULT_ATTEMPTS = 3
BACKOFF_SECONDS = 0.5
REDACTED = "[redacted]"
# Largest answers read when the caller sets no cap: JSON answers, and getMMSMedia's files.
DEFAULT_MAX_REPLY_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_MEDIA_BYTES = 10 * 1024 * 1024

T = TypeVar("T")


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


class AxionTransport:
    """JSON POSTs to one API URL of one connection, with its token handling and retries.

    One instance holds one pooled session; close it (or use `with`) when done. `policy` says
    which URLs may be called (by default: https to public addresses only). `deadline` is
    the total time of one exchange (by default the connect and read timeouts added up);
    `max_reply_bytes` caps JSON answers and `max_media_bytes` getMMSMedia's files. `sleep`
    and `clock` are injectable so that tests neither wait nor depend on the date; `session`
    replaces the guarded session (it should be one of common.outbound.guarded_session).
    """

    def __init__(self, *, url: str, api_key: str, username: str, password: str,
                 dialect: Dialect, token_store: TokenStore, timeout: tuple[float, float],
                 policy: outbound.OutboundPolicy | None = None,
                 deadline: float | None = None,
                 max_reply_bytes: int = DEFAULT_MAX_REPLY_BYTES,
                 max_media_bytes: int = DEFAULT_MAX_MEDIA_BYTES,
                 session: requests.Session | None = None,
                 clock: Callable[[], datetime] = utc_now,
                 sleep: Callable[[float], None] = time.sleep,
                 attempts: int = DEFAULT_ATTEMPTS):
        connect_timeout, read_timeout = timeout
        if connect_timeout <= 0 or read_timeout <= 0:
            raise ValueError("Both (connect, read) timeouts must be positive.")
        if deadline is not None and deadline <= 0:
            raise ValueError("The deadline must be positive.")
        if max_reply_bytes < 1 or max_media_bytes < 1:
            raise ValueError("The answer caps must be positive.")
        if attempts < 1:
            raise ValueError("attempts must be at least 1.")
        self.url = url
        self.dialect = dialect
        self._api_key = api_key
        self._username = username
        self._password = password
        self._store = token_store
        self._timeout = (connect_timeout, read_timeout)
        self.deadline = deadline or connect_timeout + read_timeout
        self._max_reply_bytes = max_reply_bytes
        self._max_media_bytes = max_media_bytes
        self._session = session or outbound.guarded_session(policy or outbound.OutboundPolicy())
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
                                  repeatable=True, max_bytes=self._max_media_bytes)

        return self._with_token(send)

    def call_without_token(self, method: str,
                           params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Call a repeatable `method` with the API key only (the SMS version check,
        docs/provider.md quirk 9)."""
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
            # The token was revoked or expired early (docs/provider.md,
            # quirk 1): log in again once, repeat once.
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
        token = answers.lookup(data, "session_token")
        if not isinstance(token, str) or not token.strip():
            raise MalformedResponse(
                f"{self.dialect.login_method}: the provider answered OK without a session "
                "token", method=self.dialect.login_method, body=self._redact(json.dumps(data)))
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
                  read: Callable[[outbound.Reply, str], T], *, repeatable: bool,
                  outcome_unknown_if_lost: bool = False, max_bytes: int | None = None) -> T:
        method = str(payload[self.dialect.method])
        attempts = self._attempts if repeatable else 1
        max_bytes = max_bytes or self._max_reply_bytes
        attempt = 1
        while True:
            try:
                return self._exchange_once(payload, read, method, outcome_unknown_if_lost,
                                           max_bytes)
            except TransportError as error:
                # Once the work's time budget is spent, another attempt would fail at once.
                if attempt >= attempts or outbound.budget_spent():
                    raise
                delay = BACKOFF_SECONDS * 2 ** (attempt - 1)
                logger.warning("Axion %s failed (%s); attempt %d of %d in %.1f s.",
                               method, error, attempt + 1, attempts, delay)
                self._sleep(delay)
                attempt += 1

    def _exchange_once(self, payload: dict[str, Any],
                       read: Callable[[outbound.Reply, str], T], method: str,
                       outcome_unknown_if_lost: bool, max_bytes: int) -> T:
        try:
            return read(self._post(payload, method, max_bytes), method)
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

    def _post(self, payload: dict[str, Any], method: str, max_bytes: int) -> outbound.Reply:
        try:
            # Redirects are refused: requests would turn the POST into a GET.
            return outbound.post(self._session, self.url, json=payload, timeout=self._timeout,
                                 deadline=self.deadline, max_bytes=max_bytes)
        except outbound.URLRefused as exc:
            # Our own words, which name the host and never a secret.
            raise URLNotAllowed(f"{method}: the portal does not call this API URL: {exc}",
                                method=method) from exc
        except outbound.DeadlineExceeded as exc:
            if exc.budget_spent:
                what = "the time budget this job gives one organization ran out"
            else:
                what = f"no complete answer from the provider within {self.deadline:g} s"
            raise TransportTimeout(f"{method}: {what}", method=method,
                                   request_sent=exc.request_sent) from exc
        except outbound.ReplyTooLarge as exc:
            raise ReplyTooLarge(
                f"{method}: the provider's answer is larger than the {exc.limit} bytes the "
                "portal accepts", method=method, status=exc.status) from exc
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

    # Reading answers (the steps are axion/answers.py's) ----------------------------------

    def _read_json(self, reply: outbound.Reply, method: str) -> dict[str, Any]:
        text, data = answers.decode(reply.content)
        with self._redacted_into_error(reply, text, data) as redact:
            answers.check_status(reply.status, method)
            if isinstance(data, dict) and answers.is_ok(data) and reply.status < 300:
                return data
            raise answers.provider_error(data, text, method, redact) or answers.malformed(
                status=reply.status, content_type=_content_type(reply), text=text,
                data=data, method=method)

    def _read_raw(self, reply: outbound.Reply, method: str) -> RawReply:
        content, content_type = reply.content, _content_type(reply)
        if answers.looks_like_media(content, content_type, reply.status):
            return RawReply(content=content, content_type=content_type or None)
        text, data = answers.decode(content)
        with self._redacted_into_error(reply, text, data) as redact:
            answers.check_status(reply.status, method)
            raise answers.provider_error(data, text, method, redact) or answers.malformed(
                status=reply.status, content_type=content_type, text=text, data=data,
                method=method, expected="media")

    @contextmanager
    def _redacted_into_error(self, reply: outbound.Reply, text: str,
                             data: Any) -> Iterator[Callable[[str], str]]:
        """Gives the redaction of this answer; an AxionError raised inside gets the HTTP
        status and the whole answer, redacted."""
        extra = answers.secrets_in(data)

        def redact(value: str) -> str:
            return self._redact(value, extra=extra)

        try:
            yield redact
        except AxionError as error:
            error.status = reply.status
            error.body = redact(text)
            raise

    def _redact(self, text: str, extra: set[str] = frozenset()) -> str:
        """`text` with every secret this transport knows, and `extra`, replaced."""
        secrets = self._secrets | extra | {self._store.get() or ""}
        # Longest first, so that a secret containing another one is replaced whole.
        for secret in sorted(filter(None, secrets), key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text


def _content_type(reply: outbound.Reply) -> str:
    return reply.headers.get("Content-Type") or ""


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
