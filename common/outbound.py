"""Outbound HTTP to addresses that people configure, guarded the same way everywhere.

The portal calls URLs that an organization's admin types: the provider's API URL today, the
organization's own webhook endpoints soon. Each such call:

- goes to https URLs of public addresses only (`check_url`): a host that is, or resolves to,
  a loopback, private, shared, link-local, multicast, reserved or otherwise non-global
  address is refused. A policy's `allowed_hosts` narrows that further when it is not
  empty; a host listed there exactly (a name or an address) is allowed even on a private
  address or over plain http, and an entry starting with a dot admits the names under it
  without that exemption. The policy's `allowed_urls` (the sandbox's own URLs) are allowed
  whatever their address;
- is checked again when its connection is made (`GuardedAdapter`): the name is resolved
  once, every address is checked, and the connection goes to a checked address, so a DNS
  answer that changed since the URL was saved cannot lead anywhere else;
- follows no redirect and goes through no proxy (the address checked must be the server's);
- has a total deadline that covers connecting, sending and every read, and a cap on the
  answer's size, read as a stream and refused past the cap (`post`);
- counts against the time budget of the work it belongs to (`time_budget`), so a job that
  visits organizations can give each its own.

Every name is resolved through `system_resolver`, the seam tests replace. Nothing here
imports Django or an app: callers pass their settings in.
"""

import heapq
import ipaddress
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[Address]]

DEFAULT_PORTS = {"http": 80, "https": 443}
CHUNK_BYTES = 64 * 1024
# The well-known NAT64 prefix (RFC 6052): its addresses stand for the IPv4 address inside.
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class URLRefused(ValueError):
    """A URL, or the address its host resolves to, that the policy does not allow.

    str() says why, in words for the person who typed the URL; it names the host, never the
    rest of the URL, and never says which private address a name resolves to.
    """


class DeadlineExceeded(Exception):
    """The call's total deadline, or the time budget of the work it is part of, ran out.

    `request_sent` is False only when nothing went out; `budget_spent` is True when the
    work's budget, rather than the call's own deadline, was what ran out.
    """

    def __init__(self, message: str, *, request_sent: bool, budget_spent: bool = False):
        super().__init__(message)
        self.request_sent = request_sent
        self.budget_spent = budget_spent


class ReplyTooLarge(Exception):
    """The answer is larger than the caller accepts; reading stopped at the cap."""

    def __init__(self, message: str, *, limit: int, status: int):
        super().__init__(message)
        self.limit = limit
        self.status = status


@dataclass(frozen=True)
class Reply:
    """An answer read whole: its HTTP status, headers and body."""

    status: int
    headers: Mapping[str, str]
    content: bytes


# --- Addresses ----------------------------------------------------------------------------

def system_resolver(host: str, port: int) -> list[Address]:
    """The addresses of `host` from the system's resolver, in its order, each once.

    Raises OSError (socket.gaierror) when the name cannot be resolved.
    """
    found: list[Address] = []
    for family, _, _, _, sockaddr in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def is_public(address: Address) -> bool:
    """Whether `address` is a global unicast address: not loopback, private, shared,
    link-local, multicast, reserved or unspecified. IPv6 addresses that carry an IPv4
    address (mapped, 6to4, NAT64) are judged by that IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
    # is_global alone lets multicast through.
    return address.is_global and not (address.is_multicast or address.is_reserved
                                      or address.is_private or address.is_loopback
                                      or address.is_link_local or address.is_unspecified)


def _address(host: str) -> Address | None:
    """The IP address `host` spells (brackets and a zone allowed), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _normal_host(host: str) -> str:
    """A host as policies compare it: lower case, no trailing dot, addresses in one spelling."""
    address = _address(host)
    return str(address) if address is not None else host.lower().rstrip(".")


# --- The policy ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Target:
    """What a URL names, as the policy sees it."""

    scheme: str
    host: str
    port: int
    exempt: bool  # listed exactly, or an allowed URL: no address check, http allowed


