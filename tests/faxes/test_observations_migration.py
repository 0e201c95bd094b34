"""Migration faxes 0004: faxes stored before the portal kept timelines start theirs with
the state they were in, observed at their last status change ("earlier")."""

from datetime import UTC, datetime
from importlib import import_module

import pytest
from django.apps import apps
from django_scopes import scopes_disabled

from faxes.models import FaxObservation
from tests.faxes.factories import FaxFactory

migration = import_module("faxes.migrations.0004_observations_and_backfill")
CHANGED = datetime(2024, 2, 27, 8, 24, tzinfo=UTC)


@pytest.mark.django_db
def test_each_stored_fax_gets_its_state_as_its_first_observation(org, other_org, monkeypatch):
    monkeypatch.setattr(migration, "BATCH", 2)  # several batches
    ours = [FaxFactory(organization=org, status="FAILED", try_count=3,
                       status_changed_at=CHANGED) for _ in range(3)]
    theirs = FaxFactory(organization=other_org, status="SENT", try_count=1,
                        status_changed_at=CHANGED)
    with scopes_disabled():
        migration.observe_stored_faxes(apps, schema_editor=None)
        rows = set(FaxObservation.objects.values_list(
            "fax", "organization", "status", "try_count", "observed_at", "via"))
    assert rows == {*((fax.pk, org.pk, "FAILED", 3, CHANGED, "earlier") for fax in ours),
                    (theirs.pk, other_org.pk, "SENT", 1, CHANGED, "earlier")}
