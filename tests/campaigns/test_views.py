"""The campaign pages: compose, preview, start, pause, cancel, the progress fragment, the
report's CSV, the default rate; roles and other organizations."""

import csv
import io

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from campaigns.models import Campaign, CampaignStatus
from optouts.services import opt_out
from tests.campaigns.conftest import NUMBERS, reloaded
from tests.messaging.provider import OWN


@pytest.fixture(autouse=True)
def worker_down(queued):
    return queued


def new(client, **values):
    data = {"name": "Flu shots", "own_number": OWN, "source": "pasted",
            "numbers": "\n".join(NUMBERS[:3]), "text": "Flu shots are in.",
            "rate_per_minute": 60, **values}
    return client.post(reverse("campaign_new"), data)


def only_campaign() -> Campaign:
    with scopes_disabled():
        return Campaign.objects.get()


def test_agent_creates_a_draft_and_sees_its_preview(agent_client, number, sms):
    response = new(agent_client, numbers=f"{NUMBERS[0]}, {NUMBERS[1]}\n{NUMBERS[0]}\nnot a number")
    campaign = only_campaign()
    assert response.status_code == 302
    page = agent_client.get(reverse("campaign", args=[campaign.pk])).content.decode()
    assert campaign.status == CampaignStatus.DRAFT
    assert '<strong id="will-get">2</strong> will get it' in page
    assert "<strong>1</strong> repeats removed" in page
    assert "<code>not a number</code>" in page


def test_preview_leaves_out_opted_out_numbers(org, agent_client, number, sms):
    opt_out(organization=org, number=NUMBERS[2], source="member")
    new(agent_client)
    page = agent_client.get(reverse("campaign", args=[only_campaign().pk])).content.decode()
    assert '<strong id="will-get">2</strong> will get it' in page
    assert "<strong>1</strong> opted out" in page


def test_preview_counts_segments(agent_client, number, sms):
    new(agent_client, text="a" * 161)
    page = agent_client.get(reverse("campaign", args=[only_campaign().pk])).content.decode()
    assert "<strong>2</strong> SMS segments (GSM-7)" in page
    assert '<strong id="total-segments">6</strong> segments' in page


def test_csv_audience(agent_client, number, sms):
    upload = io.BytesIO(f"name,number\nAda,{NUMBERS[0]}\nBob,{NUMBERS[1]}\n".encode())
    upload.name = "list.csv"
    new(agent_client, source="csv", numbers="", csv_file=upload)
    campaign = only_campaign()
    with scopes_disabled():
        assert [(r.number, r.name) for r in campaign.recipients.all()] == [
            (NUMBERS[0], "Ada"), (NUMBERS[1], "Bob")]


def test_csv_without_a_number_column_is_refused_on_its_field(agent_client, number, sms):
    upload = io.BytesIO(b"who,where\nAda,home\n")
    upload.name = "list.csv"
    response = new(agent_client, source="csv", numbers="", csv_file=upload)
    assert response.status_code == 400
    assert "number" in response.context["form"].errors["csv_file"][0]


def test_no_valid_number_is_refused(agent_client, number, sms):
    response = new(agent_client, numbers="hello")
    assert response.status_code == 400
    assert "No valid number" in response.context["form"].errors["numbers"][0]


def test_rate_above_the_portal_limit_is_refused(agent_client, number, sms, settings):
    settings.CAMPAIGN_MAX_RATE_PER_MINUTE = 100
    response = new(agent_client, rate_per_minute=101)
    assert response.status_code == 400
    assert "Between 1 and 100" in response.context["form"].errors["rate_per_minute"][0]


def test_start_queues_the_runner(agent_client, make_campaign, queued,
                                 django_capture_on_commit_callbacks):
    campaign = make_campaign()
    with django_capture_on_commit_callbacks(execute=True):
        response = agent_client.post(reverse("campaign_start", args=[campaign.pk]))
    assert response.status_code == 302
    assert reloaded(campaign).status == CampaignStatus.RUNNING
    assert queued == [("campaigns.tasks.run_campaign", campaign.pk)]


def test_pause_resume_cancel(agent_client, make_campaign):
    campaign = make_campaign(started=True)
    agent_client.post(reverse("campaign_pause", args=[campaign.pk]))
    assert reloaded(campaign).status == CampaignStatus.PAUSED
    agent_client.post(reverse("campaign_resume", args=[campaign.pk]))
    assert reloaded(campaign).status == CampaignStatus.RUNNING
    agent_client.post(reverse("campaign_cancel", args=[campaign.pk]))
    assert reloaded(campaign).status == CampaignStatus.CANCELLED


def test_a_cancelled_campaign_cannot_be_resumed(agent_client, make_campaign):
    campaign = make_campaign(started=True)
    agent_client.post(reverse("campaign_cancel", args=[campaign.pk]))
    response = agent_client.post(reverse("campaign_resume", args=[campaign.pk]), follow=True)
    assert "cannot be resumed" in response.content.decode()
    assert reloaded(campaign).status == CampaignStatus.CANCELLED


def test_viewer_sees_the_campaign_but_may_not_start_it(viewer_client, make_campaign):
    campaign = make_campaign()
    assert viewer_client.get(reverse("campaign", args=[campaign.pk])).status_code == 200
    assert viewer_client.post(reverse("campaign_start", args=[campaign.pk])).status_code == 403
    assert reloaded(campaign).status == CampaignStatus.DRAFT


def test_outsider_gets_404(outsider_client, make_campaign):
    campaign = make_campaign()
    for name in ("campaign", "campaign_progress", "campaign_csv", "campaign_start"):
        method = outsider_client.post if name == "campaign_start" else outsider_client.get
        assert method(reverse(name, args=[campaign.pk])).status_code == 404


def test_progress_fragment_shows_the_counts(agent_client, make_campaign, sends, run):
    campaign = make_campaign(started=True)
    run(campaign)
    page = agent_client.get(reverse("campaign_progress", args=[campaign.pk])).content.decode()
    assert '<strong id="count-sent">5</strong> sent' in page
    assert "Download the outcomes (CSV)" in page


def test_report_csv_lists_every_recipient_spreadsheet_safe(org, agent_client, make_campaign,
                                                           sends, run):
    opt_out(organization=org, number=NUMBERS[1], source="member")
    upload_name = "=HYPERLINK(1)"
    campaign = make_campaign(NUMBERS[:3], started=True)
    with scopes_disabled():
        campaign.recipients.filter(number=NUMBERS[0]).update(name=upload_name)
    run(campaign)
    response = agent_client.get(reverse("campaign_csv", args=[campaign.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["number", "name", "contact", "status"]
    assert [row[3] for row in rows[1:]] == ["sent", "skipped", "sent"]
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[2][4] == "Opted out"
    assert rows[1][5] == "QUEUED"


def test_list_shows_campaigns_in_few_queries(agent_client, make_campaign,
                                            django_assert_max_num_queries):
    for _ in range(3):
        make_campaign()
    with django_assert_max_num_queries(12):
        page = agent_client.get(reverse("campaigns")).content.decode()
    assert page.count("Flu shots") == 3


def test_admin_sets_the_default_rate(org, admin_client_, agent_client, number, sms):
    admin_client_.post(reverse("campaign_settings"), {"rate_per_minute": 30})
    page = agent_client.get(reverse("campaign_new"))
    assert page.context["form"]["rate_per_minute"].initial == 30


def test_agent_may_not_set_the_default_rate(agent_client):
    assert agent_client.post(reverse("campaign_settings"),
                             {"rate_per_minute": 30}).status_code == 403