@dataclass(frozen=True)
class OutboundPolicy:
    """Where outbound calls may go.

    `allowed_hosts`: empty, any public host; otherwise only these. An exact entry (a name or
    an address) is also exempt from the https and public-address rules; an entry with a
    leading dot (".provider.example") admits the names under it, which must still be https
    and public. `allowed_urls`: URLs allowed whatever their scheme and address (the
    sandbox's own). `resolver`: None means `system_resolver`.
    """

    allowed_hosts: tuple[str, ...] = ()
    allowed_urls: tuple[str, ...] = ()
    resolver: Resolver | None = None
    _exact: frozenset[str] = field(init=False, repr=False, compare=False)
    _suffixes: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _urls: frozenset[tuple[str, str, int, str]] = field(init=False, repr=False,
                                                        compare=False)

    def __post_init__(self):
        exact, suffixes = set(), []
        for entry in (e.strip() for e in self.allowed_hosts):
            if not entry:
                continue
            if "/" in entry or (":" in entry and _address(entry) is None):
                raise ValueError(f"Allowed hosts are names or addresses without a scheme, "
                                 f"path or port; {entry!r} is not one.")
            if entry.startswith("."):
                suffixes.append(_normal_host(entry))
            else:
                exact.add(_normal_host(entry))
        urls = set()
        for url in self.allowed_urls:
            parts = _split(url)
            urls.add(_url_key(parts))
        object.__setattr__(self, "_exact", frozenset(exact))
        object.__setattr__(self, "_suffixes", tuple(suffixes))
        object.__setattr__(self, "_urls", frozenset(urls))

    def target(self, url: str) -> Target:
        """The URL's target, checked without resolving its host; raises URLRefused."""
        try:
            parts = _split(url)
        except ValueError:
            raise URLRefused("This is not a valid URL.") from None
        scheme, host, port = parts.scheme, parts.hostname or "", parts.port
        if scheme not in DEFAULT_PORTS:
            raise URLRefused("The URL must start with https://.")
        if not host:
            raise URLRefused("The URL has no host.")
        if parts.username is not None or parts.password is not None:
            raise URLRefused("The URL must not contain a user name or password.")
        port = port or DEFAULT_PORTS[scheme]
        host = _normal_host(host)
        if _url_key(parts) in self._urls or host in self._exact:
            return Target(scheme, host, port, exempt=True)
        if (self._exact or self._suffixes) and not any(
                host.endswith(suffix) for suffix in self._suffixes):
            raise URLRefused(f"The portal's operator allows calls to certain hosts only, and "
                             f"{host} is not one of them.")
        if scheme != "https":
            raise URLRefused("The URL must start with https://.")
        address = _address(host)
        if address is not None and not is_public(address):
            raise URLRefused(f"{host} is not a public address: the portal calls public "
                             "addresses only.")
        return Target(scheme, host, port, exempt=False)

    def exempt_origin(self, scheme: str, host: str, port: int) -> bool:
        """Whether connections to this origin skip the address check: its host is listed
        exactly, or it is the origin of an allowed URL (whose path `target` checked)."""
        host = _normal_host(host)
        return host in self._exact or any(
            (scheme, host, port) == key[:3] for key in self._urls)

    def resolve(self, host: str, port: int) -> list[Address]:
        """The addresses to connect to for `host`; raises OSError when it has none."""
        address = _address(host)
        if address is not None:
            return [address]
        found = (self.resolver or system_resolver)(host, port)
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, "no address")
        return found

    def public_addresses(self, host: str, port: int) -> list[Address]:
        """Every address of `host`, all of them public; raises URLRefused when one is not.

        Raises OSError when the name cannot be resolved.
        """
        found = self.resolve(host, port)
        if not all(is_public(address) for address in found):
            # Which private address a name has is not said: that would map the network.
            raise URLRefused(f"{_normal_host(host)} does not resolve to a public address: "
                             "the portal calls public addresses only.")
        return found


def _split(url: str) -> SplitResult:
    """The URL's parts (urlsplit gives the scheme in lower case); raises ValueError for an
    unusable URL (a bad port, a broken IPv6 address)."""
    parts = urlsplit(url.strip())
    parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    return parts


def _url_key(parts: SplitResult) -> tuple[str, str, int, str]:
    """What two URLs must share to be the same allowed URL; a trailing slash is ignored,
    and a URL with a query or a fragment never matches."""
    host = _normal_host(parts.hostname or "")
    port = parts.port or DEFAULT_PORTS.get(parts.scheme, 0)
    path = parts.path.rstrip("/")
    if parts.query or parts.fragment or parts.username or parts.password:
        path = "\0"
    return (parts.scheme, host, port, path)


def check_url(url: str, policy: OutboundPolicy) -> None:
    """Refuse, with URLRefused, a URL that `policy` does not allow: not https, not a public
    address (its host's every address is checked), or not among the allowed hosts.

    A name that cannot be resolved is refused too, with the same words as a private one.
    """
    target = policy.target(url)
    if target.exempt:
        return
    try:
        policy.public_addresses(target.host, target.port)
    except OSError:
        raise URLRefused(f"{target.host} does not resolve to a public address: the portal "
                         "calls public addresses only.") from None


# --- Deadlines and budgets ----------------------------------------------------------------

