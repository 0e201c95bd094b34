"""The delivery job's record of its runs, which organizations it visits, and an endpoint's
change writing only what it changes."""

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from accounts.models import JobOutcome, JobState
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import fresh
from webhooks_out import services, tasks
from webhooks_out.models import Endpoint


def test_a_failed_delivery_run_is_recorded_as_failed(org, monkeypatch):
    EndpointFactory(organization=org)
    fax_event(org)

    def broken(*, organization):
        raise RuntimeError("receiver table missing")

    monkeypatch.setattr(tasks, "deliver_organization", broken)
    assert "1 failed" in tasks.deliver_webhooks()
    with scopes_disabled():
        state = JobState.objects.get(organization=org, job="deliver_webhooks")
    assert state.last_outcome == JobOutcome.FAILED
    assert "receiver table missing" in state.last_error


def test_an_organization_whose_only_due_deliveries_wait_on_a_turned_off_endpoint_is_not_visited(
        org, other_org):
    turned_off = EndpointFactory(organization=org)
    fax_event(org)
    EndpointFactory(organization=other_org)
    fax_event(other_org)
    with scopes_disabled():
        # The delivery was made while the endpoint was on; it was turned off since.
        Endpoint.objects.filter(pk=turned_off.pk).update(enabled=False)
        assert org.pk not in tasks.organizations_with_due_deliveries(timezone.now())
        assert other_org.pk in tasks.organizations_with_due_deliveries(timezone.now())


@pytest.mark.parametrize("change", [{"description": "Billing"}, {"enabled": False}])
def test_changing_an_endpoint_keeps_a_secret_rotated_meanwhile(org, change):
    read_by_the_request = EndpointFactory(organization=org)
    with scopes_disabled():
        rotated = Endpoint.objects.get(pk=read_by_the_request.pk)
    new_secret = services.rotate_secret(endpoint=rotated)
    services.update_endpoint(endpoint=read_by_the_request, values=change)
    assert fresh(read_by_the_request).secret == new_secret
