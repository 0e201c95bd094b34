"""webhooks_out.services: what pages and the API share."""

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer, deliveries, fresh
from webhooks_out import services
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import DeliveryState


def test_a_test_event_goes_even_to_an_endpoint_that_is_off(org, provider):
    endpoint = EndpointFactory(organization=org, url=URL, enabled=False)
    answer(provider)
    services.send_test_event(endpoint=endpoint)
    assert deliver_organization(organization=org) == 1
    assert deliveries()[0].state == DeliveryState.SUCCEEDED


def test_a_test_event_reaches_neither_other_endpoints_nor_the_event_signals(org):
    endpoint = EndpointFactory(organization=org, url=URL)
    EndpointFactory(organization=org)
    services.send_test_event(endpoint=endpoint)
    assert [d.endpoint_id for d in deliveries()] == [endpoint.pk]


def test_saving_what_is_there_changes_and_audits_nothing(org):
    endpoint = EndpointFactory(organization=org, url=URL, description="CRM")
    assert services.update_endpoint(endpoint=endpoint,
                                    values={"url": URL, "description": "CRM"}) == []
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action="webhook_endpoint.changed").exists()


def test_a_new_url_is_checked_like_a_first_one(org):
    endpoint = EndpointFactory(organization=org, url=URL)
    with pytest.raises(ValidationError) as caught:
        services.update_endpoint(endpoint=endpoint, values={"url": "http://crm.example/x"})
    assert "url" in caught.value.message_dict
    assert fresh(endpoint).url == URL


def test_sending_a_failing_delivery_again_keeps_it_failing_and_due_now(org, provider, clock):
    EndpointFactory(organization=org, url=URL)
    answer(provider, 500)
    fax_event(org)
    deliver_organization(organization=org)
    [delivery] = deliveries()
    services.resend_delivery(delivery=delivery)
    [delivery] = deliveries()
    assert delivery.state == DeliveryState.FAILED
    assert deliver_organization(organization=org) == 1


def test_descriptions_are_one_line_and_bounded(org):
    endpoint, _ = services.create_endpoint(organization=org, url=URL,
                                           description="  CRM \n sync  ")
    assert endpoint.description == "CRM sync"
    with pytest.raises(ValidationError):
        services.create_endpoint(organization=org, url=URL, description="x" * 201)
