"""What the portal observed of each fax (its timeline): written by upsert_faxes when a fax is
first seen and when its status or try count changes, saying how it was seen."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from faxes.models import FaxObservation
from faxes.services import lookup_day, lookup_references, sync_organization, upsert_faxes
from tests.axion import bodies
from tests.faxes.factories import connection_for
from tests.faxes.recorded import answer
from tests.faxes.test_upsert_service import record

pytestmark = pytest.mark.django_db

T0 = datetime(2017, 11, 29, 12, 45, tzinfo=UTC)


def observed(organization=None) -> list[tuple]:
    with scopes_disabled():
        observations = FaxObservation.objects.order_by("observed_at", "id")
        if organization is not None:
            observations = observations.filter(organization=organization)
        return list(observations.values_list("status", "try_count", "observed_at", "via"))


def test_a_fax_seen_for_the_first_time_is_observed(org):
    upsert_faxes(organization=org, records=[record(status="QUEUED")], seen_at=T0)
    assert observed() == [("QUEUED", 0, T0, "sync")]


def test_each_change_of_status_or_try_count_is_observed_in_order(org):
    steps = [("QUEUED", 0), ("PROGRESS", 1), ("FAILED", 1), ("PROGRESS", 2), ("SENT", 2)]
    for minutes, (status, tries) in enumerate(steps):
        upsert_faxes(organization=org, records=[record(status=status, try_count=tries)],
                     seen_at=T0 + timedelta(minutes=minutes))
    assert [(status, tries) for status, tries, _, _ in observed()] == steps


def test_a_new_try_count_alone_is_observed(org):
    upsert_faxes(organization=org, records=[record(status="PROGRESS", try_count=1)], seen_at=T0)
    later = T0 + timedelta(minutes=5)
    upsert_faxes(organization=org, records=[record(status="PROGRESS", try_count=2)],
                 seen_at=later)
    assert observed()[-1] == ("PROGRESS", 2, later, "sync")


def test_nothing_changed_is_not_observed_again(org):
    upsert_faxes(organization=org, records=[record(status="SENT", try_count=1)], seen_at=T0)
    upsert_faxes(organization=org, records=[record(status="SENT", try_count=1, pages=3)],
                 seen_at=T0 + timedelta(minutes=5))
    assert observed() == [("SENT", 1, T0, "sync")]


def test_observations_are_written_in_one_insert_whatever_their_number(org):
    def inserts(count: int, offset: int) -> int:
        with CaptureQueriesContext(db) as queries:
            upsert_faxes(organization=org, records=[
                record(customer_field=f"REF-{offset + n}") for n in range(count)])
        return sum('INSERT INTO "faxes_faxobservation"' in q["sql"] for q in queries)

    assert inserts(1, 0) == inserts(50, 100) == 1
    assert len(observed()) == 51


def test_a_failed_store_keeps_no_observation(org, monkeypatch):
    from events import payloads

    def broken(changes):
        raise RuntimeError("the events could not be written")

    monkeypatch.setattr(payloads, "fax_status_events", broken)
    with pytest.raises(RuntimeError):
        upsert_faxes(organization=org, records=[record()], seen_at=T0)
    assert observed() == []  # the same transaction as the faxes and their events


def test_the_sync_observes_via_sync(org, provider, time_machine):
    time_machine.move_to(datetime(2017, 11, 29, 15, 0, tzinfo=UTC), tick=False)
    connection_for(org)
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    sync_organization(organization=org)
    assert {via for *_, via in observed()} == {"sync"}
    assert len(observed()) == 4


def test_a_lookup_observes_via_lookup(org, provider):
    connection_for(org)
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    lookup_references(organization=org, references=["test 1"])
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    lookup_day(organization=org, day=date(2017, 11, 29))
    assert {via for *_, via in observed()} == {"lookup"}


def test_observations_belong_to_their_organization(org, other_org):
    upsert_faxes(organization=org, records=[record(status="SENT")], seen_at=T0)
    upsert_faxes(organization=other_org, records=[record(status="FAILED", try_count=3)],
                 seen_at=T0)
    assert observed(org) == [("SENT", 0, T0, "sync")]
    assert observed(other_org) == [("FAILED", 3, T0, "sync")]
