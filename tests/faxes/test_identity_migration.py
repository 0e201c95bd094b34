"""Migration faxes 0002: identities of stored faxes recomputed without the time's zone, so
that the next sync of the same fax finds its row."""

import hashlib
from datetime import UTC, datetime
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django_scopes import scopes_disabled

from axion.fax import FaxRecord
from faxes.models import Fax
from faxes.services import upsert_faxes
from tests.factories import ConnectionFactory
from tests.faxes.factories import FaxFactory

migration = import_module("faxes.migrations.0002_identity_without_zone")
NEW_YORK = ZoneInfo("America/New_York")
# Sent at 12:43:59 by the provider's clock, read in New York time.
SENT_AT = datetime(2017, 11, 29, 12, 43, 59, tzinfo=NEW_YORK)


def identity_before_0002(sent_at) -> str:
    """What faxes.models.fax_identity made before: the time with its zone's offset."""
    parts = ["REF-1", "+18059731214", "+18058522606", sent_at.isoformat()]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def stored_before_0002(org, sent_at=SENT_AT):
    return FaxFactory(organization=org, customer_field="REF-1", sent_at=sent_at,
                      identity=identity_before_0002(sent_at), status="QUEUED")


def seen_again(org, sent_at=SENT_AT):
    upsert_faxes(organization=org, records=[FaxRecord(
        customer_field="REF-1", source_number="+18059731214",
        destination_number="+18058522606", time=sent_at, pages=2, status="SENT",
        try_count=1, raw={})])
    with scopes_disabled():
        return list(Fax.objects.filter(organization=org).values_list("status", flat=True))


def recompute():
    with scopes_disabled():
        migration.recompute(apps, schema_editor=None)


@pytest.mark.django_db
def test_a_stored_fax_is_found_by_the_next_sync(org):
    ConnectionFactory(organization=org, time_zone="America/New_York")
    stored_before_0002(org)
    recompute()
    assert seen_again(org) == ["SENT"]


@pytest.mark.django_db
def test_times_are_read_back_in_utc_without_a_fax_connection(org):
    stored_before_0002(org, sent_at=SENT_AT.astimezone(UTC))
    recompute()
    assert seen_again(org, sent_at=SENT_AT.astimezone(UTC)) == ["SENT"]


@pytest.mark.django_db
def test_two_faxes_on_the_same_instant_are_both_kept(org):
    # Read in two zones before a correction: the same instant, two provider times.
    ConnectionFactory(organization=org, time_zone="America/New_York")
    stored_before_0002(org)
    stored_before_0002(org, sent_at=SENT_AT.astimezone(UTC))
    recompute()
    with scopes_disabled():
        assert Fax.objects.filter(organization=org).count() == 2
    assert sorted(seen_again(org)) == ["QUEUED", "SENT"]


@pytest.mark.django_db
def test_a_row_already_stored_by_the_new_code_does_not_stop_the_migration(org):
    ConnectionFactory(organization=org, time_zone="America/New_York")
    stored_before_0002(org)
    seen_again(org)  # the new code, run before the migration: a second row
    recompute()
    with scopes_disabled():
        assert Fax.objects.filter(organization=org).count() == 2


@pytest.mark.django_db
def test_reversing_restores_the_identities_with_the_offset(org):
    ConnectionFactory(organization=org, time_zone="America/New_York")
    fax = stored_before_0002(org)
    recompute()
    with scopes_disabled():
        migration.restore(apps, schema_editor=None)
        fax.refresh_from_db()
    assert fax.identity == identity_before_0002(SENT_AT)
