"""Each alert is one fax.alert event, with its documented payload, delivered to the
organization's webhook endpoints."""

import pytest
from django.conf import settings

from events.models import EventType
from fax_alerts.models import RuleKind
from tests.events.helpers import emitted
from tests.events.test_payload_schema import assert_keeps_to_schema
from tests.fax_alerts.factories import RuleFactory, record, store
from tests.fax_alerts.helpers import alerts
from tests.webhooks_out.factories import EndpointFactory
from tests.webhooks_out.helpers import deliveries

pytestmark = pytest.mark.usefixtures("clock")


def test_an_alert_is_one_fax_alert_event_with_the_faxs_page(org):
    rule = RuleFactory(organization=org, kind=RuleKind.FAILED)
    [fax] = store(org, record(status="FAILED", try_count=3))
    store(org, record(status="FAILED", try_count=3))
    [event] = emitted(EventType.FAX_ALERT)
    [alert] = alerts()
    assert event.subject == f"fax:{fax.pk}"
    payload = event.payload
    assert payload["alert"]["id"] == alert.pk
    assert payload["rule"] == {"id": rule.pk, "kind": "failed", "minutes": None, "hour": None}
    assert payload["fax"]["customer_field"] == "CLAIM-2026-001"
    assert payload["reason"] == "It failed after 3 tries."
    assert payload["url"] == f"{settings.PORTAL_BASE_URL}/faxes/{fax.pk}/"
    assert_keeps_to_schema(EventType.FAX_ALERT, payload)


def test_a_webhook_endpoint_gets_a_delivery_of_the_alert(org):
    RuleFactory(organization=org, kind=RuleKind.FAILED)
    endpoint = EndpointFactory(organization=org, event_types=["fax.alert"])
    [fax] = store(org, record(status="FAILED", try_count=3))
    [delivery] = deliveries()
    assert (delivery.endpoint_id, delivery.subject) == (endpoint.pk, f"fax:{fax.pk}")
    assert delivery.event_id == emitted(EventType.FAX_ALERT)[0].pk
