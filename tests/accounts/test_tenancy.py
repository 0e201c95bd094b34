"""Tenant isolation: scoped models refuse to be queried outside an organization's scope."""

import pytest
from django_scopes import ScopeError

from accounts.models import AuditEntry, Connection, Invitation, Membership, Organization
from accounts.tenancy import organization_scope
from tests.factories import ConnectionFactory, MembershipFactory

SCOPED_MODELS = [Membership, Invitation, Connection, AuditEntry]


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_query_outside_any_scope_raises_scope_error(db, model):
    with pytest.raises(ScopeError):
        list(model.objects.all())


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m.__name__)
def test_query_inside_an_organization_scope_works(org, model):
    with organization_scope(org):
        assert list(model.objects.all()) == []


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
