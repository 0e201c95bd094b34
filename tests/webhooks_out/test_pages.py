"""The admins' pages of webhook endpoints: owners and admins only, another organization's
endpoint is a 404, the secret is shown once, every change is audited."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from tests.clock import NOW
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer, deliveries, fresh
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import DeliveryState, Endpoint

FORM = {"url": "https://crm.example/hooks/axion", "description": "CRM sync",
        "event_types": ["message.received", "fax.failed"], "enabled": "on"}


def audits(action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


@pytest.fixture
def endpoint(org):
    return EndpointFactory(organization=org, url=URL, description="Billing")


@pytest.fixture
def delivered(org, endpoint, provider):
    answer(provider, 500, "the answer of the endpoint")
    fax_event(org)
    deliver_organization(organization=org)
    return deliveries()[0]


def pages(endpoint, delivery=None) -> list[tuple[str, str]]:
    base = f"/organization/webhooks/{endpoint.pk}/"
    found = [("get", "/organization/webhooks/"), ("get", "/organization/webhooks/new/"),
             ("get", base), ("get", base + "edit/"), ("get", base + "rotate/"),
             ("get", base + "delete/"), ("post", base + "test/")]
    if delivery is not None:
        found += [("get", f"{base}deliveries/{delivery.pk}/"),
                  ("post", f"{base}deliveries/{delivery.pk}/resend/")]
    return found


@pytest.mark.parametrize("who", ["viewer_client", "agent_client"])
def test_viewers_and_agents_are_refused_every_page(request, who, endpoint, delivered):
    client = request.getfixturevalue(who)
    for method, path in pages(endpoint, delivered):
        assert getattr(client, method)(path).status_code == 403, path


def test_another_organizations_endpoint_is_a_404(outsider_client, endpoint, delivered):
    for method, path in pages(endpoint, delivered)[2:]:
        assert getattr(outsider_client, method)(path).status_code == 404, path


def test_a_visitor_is_sent_to_log_in(client, endpoint):
    assert client.get("/organization/webhooks/").status_code == 302


def test_admins_and_owners_see_the_list(admin_client_, owner_client, endpoint):
    for client in (admin_client_, owner_client):
        page = client.get("/organization/webhooks/").content.decode()
        assert URL in page and "Billing" in page


def test_the_navigation_shows_webhooks_to_admins_only(admin_client_, agent_client):
    assert b"/organization/webhooks/" in admin_client_.get("/").content
    assert b"/organization/webhooks/" not in agent_client.get("/").content


def test_adding_an_endpoint_shows_its_secret_once(admin_client_, admin_member):
    response = admin_client_.post("/organization/webhooks/new/", FORM)
    assert response.status_code == 200
    with scopes_disabled():
        endpoint = Endpoint.objects.get()
    assert endpoint.secret in response.content.decode()
    assert (endpoint.url, endpoint.description, endpoint.event_types, endpoint.enabled) == (
        FORM["url"], "CRM sync", ["message.received", "fax.failed"], True)
    detail = admin_client_.get(f"/organization/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret not in detail
    [entry] = audits("webhook_endpoint.created")
    assert entry.actor == admin_member.user and endpoint.secret not in str(entry.detail)


def test_an_endpoint_on_a_private_address_is_refused_with_a_message(admin_client_):
    response = admin_client_.post("/organization/webhooks/new/",
                                  {**FORM, "url": "https://192.168.0.10/hook"})
    assert response.status_code == 400
    assert "is not a public address" in response.content.decode()
    with scopes_disabled():
        assert not Endpoint.objects.exists()


def test_an_unknown_event_type_is_refused(admin_client_):
    response = admin_client_.post("/organization/webhooks/new/",
                                  {**FORM, "event_types": ["fax.exploded"]})
    assert response.status_code == 400


def test_editing_changes_the_endpoint_and_is_audited(admin_client_, endpoint):
    response = admin_client_.post(f"/organization/webhooks/{endpoint.pk}/edit/", {
        "url": "https://crm.example/v2", "description": "New CRM",
        "event_types": ["fax.failed"]})
    assert response.status_code == 302
    endpoint = fresh(endpoint)
    assert (endpoint.url, endpoint.description, endpoint.event_types, endpoint.enabled) == (
        "https://crm.example/v2", "New CRM", ["fax.failed"], False)
    [entry] = audits("webhook_endpoint.changed")
    assert entry.detail["fields"] == ["description", "enabled", "event_types", "url"]


def test_rotating_shows_the_new_secret_once(admin_client_, endpoint):
    old = endpoint.secret
    response = admin_client_.post(f"/organization/webhooks/{endpoint.pk}/rotate/")
    new = fresh(endpoint).secret
    assert new != old and new in response.content.decode()
    assert old not in response.content.decode()
    assert fresh(endpoint).previous_secret == old
    assert len(audits("webhook_endpoint.secret_rotated")) == 1


def test_deleting_deletes_it_with_its_deliveries(admin_client_, endpoint, delivered):
    response = admin_client_.post(f"/organization/webhooks/{endpoint.pk}/delete/")
    assert response.status_code == 302
    with scopes_disabled():
        assert not Endpoint.objects.exists()
    assert deliveries() == []
    assert len(audits("webhook_endpoint.deleted")) == 1


def test_a_test_event_goes_to_this_endpoint_only(admin_client_, org, endpoint, kicks,
                                                django_capture_on_commit_callbacks):
    other = EndpointFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(f"/organization/webhooks/{endpoint.pk}/test/")
    assert response.status_code == 302
    [delivery] = deliveries()
    assert (delivery.endpoint_id, delivery.event.type) == (endpoint.pk, "ping")
    assert delivery.endpoint_id != other.pk
    assert kicks and kicks[-1][1]["organization_id"] == org.pk
    assert len(audits("webhook_endpoint.test_sent")) == 1


def test_send_test_needs_a_post(admin_client_, endpoint):
    assert admin_client_.get(f"/organization/webhooks/{endpoint.pk}/test/").status_code == 405


def test_the_endpoint_page_lists_its_deliveries(admin_client_, endpoint, delivered):
    page = admin_client_.get(f"/organization/webhooks/{endpoint.pk}/").content.decode()
    assert "fax.status_changed" in page and "HTTP 500" in page and "Failed, retrying" in page


def test_a_deliverys_page_shows_its_attempts(admin_client_, endpoint, delivered):
    page = admin_client_.get(
        f"/organization/webhooks/{endpoint.pk}/deliveries/{delivered.pk}/").content.decode()
    assert "HTTP 500" in page and "the answer of the endpoint" in page and " ms" in page
    assert f"evt_{delivered.event_id}" in page


def test_sending_again_makes_a_finished_delivery_due_now(
        admin_client_, endpoint, delivered, kicks, clock, django_capture_on_commit_callbacks):
    delivered.state, delivered.next_attempt_at = DeliveryState.ABANDONED, None
    delivered.save()
    clock.shift(3600)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client_.post(
            f"/organization/webhooks/{endpoint.pk}/deliveries/{delivered.pk}/resend/")
    assert response.status_code == 302
    [delivery] = deliveries()
    assert delivery.state == DeliveryState.PENDING
    assert delivery.next_attempt_at == NOW + timedelta(hours=1)
    assert delivery.retry_until == NOW + timedelta(hours=25)
    assert len(audits("webhook_delivery.resent")) == 1
    assert kicks


def test_a_delivery_of_another_endpoint_is_a_404(admin_client_, org, endpoint, delivered):
    other = EndpointFactory(organization=org)
    path = f"/organization/webhooks/{other.pk}/deliveries/{delivered.pk}/"
    assert admin_client_.get(path).status_code == 404
