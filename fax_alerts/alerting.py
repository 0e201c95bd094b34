"""Which of an organization's alert rules hold, for which faxes, and telling them.

Two sources call `alert_on_faxes`:

- the events of a sync or lookup (receivers.alert_on_events): a failure or a last try is
  told as the sync stores it, the batch's fax rows read once;
- the job `check_fax_alerts` (`check_organization`, every FAX_ALERT_MINUTES): faxes stuck
  longer than a rule's minutes, last tries reached without a status change (no event), a
  failure whose batch could not alert, and the none-sent rule of weekdays.

An alert is claimed by inserting its row under a unique constraint, (rule, fax) or
(rule, day), each in its own savepoint: of two processes that see the same fax one inserts
and tells, the other's insert fails and it tells nobody. What an alert makes (its
notifications, its `fax.alert` event, the fax's place on the attention list) is written in
the same transaction as its row.

History never alerts: a fax first seen more than events.payloads.NEWS after it was sent (a
first sync's, a backfill's) is stored without telling anyone, and stays so.

Who is told: the rule's watchers (members watching the fax's reference exactly or by a
prefix) and members of the role it names, each once, and only members whose role receives
the notification's kind (agents and above: viewers act on nothing). A failure is told as
notifications' FAX_FAILED (its preferences, digests by default), the other rules as
FAX_ALERT (at once by default); notifications/receivers.py tells nothing of fax.failed, so
nobody hears of one failure twice.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organization, Role
from common.phone import display_number
from contacts.names import contacts_by_number
from events import payloads as event_payloads
from events.services import emit_many
from fax_alerts.models import (
    Alert,
    AlertRule,
    Attention,
    AttentionReason,
    Match,
    RuleKind,
    Watch,
)
from faxes.models import Fax, FaxStatus
from notifications.models import Kind
from notifications.services import tell

log = logging.getLogger(__name__)

# The job looks at faxes sent this recently: those not final (stuck, last try), and the
# failed ones (a failure whose batch could not alert).
PENDING_WINDOW = timedelta(days=7)
FAILED_WINDOW = timedelta(days=1)
WEEKDAYS = range(5)  # Monday to Friday
NOT_FINAL = (FaxStatus.QUEUED, FaxStatus.PROGRESS)
# The rules about a change of the fax (its status, its tries), rather than about time.
CHANGES = (RuleKind.FAILED, RuleKind.THIRD_TRY)


@dataclass(frozen=True)
class Finding:
    """A rule that holds: for a fax, or for a day (none sent)."""

    rule: AlertRule
    reason: str
    fax: Fax | None = None
    day: date | None = None

    @property
    def key(self) -> tuple:
        return (self.rule.pk, self.fax.pk if self.fax else None, self.day)


def is_history(fax: Fax) -> bool:
    """First seen long after it was sent: a first sync's or a backfill's history."""
    return fax.sent_at < fax.first_seen_at - event_payloads.NEWS


def _tries(count: int) -> str:
    return f"{count} {'try' if count == 1 else 'tries'}"


def reason_for(rule: AlertRule, fax: Fax, now: datetime) -> str | None:
    """Why `rule` holds for `fax` now, or None. The last-try rule warns while the fax is
    still being tried: once it failed, the failed rule speaks for it."""
    if rule.kind == RuleKind.FAILED and fax.status == FaxStatus.FAILED:
        return f"It failed after {_tries(fax.try_count)}."
    if fax.status not in NOT_FINAL:
        return None
    if rule.kind == RuleKind.THIRD_TRY and fax.try_count >= Fax.MAX_TRIES:
        return f"It is on its last try ({fax.try_count} of {Fax.MAX_TRIES})."
    if rule.kind == RuleKind.STUCK:
        # From when it was sent, and at least as long since the portal first saw it: a
        # connection's wrong time zone must not make every new fax look stuck at once.
        since = now - timedelta(minutes=rule.minutes)
        if fax.sent_at <= since and fax.first_seen_at <= since:
            return (f"It is still {FaxStatus(fax.status).label.lower()} more than "
                    f"{rule.minutes} minutes after it was sent.")
    return None


def fax_findings(rules: Iterable[AlertRule], faxes: Iterable[Fax], now: datetime, *,
                 catching_up: bool = False) -> list[Finding]:
    """The rules that hold for the faxes. `catching_up` (the job, rather than the change
    itself): a failure or a last try from before a rule existed is not news to that rule,
    so a rule added today does not tell of yesterday's failures."""
    findings = []
    for fax in faxes:
        if is_history(fax):
            continue
        for rule in rules:
            if catching_up and rule.kind in CHANGES and fax.status_changed_at < rule.created_at:
                continue
            reason = reason_for(rule, fax, now)
            if reason:
                findings.append(Finding(rule=rule, fax=fax, reason=reason))
    return findings


