"""A connection's whole lifecycle for its panel and the API, and "Test connection".

What the portal knows without asking the provider: the session token's expiry (and so its
last login: tokens last axion.tokens.TOKEN_LIFETIME), when the renewal job will log in
again, the renewals and tests (accounts.ConnectionCheck), the sync's last success and
error, and the mark of rejected credentials (`failing_since`).
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_q.models import Schedule

import axion
from accounts.models import Connection, ConnectionCheck, User
from accounts.services import audit, note_provider_failure
from accounts.tenancy import organization_scope
from axion.errors import AxionError
from axion.tokens import TOKEN_LIFETIME
from axion.wording import describe_provider_error
from faxes.models import FaxSync
from messaging.models import MessageSync

# Renewals and tests shown on a panel.
HISTORY = 10
RENEW_JOB = "renew_tokens"


@dataclass
class Failure:
    at: datetime
    source: str  # where it happened, in people's words
    detail: str


@dataclass
class Lifecycle:
    connection: Connection
    last_login_at: datetime | None
    renewal_planned_at: datetime | None
    last_success_at: datetime | None
    last_success_source: str
    checks: list[ConnectionCheck] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)

    @property
    def renew_days(self) -> int:
        return settings.TOKEN_RENEW_DAYS

    @property
    def renewals(self) -> list[ConnectionCheck]:
        return [c for c in self.checks if c.kind == ConnectionCheck.Kind.RENEWAL]

    @property
    def last_renewal(self) -> ConnectionCheck | None:
        return next(iter(self.renewals), None)

    @property
    def last_test(self) -> ConnectionCheck | None:
        return next((c for c in self.checks if c.kind == ConnectionCheck.Kind.TEST), None)

    @property
    def state(self) -> str:
        """failing (credentials or URL refused), ok (a valid session token), or unused."""
        if self.connection.failing_since:
            return "failing"
        expires = self.connection.token_expires_at
        return "ok" if expires and expires > timezone.now() else "unused"


def planned_renewal(connection: Connection, next_run: datetime | None,
                    minutes: int) -> datetime | None:
    """The first run of the renewal job at which the token is within TOKEN_RENEW_DAYS of
    its expiry (or the next run, for a connection without a token)."""
    if next_run is None:
        return None
    expires = connection.token_expires_at
    if not connection.session_token or expires is None:
        return next_run
    due = expires - timedelta(days=settings.TOKEN_RENEW_DAYS)
    if due <= next_run:
        return next_run
    step = timedelta(minutes=max(minutes, 1))
    runs = -(-(due - next_run) // step)  # whole intervals, rounded up
    return next_run + runs * step


def lifecycles(connections: list[Connection]) -> list[Lifecycle]:
    """The lifecycle of each connection of one organization (the current scope)."""
    if not connections:
        return []
    renewal = Schedule.objects.filter(name=RENEW_JOB).order_by("id").first()
    syncs = {Connection.Kind.SMS: MessageSync.objects.first(),
             Connection.Kind.FAX: FaxSync.objects.first()}
    return [_lifecycle(c, renewal, syncs.get(c.kind)) for c in connections]


def _lifecycle(connection: Connection, renewal: Schedule | None, sync) -> Lifecycle:
    checks = list(connection.checks.all()[:HISTORY])
    expires = connection.token_expires_at
    last_login = expires - TOKEN_LIFETIME if connection.session_token and expires else None
    successes = [(last_login, "login")]
    successes += [(c.at, "connection test" if c.kind == ConnectionCheck.Kind.TEST
                   else "token renewal") for c in checks if c.ok]
    failures = [Failure(c.at, c.get_kind_display(), c.detail) for c in checks if not c.ok]
    if sync is not None:
        name = "message sync" if connection.kind == Connection.Kind.SMS else "fax sync"
        successes.append((sync.last_success_at, name))
        if sync.last_error_at:
            failures.append(Failure(sync.last_error_at, name.capitalize(), sync.last_error))
    known = [s for s in successes if s[0] is not None]
    last_success, source = max(known, key=lambda s: s[0]) if known else (None, "")
    return Lifecycle(
        connection=connection, last_login_at=last_login,
        renewal_planned_at=planned_renewal(connection, renewal and renewal.next_run,
                                           renewal.minutes if renewal else 0),
        last_success_at=last_success, last_success_source=source, checks=checks,
        failures=sorted(failures, key=lambda f: f.at, reverse=True)[:5])


def test_connection(*, connection: Connection, actor: User | None,
                    ip: str | None = None) -> ConnectionCheck:
    """Check the connection the way a person would want it checked, and nothing else: the
    SMS API's version check (the API key alone), then a login with the stored username
    and password (which stores the new session token). The fax API has no version check:
    its test is the login alone. Kept in the connection's history and the audit log;
    rejected credentials mark the connection failing, as any call would."""
    steps, version, ok = [], "", True
    try:
        with axion.client_for(connection, interactive=True) as client:
            if connection.kind == Connection.Kind.SMS:
                version = client.version().version[:100]
                steps.append(f"Version check: OK (SMS API {version or 'of no stated version'}).")
            client.login()
            steps.append("Login: OK, a new session token is stored.")
    except AxionError as error:
        ok = False
        step = "Login" if steps or connection.kind == Connection.Kind.FAX else "Version check"
        steps.append(f"{step}: failed. {describe_provider_error(error)}")
        note_provider_failure(organization=connection.organization, kind=connection.kind,
                              error=error)
    if connection.kind == Connection.Kind.FAX:
        steps.append("The fax API has no version check: the test is the login alone.")
    with organization_scope(connection.organization):
        check = ConnectionCheck.objects.create(
            organization=connection.organization, connection=connection,
            kind=ConnectionCheck.Kind.TEST, ok=ok, detail=" ".join(steps)[:500],
            version=version, actor_label=actor.get_username() if actor else "",
            at=timezone.now())
    audit(organization=connection.organization, action="connection.tested", actor=actor,
          target=connection.kind, detail={"ok": ok}, ip=ip)
    return check
