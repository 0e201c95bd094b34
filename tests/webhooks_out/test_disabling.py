"""An endpoint whose every attempt failed for WEBHOOK_ENDPOINT_DISABLE_DAYS (3) is turned
off; its organization's owners and admins are told (audit entry, e-mail, signal); its
deliveries wait until it is turned on again."""

from datetime import timedelta

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from tests.clock import NOW
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer, deliveries, fresh
from webhooks_out import services
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import DeliveryState, Endpoint
from webhooks_out.signals import endpoint_disabled


@pytest.fixture
def endpoint(org, provider):
    answer(provider, 500, "down")
    return EndpointFactory(organization=org, url=URL)


def fail_at(org, clock, moment):
    clock.move_to(moment, tick=False)
    fax_event(org, fax_id=int(moment.timestamp()))
    deliver_organization(organization=org)


def test_the_first_failure_marks_the_endpoint_failing(org, endpoint, clock):
    fail_at(org, clock, NOW)
    assert fresh(endpoint).failing_since == NOW and fresh(endpoint).enabled


def test_a_success_clears_the_mark(org, endpoint, clock, provider):
    fail_at(org, clock, NOW)
    provider.replace("POST", URL, status=200, body="ok")
    clock.shift(5)
    deliver_organization(organization=org)
    assert fresh(endpoint).failing_since is None
    assert fresh(endpoint).last_success_at == NOW + timedelta(seconds=5)


def test_failing_for_less_than_three_days_keeps_it_on(org, endpoint, clock):
    fail_at(org, clock, NOW)
    fail_at(org, clock, NOW + timedelta(days=2, hours=23))
    assert fresh(endpoint).enabled


def test_failing_for_three_days_turns_it_off_with_the_reason(org, endpoint, clock):
    fail_at(org, clock, NOW)
    fail_at(org, clock, NOW + timedelta(days=3))
    endpoint = fresh(endpoint)
    assert not endpoint.enabled
    assert "no delivery succeeded since 2024-03-01 12:00 UTC" in endpoint.disabled_reason
    assert "HTTP 500" in endpoint.disabled_reason


def test_turning_it_off_is_audited(org, endpoint, clock):
    fail_at(org, clock, NOW)
    fail_at(org, clock, NOW + timedelta(days=3))
    with scopes_disabled():
        [entry] = AuditEntry.objects.filter(action="webhook_endpoint.disabled")
    # The URL's scheme and host only: its path or query may carry a credential.
    assert (entry.actor_label, entry.target) == ("Webhook delivery", "https://hooks.example")


def test_owners_and_admins_are_e_mailed(org, endpoint, clock, owner, admin_member, agent,
                                        django_capture_on_commit_callbacks):
    fail_at(org, clock, NOW)
    with django_capture_on_commit_callbacks(execute=True):
        fail_at(org, clock, NOW + timedelta(days=3))
    [message] = mail.outbox
    assert sorted(message.to) == sorted([owner.user.email, admin_member.user.email])
    assert "https://hooks.example:" in message.body and "turn it on" in message.body
    assert URL not in message.body


def test_the_disabled_signal_is_the_hook_for_notifications(org, endpoint, clock):
    heard = []

    def hear(sender, endpoint, reason, **kwargs):
        heard.append((endpoint.pk, reason))

    endpoint_disabled.connect(hear)
    try:
        fail_at(org, clock, NOW)
        fail_at(org, clock, NOW + timedelta(days=3))
    finally:
        endpoint_disabled.disconnect(hear)
    assert [pk for pk, _ in heard] == [endpoint.pk]


def test_its_deliveries_wait_and_go_once_it_is_on_again(org, endpoint, clock, provider):
    fail_at(org, clock, NOW)
    fail_at(org, clock, NOW + timedelta(days=3))
    clock.shift(timedelta(hours=1))
    assert deliver_organization(organization=org) == 0
    provider.replace("POST", URL, status=200, body="ok")
    services.update_endpoint(endpoint=fresh(endpoint), values={"enabled": True})
    assert fresh(endpoint).disabled_reason == ""
    assert deliver_organization(organization=org) >= 1
    assert DeliveryState.SUCCEEDED in {d.state for d in deliveries()}


def test_no_delivery_is_made_for_a_disabled_endpoint(org):
    EndpointFactory(organization=org, url=URL, enabled=False)
    fax_event(org)
    assert deliveries() == []


def test_an_endpoint_is_named_by_its_scheme_and_host_alone():
    endpoint = Endpoint(url="https://user:token@crm.example:8443/hooks/s3cr3t?key=abc")
    assert str(endpoint) == endpoint.origin == "https://crm.example:8443"
