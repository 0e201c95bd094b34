"""Deliveries of one endpoint and subject go in order: a delivery waits while an older one
of the same subject is unfinished (pending or failing); other subjects go on."""

import pytest

from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import deliveries
from tests.webhooks_out.receiver import Receiver
from webhooks_out.delivery import deliver_organization
from webhooks_out.models import DeliveryState

pytestmark = pytest.mark.usefixtures("loopback_allowed")


def ids_received(receiver) -> list[str]:
    return [headers["webhook-id"] for headers, _ in receiver.requests]


def test_deliveries_of_one_subject_arrive_in_the_order_of_their_events(org):
    with Receiver() as receiver:
        EndpointFactory(organization=org, url=receiver.url)
        events = [fax_event(org, fax_id=1, status=s) for s in ("PROGRESS", "SENT", "FAILED")]
        deliver_organization(organization=org)
    assert ids_received(receiver) == [f"evt_{e.pk}" for e in events]


def test_a_failing_delivery_holds_back_the_later_ones_of_its_subject_only(org, clock):
    # The first request fails; every later one succeeds.
    with Receiver(lambda n: (500, {}, b"no") if n == 0 else (200, {}, b"ok")) as receiver:
        EndpointFactory(organization=org, url=receiver.url)
        first = fax_event(org, fax_id=1, status="PROGRESS")
        second = fax_event(org, fax_id=1, status="SENT")
        other = fax_event(org, fax_id=2, status="SENT")
        deliver_organization(organization=org)
        assert ids_received(receiver) == [f"evt_{first.pk}", f"evt_{other.pk}"]
        assert [d.state for d in deliveries()] == [
            DeliveryState.FAILED, DeliveryState.PENDING, DeliveryState.SUCCEEDED]
        clock.shift(5)
        deliver_organization(organization=org)
    assert ids_received(receiver)[2:] == [f"evt_{first.pk}", f"evt_{second.pk}"]
    assert {d.state for d in deliveries()} == {DeliveryState.SUCCEEDED}


def test_an_abandoned_delivery_no_longer_holds_back_its_subject(org, clock):
    with Receiver(lambda n: (500, {}, b"no") if n == 0 else (200, {}, b"ok")) as receiver:
        EndpointFactory(organization=org, url=receiver.url)
        fax_event(org, fax_id=1, status="PROGRESS")
        later = fax_event(org, fax_id=1, status="SENT")
        deliver_organization(organization=org)
        first = deliveries()[0]
        first.state, first.next_attempt_at = DeliveryState.ABANDONED, None
        first.save()
        deliver_organization(organization=org)
    assert ids_received(receiver)[-1] == f"evt_{later.pk}"


def test_each_endpoint_keeps_its_own_order(org):
    with Receiver(lambda n: (500, {}, b"no")) as down, Receiver() as up:
        EndpointFactory(organization=org, url=down.url)
        EndpointFactory(organization=org, url=up.url)
        events = [fax_event(org, fax_id=1, status=s) for s in ("PROGRESS", "SENT")]
        deliver_organization(organization=org)
    assert ids_received(down) == [f"evt_{events[0].pk}"]
    assert ids_received(up) == [f"evt_{e.pk}" for e in events]


def test_deliveries_waiting_behind_a_failing_one_do_not_hold_back_other_subjects(
        org, clock, monkeypatch):
    monkeypatch.setattr("webhooks_out.delivery.WINDOW", 2)  # the waiting ones fill a window
    with Receiver(lambda n: (500, {}, b"no") if n == 0 else (200, {}, b"ok")) as receiver:
        EndpointFactory(organization=org, url=receiver.url)
        fax_event(org, fax_id=1, status="QUEUED")
        deliver_organization(organization=org)  # fails: fax 1 waits for its retry
        waiting = [fax_event(org, fax_id=1, status=s) for s in ("PROGRESS", "SENT", "FAILED")]
        other = fax_event(org, fax_id=2, status="SENT")
        deliver_organization(organization=org)
    assert ids_received(receiver)[1:] == [f"evt_{other.pk}"]
    assert all(d.state == DeliveryState.PENDING for d in deliveries()
               if d.event_id in {e.pk for e in waiting})