def none_sent_findings(*, organization: Organization, rules: Iterable[AlertRule],
                       now: datetime) -> list[Finding]:
    """The none-sent rules past their hour on a weekday (organization's time zone) when no
    fax was sent since midnight. One query, only when a rule is due."""
    local = now.astimezone(organization.tzinfo)
    due = [rule for rule in rules if rule.kind == RuleKind.NONE_SENT
           and local.weekday() in WEEKDAYS and local.hour >= rule.hour]
    if not due:
        return []
    midnight = datetime.combine(local.date(), time.min, tzinfo=organization.tzinfo)
    if Fax.objects.filter(sent_at__gte=midnight, sent_at__lte=now).exists():
        return []
    return [Finding(rule=rule, day=local.date(),
                    reason=f"No fax was sent today by {rule.hour:02d}:00.") for rule in due]


# --- the attention list ---------------------------------------------------------------------

def raise_attention(*, organization: Organization, faxes: list[Fax], reason: str,
                    now: datetime) -> None:
    """Put `faxes` on the attention list (in the caller's scope). A fax that was there as
    stuck and has now failed comes back, open, as failed; one handled stays handled."""
    if not faxes:
        return
    known = {row.fax_id: row for row in Attention.objects.filter(fax__in=faxes)}
    new = [Attention(organization=organization, fax=fax, reason=reason, raised_at=now)
           for fax in faxes if fax.pk not in known]
    with transaction.atomic():
        Attention.objects.bulk_create(new, ignore_conflicts=True)
        if reason == AttentionReason.FAILED:
            worse = [row.pk for row in known.values() if row.reason == AttentionReason.STUCK]
            if worse:
                Attention.objects.filter(pk__in=worse).update(
                    reason=AttentionReason.FAILED, raised_at=now, handled_at=None,
                    handled_by=None, handled_by_label="")


# --- raising and telling ----------------------------------------------------------------------

def alert_on_faxes(*, organization: Organization, faxes: Iterable[Fax],
                   rules: list[AlertRule] | None = None, now: datetime | None = None,
                   catching_up: bool = False) -> list[Alert]:
    """Raise what the organization's enabled fax rules find in `faxes` (in its scope), and
    put its news failures on the attention list. Returns the alerts raised now."""
    now = now or timezone.now()
    faxes = [fax for fax in faxes if not is_history(fax)]
    if not faxes:
        return []
    if rules is None:
        rules = list(AlertRule.objects.filter(enabled=True))
    raise_attention(organization=organization, now=now, reason=AttentionReason.FAILED,
                    faxes=[fax for fax in faxes if fax.status == FaxStatus.FAILED])
    fax_rules = [rule for rule in rules if rule.kind != RuleKind.NONE_SENT]
    return raise_alerts(organization=organization, now=now,
                        findings=fax_findings(fax_rules, faxes, now,
                                              catching_up=catching_up))


def check_organization(*, organization: Organization, now: datetime | None = None) -> int:
    """The job's work for one organization (in its scope): returns the alerts raised."""
    now = now or timezone.now()
    rules = list(AlertRule.objects.filter(enabled=True))
    faxes = list(Fax.objects.filter(status=FaxStatus.FAILED, sent_at__gte=now - FAILED_WINDOW))
    if {rule.kind for rule in rules} & {RuleKind.STUCK, RuleKind.THIRD_TRY}:
        faxes += Fax.objects.filter(status__in=NOT_FINAL, sent_at__gte=now - PENDING_WINDOW)
    alerts = alert_on_faxes(organization=organization, faxes=faxes, rules=rules, now=now,
                            catching_up=True)
    alerts += raise_alerts(organization=organization, now=now, findings=none_sent_findings(
        organization=organization, rules=rules, now=now))
    return len(alerts)


def raise_alerts(*, organization: Organization, findings: list[Finding],
                 now: datetime) -> list[Alert]:
    """Claim an alert for each finding not alerted yet, and tell each claimed one."""
    if not findings:
        return []
    known = already_alerted(findings)
    fresh = [finding for finding in findings if finding.key not in known]
    if not fresh:
        return []
    raised = []
    with transaction.atomic():
        for finding in fresh:
            alert = Alert(organization=organization, rule=finding.rule, fax=finding.fax,
                          day=finding.day, reason=finding.reason, created_at=now)
            if _claim(alert):
                raised.append((finding, alert))
        if raised:
            _tell(organization, raised)
            raise_attention(organization=organization, now=now, reason=AttentionReason.STUCK,
                            faxes=[f.fax for f, _ in raised if f.rule.kind == RuleKind.STUCK])
    return [alert for _, alert in raised]