class Call:
    """One call's deadline: the connections it uses are shut down when it passes, which ends
    any read in progress, however slowly the server sends."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds
        self._lock = threading.Lock()
        self._connections: list[HTTPConnection] = []
        self._finished = False
        self.fired = False
        self.sent = False

    def start(self) -> None:
        """Start counting: the connections watched are shut down when the deadline passes."""
        _deadlines.watch(self)

    @property
    def finished(self) -> bool:
        return self._finished

    def remaining(self) -> float:
        """Seconds left before the deadline (negative once it has passed)."""
        return self._end - self._clock()

    @property
    def expired(self) -> bool:
        return self.fired or self.remaining() <= 0

    def bounded(self, timeout: Any) -> float:
        """`timeout` (seconds, or urllib3's "default") cut to what is left of the deadline."""
        left = max(self.remaining(), 0.001)
        return min(timeout, left) if isinstance(timeout, int | float) else left

    def watch(self, connection: HTTPConnection) -> None:
        """Shut `connection` down when the deadline passes (at once if it has)."""
        with self._lock:
            if connection not in self._connections:
                self._connections.append(connection)
            if self.fired:
                _shut(connection)

    def finish(self) -> None:
        """The call is over: nothing is shut down any more."""
        with self._lock:
            self._finished = True
            self._connections.clear()

    def _fire(self) -> None:
        with self._lock:
            if self._finished:
                return
            self.fired = True
            for connection in self._connections:
                _shut(connection)


class _Deadlines:
    """The deadlines of every call in the process, kept by one thread: starting a thread per
    call (a Timer) cost more than a short call to a nearby server itself (a quarter of a
    webhook delivery's time, measured). Calls that finish stay in the heap until their
    deadline comes round, and are dropped then; the thread is woken only by a call whose
    deadline is earlier than all the others'."""

    def __init__(self):
        self._reset()
        # A child process (gunicorn, the job cluster) has neither the thread nor, safely,
        # its lock: it starts afresh.
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int, Call]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, call: Call) -> None:
        entry = (time.monotonic() + call.seconds, next(self._order), call)
        with self._condition:
            heapq.heappush(self._heap, entry)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, args=(self._condition,),
                                                name="outbound-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0] is entry:
                self._condition.notify()

    def _run(self, condition: threading.Condition) -> None:
        while True:
            with condition:
                while self._heap and self._heap[0][2].finished:
                    heapq.heappop(self._heap)
                if not self._heap:
                    condition.wait()
                    continue
                end, _, call = self._heap[0]
                left = end - time.monotonic()
                if left > 0:
                    condition.wait(left)
                    continue
                heapq.heappop(self._heap)
            call._fire()


_deadlines = _Deadlines()


def _shut(connection: HTTPConnection) -> None:
    # A shutdown, not a close: the reading thread sees the end of the stream and fails
    # cleanly instead of reading from a file descriptor that may already be reused.
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


@dataclass(frozen=True)
class Budget:
    """The time left to a piece of work (one organization's share of a job)."""

    end: float
    clock: Callable[[], float]

    def remaining(self) -> float:
        return self.end - self.clock()


_budget: ContextVar[Budget | None] = ContextVar("outbound_budget", default=None)
_call: ContextVar[Call | None] = ContextVar("outbound_call", default=None)
_policy: ContextVar[OutboundPolicy | None] = ContextVar("outbound_policy", default=None)


@contextmanager
def time_budget(seconds: float, *,
                clock: Callable[[], float] = time.monotonic) -> Iterator[Budget]:
    """Outbound calls made inside share `seconds` in all: each call's deadline is the
    earlier of its own and the budget's end, and once the budget is spent calls fail at once.
    A budget inside another never extends it."""
    budget = Budget(end=clock() + seconds, clock=clock)
    outer = _budget.get()
    if outer is not None and outer.remaining() < budget.remaining():
        budget = outer
    token = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(token)


def budget_remaining() -> float | None:
    """Seconds left in the current work's budget; None outside any budget."""
    budget = _budget.get()
    return None if budget is None else budget.remaining()


def budget_spent() -> bool:
    """Whether the current work's budget is spent (False outside any budget)."""
    left = budget_remaining()
    return left is not None and left <= 0


# --- The guarded adapter ------------------------------------------------------------------

class GuardedConnectionMixin:
    """Resolves the host when connecting, checks every address against the policy in force
    and connects to a checked one, in the resolver's order until one answers. The name stays
    the connection's host, so the Host header, SNI and the certificate check use it."""

    scheme = "http"

    def connect(self) -> None:
        policy = _policy.get()
        if policy is None:
            raise URLRefused("No outbound policy is in force for this connection.")
        call = _call.get()
        name = self.host
        if policy.exempt_origin(self.scheme, name, self.port):
            resolve = policy.resolve
        else:
            resolve = policy.public_addresses
        try:
            addresses = resolve(name, self.port)
        except OSError as error:
            raise NameResolutionError(name, self, error) from error
        if isinstance(self, HTTPSConnection) and self.server_hostname is None:
            self.server_hostname = name
        failure: Exception | None = None
        for address in addresses:
            if call is not None:
                if call.expired:
                    raise ConnectTimeoutError(self, "The call's deadline passed.")
                self.timeout = call.bounded(self.timeout)
                call.watch(self)
            self.host = str(address)
            try:
                super().connect()
                return
            except (NewConnectionError, ConnectTimeoutError) as error:
                failure = error
            finally:
                self.host = name
        raise failure or NewConnectionError(self, "No address to connect to.")

    def request(self, *args: Any, **kwargs: Any) -> None:
        """Send a request, the connection watched by the call's deadline."""
        call = _call.get()
        if call is not None:
            # A pooled connection is reused without connecting: watch it here too.
            call.watch(self)
            call.sent = True
        return super().request(*args, **kwargs)


