"""What members do with fax alerts: watch references, manage the organization's rules
(owners and admins, audited), and mark faxes on the attention list handled (audited).
Pages, the API and the job call these; every function but create_default_rules works in
the current organization's scope."""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Organization, Role, User
from accounts.services import audit
from accounts.tenancy import organization_scope
from fax_alerts.models import Alert, AlertRule, Attention, Match, RuleKind, Watch
from faxes.models import Fax, FaxStatus

# What a new organization starts with (owners and admins change them on the rules page):
# a failure tells its watchers and every agent and above, as failures were told before
# rules existed; a last try and a fax stuck for an hour tell its watchers (and every fax
# stuck or failed is on the attention list anyway); "no fax by 10:00" is there to turn on,
# since only the office knows whether a quiet morning is normal.
DEFAULT_RULES = [
    {"kind": RuleKind.FAILED, "to_watchers": True, "least_role": Role.AGENT},
    {"kind": RuleKind.THIRD_TRY, "to_watchers": True, "least_role": ""},
    {"kind": RuleKind.STUCK, "minutes": 60, "to_watchers": True, "least_role": ""},
    {"kind": RuleKind.NONE_SENT, "hour": 10, "to_watchers": False, "least_role": Role.ADMIN,
     "enabled": False},
]

# The attention list on the history page and the dashboard shows this many, with a count.
ATTENTION_SHOWN = 8


def create_default_rules(*, organization: Organization) -> list[AlertRule]:
    with organization_scope(organization):
        return AlertRule.objects.bulk_create(
            [AlertRule(organization=organization, **values) for values in DEFAULT_RULES])


# --- watches --------------------------------------------------------------------------------

def watch(*, organization: Organization, user: User, text: str, match: str) -> Watch:
    """Watch a reference (exactly or as a prefix); watching the same text again changes
    how it matches."""
    text = text.strip()
    watch, _ = Watch.objects.update_or_create(organization=organization, user=user,
                                              text=text, defaults={"match": match})
    return watch


def unwatch(*, watch: Watch) -> None:
    watch.delete()


def watches_of(user: User) -> QuerySet:
    return Watch.objects.filter(user=user).order_by("text", "id")


def watch_of_reference(user: User, reference: str | None) -> Watch | None:
    """The member's watch that matches `reference`: an exact one first, else the longest
    prefix (one read of the member's watches)."""
    if not reference:
        return None
    matching = [w for w in watches_of(user) if w.matches(reference)]
    matching.sort(key=lambda w: (w.match != Match.EXACT, -len(w.text)))
    return matching[0] if matching else None


# --- rules ----------------------------------------------------------------------------------

RULE_FIELDS = ("kind", "enabled", "to_watchers", "least_role", "minutes", "hour")


def _rule_detail(rule: AlertRule) -> dict:
    return {"rule": rule.describe(), "tells": rule.audience(), "enabled": rule.enabled}


def create_rule(*, organization: Organization, values: dict, user: User | None,
                actor_label: str = "", ip: str | None = None) -> AlertRule:
    """Add a rule (owners and admins); django ValidationError names the fields."""
    rule = AlertRule(organization=organization, **values)
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        audit(organization=organization, action="fax_alert_rule.created", actor=user,
              actor_label=actor_label, target=f"rule {rule.pk}", detail=_rule_detail(rule),
              ip=ip)
    return rule


def update_rule(*, rule: AlertRule, values: dict, user: User | None, actor_label: str = "",
                ip: str | None = None) -> AlertRule:
    """Change a rule: alerts it already raised stay (each fax is still told once)."""
    for name, value in values.items():
        setattr(rule, name, value)
    rule.full_clean()
    with transaction.atomic():
        rule.save(update_fields=list(RULE_FIELDS))
        audit(organization=rule.organization, action="fax_alert_rule.changed", actor=user,
              actor_label=actor_label, target=f"rule {rule.pk}", detail=_rule_detail(rule),
              ip=ip)
    return rule


def delete_rule(*, rule: AlertRule, user: User | None, actor_label: str = "",
                ip: str | None = None) -> None:
    with transaction.atomic():
        audit(organization=rule.organization, action="fax_alert_rule.deleted", actor=user,
              actor_label=actor_label, target=f"rule {rule.pk}", detail=_rule_detail(rule),
              ip=ip)
        rule.delete()


# --- the attention list ---------------------------------------------------------------------

def open_attention() -> QuerySet:
    """Faxes failed or stuck and not handled, newest first; a stuck one that went through
    meanwhile needs nobody and is left out."""
    return (Attention.objects.filter(handled_at__isnull=True)
            .exclude(fax__status=FaxStatus.SENT).select_related("fax")
            .order_by("-raised_at", "-id"))


@dataclass(frozen=True)
class AttentionSummary:
    items: list[Attention]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def attention_summary(shown: int = ATTENTION_SHOWN) -> AttentionSummary:
    """The newest open ones and how many there are: two queries (the partial index
    attention_open holds only the open rows)."""
    items = list(open_attention()[:shown])
    count = len(items) if len(items) < shown else open_attention().count()
    return AttentionSummary(items=items, count=count)


def mark_handled(*, attention: Attention, user: User | None, actor_label: str = "",
                 ip: str | None = None, now: datetime | None = None) -> bool:
    """Take a fax off the attention list (agents and above), audited with who and when.
    False when someone else had already handled it (nothing changes)."""
    now = now or timezone.now()
    label = actor_label or (user.get_username() if user else "")
    with transaction.atomic():
        changed = Attention.objects.filter(pk=attention.pk, handled_at__isnull=True).update(
            handled_at=now, handled_by=user, handled_by_label=label)
        if not changed:
            attention.refresh_from_db()
            return False
        fax = attention.fax
        audit(organization=attention.organization, action="fax_attention.handled", actor=user,
              actor_label=actor_label, target=f"fax {fax.customer_field or fax.pk}",
              detail={"fax": fax.pk, "reason": attention.reason}, ip=ip)
    attention.handled_at, attention.handled_by, attention.handled_by_label = now, user, label
    return True


def alerts_of(fax: Fax) -> QuerySet:
    """The alerts raised for a fax, oldest first (its page lists them)."""
    return Alert.objects.filter(fax=fax).select_related("rule").order_by("created_at", "id")
