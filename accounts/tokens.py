"""Session tokens of the provider kept on `Connection` rows.

`ConnectionTokenStore` implements `axion.tokens.TokenStore` on one connection: the token is
stored encrypted (the field does it), read back only while it is valid, and saved with a
targeted UPDATE that also clears the connection's failure marks. `Connection.token_store()`
gives it to `axion.client_for`.

Concurrency, kept simple on purpose: logins of one connection are serialised by a
per-connection `threading.Lock` within this process, and whoever takes the lock re-reads the
token from the database first, so a token saved meanwhile by another thread or process is
reused instead of logging in again. Two processes that both find no token can still both
log in; each token is valid, the later one is stored, and a caller holding the earlier one
gets at worst one `NOT ALLOWED` and one re-login. A database row lock would close that gap
but would hold a transaction across the call to the provider, which the portal never does.
"""

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from accounts.connection_signals import LOGIN_SUCCEEDED, connection_recovered

if TYPE_CHECKING:
    from accounts.models import Connection

# A token this close to its expiry is not used: it could expire during the call.
EXPIRY_MARGIN = timedelta(minutes=10)

_locks: dict[int, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock_of(connection_id: int) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(connection_id, threading.Lock())


class ConnectionTokenStore:
    """The session token of one saved `Connection` (implements `axion.tokens.TokenStore`)."""

    def __init__(self, connection: "Connection", *,
                 clock: Callable[[], datetime] = timezone.now):
        if connection.pk is None:
            raise ValueError("ConnectionTokenStore needs a saved connection.")
        self.connection = connection
        self._clock = clock

    def get(self) -> str | None:
        """The decrypted token, if it stays valid beyond EXPIRY_MARGIN; else None."""
        token = self.connection.session_token
        expires_at = self.connection.token_expires_at
        if token and expires_at is not None and expires_at - EXPIRY_MARGIN > self._clock():
            return token
        return None

    def save(self, token: str, expires_at: datetime) -> None:
        """Store a new token; a good login also clears the connection's failure marks."""
        now = self._clock()
        # Targeted statements by pk: no scope needed, no other field overwritten. A login
        # is rare: reading whether the connection was failing costs nothing that matters.
        rows = type(self.connection)._base_manager.filter(pk=self.connection.pk)
        with transaction.atomic():
            was_failing_since = (rows.filter(failing_since__isnull=False)
                                 .values_list("failing_since", flat=True).first())
            rows.update(session_token=token, token_expires_at=expires_at, failing_since=None,
                        last_error="", updated_at=now)
            if was_failing_since is not None:
                connection_recovered.send(sender=type(self.connection),
                                          connection=self.connection,
                                          failing_since=was_failing_since,
                                          reason=LOGIN_SUCCEEDED)
        self.connection.session_token = token
        self.connection.token_expires_at = expires_at
        self.connection.failing_since = None
        self.connection.last_error = ""

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the connection's login lock, with the stored token re-read from the database."""
        with _lock_of(self.connection.pk):
            self.connection.refresh_from_db(fields=["session_token", "token_expires_at"])
            yield
