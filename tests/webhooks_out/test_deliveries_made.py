"""Events become deliveries in the transaction that wrote them: one per enabled endpoint
that wants the type; none when the change rolls back; one query and one INSERT per batch."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from events.models import EventType
from events.services import NewEvent, emit_many
from tests.events.helpers import emitted
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import deliveries
from tests.webhooks_out.receiver import Receiver
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import DeliveryState


def test_each_enabled_endpoint_gets_a_delivery(org):
    first, second = EndpointFactory(organization=org), EndpointFactory(organization=org)
    event = fax_event(org)
    assert {(d.endpoint_id, d.event_id, d.subject, d.state) for d in deliveries()} == {
        (first.pk, event.pk, "fax:7", DeliveryState.PENDING),
        (second.pk, event.pk, "fax:7", DeliveryState.PENDING)}


def test_an_endpoint_gets_only_the_types_it_asked_for(org):
    EndpointFactory(organization=org, event_types=["fax.failed"])
    fax_event(org)
    assert deliveries() == []


def test_another_organizations_endpoints_get_nothing(org, other_org):
    EndpointFactory(organization=other_org)
    fax_event(org)
    assert deliveries() == []


def test_a_change_that_rolls_back_makes_no_event_and_no_delivery(org, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    with Receiver() as receiver:
        EndpointFactory(organization=org, url=receiver.url)
        with pytest.raises(RuntimeError), transaction.atomic():
            fax_event(org)
            raise RuntimeError("the change failed")
        assert deliver_organization(organization=org) == 0
    assert (emitted(), deliveries(), receiver.requests) == ([], [], [])


def test_the_delivery_job_is_started_once_the_events_commit(
        org, kicks, django_capture_on_commit_callbacks):
    EndpointFactory(organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        fax_event(org)
    assert [args for args, _ in kicks] == [("webhooks_out.tasks.deliver_webhooks",)]


def test_a_batch_of_events_costs_one_read_and_one_write(org):
    EndpointFactory(organization=org)
    EndpointFactory(organization=org)
    batch = [NewEvent(EventType.FAX_STATUS_CHANGED, f"fax:{n}",
                      {"fax": {"id": n}, "previous_status": None, "status": "SENT",
                       "contact": None}) for n in range(60)]
    with CaptureQueriesContext(connection) as queries:
        emit_many(organization=org, events=batch)
    ours = [q["sql"] for q in queries.captured_queries if "webhooks_out_" in q["sql"]]
    # One read of the endpoints; the INSERT, which SQLite's limit on parameters may split.
    assert [sql.split(" ")[0] for sql in ours][:2] == ["SELECT", "INSERT"]
    assert all(sql.startswith("INSERT") for sql in ours[1:]) and len(ours) <= 3
    assert len(deliveries()) == 120
