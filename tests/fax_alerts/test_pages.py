"""The pages: watching a reference from a fax's page, my watches, the organization's
rules (owners and admins, audited), and who may do what."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry, Role
from fax_alerts.models import AlertRule, Match, RuleKind, Watch
from fax_alerts.services import DEFAULT_RULES, create_default_rules
from tests.factories import OrganizationFactory
from tests.fax_alerts.factories import RuleFactory, WatchFactory
from tests.faxes.factories import FaxFactory

WATCHES = reverse("fax_watches")
RULES = reverse("fax_alert_rules")


def watches_of(membership):
    with scopes_disabled():
        return list(Watch.objects.filter(user=membership.user).values_list("text", "match"))


def test_a_member_watches_a_reference_from_the_faxs_page(org, agent, agent_client):
    fax = FaxFactory(organization=org, customer_field="CLAIM-2026-001")
    page = reverse("fax_detail", args=[fax.pk])
    assert "Watch this reference" in agent_client.get(page).content.decode()
    response = agent_client.post(WATCHES, {"text": "CLAIM-2026-", "match": "prefix",
                                           "next": page})
    assert response["Location"] == page
    assert watches_of(agent) == [("CLAIM-2026-", Match.PREFIX)]
    shown = agent_client.get(page).content.decode()
    assert "You watch references starting with <strong>CLAIM-2026-</strong>" in shown


def test_watching_again_changes_how_it_matches(org, agent, agent_client):
    agent_client.post(WATCHES, {"text": "CLAIM-1", "match": "exact"})
    agent_client.post(WATCHES, {"text": " CLAIM-1 ", "match": "prefix"})
    assert watches_of(agent) == [("CLAIM-1", Match.PREFIX)]


def test_a_blank_reference_is_refused_with_the_field(agent_client, agent):
    response = agent_client.post(WATCHES, {"text": "  ", "match": "exact"})
    assert response.status_code == 400
    assert response.context["form"].errors["text"]
    assert watches_of(agent) == []


def test_an_offsite_next_is_not_followed(agent_client):
    response = agent_client.post(WATCHES, {"text": "A", "match": "exact",
                                           "next": "https://evil.example/"})
    assert response["Location"] == WATCHES


def test_a_member_removes_only_their_own_watch(org, agent, owner, agent_client):
    mine = WatchFactory(organization=org, user=agent.user, text="A")
    theirs = WatchFactory(organization=org, user=owner.user, text="B")
    assert agent_client.post(reverse("remove_fax_watch", args=[theirs.pk])).status_code == 404
    agent_client.post(reverse("remove_fax_watch", args=[mine.pk]))
    assert watches_of(agent) == [] and watches_of(owner) == [("B", "exact")]


def test_a_viewer_has_no_watches(viewer_client):
    assert viewer_client.get(WATCHES).status_code == 403


def test_a_viewer_sees_no_watch_button_on_a_fax(org, viewer_client):
    fax = FaxFactory(organization=org)
    page = viewer_client.get(reverse("fax_detail", args=[fax.pk])).content.decode()
    assert "Watch this reference" not in page


def test_a_new_organization_starts_with_the_default_rules(db):
    organization = OrganizationFactory()
    with scopes_disabled():
        rules = AlertRule.objects.filter(organization=organization)
        assert sorted(rules.values_list("kind", "enabled")) == sorted(
            (values["kind"], values.get("enabled", True)) for values in DEFAULT_RULES)


def test_an_admin_adds_a_rule_audited(org, admin_member, admin_client_):
    response = admin_client_.post(RULES, {"kind": "stuck", "enabled": "on", "minutes": "45",
                                          "least_role": "admin"})
    assert response.status_code == 302
    with scopes_disabled():
        rule = AlertRule.objects.get(organization=org, kind=RuleKind.STUCK, minutes=45)
        entry = AuditEntry.objects.get(action="fax_alert_rule.created")
    assert (rule.least_role, rule.to_watchers) == (Role.ADMIN, False)
    assert entry.detail["rule"] == "A fax stayed queued or in progress longer than 45 minutes"


def test_a_stuck_rule_needs_its_minutes(admin_client_):
    response = admin_client_.post(RULES, {"kind": "stuck", "to_watchers": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors["minutes"]


def test_a_none_sent_rule_needs_a_role(admin_client_):
    response = admin_client_.post(RULES, {"kind": "none_sent", "hour": "10",
                                          "to_watchers": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors["least_role"]


def test_an_admin_changes_and_deletes_a_rule_audited(org, admin_client_):
    rule = RuleFactory(organization=org, kind=RuleKind.FAILED)
    admin_client_.post(reverse("edit_fax_alert_rule", args=[rule.pk]),
                       {"kind": "failed", "least_role": "owner"})
    with scopes_disabled():
        rule.refresh_from_db()
    assert (rule.enabled, rule.least_role) == (False, Role.OWNER)
    admin_client_.post(reverse("delete_fax_alert_rule", args=[rule.pk]))
    with scopes_disabled():
        assert not AlertRule.objects.filter(pk=rule.pk).exists()
        assert [e.action for e in AuditEntry.objects.order_by("id")][-2:] == [
            "fax_alert_rule.changed", "fax_alert_rule.deleted"]


@pytest.mark.parametrize("client", ["agent_client", "viewer_client"])
def test_only_owners_and_admins_manage_rules(client, request, org):
    rule = RuleFactory(organization=org)
    member = request.getfixturevalue(client)
    assert member.get(RULES).status_code == 403
    assert member.post(reverse("delete_fax_alert_rule", args=[rule.pk])).status_code == 403


def test_another_organizations_rule_is_a_404(org, outsider_client):
    rule = RuleFactory(organization=org)
    assert outsider_client.get(reverse("edit_fax_alert_rule", args=[rule.pk])).status_code \
        == 404


def test_default_rules_are_listed_for_the_owner(org, owner_client):
    with scopes_disabled():
        create_default_rules(organization=org)
    page = owner_client.get(RULES).content.decode()
    assert "A fax failed" in page and "No fax was sent by 10:00 on a weekday" in page