class GuardedHTTPConnection(GuardedConnectionMixin, HTTPConnection):
    scheme = "http"


class GuardedHTTPSConnection(GuardedConnectionMixin, HTTPSConnection):
    scheme = "https"


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests' adapter with the policy checked before each request and again when each
    connection is made; proxies are never used (the address checked must be the server's)."""

    def __init__(self, policy: OutboundPolicy, **kwargs: Any):
        self.policy = policy
        super().__init__(**kwargs)

    def init_poolmanager(self, connections: int, maxsize: int, block: bool = False,
                         **pool_kwargs: Any) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Mapping[str, str] | None = None) -> requests.Response:
        self.policy.target(request.url or "")
        token = _policy.set(self.policy)
        try:
            return super().send(request, stream=stream, timeout=timeout, verify=verify,
                                cert=cert, proxies=None)
        finally:
            _policy.reset(token)


class GuardedSession(requests.Session):
    """A session that never follows a redirect, even when asked to."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        # requests reads a redirect's whole body, uncapped, to prepare the next request even
        # when redirects are off: with no target, a 3xx is an answer like any other.
        return None


def guarded_session(policy: OutboundPolicy) -> requests.Session:
    """A pooled session whose every request goes through `GuardedAdapter` with `policy`."""
    session = GuardedSession()
    adapter = GuardedAdapter(policy)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


# --- The call -----------------------------------------------------------------------------

def post(session: requests.Session, url: str, *, json: Any = None, data: bytes | None = None,
         headers: Mapping[str, str] | None = None, timeout: tuple[float, float],
         deadline: float, max_bytes: int,
         clock: Callable[[], float] = time.monotonic) -> Reply:
    """POST `json` to `url` and read the whole answer, within `deadline` seconds in all
    (and the current budget), refusing an answer larger than `max_bytes`.

    `data` (bytes) is posted as it is instead of `json`, with `headers`: a signed webhook's
    signature covers its exact body.

    `timeout` (connect, read) still bounds each step. A redirect is returned as it came,
    never followed. Raises URLRefused, DeadlineExceeded, ReplyTooLarge, or requests' own
    exceptions for other failures.
    """
    seconds = deadline
    left = budget_remaining()
    if left is not None and left < seconds:
        if left <= 0:
            raise DeadlineExceeded("the time budget of this work is spent",
                                   request_sent=False, budget_spent=True)
        seconds = left
    budget_cut = seconds < deadline
    call = Call(seconds, clock)
    token = _call.set(call)
    call.start()
    try:
        connect_timeout, read_timeout = timeout
        response = session.post(url, json=json, data=data, headers=headers, stream=True,
                                allow_redirects=False,
                                timeout=(call.bounded(connect_timeout),
                                         call.bounded(read_timeout)))
        try:
            content = _read_capped(response, max_bytes)
        finally:
            response.close()
    except (URLRefused, ReplyTooLarge):
        raise
    except Exception as error:
        if call.expired:
            raise _deadline_exceeded(call, budget_cut) from error
        raise
    finally:
        call.finish()
        _call.reset(token)
    if call.fired:
        # The answer ended when its connection was shut: it may look complete but is not.
        raise _deadline_exceeded(call, budget_cut)
    return Reply(status=response.status_code, headers=response.headers, content=content)


def _deadline_exceeded(call: Call, budget_cut: bool) -> DeadlineExceeded:
    if budget_cut:
        return DeadlineExceeded("the time budget of this work ran out during the call",
                                request_sent=call.sent, budget_spent=True)
    return DeadlineExceeded(f"no complete answer within {call.seconds:g} s",
                            request_sent=call.sent)


def _read_capped(response: requests.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.strip().isdigit() and int(declared) > max_bytes:
        raise ReplyTooLarge(f"the answer announces {int(declared)} bytes, more than the "
                            f"{max_bytes} accepted", limit=max_bytes,
                            status=response.status_code)
    chunks, size = [], 0
    for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise ReplyTooLarge(f"the answer is larger than the {max_bytes} bytes accepted",
                                limit=max_bytes, status=response.status_code)
        chunks.append(chunk)
    return b"".join(chunks)
