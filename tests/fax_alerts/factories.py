"""Fax alerts' models for tests, and faxes stored the way the sync stores them."""

from datetime import datetime, timedelta

import factory

from axion.fax import FaxRecord
from fax_alerts.models import AlertRule, Match, RuleKind, Watch
from faxes.services import upsert_faxes
from tests.clock import NOW
from tests.factories import OrganizationFactory, ScopeFreeFactory, UserFactory

SENT_AT = NOW - timedelta(minutes=10)
DESTINATION = "+18058522606"


class WatchFactory(ScopeFreeFactory):
    class Meta:
        model = Watch

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    text = "CLAIM-2026-001"
    match = Match.EXACT


class RuleFactory(ScopeFreeFactory):
    class Meta:
        model = AlertRule

    organization = factory.SubFactory(OrganizationFactory)
    kind = RuleKind.FAILED
    to_watchers = True
    least_role = ""


def record(reference: str | None = "CLAIM-2026-001", *, status: str = "QUEUED",
           try_count: int = 0, sent_at: datetime = SENT_AT) -> FaxRecord:
    return FaxRecord(customer_field=reference, source_number="+18059731214",
                     destination_number=DESTINATION, time=sent_at, pages=2, status=status,
                     try_count=try_count, raw={})


def store(org, *records: FaxRecord, seen_at: datetime | None = None):
    """Store faxes as a sync does (events, and the alerts they bring)."""
    return upsert_faxes(organization=org, records=list(records), seen_at=seen_at)
