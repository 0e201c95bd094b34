"""Where a connection's session token lives between calls: the protocol the transport needs,
and a store in memory for scripts and tests (the portal keeps tokens on its `Connection`
rows: accounts/tokens.py)."""

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

# "The session token is valid for 30 days" (docs/provider.md, quirk 1).
TOKEN_LIFETIME = timedelta(days=30)


def utc_now() -> datetime:
    return datetime.now(UTC)


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
