"""Rotating a secret: during the grace period both secrets sign, so a receiver still on
the old one and one already on the new one both verify; after it, only the new one."""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from accounts.models import AuditEntry
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.receiver import Receiver
from webhooks_out import services
from webhooks_out.delivery import deliver_organization

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def deliver_one(org, receiver):
    fax_event(org, fax_id=len(receiver.requests) + 1)
    deliver_organization(organization=org)
    return receiver.requests[-1]


def test_during_the_grace_period_the_old_and_the_new_secret_both_verify(org, clock):
    with Receiver() as receiver:
        endpoint = EndpointFactory(organization=org, url=receiver.url)
        old = endpoint.secret
        new = services.rotate_secret(endpoint=endpoint)
        clock.shift(timedelta(hours=23))
        headers, body = deliver_one(org, receiver)
    assert new != old
    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(body, headers)
    Webhook(new).verify(body, headers)


def test_after_the_grace_period_only_the_new_secret_verifies(org, clock):
    with Receiver() as receiver:
        endpoint = EndpointFactory(organization=org, url=receiver.url)
        old = endpoint.secret
        new = services.rotate_secret(endpoint=endpoint)
        clock.shift(timedelta(hours=24, seconds=1))
        headers, body = deliver_one(org, receiver)
    assert len(headers["webhook-signature"].split(" ")) == 1
    Webhook(new).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, headers)


def test_the_grace_period_is_a_setting(org, clock, settings):
    settings.WEBHOOK_SECRET_GRACE_HOURS = 1
    with Receiver() as receiver:
        endpoint = EndpointFactory(organization=org, url=receiver.url)
        old = endpoint.secret
        services.rotate_secret(endpoint=endpoint)
        clock.shift(timedelta(hours=2))
        headers, body = deliver_one(org, receiver)
    with pytest.raises(WebhookVerificationError):
        Webhook(old).verify(body, headers)


def test_a_rotation_is_audited_without_either_secret(org, owner):
    endpoint = EndpointFactory(organization=org)
    old = endpoint.secret
    new = services.rotate_secret(endpoint=endpoint, actor=owner.user)
    with scopes_disabled():
        [entry] = AuditEntry.objects.filter(action="webhook_endpoint.secret_rotated")
    assert entry.actor == owner.user
    assert old not in str(entry.detail) and new not in str(entry.detail)
