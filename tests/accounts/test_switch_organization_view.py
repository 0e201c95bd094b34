"""The organization switcher: a user in several organizations picks which one they work in."""

import pytest

from accounts.models import Role
from tests.factories import MembershipFactory

SWITCH = "/organization/switch/"


@pytest.fixture
def two_org_client(client, owner, other_org):
    """The owner of `org`, who is also a viewer of `other_org`."""
    MembershipFactory(user=owner.user, organization=other_org, role=Role.VIEWER)
    client.force_login(owner.user)
    return client


def test_user_in_two_organizations_sees_the_first_by_name(two_org_client, org):
    assert two_org_client.get("/").context["organization"] == org


def test_user_in_two_organizations_switches_to_the_other(two_org_client, other_org):
    response = two_org_client.post(SWITCH, {"organization": other_org.pk}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert response.context["organization"] == other_org
    assert b"<h1>Summit Law</h1>" in response.content


def test_switch_applies_the_role_in_the_other_organization(two_org_client, other_org):
    two_org_client.post(SWITCH, {"organization": other_org.pk})
    assert two_org_client.get("/organization/connections/").status_code == 403


def test_switch_stays_for_later_requests(two_org_client, other_org):
    two_org_client.post(SWITCH, {"organization": other_org.pk})
    response = two_org_client.get("/organization/members/")
    assert response.context["organization"] == other_org


def test_switcher_lists_both_organizations(two_org_client):
    response = two_org_client.get("/")
    assert b"Harbor Clinic" in response.content
    assert b"Summit Law" in response.content


def test_switching_to_an_organization_the_user_is_not_in_is_a_404(owner_client, other_org):
    response = owner_client.post(SWITCH, {"organization": other_org.pk})
    assert response.status_code == 404
    assert owner_client.get("/").context["organization"].slug == "harbor"


def test_switching_to_a_non_number_is_a_404(owner_client):
    assert owner_client.post(SWITCH, {"organization": "harbor"}).status_code == 404


def test_switching_by_get_is_not_allowed(owner_client, org):
    assert owner_client.get(SWITCH, {"organization": org.pk}).status_code == 405
