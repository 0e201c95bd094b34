"""/api/v1/webhook-endpoints/: owners and admins signed in, and API keys with the webhooks
scope; the secret in the answers that make it only; another organization's endpoint is a
404; changes audited like the pages'."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from events.models import EventType
from tests.api.helpers import error_of, key_client, make_key
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer, deliveries, fresh
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import Endpoint

BASE = "/api/v1/webhook-endpoints/"
BODY = {"url": "https://crm.example/hooks", "description": "CRM",
        "event_types": ["fax.failed"]}


@pytest.fixture
def hooks_api(org):
    return key_client(make_key(org, scopes="webhooks", name="Deploy tool")[1])


@pytest.fixture
def endpoint(org):
    return EndpointFactory(organization=org, url=URL, description="Billing")


def audits(action):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


def test_a_key_without_the_webhooks_scope_is_refused(api, endpoint):
    response = api.get(BASE)
    assert response.status_code == 403
    assert "webhooks scope" in error_of(response)["message"]


@pytest.mark.parametrize("who", ["agent_client", "viewer_client"])
def test_agents_and_viewers_signed_in_are_refused(request, who, endpoint):
    client = request.getfixturevalue(who)
    assert client.get(BASE).status_code == 403
    assert client.post(BASE, BODY, content_type="application/json").status_code == 403


def test_admins_signed_in_may_use_it(admin_client_, endpoint):
    assert admin_client_.get(BASE).status_code == 200


def test_the_list_shows_endpoints_without_secrets(hooks_api, endpoint):
    body = hooks_api.get(BASE).json()
    [row] = body["results"]
    assert (row["id"], row["url"], row["description"], row["event_types"], row["enabled"]) == (
        endpoint.pk, URL, "Billing", [], True)
    assert "secret" not in row and endpoint.secret not in str(body)


def test_creating_answers_the_secret_once(hooks_api):
    response = hooks_api.post(BASE, BODY, content_type="application/json")
    assert response.status_code == 201
    created = response.json()
    assert created["secret"].startswith("whsec_")
    with scopes_disabled():
        endpoint = Endpoint.objects.get()
    assert endpoint.secret == created["secret"]
    again = hooks_api.get(f"{BASE}{endpoint.pk}/").json()
    assert "secret" not in again and created["secret"] not in str(again)
    [entry] = audits("webhook_endpoint.created")
    assert entry.actor_label.startswith("API key Deploy tool")


def test_a_private_address_is_a_400_naming_the_url(hooks_api):
    response = hooks_api.post(BASE, {**BODY, "url": "https://10.1.1.1/x"},
                              content_type="application/json")
    assert response.status_code == 400
    assert "is not a public address" in " ".join(error_of(response)["fields"]["url"])


def test_an_unknown_event_type_is_a_400(hooks_api):
    response = hooks_api.post(BASE, {**BODY, "event_types": ["fax.exploded"]},
                              content_type="application/json")
    assert response.status_code == 400
    assert "event_types.0" in error_of(response)["fields"]


def test_an_unknown_field_is_a_400(hooks_api):
    response = hooks_api.post(BASE, {**BODY, "secret": "whsec_mine"},
                              content_type="application/json")
    assert response.status_code == 400
    assert "secret" in error_of(response)["fields"]


def test_patch_changes_what_it_gives(hooks_api, endpoint):
    response = hooks_api.patch(f"{BASE}{endpoint.pk}/", {"enabled": False},
                               content_type="application/json")
    assert response.status_code == 200
    assert response.json()["enabled"] is False
    assert (fresh(endpoint).enabled, fresh(endpoint).description) == (False, "Billing")
    assert audits("webhook_endpoint.changed")[0].detail["fields"] == ["enabled"]


def test_put_replaces_the_endpoint(hooks_api, endpoint):
    response = hooks_api.put(f"{BASE}{endpoint.pk}/", {"url": "https://crm.example/v2"},
                             content_type="application/json")
    assert response.status_code == 200
    assert (fresh(endpoint).url, fresh(endpoint).description) == ("https://crm.example/v2", "")


def test_a_boolean_must_be_a_json_boolean(hooks_api, endpoint):
    response = hooks_api.patch(f"{BASE}{endpoint.pk}/", {"enabled": "yes"},
                               content_type="application/json")
    assert response.status_code == 400


def test_delete_deletes(hooks_api, endpoint):
    assert hooks_api.delete(f"{BASE}{endpoint.pk}/").status_code == 204
    with scopes_disabled():
        assert not Endpoint.objects.exists()


def test_rotate_answers_the_new_secret_once(hooks_api, endpoint):
    old = endpoint.secret
    response = hooks_api.post(f"{BASE}{endpoint.pk}/rotate/")
    assert response.status_code == 200
    body = response.json()
    assert body["secret"] == fresh(endpoint).secret != old
    assert body["previous_secret_expires_at"] == "2024-03-02T12:00:00Z"
    assert hooks_api.get(f"{BASE}{endpoint.pk}/").json()["previous_secret_expires_at"] == \
        "2024-03-02T12:00:00Z"


def test_test_sends_a_ping_to_this_endpoint_only(hooks_api, org, endpoint):
    EndpointFactory(organization=org)
    response = hooks_api.post(f"{BASE}{endpoint.pk}/test/")
    assert response.status_code == 202
    [delivery] = deliveries()
    assert (delivery.endpoint_id, delivery.event.type) == (endpoint.pk, "ping")
    assert response.json()["delivery"]["event"]["type"] == "ping"


def test_an_endpoints_deliveries_are_listed_newest_first(hooks_api, org, endpoint,
                                                         provider):
    answer(provider, 503, "busy")
    first, second = fax_event(org, fax_id=1), fax_event(org, fax_id=2)
    deliver_organization(organization=org)
    response = hooks_api.get(f"{BASE}{endpoint.pk}/deliveries/?page_size=1")
    assert response.status_code == 200
    body = response.json()
    [row] = body["results"]
    assert row["event"] == {"id": f"evt_{second.pk}", "type": "fax.status_changed",
                            "created_at": "2024-03-01T12:00:00Z"}
    assert (row["state"], row["attempts"], row["last_status_code"]) == ("failed", 1, 503)
    assert row["next_attempt_at"] == "2024-03-01T12:00:05Z"
    older = hooks_api.get(body["next"]).json()["results"]
    assert [r["event"]["id"] for r in older] == [f"evt_{first.pk}"]


def test_the_event_types_are_listed_with_an_example_each(hooks_api):
    response = hooks_api.get(f"{BASE}event-types/")
    assert response.status_code == 200
    types = {row["type"]: row for row in response.json()}
    assert set(types) == set(EventType.values)
    example = types["message.received"]["example"]
    assert example["type"] == "message.received" and "text" in example["data"]["message"]


@pytest.mark.parametrize(("method", "suffix"), [
    ("get", ""), ("patch", ""), ("put", ""), ("delete", ""), ("post", "rotate/"),
    ("post", "test/"), ("get", "deliveries/")])
def test_another_organizations_endpoint_is_a_404(org, other_org, method, suffix):
    theirs = EndpointFactory(organization=other_org)
    client = key_client(make_key(org, scopes="webhooks")[1])
    # A body the endpoint accepts: what is refused is the id, not the request.
    body = BODY if method == "put" else {}
    response = getattr(client, method)(f"{BASE}{theirs.pk}/{suffix}", body,
                                       content_type="application/json")
    assert response.status_code == 404
    assert fresh(theirs).secret == theirs.secret
