"""The failed and last-try rules, told as the sync stores the faxes: once per fax and
rule, to the watchers of the reference and the roles a rule names."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from accounts.models import Role
from fax_alerts import alerting
from fax_alerts.models import Match, RuleKind
from notifications.models import Kind
from tests.factories import MembershipFactory, UserFactory
from tests.fax_alerts.factories import SENT_AT, RuleFactory, WatchFactory, record, store
from tests.fax_alerts.helpers import alerts, notifications, told

pytestmark = pytest.mark.usefixtures("clock")


def watcher(org, text="CLAIM-2026-001", match=Match.EXACT, role=Role.AGENT, name="nurse"):
    membership = MembershipFactory(organization=org, role=role,
                                   user=UserFactory(username=name))
    WatchFactory(organization=org, user=membership.user, text=text, match=match)
    return membership


def test_a_failed_fax_tells_the_watchers_of_its_reference(org, agent):
    RuleFactory(organization=org, kind=RuleKind.FAILED)
    nurse = watcher(org)
    [fax] = store(org, record(status="FAILED", try_count=3))
    assert told() == {"nurse": [(Kind.FAX_FAILED, "Fax CLAIM-2026-001 to (805) 852-2606 "
                                                  "failed")]}
    [row] = notifications()
    assert row.user == nurse.user
    assert row.url == f"/faxes/{fax.pk}/"
    assert row.body == "It failed after 3 tries. You watch CLAIM-2026-001."


def test_the_same_failure_seen_again_alerts_once(org):
    RuleFactory(organization=org, kind=RuleKind.FAILED)
    watcher(org)
    store(org, record(status="PROGRESS", try_count=1))
    store(org, record(status="FAILED", try_count=3))
    store(org, record(status="FAILED", try_count=3))  # the next sync: no change
    [fax] = store(org, record(status="FAILED", try_count=3))
    with scopes_disabled():
        alerting.alert_on_faxes(organization=org, faxes=[fax])  # the job sees it too
    assert len(alerts()) == 1
    assert len(told()["nurse"]) == 1


def test_two_processes_that_both_saw_no_alert_raise_one(org, monkeypatch):
    """The second process read "no alert yet" before the first committed: its insert
    meets the unique constraint, and it tells nobody."""
    RuleFactory(organization=org, kind=RuleKind.FAILED)
    watcher(org)
    [fax] = store(org, record(status="FAILED", try_count=3))
    # Its read of the alerts raised came before the other process's commit: none.
    monkeypatch.setattr(alerting, "already_alerted", lambda findings: set())
    with scopes_disabled():
        raised = alerting.alert_on_faxes(organization=org, faxes=[fax])
    assert raised == []
    assert len(alerts()) == 1
    assert len(notifications()) == 1


def test_a_watched_prefix_matches_every_reference_starting_with_it(org):
    RuleFactory(organization=org, kind=RuleKind.FAILED)
    watcher(org, text="CLAIM-2026-", match=Match.PREFIX)
    store(org, record("CLAIM-2026-117", status="FAILED", try_count=3),
          record("CLAIM-2025-009", status="FAILED", try_count=3))
    [(kind, title)] = told()["nurse"]
    assert "CLAIM-2026-117" in title
    assert notifications()[0].body.endswith("You watch references starting with CLAIM-2026-.")


def test_an_exact_watch_does_not_match_a_longer_reference(org):
    RuleFactory(organization=org, kind=RuleKind.FAILED)
    watcher(org, text="CLAIM-2026-1")
    store(org, record("CLAIM-2026-117", status="FAILED", try_count=3))
    assert told() == {}
    assert len(alerts()) == 1  # alerted all the same: its event, the attention list


def test_a_fax_on_its_last_try_alerts_its_watchers(org):
    RuleFactory(organization=org, kind=RuleKind.THIRD_TRY)
    watcher(org)
    store(org, record(status="QUEUED", try_count=0))
    store(org, record(status="PROGRESS", try_count=3))
    assert told() == {"nurse": [(Kind.FAX_ALERT, "Fax CLAIM-2026-001 to (805) 852-2606 is "
                                                 "on its last try")]}


def test_a_fax_that_failed_is_not_also_told_as_on_its_last_try(org):
    RuleFactory(organization=org, kind=RuleKind.THIRD_TRY)
    RuleFactory(organization=org, kind=RuleKind.FAILED)
    watcher(org)
    store(org, record(status="FAILED", try_count=3))
    assert [kind for kind, _ in told()["nurse"]] == [Kind.FAX_FAILED]


def test_a_rule_naming_a_role_tells_its_members_and_above(org, owner, admin_member, agent,
                                                          viewer):
    RuleFactory(organization=org, kind=RuleKind.FAILED, to_watchers=False,
                least_role=Role.ADMIN)
    store(org, record(status="FAILED", try_count=3))
    assert set(told()) == {owner.user.username, admin_member.user.username}


def test_a_viewer_watching_a_reference_is_not_told(org, agent):
    """Fax alerts go to agents and above (the kinds' least role): viewers act on none."""
    RuleFactory(organization=org, kind=RuleKind.FAILED, least_role=Role.AGENT)
    watcher(org, role=Role.VIEWER, name="reader")
    store(org, record(status="FAILED", try_count=3))
    assert set(told()) == {agent.user.username}


def test_a_watcher_who_is_also_in_the_role_is_told_once(org):
    RuleFactory(organization=org, kind=RuleKind.FAILED, least_role=Role.AGENT)
    watcher(org)
    store(org, record(status="FAILED", try_count=3))
    assert len(told()["nurse"]) == 1


def test_a_disabled_rule_alerts_nobody(org):
    RuleFactory(organization=org, kind=RuleKind.FAILED, enabled=False)
    watcher(org)
    store(org, record(status="FAILED", try_count=3))
    assert alerts() == [] and told() == {}


def test_history_never_alerts(org):
    """A first sync's or a backfill's old faxes: stored, and nobody is told."""
    RuleFactory(organization=org, kind=RuleKind.FAILED, least_role=Role.AGENT)
    watcher(org)
    old = SENT_AT - timedelta(days=3)
    store(org, record(status="PROGRESS", try_count=1, sent_at=old))
    [fax] = store(org, record(status="FAILED", try_count=3, sent_at=old))
    with scopes_disabled():
        alerting.alert_on_faxes(organization=org, faxes=[fax])
    assert alerts() == [] and told() == {}


def test_another_organizations_watches_are_not_read(org, other_org):
    RuleFactory(organization=org, kind=RuleKind.FAILED)
    watcher(other_org, name="outsider-nurse")
    store(org, record(status="FAILED", try_count=3))
    assert told() == {}
