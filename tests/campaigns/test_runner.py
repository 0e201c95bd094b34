"""campaigns/runner.py: sending a running campaign once per recipient, at its rate,
skipping opted-out numbers, surviving a crash, and ending it."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from campaigns import runner, services
from campaigns.models import CampaignStatus, RecipientStatus, SkipReason
from events.models import Event, EventType
from messaging.models import Message, MessageStatus
from optouts.services import opt_out
from tests.campaigns.conftest import NUMBERS, recipients, reloaded


@pytest.fixture(autouse=True)
def worker_down(queued):
    return queued


def test_running_campaign_sends_each_recipient_once_and_finishes(make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:5], started=True)
    run(campaign)
    assert sends == NUMBERS[:5]
    campaign = reloaded(campaign)
    assert (campaign.status, campaign.sent, campaign.failed, campaign.skipped) == (
        CampaignStatus.FINISHED, 5, 0, 0)
    assert all(r.status == RecipientStatus.SENT and r.message_id for r in recipients(campaign))


def test_draft_campaign_sends_nothing(make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:3])
    run(campaign)
    assert sends == []


def test_opted_out_recipient_is_skipped_and_never_reaches_the_provider(
        org, make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:3], started=True)
    opt_out(organization=org, number=NUMBERS[1], source="member")
    run(campaign)
    assert sends == [NUMBERS[0], NUMBERS[2]]
    skipped = recipients(campaign)[1]
    assert (skipped.status, skipped.skip_reason) == (RecipientStatus.SKIPPED,
                                                     SkipReason.OPTED_OUT)
    assert reloaded(campaign).skipped == 1


def test_recipient_who_opts_out_mid_campaign_is_not_sent_to(org, make_campaign, sends, run):
    # Rate 60/min: batches of 10. A STOP arrives while the first batch is sent.
    campaign = make_campaign(NUMBERS[:20], started=True, rate=60)

    def stop_meanwhile(to):
        if to == NUMBERS[2]:
            opt_out(organization=org, number=NUMBERS[15], source="keyword", keyword="STOP")

    sends.before = stop_meanwhile
    run(campaign)
    assert NUMBERS[15] not in sends
    assert len(sends) == 19


def test_opt_out_between_the_check_and_the_send_is_refused_by_send_message(
        org, make_campaign, sends, run, monkeypatch):
    campaign = make_campaign(NUMBERS[:2], started=True)
    monkeypatch.setattr("campaigns.runner.opted_out_numbers", lambda **kwargs: set())
    opt_out(organization=org, number=NUMBERS[0], source="member")
    run(campaign)
    assert sends == [NUMBERS[1]]
    assert recipients(campaign)[0].skip_reason == SkipReason.OPTED_OUT


def test_campaign_killed_mid_way_resumes_after_its_batch_and_sends_nobody_twice(
        make_campaign, sends, run):
    # Batches of 10; the worker dies on the 13th send, amid the second batch: its 10 sends
    # were recorded SENDING, 2 of them sent. The resumed runner sends none of them again
    # (their keys find them: reconciliation settles each with the provider) and goes on.
    campaign = make_campaign(NUMBERS[:30], started=True, rate=60)

    def crash_on_the_13th(to):
        if len(sends) == 12:
            raise SystemExit("the worker was killed")

    sends.before = crash_on_the_13th
    with pytest.raises(SystemExit):
        run(campaign)
    assert sends == NUMBERS[:12]
    sends.before = None
    run(campaign)
    assert sends == NUMBERS[:12] + NUMBERS[20:30]
    assert reloaded(campaign).status == CampaignStatus.FINISHED
    with scopes_disabled():
        in_doubt = Message.objects.filter(status=MessageStatus.SENDING)
        assert sorted(m.destinations[0] for m in in_doubt) == NUMBERS[10:20]
        assert Message.objects.count() == 30


def test_send_made_before_a_crash_is_not_sent_again(make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:3], started=True)

    def crash_after_the_second(to):
        if to == NUMBERS[2]:
            raise SystemExit("killed before the outcome was written")

    sends.before = crash_after_the_second
    with pytest.raises(SystemExit):
        run(campaign)
    sends.before = None
    run(campaign)
    assert sends == NUMBERS[:2]
    second = recipients(campaign)[1]
    assert second.status == RecipientStatus.SENT and second.message_id is not None
    with scopes_disabled():
        assert Message.objects.filter(destinations=[NUMBERS[1]]).count() == 1


def test_a_second_runner_while_one_holds_the_lock_sends_nothing(make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:4], started=True)
    outcomes = []

    def second_runner_meanwhile(to):
        if not outcomes:
            outcomes.append(runner.run_campaign(campaign=reloaded(campaign), seconds=5))

    sends.before = second_runner_meanwhile
    run(campaign)
    assert outcomes == ["another runner is sending this campaign"]
    assert sends == NUMBERS[:4]


def test_two_runners_claiming_at_once_send_each_recipient_once(make_campaign, sends,
                                                              monkeypatch):
    # Their locks aside (expired, say), the claims alone keep them apart.
    campaign = make_campaign(NUMBERS[:40], started=True)
    monkeypatch.setattr("campaigns.runner.job_lock", _always_acquired)
    first = runner._Runner(campaign, runner.Pacer(6000, lambda: 0.0, lambda s: None))
    second = runner._Runner(reloaded(campaign), runner.Pacer(6000, lambda: 0.0, lambda s: None))

    def interleave(to):
        # While the first sends its batch, the second claims and sends one of its own.
        if not interleave.busy:
            interleave.busy = True
            second.send_batch(None)

    interleave.busy = False
    sends.before = interleave
    with scopes_disabled():
        while first.send_batch(None) or second.send_batch(None):
            pass
    assert sorted(sends) == NUMBERS[:40]
    assert len(sends) == len(set(sends))


class _always_acquired:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return True

    def __exit__(self, *exc):
        return False


def test_paused_campaign_sends_nothing_more_after_the_batch_in_flight(
        agent, make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:30], started=True, rate=60)  # batches of 10

    def pause_during_first_batch(to):
        if to == NUMBERS[3]:
            services.pause_campaign(campaign=reloaded(campaign), actor=agent.user)

    sends.before = pause_during_first_batch
    outcome = run(campaign)
    assert sends == NUMBERS[:10]
    assert "not running" in outcome
    assert reloaded(campaign).status == CampaignStatus.PAUSED
    services.resume_campaign(campaign=reloaded(campaign), actor=agent.user)
    run(campaign)
    assert sends == NUMBERS[:30]


def test_cancelled_campaign_stops_and_keeps_the_rest_pending(agent, make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:30], started=True, rate=60)

    def cancel_during_first_batch(to):
        if to == NUMBERS[0]:
            services.cancel_campaign(campaign=reloaded(campaign), actor=agent.user)

    sends.before = cancel_during_first_batch
    run(campaign)
    assert sends == NUMBERS[:10]
    campaign = reloaded(campaign)
    assert (campaign.status, campaign.remaining) == (CampaignStatus.CANCELLED, 20)


def test_rate_is_respected(make_campaign, sends, run, fake_clock):
    campaign = make_campaign(NUMBERS[:7], started=True, rate=30)  # one every 2 seconds
    run(campaign)
    assert fake_clock.sleeps == [2.0] * 6


def test_runner_hands_over_when_its_time_is_up(make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:30], started=True, rate=60)
    # A batch started is sent whole (10 at 60/min: 9 s of sleeps), then the time is up.
    outcome = run(campaign, seconds=5)
    assert "more to send" in outcome
    assert len(sends) == 10
    assert reloaded(campaign).status == CampaignStatus.RUNNING


def test_provider_refusal_fails_the_recipient(make_campaign, provider, sms, number, run):
    from tests.messaging.provider import answer, error
    answer(provider, "sendSMS", error("MISSING PARAMETERS"))
    campaign = make_campaign(NUMBERS[:2], started=True)
    run(campaign)
    campaign = reloaded(campaign)
    assert (campaign.failed, campaign.status) == (2, CampaignStatus.FINISHED)
    assert recipients(campaign)[0].detail


def test_finished_campaign_emits_campaign_finished(make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:2], started=True)
    run(campaign)
    with scopes_disabled():
        event = Event.objects.get(type=EventType.CAMPAIGN_FINISHED)
    assert event.payload["status"] == "finished"
    assert (event.payload["sent"], event.payload["total"]) == (2, 2)


def test_one_provider_client_serves_the_whole_run(make_campaign, sends, run, monkeypatch):
    opened = []
    real_client_for = runner.axion.client_for
    # runner and messaging.sending both call axion.client_for.
    monkeypatch.setattr("axion.client_for",
                        lambda *a, **k: opened.append(k) or real_client_for(*a, **k))
    run(make_campaign(NUMBERS[:5], started=True))
    assert len(sends) == 5
    assert opened == [{}]


def test_cancelled_campaign_emits_campaign_finished_but_a_discarded_draft_does_not(
        agent, make_campaign):
    started = make_campaign(NUMBERS[:2], started=True)
    draft = make_campaign(NUMBERS[2:4])
    services.cancel_campaign(campaign=started, actor=agent.user)
    services.cancel_campaign(campaign=draft, actor=agent.user)
    with scopes_disabled():
        events = list(Event.objects.filter(type=EventType.CAMPAIGN_FINISHED))
    assert [(e.subject, e.payload["status"], e.payload["not_sent"]) for e in events] == [
        (f"campaign:{started.pk}", "cancelled", 2)]


def test_each_batch_is_audited_once_naming_the_campaign(make_campaign, sends, run):
    campaign = make_campaign(NUMBERS[:25], started=True, rate=60)  # batches of 10
    run(campaign)
    with scopes_disabled():
        entries = list(AuditEntry.objects.filter(action="message.sent").order_by("id"))
    assert [(e.actor_label, e.target, e.detail["count"]) for e in entries] == [
        (f"campaign {campaign.pk}", f"campaign {campaign.pk}: {n} recipients", n)
        for n in (10, 10, 5)]
