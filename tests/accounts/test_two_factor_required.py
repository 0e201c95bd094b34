"""Who must use two-factor sign-in: platform staff, and owners and admins of an
organization that requires it. Until they have set it up they are sent to the setup page
from any page; a user with an app whose session did not give a code is sent to give one.
Webhooks and API keys are machines' and are left alone."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Organization, Role
from tests.accounts.two_factor_helpers import TOTPDeviceFactory, code_now, verified_client
from tests.factories import MembershipFactory, UserFactory

SETUP = "/accounts/two-factor/setup/"
VERIFY = "/accounts/two-factor/verify/"


@pytest.fixture
def required(org):
    Organization.objects.filter(pk=org.pk).update(require_two_factor=True)
    org.refresh_from_db()
    return org


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_owner_of_an_organization_that_requires_it_is_sent_to_set_it_up(required,
                                                                        owner_client):
    response = owner_client.get("/faxes/")
    assert response.url == f"{SETUP}?next=/faxes/"


def test_admin_of_an_organization_that_requires_it_is_sent_to_set_it_up(required,
                                                                        admin_client_):
    assert admin_client_.get("/").url.startswith(SETUP)


@pytest.mark.parametrize("role", [Role.AGENT, Role.VIEWER])
def test_agents_and_viewers_of_such_an_organization_are_not_sent(required, client, role):
    client.force_login(MembershipFactory(organization=required, role=role).user)
    assert client.get("/").status_code == 200


def test_owner_of_an_organization_that_does_not_require_it_is_not_sent(owner_client):
    assert owner_client.get("/").status_code == 200


def test_the_requirement_holds_in_the_users_other_organizations(required, owner, other_org,
                                                                owner_client):
    MembershipFactory(user=owner.user, organization=other_org, role=Role.VIEWER)
    owner_client.post("/organization/switch/", {"organization": other_org.pk})
    assert owner_client.get("/").url.startswith(SETUP)


def test_a_member_sent_to_set_it_up_may_open_the_setup_page(required, owner_client):
    assert owner_client.get(SETUP).status_code == 200


def test_a_member_sent_to_set_it_up_may_log_out(required, owner_client):
    assert owner_client.post("/accounts/logout/").url == "/accounts/login/"


def test_a_member_who_set_it_up_reaches_the_pages(required, owner, clock):
    assert verified_client(owner.user).get("/").status_code == 200


def test_a_users_session_without_the_code_is_sent_to_give_it(owner, owner_client, clock):
    TOTPDeviceFactory(user=owner.user)
    assert owner_client.get("/faxes/").url == f"{VERIFY}?next=/faxes/"


def test_giving_the_code_in_such_a_session_opens_the_page(owner, owner_client, clock):
    device = TOTPDeviceFactory(user=owner.user)
    response = owner_client.post(f"{VERIFY}?next=/faxes/", {"code": code_now(device)})
    assert response.url == "/faxes/"
    assert owner_client.get("/faxes/").status_code == 200


def test_an_unconfirmed_app_does_not_count(required, owner, owner_client):
    TOTPDevice.objects.create(user=owner.user, name="half set up", confirmed=False)
    assert owner_client.get("/").url.startswith(SETUP)


def test_api_keys_of_such_an_organization_keep_working(required, api):
    assert api.get("/api/v1/faxes/").status_code == 200


def test_the_api_refuses_the_session_of_a_member_who_must_set_it_up(required, owner_client):
    response = owner_client.get("/api/v1/faxes/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"


def test_staff_without_two_factor_are_sent_from_the_admin_to_set_it_up(staff_client):
    assert staff_client.get("/admin/").url == f"{SETUP}?next=/admin/"


def test_staff_with_an_app_but_no_code_in_the_session_are_sent_to_give_it(staff_client,
                                                                         staff, clock):
    TOTPDeviceFactory(user=staff)
    assert staff_client.get("/admin/").url == f"{VERIFY}?next=/admin/"


def test_staff_whose_session_gave_the_code_open_the_admin(staff, clock):
    assert verified_client(staff).get("/admin/").status_code == 200


def test_the_admin_site_itself_refuses_a_session_without_the_code(staff):
    request = RequestFactory().get("/admin/")
    request.user = staff
    staff.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    staff.is_verified = lambda: True
    assert admin.site.has_permission(request)


def test_the_admin_login_page_sends_to_the_portals_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/accounts/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/admin/accounts/"


def test_the_admin_never_shows_an_apps_secret(staff, clock):
    device = TOTPDeviceFactory(user=UserFactory())
    response = verified_client(staff).get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert response.status_code == 200
    assert device.key not in response.content.decode()


def test_a_session_that_owes_its_code_gets_no_api_with_another_authorization_header(
        owner, owner_client, clock):
    # Only an API key skips the second step; any other Authorization header falls back to
    # the session, which has not given its code.
    TOTPDeviceFactory(user=owner.user)
    response = owner_client.get("/api/v1/faxes/", HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "two_factor_required"
