"""campaigns/tasks.py: the runner task hands over while work is left, and the
run_campaigns job restarts the runner of every running campaign (its task died)."""

import pytest
from django_scopes import scopes_disabled

from campaigns import runner, tasks
from campaigns.models import CampaignStatus
from messaging.models import Conversation
from notifications.models import Notification
from tests.campaigns.conftest import NUMBERS, reloaded


def test_runner_task_queues_the_next_one_while_recipients_are_left(
        make_campaign, sends, queued, fake_clock, monkeypatch):
    real = runner.run_campaign
    # No time for more than one batch (ten seconds at 60 a minute), on the fake clock.
    monkeypatch.setattr("campaigns.tasks.runner.run_campaign", lambda campaign: real(
        campaign=campaign, clock=fake_clock, sleep=fake_clock.sleep, seconds=0))
    campaign = make_campaign(NUMBERS[:30], started=True, rate=60)
    queued.clear()
    outcome = tasks.run_campaign(campaign.pk)
    assert "more to send" in outcome
    assert len(sends) == 10
    assert queued == [("campaigns.tasks.run_campaign", campaign.pk)]


def test_runner_task_of_a_campaign_not_running_does_nothing(make_campaign, sends, queued):
    campaign = make_campaign(NUMBERS[:3])
    assert tasks.run_campaign(campaign.pk) == "not running"
    assert sends == []


def test_run_campaigns_restarts_runners_of_running_campaigns_only(
        make_campaign, queued, agent):
    running = make_campaign(NUMBERS[:3], started=True)
    make_campaign(NUMBERS[3:6])  # a draft
    queued.clear()
    tasks.run_campaigns()
    assert queued == [("campaigns.tasks.run_campaign", running.pk)]


@pytest.mark.usefixtures("queued")
def test_campaign_leaves_no_unread_marks_nor_notifications(make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:5], started=True)
    run(campaign)
    assert reloaded(campaign).status == CampaignStatus.FINISHED
    with scopes_disabled():
        assert Conversation.objects.count() == 5
        assert sum(c.unread_count for c in Conversation.objects.all()) == 0
        assert not Notification.objects.exists()
