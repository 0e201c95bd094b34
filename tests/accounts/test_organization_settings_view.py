"""The organization's settings page: owners require two-factor sign-in of owners and
admins."""

from django_scopes import scopes_disabled

from accounts.models import AuditEntry, Organization
from tests.accounts.two_factor_helpers import verified_client

SETTINGS = "/organization/settings/"


def _required(org) -> bool:
    return Organization.objects.get(pk=org.pk).require_two_factor


def test_owner_sees_the_settings_page(owner_client):
    response = owner_client.get(SETTINGS)
    assert response.status_code == 200
    assert "require_two_factor" in response.context["form"].fields


def test_owner_requires_two_factor(owner_client, org):
    response = owner_client.post(SETTINGS, {"require_two_factor": "on"})
    assert response.status_code == 302
    assert _required(org)


def test_owner_lifts_the_requirement(owner, org):
    Organization.objects.filter(pk=org.pk).update(require_two_factor=True)
    verified_client(owner.user).post(SETTINGS, {})
    assert not _required(org)


def test_the_change_is_audited(owner_client, owner, org):
    owner_client.post(SETTINGS, {"require_two_factor": "on"})
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="organization.two_factor_required")
    assert (entry.organization, entry.actor, entry.detail) == (org, owner.user,
                                                               {"required": True})


def test_admin_may_not_change_the_settings(admin_client_, org):
    assert admin_client_.post(SETTINGS, {"require_two_factor": "on"}).status_code == 403
    assert not _required(org)


def test_an_owner_without_two_factor_is_sent_to_set_it_up_once_it_is_required(owner_client):
    response = owner_client.post(SETTINGS, {"require_two_factor": "on"}, follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/two-factor/setup/")


def test_members_page_links_the_settings_for_owners(owner_client):
    assert SETTINGS in owner_client.get("/organization/members/").content.decode()
