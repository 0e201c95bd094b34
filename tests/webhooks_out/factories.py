"""Factories of outgoing webhooks' models, with scopes disabled like tests/factories.py."""

import factory

from events.models import EventType
from events.services import emit
from tests.factories import OrganizationFactory, ScopeFreeFactory
from webhooks_out.models import Endpoint
from webhooks_out.signing import new_secret


class EndpointFactory(ScopeFreeFactory):
    class Meta:
        model = Endpoint

    organization = factory.SubFactory(OrganizationFactory)
    url = factory.Sequence(lambda n: f"https://hooks.example/receive/{n}")
    description = "Our CRM"
    secret = factory.LazyFunction(new_secret)


def fax_event(organization, *, fax_id: int = 7, status: str = "SENT", subject: str = ""):
    """A fax.status_changed event of `organization` (emitted: deliveries follow)."""
    return emit(organization=organization, type=EventType.FAX_STATUS_CHANGED,
                subject=subject or f"fax:{fax_id}",
                payload={"fax": {"id": fax_id, "status": status}, "previous_status": "QUEUED",
                         "status": status, "contact": None})
