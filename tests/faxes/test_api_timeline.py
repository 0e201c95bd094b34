"""GET /api/v1/faxes/{id}/ carries the fax's timeline; /api/v1/faxes/backfill/ the progress
of the backfill of past days. The list stays as it is."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from faxes.models import FaxBackfill, FaxBackfillDay, FaxObservation
from tests.faxes.factories import FaxFactory

URL = "/api/v1/faxes/"
T0 = datetime(2024, 3, 1, 13, 2, tzinfo=UTC)

pytestmark = pytest.mark.django_db


def observe(fax, count: int):
    with scopes_disabled():
        FaxObservation.objects.bulk_create([
            FaxObservation(organization_id=fax.organization_id, fax=fax,
                           observed_at=T0 + timedelta(minutes=n), status="PROGRESS",
                           try_count=n % 3 + 1, via="sync") for n in range(count)])


def test_a_fax_carries_its_timeline_oldest_first(org, api):
    fax = FaxFactory(organization=org)
    with scopes_disabled():
        FaxObservation.objects.bulk_create([
            FaxObservation(organization=org, fax=fax, observed_at=T0 + timedelta(minutes=22),
                           status="SENT", try_count=2, via="backfill"),
            FaxObservation(organization=org, fax=fax, observed_at=T0, status="QUEUED",
                           try_count=0, via="sync"),
            FaxObservation(organization=org, fax=fax, observed_at=T0 + timedelta(minutes=7),
                           status="FAILED", try_count=1, via="lookup"),
        ])
    assert api.get(f"{URL}{fax.pk}/").json()["timeline"] == [
        {"status": "QUEUED", "try_count": 0, "observed_at": "2024-03-01T13:02:00Z",
         "via": "sync"},
        {"status": "FAILED", "try_count": 1, "observed_at": "2024-03-01T13:09:00Z",
         "via": "lookup"},
        {"status": "SENT", "try_count": 2, "observed_at": "2024-03-01T13:24:00Z",
         "via": "backfill"},
    ]


def test_the_list_has_no_timeline(org, api):
    FaxFactory(organization=org)
    [fax] = api.get(URL).json()["results"]
    assert "timeline" not in fax


def test_one_fax_costs_the_same_queries_for_twenty_observations_as_for_one(org, api):
    def queries(count: int) -> int:
        fax = FaxFactory(organization=org)
        observe(fax, count)
        api.get(f"{URL}{fax.pk}/")  # the key's first use of the test is recorded once
        with CaptureQueriesContext(connection) as captured:
            assert len(api.get(f"{URL}{fax.pk}/").json()["timeline"]) == count
        return len(captured)

    assert queries(1) == queries(20)


def test_another_organizations_observations_never_show(org, other_org, api):
    ours = FaxFactory(organization=org)
    theirs = FaxFactory(organization=other_org)
    observe(theirs, 2)
    assert api.get(f"{URL}{ours.pk}/").json()["timeline"] == []
    assert api.get(f"{URL}{theirs.pk}/").status_code == 404


def test_the_schema_documents_the_timeline(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    detail = schema["components"]["schemas"]["FaxDetail"]["properties"]["timeline"]
    observation = schema["components"]["schemas"]["Observation"]["properties"]
    assert detail["type"] == "array"
    assert set(observation) == {"status", "try_count", "observed_at", "via"}
    assert set(observation["via"].get("enum") or
               schema["components"]["schemas"]["ViaEnum"]["enum"]) == {
        "sync", "lookup", "backfill", "earlier"}


def test_backfill_progress_before_any(api):
    assert api.get(f"{URL}backfill/").json() == {
        "state": "not_started", "days_fetched": 0, "days_total": 0, "first_day": None,
        "last_day": None, "started_at": None, "finished_at": None, "last_error": "",
        "last_error_at": None}


def test_backfill_progress_of_a_stopped_backfill(org, other_org, api):
    with scopes_disabled():
        FaxBackfill.objects.create(organization=org, first_day=date(2024, 2, 1),
                                   last_day=date(2024, 3, 1), started_at=T0,
                                   last_error="Axion could not be reached.",
                                   last_error_at=T0 + timedelta(minutes=1))
        FaxBackfillDay.objects.bulk_create([
            FaxBackfillDay(organization=org, day=date(2024, 3, 1) - timedelta(days=n),
                           fetched_at=T0, faxes=1) for n in range(12)])
        FaxBackfillDay.objects.create(organization=other_org, day=date(2024, 2, 10),
                                      fetched_at=T0, faxes=1)
    assert api.get(f"{URL}backfill/").json() == {
        "state": "failed", "days_fetched": 12, "days_total": 30, "first_day": "2024-02-01",
        "last_day": "2024-03-01", "started_at": "2024-03-01T13:02:00Z", "finished_at": None,
        "last_error": "Axion could not be reached.",
        "last_error_at": "2024-03-01T13:03:00Z"}


def test_backfill_progress_refuses_unknown_parameters(api):
    assert api.get(f"{URL}backfill/", {"days": "3"}).status_code == 400


def test_backfill_progress_needs_the_read_scope(sender_only):
    assert sender_only.get(f"{URL}backfill/").status_code == 403
