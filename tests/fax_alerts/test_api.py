"""/api/v1/fax-attention/ (read; handle with the send scope, audited), /api/v1/fax-watches/
(a signed-in member's own), /api/v1/fax-alert-rules/ (read; owners and admins manage)."""

import json

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from fax_alerts.models import AlertRule, Attention, RuleKind, Watch
from tests.api.helpers import error_of
from tests.fax_alerts.factories import RuleFactory, WatchFactory, record, store

pytestmark = pytest.mark.usefixtures("clock")

ATTENTION = "/api/v1/fax-attention/"
WATCHES = "/api/v1/fax-watches/"
RULES = "/api/v1/fax-alert-rules/"


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def failed(org):
    [fax] = store(org, record(status="FAILED", try_count=3))
    with scopes_disabled():
        return Attention.objects.get(fax=fax)


def test_the_attention_list_shows_open_faxes_newest_first(org, reader):
    item = failed(org)
    [row] = reader.get(ATTENTION).json()["results"]
    assert (row["id"], row["reason"], row["handled_at"]) == (item.pk, "failed", None)
    assert row["fax"]["customer_field"] == "CLAIM-2026-001"


def test_a_key_with_the_send_scope_marks_handled_audited(org, api):
    item = failed(org)
    response = post(api, f"{ATTENTION}{item.pk}/handle/")
    assert response.status_code == 200
    assert response.json()["handled_by"].startswith("API key Billing system")
    assert api.get(ATTENTION).json()["results"] == []
    with scopes_disabled():
        assert AuditEntry.objects.get(action="fax_attention.handled").actor is None


def test_a_read_only_key_may_not_mark_handled(org, reader):
    item = failed(org)
    assert post(reader, f"{ATTENTION}{item.pk}/handle/").status_code == 403


def test_handle_refuses_a_body_field(org, api):
    item = failed(org)
    response = post(api, f"{ATTENTION}{item.pk}/handle/", {"note": "called"})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["note"]


def test_another_organizations_attention_is_a_404(org, outsider_api):
    item = failed(org)
    assert post(outsider_api, f"{ATTENTION}{item.pk}/handle/").status_code == 404
    assert outsider_api.get(ATTENTION).json()["results"] == []


def test_a_member_watches_and_unwatches_by_the_api(org, agent, agent_client):
    response = post(agent_client, WATCHES, {"text": "CLAIM-2026-", "match": "prefix"})
    assert response.status_code == 201
    watch = response.json()
    assert agent_client.get(WATCHES).json()["results"] == [watch]
    assert agent_client.delete(f"{WATCHES}{watch['id']}/").status_code == 204
    with scopes_disabled():
        assert not Watch.objects.exists()


def test_another_members_watch_is_a_404(org, owner, agent_client):
    theirs = WatchFactory(organization=org, user=owner.user)
    assert agent_client.delete(f"{WATCHES}{theirs.pk}/").status_code == 404


def test_an_api_key_has_no_watches(api):
    response = api.get(WATCHES)
    assert response.status_code == 403
    assert "sign in" in error_of(response)["message"]


def test_a_blank_watch_is_refused_with_the_field(agent_client):
    response = post(agent_client, WATCHES, {"text": " "})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["text"]


def test_every_key_reads_the_rules(org, reader):
    rule = RuleFactory(organization=org, kind=RuleKind.STUCK, minutes=30)
    [row] = reader.get(RULES).json()["results"]
    assert (row["id"], row["kind"], row["minutes"]) == (rule.pk, "stuck", 30)


def test_an_admin_adds_a_rule_by_the_api(org, admin_client_):
    response = post(admin_client_, RULES, {"kind": "none_sent", "hour": 9,
                                           "least_role": "admin"})
    assert response.status_code == 201, response.content
    assert response.json()["description"] == "No fax was sent by 09:00 on a weekday"
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="fax_alert_rule.created").exists()


def test_a_rule_missing_what_it_needs_is_a_400_naming_the_field(admin_client_):
    response = post(admin_client_, RULES, {"kind": "stuck"})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["minutes"]


def test_an_admin_changes_and_deletes_a_rule(org, admin_client_):
    rule = RuleFactory(organization=org)
    response = admin_client_.patch(f"{RULES}{rule.pk}/", json.dumps({"enabled": False}),
                                   content_type="application/json")
    assert response.json()["enabled"] is False
    assert admin_client_.delete(f"{RULES}{rule.pk}/").status_code == 204
    with scopes_disabled():
        assert not AlertRule.objects.filter(pk=rule.pk).exists()


@pytest.mark.parametrize("client", ["api", "agent_client"])
def test_keys_and_agents_may_not_manage_rules(db, client, request):
    response = post(request.getfixturevalue(client), RULES, {"kind": "failed"})
    assert response.status_code == 403
