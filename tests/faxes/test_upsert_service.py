"""upsert_faxes: every fax the portal sees is kept once per organization, updated in place."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from axion.fax import FaxRecord
from faxes.models import Fax
from faxes.services import upsert_faxes

SENT_AT = datetime(2017, 11, 29, 12, 43, 59, tzinfo=UTC)
T0 = datetime(2017, 11, 29, 12, 45, tzinfo=UTC)


def record(*, customer_field="test 1", status="QUEUED", try_count=0, pages=2,
           sent_at=SENT_AT, destination="+18058522606") -> FaxRecord:
    return FaxRecord(customer_field=customer_field, source_number="+18059731214",
                     destination_number=destination, time=sent_at, pages=pages,
                     status=status, try_count=try_count, raw={})


def stored(organization=None) -> list[Fax]:
    with scopes_disabled():
        faxes = Fax.objects.order_by("sent_at", "id")
        if organization is not None:
            faxes = faxes.filter(organization=organization)
        return list(faxes)


@pytest.mark.django_db
def test_a_new_fax_is_stored_with_what_the_provider_said(org):
    upsert_faxes(organization=org, records=[record(status="SENT", try_count=1)], seen_at=T0)
    [fax] = stored()
    assert (fax.organization, fax.customer_field, fax.source_number, fax.destination_number,
            fax.sent_at, fax.pages, fax.status, fax.try_count) == (
        org, "test 1", "+18059731214", "+18058522606", SENT_AT, 2, "SENT", 1)
    assert fax.first_seen_at == fax.last_seen_at == fax.status_changed_at == T0


@pytest.mark.django_db
def test_the_same_fax_seen_three_times_is_one_row_with_the_last_status(org):
    for seen, (status, tries) in enumerate([("QUEUED", 0), ("PROGRESS", 1), ("SENT", 1)]):
        upsert_faxes(organization=org, records=[record(status=status, try_count=tries)],
                     seen_at=T0 + timedelta(minutes=5 * seen))
    [fax] = stored()
    assert (fax.status, fax.try_count) == ("SENT", 1)
    assert fax.first_seen_at == T0
    assert fax.last_seen_at == T0 + timedelta(minutes=10)


@pytest.mark.django_db
def test_two_organizations_with_identical_faxes_keep_two_rows(org, other_org):
    upsert_faxes(organization=org, records=[record(status="SENT")])
    upsert_faxes(organization=other_org, records=[record(status="FAILED", try_count=3)])
    assert [(f.organization, f.status) for f in stored(org)] == [(org, "SENT")]
    assert [(f.organization, f.status) for f in stored(other_org)] == [(other_org, "FAILED")]


@pytest.mark.django_db
def test_faxes_differing_only_in_time_are_two_faxes(org):
    upsert_faxes(organization=org, records=[
        record(), record(sent_at=SENT_AT + timedelta(seconds=39))])
    assert len(stored()) == 2


@pytest.mark.django_db
def test_faxes_differing_only_in_destination_are_two_faxes(org):
    upsert_faxes(organization=org, records=[record(), record(destination="1234")])
    assert len(stored()) == 2


@pytest.mark.django_db
def test_a_fax_without_reference_is_kept_with_a_null_reference(org):
    upsert_faxes(organization=org, records=[record(customer_field=None)])
    upsert_faxes(organization=org, records=[record(customer_field=None, status="SENT")])
    [fax] = stored()
    assert fax.customer_field is None
    assert fax.status == "SENT"


@pytest.mark.django_db
def test_a_null_reference_and_an_empty_one_are_different_faxes(org):
    upsert_faxes(organization=org, records=[record(customer_field=None),
                                            record(customer_field="")])
    assert len(stored()) == 2


@pytest.mark.django_db
def test_status_changed_at_moves_when_the_status_changes(org):
    upsert_faxes(organization=org, records=[record(status="QUEUED")], seen_at=T0)
    later = T0 + timedelta(minutes=5)
    upsert_faxes(organization=org, records=[record(status="PROGRESS")], seen_at=later)
    assert stored()[0].status_changed_at == later


@pytest.mark.django_db
def test_status_changed_at_moves_when_the_tries_change(org):
    upsert_faxes(organization=org, records=[record(status="PROGRESS", try_count=1)],
                 seen_at=T0)
    later = T0 + timedelta(minutes=5)
    upsert_faxes(organization=org, records=[record(status="PROGRESS", try_count=2)],
                 seen_at=later)
    assert stored()[0].status_changed_at == later


@pytest.mark.django_db
def test_status_changed_at_stays_when_nothing_changed_but_last_seen_moves(org):
    upsert_faxes(organization=org, records=[record(status="SENT", try_count=1)], seen_at=T0)
    later = T0 + timedelta(minutes=5)
    upsert_faxes(organization=org, records=[record(status="SENT", try_count=1)], seen_at=later)
    [fax] = stored()
    assert fax.status_changed_at == T0
    assert fax.last_seen_at == later


@pytest.mark.django_db
def test_the_rows_come_back_in_the_records_order(org):
    upsert_faxes(organization=org, records=[record(customer_field="B")])
    faxes = upsert_faxes(organization=org, records=[record(customer_field="A"),
                                                    record(customer_field="B")])
    assert [fax.customer_field for fax in faxes] == ["A", "B"]
    assert all(fax.pk for fax in faxes)


@pytest.mark.django_db
def test_no_records_store_nothing(org, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert upsert_faxes(organization=org, records=[]) == []


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_number_of_faxes(org):
    def queries_for(count: int, offset: int) -> int:
        records = [record(customer_field=f"REF-{offset + n}") for n in range(count)]
        with CaptureQueriesContext(db) as first:
            upsert_faxes(organization=org, records=records)  # all new
        with CaptureQueriesContext(db) as second:
            upsert_faxes(organization=org, records=[  # all known, all changed
                record(customer_field=f"REF-{offset + n}", status="SENT")
                for n in range(count)])
        return len(first) + len(second)

    assert queries_for(2, 0) == queries_for(80, 100)


@pytest.mark.django_db
def test_a_corrected_time_zone_moves_the_fax_instead_of_adding_one(org):
    # The provider's TIME has no zone: first read as UTC, then, once the admin corrected
    # the connection, as New York time.
    read_as_utc = datetime(2017, 11, 29, 12, 43, 59, tzinfo=UTC)
    read_as_new_york = read_as_utc.replace(tzinfo=ZoneInfo("America/New_York"))
    upsert_faxes(organization=org, records=[record(sent_at=read_as_utc)], seen_at=T0)
    upsert_faxes(organization=org, records=[record(sent_at=read_as_new_york)],
                 seen_at=T0 + timedelta(minutes=5))
    [fax] = stored()
    assert fax.sent_at == datetime(2017, 11, 29, 17, 43, 59, tzinfo=UTC)
