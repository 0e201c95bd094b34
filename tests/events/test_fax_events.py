"""fax.status_changed (and fax.failed) where faxes are upserted: only on a real change."""

from datetime import UTC, datetime, timedelta

from axion.fax import FaxRecord
from faxes.services import upsert_faxes
from tests.contacts.factories import contact_with
from tests.events.helpers import emitted, payloads

SENT_AT = datetime(2017, 11, 29, 12, 43, 59, tzinfo=UTC)
DESTINATION = "+18058522606"


def record(status="QUEUED", try_count=0) -> FaxRecord:
    return FaxRecord(customer_field="invoice 7", source_number="+18059731214",
                     destination_number=DESTINATION, time=SENT_AT, pages=2, status=status,
                     try_count=try_count, raw={})


def upsert(org, *records, seen_at=SENT_AT + timedelta(minutes=5)):
    return upsert_faxes(organization=org, records=list(records), seen_at=seen_at)


def test_a_fax_seen_for_the_first_time_has_no_previous_status(org):
    [fax] = upsert(org, record("QUEUED"))
    [event] = emitted()
    assert (event.type, event.subject) == ("fax.status_changed", f"fax:{fax.pk}")
    assert event.payload == {
        "fax": {"id": fax.pk, "customer_field": "invoice 7",
                "source_number": "+18059731214", "destination_number": DESTINATION,
                "sent_at": "2017-11-29T12:43:59Z", "pages": 2, "status": "QUEUED",
                "try_count": 0},
        "previous_status": None, "status": "QUEUED", "contact": None}


def test_a_fax_first_seen_days_after_it_was_sent_is_history_not_an_event(org):
    upsert(org, record("SENT"), seen_at=SENT_AT + timedelta(days=3))
    assert emitted() == []


def test_the_same_status_again_is_no_event(org):
    upsert(org, record("QUEUED"))
    upsert(org, record("QUEUED", try_count=1))
    assert len(emitted()) == 1


def test_a_new_status_is_a_change_from_the_old_one(org):
    upsert(org, record("QUEUED"))
    upsert(org, record("SENT", try_count=1))
    assert [(p["previous_status"], p["status"])
            for p in payloads("fax.status_changed")] == [(None, "QUEUED"), ("QUEUED", "SENT")]
    assert emitted("fax.failed") == []


def test_a_fax_that_fails_is_also_fax_failed(org):
    upsert(org, record("PROGRESS"))
    upsert(org, record("FAILED", try_count=3))
    [failed] = payloads("fax.failed")
    assert (failed["previous_status"], failed["status"]) == ("PROGRESS", "FAILED")
    # (then the organization's default "failed" rule alerts: fax.alert, fax_alerts' tests)
    assert [e.type for e in emitted()][-3:-1] == ["fax.status_changed", "fax.failed"]


def test_the_destinations_contact_is_named(org):
    contact = contact_with(org, DESTINATION, name="Dr. Lee")
    upsert(org, record())
    assert payloads("fax.status_changed")[0]["contact"] == {"id": contact.pk,
                                                            "name": "Dr. Lee"}
