"""The attention list: faxes failed or stuck until a member (agent and above) marks them
handled, audited; on the history page and the dashboard, newest first, capped with a
count, in a constant number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from fax_alerts.models import Attention
from fax_alerts.services import ATTENTION_SHOWN
from tests.fax_alerts.factories import SENT_AT, record, store

pytestmark = pytest.mark.usefixtures("clock")


def failed(org, reference="CLAIM-2026-001"):
    [fax] = store(org, record(reference, status="FAILED", try_count=3))
    with scopes_disabled():
        return Attention.objects.get(fax=fax)


def test_a_failed_fax_is_on_the_list_without_any_rule(org, agent_client):
    item = failed(org)
    page = agent_client.get(reverse("fax_list")).content.decode()
    assert "Faxes that need attention" in page
    assert reverse("fax_detail", args=[item.fax_id]) in page
    assert reverse("handle_fax_attention", args=[item.pk]) in page


def test_history_is_not_on_the_list(org):
    store(org, record(status="FAILED", try_count=3, sent_at=SENT_AT - timedelta(days=3)))
    with scopes_disabled():
        assert not Attention.objects.exists()


def test_marking_handled_takes_it_off_and_is_audited(org, agent, agent_client):
    item = failed(org)
    response = agent_client.post(reverse("handle_fax_attention", args=[item.pk]),
                                 {"next": reverse("dashboard")})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    with scopes_disabled():
        item.refresh_from_db()
        entry = AuditEntry.objects.get(action="fax_attention.handled")
    assert (item.handled_by, item.handled_at is not None) == (agent.user, True)
    assert (entry.actor, entry.target) == (agent.user, "fax CLAIM-2026-001")
    assert reverse("handle_fax_attention", args=[item.pk]) not in agent_client.get(
        reverse("fax_list")).content.decode()


def test_handling_it_twice_changes_nothing(org, agent_client, owner_client):
    item = failed(org)
    agent_client.post(reverse("handle_fax_attention", args=[item.pk]))
    owner_client.post(reverse("handle_fax_attention", args=[item.pk]))
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="fax_attention.handled").count() == 1
        item.refresh_from_db()
    assert item.handled_by_label == "agent-harbor"


def test_a_viewer_may_not_mark_handled(org, viewer_client):
    item = failed(org)
    assert viewer_client.post(reverse("handle_fax_attention", args=[item.pk])).status_code == 403


def test_another_organizations_fax_is_a_404(org, outsider_client):
    item = failed(org)
    response = outsider_client.post(reverse("handle_fax_attention", args=[item.pk]))
    assert response.status_code == 404


def test_the_dashboard_shows_the_newest_capped_with_the_count(org, agent_client):
    for n in range(ATTENTION_SHOWN + 3):
        failed(org, f"CLAIM-{n:03d}")
    page = agent_client.get(reverse("dashboard")).content.decode()
    assert "CLAIM-010" in page and "CLAIM-000" not in page
    assert ">3 more</a>" in page


@pytest.mark.parametrize("page", ["fax_attention", "dashboard", "fax_list"])
def test_a_page_costs_the_same_queries_whatever_the_lists_length(org, agent_client, page):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            agent_client.get(reverse(page))
        return len(captured)

    for n in range(ATTENTION_SHOWN + 1):
        failed(org, f"CLAIM-{n:03d}")
    fewer = queries()
    for n in range(ATTENTION_SHOWN + 1, ATTENTION_SHOWN + 12):
        failed(org, f"CLAIM-{n:03d}")
    assert queries() == fewer
