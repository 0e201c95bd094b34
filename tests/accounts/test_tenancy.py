"""Tenant isolation: scoped models refuse to be queried outside an organization's scope.

Which models are scoped is read from the app registry, not listed by hand: every model of
the portal's apps that reaches accounts.Organization through its foreign keys (directly, or
through another such model, as a message through its conversation) is an organization's
data. The sandbox's tables are the simulated provider's, not the portal's.
"""

import pytest
from django.apps import apps
from django_scopes import ScopeError

from accounts.models import Connection, Organization
from accounts.tenancy import organization_scope
from tests.factories import ConnectionFactory, MembershipFactory

PORTAL_APPS = ("accounts", "contacts", "events", "faxes", "messaging", "notifications", "common",
               "portal", "api", "operations", "webhooks_out", "optouts",
               "message_templates", "charts", "fax_alerts", "campaigns", "search")
# Positive control: tenant models known today, which the derivation must find.
KNOWN_SCOPED = {
    "accounts.Membership", "accounts.Invitation", "accounts.Connection",
    "accounts.AuditEntry", "accounts.ApiKey", "faxes.Fax", "faxes.FaxSync",
    "messaging.MessagingNumber", "messaging.Conversation", "messaging.Message",
    "messaging.Media", "messaging.WebhookEvent", "messaging.MessageSync",
    "contacts.Contact", "contacts.ContactNumber", "events.Event", "messaging.Label",
    "messaging.Note", "optouts.OptOut", "message_templates.MessageTemplate",
    "charts.FaxDay", "charts.FaxDestinationDay", "charts.FailingDestination",
    "charts.MessageDay", "fax_alerts.Watch", "fax_alerts.AlertRule", "fax_alerts.Alert",
    "fax_alerts.Attention", "faxes.FaxObservation", "faxes.FaxBackfill",
    "faxes.FaxBackfillDay", "optouts.KeywordReplies", "optouts.InboundKeyword",
    "campaigns.Campaign", "campaigns.CampaignRecipient", "campaigns.CampaignDefaults",
}


def _forward_relations(model):
    return [field.related_model for field in model._meta.get_fields()
            if field.concrete and (field.many_to_one or field.one_to_one)
            and field.related_model is not None]


def _reaches_organization(model, seen=()) -> bool:
    for related in _forward_relations(model):
        if related is Organization:
            return True
        if related not in seen and related._meta.app_label in PORTAL_APPS and \
                _reaches_organization(related, (*seen, model)):
            return True
    return False


def tenant_models() -> list:
    """Models of the portal's apps whose rows belong to an organization."""
    return sorted((model for app in PORTAL_APPS if app in apps.app_configs
                   for model in apps.get_app_config(app).get_models()
                   if model is not Organization and _reaches_organization(model)),
                  key=lambda model: model._meta.label)


SCOPED_MODELS = tenant_models()


def test_the_tenant_models_are_derived_from_the_registry():
    labels = {model._meta.label for model in SCOPED_MODELS}
    assert labels >= KNOWN_SCOPED
    # Negative control: tables of no organization are not in the list.
    assert not labels & {"accounts.User", "accounts.Organization", "common.JobLock",
                         "portal.Heartbeat"}


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_the_default_manager_is_objects(model):
    assert model._meta.default_manager.name == "objects"
    assert model._default_manager is model.objects


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_query_outside_any_scope_raises_scope_error(db, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())
    with pytest.raises(ScopeError):
        list(model._default_manager.all())


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label)
def test_query_inside_an_organization_scope_works(org, model):
    with organization_scope(org):
        rows = list(model.objects.all())
    # A new organization holds nothing yet but its default fax alert rules.
    assert rows == [] or model._meta.label == "fax_alerts.AlertRule"


def test_organization_scope_of_none_is_refused(db):
    with pytest.raises(ValueError, match="saved organization"), organization_scope(None):
        pass


def test_organization_scope_of_an_unsaved_organization_is_refused(db):
    with pytest.raises(ValueError, match="saved organization"):
        with organization_scope(Organization(name="Unsaved", slug="unsaved")):
            pass


def test_organization_scope_shows_only_that_organizations_rows(org, other_org):
    ConnectionFactory(organization=org)
    theirs = ConnectionFactory(organization=other_org)
    with organization_scope(other_org):
        assert list(Connection.objects.all()) == [theirs]


def test_request_runs_in_the_scope_of_the_users_organization(owner, outsider, owner_client):
    MembershipFactory(organization=outsider.organization)
    response = owner_client.get("/organization/members/")
    assert list(response.context["member_list"]) == [owner]
