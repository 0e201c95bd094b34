"""Jobs of campaigns: the runner task of one campaign, and the periodic job that starts a
runner for every running campaign that has none (its task died, the cluster restarted)."""

import logging

from django_q.tasks import async_task
from django_scopes import scopes_disabled

from accounts.jobs import for_each_organization
from accounts.tenancy import organization_scope
from campaigns import runner
from campaigns.models import Campaign, CampaignStatus

log = logging.getLogger(__name__)


def run_campaign(campaign_id: int) -> str:
    """Send a running campaign for a while; queue the next runner while some is left."""
    with scopes_disabled():
        campaign = Campaign.objects.filter(pk=campaign_id).select_related(
            "organization", "own_number", "created_by").first()
    if campaign is None or campaign.status != CampaignStatus.RUNNING:
        return "not running"
    outcome = runner.run_campaign(campaign=campaign)
    if "more to send" in outcome:
        async_task("campaigns.tasks.run_campaign", campaign_id,
                   task_name=f"campaign-{campaign_id}")
    return outcome


def run_campaigns(organization_id: int | None = None) -> str:
    """Queue a runner for each running campaign (one already sending keeps its lock: the
    new one ends at once)."""

    def work(organization) -> int:
        with organization_scope(organization):
            ids = list(Campaign.objects.filter(status=CampaignStatus.RUNNING)
                       .values_list("pk", flat=True))
        for campaign_id in ids:
            async_task("campaigns.tasks.run_campaign", campaign_id,
                       task_name=f"campaign-{campaign_id}")
        return len(ids)

    return for_each_organization("run_campaigns", "sms", work,
                                 organization_id=organization_id)