def already_alerted(findings: list[Finding]) -> set[tuple]:
    """The keys of the findings alerted before (one query). Only a shortcut: a process
    that read before another's commit is stopped by the unique constraints (_claim)."""
    return set(Alert.objects.filter(rule__in={f.rule.pk for f in findings}).filter(
        Q(fax__in={f.fax.pk for f in findings if f.fax}) |
        Q(day__in={f.day for f in findings if f.day})).values_list("rule_id", "fax_id", "day"))


def _claim(alert: Alert) -> bool:
    """Insert the alert's row, or learn that another process did (the unique constraint)."""
    try:
        with transaction.atomic():
            alert.save(force_insert=True)
    except IntegrityError:
        return False
    return True


class Audience:
    """Who may be told of a batch's alerts, read once: the members who receive fax alerts,
    with their roles, and the watches that may match the batch's references."""

    def __init__(self, findings: list[Finding]):
        least = min((_kind(f.rule).least_role for f in findings), key=lambda r: Role(r).rank)
        self.roles = {user: Role(role) for user, role in Membership.objects.filter(
            role__in=[role for role in Role if role.allows(least)]).values_list(
            "user_id", "role")}
        references = {f.fax.customer_field for f in findings
                      if f.rule.to_watchers and f.fax and f.fax.customer_field}
        self.exact, self.prefixes = defaultdict(dict), defaultdict(dict)
        if references:
            for user, text, match in Watch.objects.filter(
                    Q(match=Match.PREFIX) | Q(text__in=references)).values_list(
                    "user_id", "text", "match"):
                (self.prefixes if match == Match.PREFIX else self.exact)[text][user] = text

    def watchers(self, reference: str) -> dict[int, str]:
        """{user: why} of the members watching `reference`: the reference's prefixes are
        looked up, so the cost is its length, not the number of watches."""
        found = {}
        for end in range(len(reference), 0, -1):
            for user, text in self.prefixes.get(reference[:end], {}).items():
                found.setdefault(user, f"You watch references starting with {text}.")
        for user in self.exact.get(reference, {}):
            found[user] = f"You watch {reference}."
        return found

    def told(self, finding: Finding) -> dict[int, str]:
        """{user: why they are told} for one alert."""
        rule, fax = finding.rule, finding.fax
        users = {}
        if rule.least_role:
            users = {user: "" for user, role in self.roles.items() if role.allows(rule.least_role)}
        if rule.to_watchers and fax is not None and fax.customer_field:
            users.update(self.watchers(fax.customer_field))
        least = _kind(rule).least_role
        return {user: why for user, why in users.items()
                if user in self.roles and self.roles[user].allows(least)}


def _kind(rule: AlertRule) -> Kind:
    return Kind.FAX_FAILED if rule.kind == RuleKind.FAILED else Kind.FAX_ALERT


_TITLES = {RuleKind.FAILED: "failed", RuleKind.THIRD_TRY: "is on its last try",
           RuleKind.STUCK: "is stuck"}


def _tell(organization: Organization, raised: list[tuple[Finding, Alert]]) -> None:
    """The notifications and the fax.alert event of each alert raised."""
    audience = Audience([finding for finding, _ in raised])
    contacts = contacts_by_number(f.fax.destination_number for f, _ in raised if f.fax)
    events = []
    for finding, alert in raised:
        rule, fax = finding.rule, finding.fax
        if fax is not None:
            contact = contacts.get(fax.destination_number)
            about = contact.name if contact else display_number(fax.destination_number)
            reference = f"Fax {fax.customer_field}" if fax.customer_field else "A fax"
            title = f"{reference} to {about} {_TITLES[rule.kind]}"
            url, subject = reverse("fax_detail", args=[fax.pk]), f"fax:{fax.pk}"
        else:
            about = title = f"No fax sent today by {rule.hour:02d}:00"
            url, subject = reverse("fax_list"), f"fax_alert_rule:{rule.pk}"
        told = audience.told(finding)
        tell(organization=organization, users=told, kind=_kind(rule), title=title, url=url,
             subject=subject, about=about,
             body={user: f"{alert.reason} {why}".strip() for user, why in told.items()})
        events.append(event_payloads.fax_alert_event(alert, rule, fax,
                                                      url=settings.PORTAL_BASE_URL + url))
    emit_many(organization=organization, events=events)
