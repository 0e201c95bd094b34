"""A fax's own page, reached from the history: its fields, its destination's contact, its
timeline, and "Look up at Axion now"."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection as db
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from accounts.tenancy import organization_scope
from faxes.models import FaxObservation
from faxes.services import timeline
from tests.axion import bodies
from tests.contacts.factories import ContactFactory, ContactNumberFactory
from tests.faxes.factories import FaxFactory, connection_for
from tests.faxes.recorded import answer, error_body, sent

pytestmark = pytest.mark.django_db

# 08:02 in New York, the organization's zone (the factory's).
T0 = datetime(2024, 3, 1, 13, 2, tzinfo=UTC)


def observe(fax, *steps):
    """(minutes after T0, status, try count, via) observations of the fax."""
    with scopes_disabled():
        FaxObservation.objects.bulk_create([
            FaxObservation(organization_id=fax.organization_id, fax=fax,
                           observed_at=T0 + timedelta(minutes=minutes), status=status,
                           try_count=tries, via=via)
            for minutes, status, tries, via in steps])


def timeline_text(response) -> list[str]:
    page = response.content.decode()
    listing = re.search(r'<ol class="timeline fax-timeline">(.*?)</ol>', page, re.S).group(1)
    entries = re.findall(r'<p class="timeline-head">(.*?)</p>', listing, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", entry)).split())
            for entry in entries]


def test_a_fax_page_shows_its_reference_and_destination(viewer_client, org):
    fax = FaxFactory(organization=org, customer_field="CLAIM-7", destination_number="+13235550187")
    response = viewer_client.get(f"/faxes/{fax.pk}/")
    assert response.status_code == 200
    assert "CLAIM-7" in response.content.decode()
    assert "(323) 555-0187" in response.content.decode()


def test_the_destinations_contact_is_named(viewer_client, org):
    ContactNumberFactory(contact=ContactFactory(organization=org, name="Dr. Alvarez"),
                         number="+13235550187")
    fax = FaxFactory(organization=org, destination_number="+13235550187")
    assert "Dr. Alvarez" in viewer_client.get(f"/faxes/{fax.pk}/").content.decode()


def test_history_rows_link_to_the_fax_page(viewer_client, org):
    fax = FaxFactory(organization=org)
    assert f'href="/faxes/{fax.pk}/"' in viewer_client.get("/faxes/").content.decode()


def test_a_fax_of_another_organization_is_404(viewer_client, other_org):
    fax = FaxFactory(organization=other_org)
    assert viewer_client.get(f"/faxes/{fax.pk}/").status_code == 404


def test_the_timeline_reads_at_a_glance_in_the_organizations_time(viewer_client, org):
    fax = FaxFactory(organization=org)
    observe(fax, (0, "QUEUED", 0, "sync"), (3, "PROGRESS", 1, "sync"),
            (7, "FAILED", 1, "lookup"), (18, "PROGRESS", 2, "sync"),
            (22, "SENT", 2, "backfill"))
    assert timeline_text(viewer_client.get(f"/faxes/{fax.pk}/")) == [
        "08:02 Queued by the sync",
        "08:05 In progress on try 1 by the sync",
        "08:09 Failed on try 1 by a lookup",
        "08:20 In progress on try 2 by the sync",
        "08:24 Sent on try 2 by the history's backfill",
    ]


def test_a_fax_stored_before_timelines_shows_its_state_then(viewer_client, org):
    fax = FaxFactory(organization=org, status="FAILED", try_count=3)
    observe(fax, (0, "FAILED", 3, "earlier"))
    assert timeline_text(viewer_client.get(f"/faxes/{fax.pk}/")) == [
        "08:02 Failed on try 3 before the portal kept timelines"]


def test_the_page_takes_as_many_queries_for_twenty_observations_as_for_one(viewer_client, org):
    def queries(steps: int) -> int:
        fax = FaxFactory(organization=org)
        observe(fax, *[(n, "PROGRESS", n % 3 + 1, "sync") for n in range(steps)])
        with CaptureQueriesContext(db) as captured:
            assert viewer_client.get(f"/faxes/{fax.pk}/").status_code == 200
        return len(captured)

    assert queries(1) == queries(20)


def test_the_timeline_is_read_through_its_index(org):
    # Many faxes' timelines in one organization, as in use: with a near-empty table
    # PostgreSQL's planner may as well take the organization's index and sort.
    faxes = [FaxFactory(organization=org) for _ in range(20)]
    for fax in faxes:
        observe(fax, *[(n, "PROGRESS", 1, "sync") for n in range(10)])
    fax = faxes[0]
    if db.vendor == "postgresql":
        # A test's few hundred rows are still cheaper to scan: ask which index it would use.
        with db.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_bitmapscan = off")
            cursor.execute("ANALYZE faxes_faxobservation")
    with scopes_disabled():
        plan = FaxObservation.objects.filter(
            organization=org, fax=fax).order_by("observed_at", "id").explain()
    assert "fax_observation_timeline" in plan
    assert "TEMP B-TREE" not in plan.upper()  # no sort: the index gives the order


def test_the_timeline_is_oldest_first(org):
    fax = FaxFactory(organization=org)
    observe(fax, (5, "SENT", 1, "sync"), (0, "QUEUED", 0, "sync"))
    with organization_scope(org):
        assert [step.status for step in timeline(fax)] == ["QUEUED", "SENT"]


def test_agents_see_the_look_up_button_viewers_do_not(agent_client, viewer_client, org):
    fax = FaxFactory(organization=org)
    assert "Look up at Axion now" in agent_client.get(f"/faxes/{fax.pk}/").content.decode()
    assert "Look up at Axion now" not in viewer_client.get(f"/faxes/{fax.pk}/").content.decode()


def test_looking_up_stores_what_axion_says_observed_via_lookup(agent_client, org, provider):
    connection_for(org)
    answer(provider, "Fax_Status", bodies.FAX_STATUS_OK)
    fax = FaxFactory(organization=org, customer_field="test 1", status="PROGRESS",
                     source_number="+18056421414", destination_number="+18002255288",
                     sent_at=datetime(2016, 12, 12, 12, 43, 59, tzinfo=UTC), try_count=1)
    response = agent_client.post(f"/faxes/{fax.pk}/lookup/", follow=True)
    assert [payload["CUSTOMER_PROVIDED_FAX_FIELD"] for payload in sent(provider, "Fax_Status")
            ] == ["test 1"]
    fax.refresh_from_db()
    assert fax.status == "SENT"
    assert "Axion says: sent, 1 of 3 tries." in response.content.decode()
    assert timeline_text(response)[-1].endswith("Sent on try 1 by a lookup")


def test_a_fax_without_reference_is_looked_up_by_its_day(agent_client, org, provider):
    connection_for(org, time_zone="America/Los_Angeles")
    answer(provider, "All_Faxes_Status", bodies.ALL_FAXES_OK)
    # 2017-11-30 04:00 UTC is the 29th in Los Angeles, the provider's day.
    fax = FaxFactory(organization=org, customer_field=None,
                     sent_at=datetime(2017, 11, 30, 4, 0, tzinfo=UTC))
    agent_client.post(f"/faxes/{fax.pk}/lookup/")
    assert [payload["DATE"] for payload in sent(provider, "All_Faxes_Status")] == ["2017-11-29"]


def test_a_failed_look_up_says_why(agent_client, org, provider):
    connection_for(org)
    answer(provider, "Fax_Status", error_body("INVALID JSON"))
    fax = FaxFactory(organization=org, customer_field="test 1")
    response = agent_client.post(f"/faxes/{fax.pk}/lookup/", follow=True)
    assert 'class="flash-error"' in response.content.decode()


def test_viewers_may_not_look_up(viewer_client, org, provider):
    fax = FaxFactory(organization=org)
    assert viewer_client.post(f"/faxes/{fax.pk}/lookup/").status_code == 403
    assert len(provider.calls) == 0


def test_looking_up_is_a_post(agent_client, org):
    fax = FaxFactory(organization=org)
    assert agent_client.get(f"/faxes/{fax.pk}/lookup/").status_code == 405


def test_an_outsider_cannot_look_up_a_fax(outsider_client, org, provider):
    fax = FaxFactory(organization=org)
    assert outsider_client.post(f"/faxes/{fax.pk}/lookup/").status_code == 404
    assert len(provider.calls) == 0
