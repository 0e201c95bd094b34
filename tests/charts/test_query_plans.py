"""A recount reads one day through the organization's time index (faxes: fax_org_time,
messages: msg_org_newest), on SQLite and PostgreSQL alike: never every fax or message of
the organization, as a plan through an (organization, status) or (organization,
destination) index would."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django_scopes import scopes_disabled

from accounts.tenancy import organization_scope
from charts.services import day_bounds
from faxes.models import Fax, fax_identity
from messaging.models import Message
from tests.messaging.factories import ConversationFactory

pytestmark = pytest.mark.django_db

DAY = date(2024, 2, 28)
STATUSES = ["SENT", "SENT", "SENT", "FAILED", "QUEUED", "PROGRESS"]


@pytest.fixture
def history(org, other_org):
    """Two organizations with 1,500 faxes and messages each, over a hundred days, with
    PostgreSQL's statistics gathered as autovacuum would (without them it takes every
    table for a row or two, and any index for as good as another)."""
    start = datetime(2023, 12, 1, tzinfo=UTC)
    with scopes_disabled():
        for organization in (org, other_org):
            conversation = ConversationFactory(organization=organization,
                                               own_number__organization=organization)
            times = [start + timedelta(hours=1.6 * n) for n in range(1500)]
            Fax.objects.bulk_create(
                Fax(organization=organization, identity=fax_identity(f"R{n}", "1", "2", at),
                    customer_field=f"R{n}", source_number="+18059731214",
                    destination_number=f"+1805555{n % 40:04d}", sent_at=at,
                    status=STATUSES[n % 6]) for n, at in enumerate(times))
            Message.objects.bulk_create(
                Message(organization=organization, conversation=conversation,
                        uuid=f"{organization.pk}-{n}", direction=("in", "out")[n % 2],
                        source="+18056420001", status="SENT", sent_at=at)
                for n, at in enumerate(times))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE faxes_fax, messaging_message, messaging_conversation")


def test_a_days_faxes_are_read_through_the_time_index(org, history):
    start, end = day_bounds(DAY, org.tzinfo)
    with organization_scope(org):
        plan = (Fax.objects.filter(sent_at__gte=start, sent_at__lt=end)
                .values("destination_number", "status").annotate(n=Count("id")).order_by()
                .explain())
    assert "fax_org_time" in plan, plan


def test_a_days_messages_are_read_through_the_time_index(org, history):
    start, end = day_bounds(DAY, org.tzinfo)
    with organization_scope(org):
        plan = (Message.objects.filter(sent_at__gte=start, sent_at__lt=end)
                .values("conversation__own_number", "direction").annotate(n=Count("id"))
                .order_by().explain())
    assert "msg_org_newest" in plan, plan
