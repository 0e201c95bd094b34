"""The delivery job (django-q2, every minute) and the pruning of old deliveries: each
organization under its lock and time budget (accounts.jobs.organization_work_in_rounds)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django_q.models import Schedule

from common.locks import job_lock
from portal.jobs import job_named
from tests.webhooks_out.factories import EndpointFactory, fax_event
from tests.webhooks_out.helpers import URL, answer, attempts, deliveries
from webhooks_out import delivery as delivery_module
from webhooks_out.models import DeliveryState
from webhooks_out.tasks import deliver_webhooks, prune_webhook_deliveries


def test_delivery_is_a_job_scheduled_every_minute(db):
    job = job_named("deliver_webhooks")
    assert (job.task, job.interval_setting, job.minutes) == (
        deliver_webhooks, "WEBHOOK_DELIVERY_MINUTES", 1)
    assert Schedule.objects.get(name="deliver_webhooks").minutes == 1


def test_pruning_is_a_job_with_the_webhook_pruning_interval(db):
    job = job_named("prune_webhook_deliveries")
    assert (job.task, job.interval_setting) == (prune_webhook_deliveries,
                                                "WEBHOOK_PRUNE_MINUTES")


def test_the_job_delivers_every_organizations_due_deliveries(org, other_org, provider):
    answer(provider)
    for organization in (org, other_org):
        EndpointFactory(organization=organization, url=URL)
        fax_event(organization)
    assert deliver_webhooks() == "2 delivery attempts for 2 organizations, 0 failed"
    assert {d.state for d in deliveries()} == {DeliveryState.SUCCEEDED}


def test_an_organization_whose_lock_is_held_is_left_to_that_run(org, provider):
    answer(provider)
    EndpointFactory(organization=org, url=URL)
    fax_event(org)
    with job_lock(f"deliver_webhooks:{org.pk}") as held:
        assert held
        deliver_webhooks()
    assert attempts() == []


def test_an_event_made_as_a_run_ends_its_last_batch_is_delivered_by_that_run(
        org, provider, monkeypatch, django_capture_on_commit_callbacks, kicks):
    """The delivery run woken for the new event finds the organization's lock held and asks
    the holder for another round."""
    from webhooks_out import tasks

    answer(provider)
    EndpointFactory(organization=org, url=URL)
    fax_event(org)
    woken_run = []

    def deliver_then_an_event(*, organization):
        attempts_made = delivery_module.deliver_organization(organization=organization)
        if not woken_run:
            with django_capture_on_commit_callbacks(execute=True):
                fax_event(org, fax_id=8)
            assert len(kicks) == 1  # a run woken for it, which a worker starts now
            woken_run.append(deliver_webhooks())
        return attempts_made

    monkeypatch.setattr(tasks, "deliver_organization", deliver_then_an_event)
    assert deliver_webhooks() == "2 delivery attempts for 1 organizations, 0 failed"
    assert woken_run == ["0 delivery attempts for 1 organizations, 0 failed"]
    assert [d.state for d in deliveries()] == [DeliveryState.SUCCEEDED] * 2


def test_one_organizations_failure_does_not_stop_the_others(org, other_org, provider,
                                                            monkeypatch):
    answer(provider)
    for organization in (org, other_org):
        EndpointFactory(organization=organization, url=URL)
        fax_event(organization)
    real = delivery_module.due_batch
    calls = []

    def broken_first(now):
        calls.append(now)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return real(now)

    monkeypatch.setattr(delivery_module, "due_batch", broken_first)
    assert deliver_webhooks().endswith("1 failed")
    assert len(attempts()) == 1


def test_a_spent_time_budget_ends_the_organizations_run(org, provider, settings):
    settings.AXION_ORGANIZATION_BUDGET_SECONDS = 0
    answer(provider)
    EndpointFactory(organization=org, url=URL)
    fax_event(org)
    deliver_webhooks()
    assert attempts() == []
    assert deliveries()[0].state == DeliveryState.PENDING


def test_run_job_runs_it_once_for_operators(org, provider):
    answer(provider)
    EndpointFactory(organization=org, url=URL)
    fax_event(org)
    call_command("run_job", "deliver_webhooks")
    assert deliveries()[0].state == DeliveryState.SUCCEEDED


@pytest.fixture
def old_and_new(org, provider, clock):
    answer(provider)
    EndpointFactory(organization=org, url=URL)
    fax_event(org, fax_id=1)
    deliver_webhooks()
    clock.shift(timedelta(days=31))
    fax_event(org, fax_id=2)  # pending, and new
    return org


def test_pruning_deletes_finished_deliveries_past_the_retention(old_and_new):
    assert prune_webhook_deliveries() == "1 old deliveries deleted"
    assert [d.subject for d in deliveries()] == ["fax:2"]
    assert attempts() == []


def test_pruning_keeps_unfinished_deliveries_however_old(old_and_new, clock):
    clock.shift(timedelta(days=60))
    prune_webhook_deliveries()
    assert [d.subject for d in deliveries()] == ["fax:2"]
