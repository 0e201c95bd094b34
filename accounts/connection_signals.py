"""Signals of a connection's health, sent only on a real transition of
`Connection.failing_since`, inside the transaction that changed it.

accounts sits below the apps that react (events turns them into connection.failing and
connection.recovered), so it says what happened here and imports none of them.

- `connection_failing(sender=Connection, connection=...)`: the connection was fine and is
  now failing (`connection.failing_since` and `connection.last_error` are set).
- `connection_recovered(sender=Connection, connection=..., failing_since=..., reason=...)`:
  it was failing since `failing_since` and no longer is; `reason` is "login_succeeded" (a
  login with its credentials worked) or "settings_changed" (an admin changed where or as
  whom the portal logs in, which clears the mark until the next call says otherwise).
- `connection_added(sender=Connection, connection=...)`: a connection was created (not
  changed), by its page, the admin or `connect_axion` (faxes starts its backfill).
"""

from django.dispatch import Signal

connection_failing = Signal()
connection_recovered = Signal()
connection_added = Signal()

LOGIN_SUCCEEDED = "login_succeeded"
SETTINGS_CHANGED = "settings_changed"
