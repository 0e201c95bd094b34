"""The audit log page: owners and admins read their organization's entries, newest first."""

import pytest

from accounts.views import AUDIT_PAGE_SIZE
from tests.factories import AuditEntryFactory

AUDIT = "/organization/audit/"


@pytest.mark.parametrize("client_fixture", ["owner_client", "admin_client_"])
def test_owner_and_admin_read_the_audit_log(request, client_fixture):
    assert request.getfixturevalue(client_fixture).get(AUDIT).status_code == 200


@pytest.mark.parametrize("client_fixture", ["agent_client", "viewer_client"])
def test_agent_and_viewer_get_403_for_the_audit_log(request, client_fixture):
    assert request.getfixturevalue(client_fixture).get(AUDIT).status_code == 403


def test_audit_log_shows_only_the_own_organizations_entries(admin_client_, org, other_org):
    AuditEntryFactory(organization=other_org, action="theirs.action")
    ours = AuditEntryFactory(organization=org, action="ours.action")
    response = admin_client_.get(AUDIT)
    assert ours in response.context["entries"]
    assert b"theirs.action" not in response.content


def test_audit_log_shows_actor_action_target_and_ip(admin_client_, org):
    AuditEntryFactory(organization=org, actor_label="alice", action="member.invited",
                      target="bob@example.test", ip_address="192.0.2.9")
    content = admin_client_.get(AUDIT).content
    for text in (b"alice", b"member.invited", b"bob@example.test", b"192.0.2.9"):
        assert text in content


def test_audit_log_pages_back_with_before(admin_client_, org):
    entries = [AuditEntryFactory(organization=org) for _ in range(AUDIT_PAGE_SIZE + 5)]
    first = admin_client_.get(AUDIT).context
    assert len(first["entries"]) == AUDIT_PAGE_SIZE
    second = admin_client_.get(AUDIT, {"before": first["next_before"]}).context
    oldest = {e.pk for e in entries[:5]}
    assert {e.pk for e in second["entries"]} >= oldest
    assert not {e.pk for e in first["entries"]} & {e.pk for e in second["entries"]}


def test_audit_log_ignores_a_malformed_before(admin_client_):
    assert admin_client_.get(AUDIT, {"before": "yesterday"}).status_code == 200
