"""Fixtures of the campaign tests: a provider that takes every sendSMS (a new uuid each)
and records who it went to, a campaign factory, and runners that never sleep."""

import itertools
import json

import pytest
from django.db import transaction
from django_scopes import scopes_disabled

from campaigns import runner, services
from campaigns.audience import from_pasted
from campaigns.models import Campaign
from tests.messaging.factories import SMS_URL
from tests.messaging.provider import OWN

NUMBERS = [f"+1310555{n:04d}" for n in range(100, 200)]


class Sends(list):
    """The destinations of every sendSMS the provider took, in order. `before`, when set,
    is called with each send's first destination before the provider takes it (something
    that happens meanwhile: a STOP, a pause, a crash of the runner)."""

    before = None


@pytest.fixture
def sends(provider, sms, number):
    """The destinations of every sendSMS the provider took, in order (a Sends)."""
    received = Sends()
    counter = itertools.count(1)

    def send_sms(request):
        body = json.loads(request.body)
        if body.get("method") != "sendSMS":
            return 200, {}, json.dumps({"RESULT": "ERROR", "ERROR": "INVALID METHOD"})
        if received.before is not None:
            received.before(body["destinationNumbers"][0])
        received.extend(body["destinationNumbers"])
        return 200, {}, json.dumps({"RESULT": "OK", "time": "2024-03-01 12:00:00",
                                    "uuid": f"camp-{next(counter):05d}"})

    provider.add_callback("POST", SMS_URL, callback=send_sms)
    return received


@pytest.fixture
def queued(monkeypatch):
    """Runner tasks queued on commit (none runs: the worker is down)."""
    calls = []
    monkeypatch.setattr("campaigns.services.async_task",
                        lambda *args, **kwargs: calls.append(args))
    monkeypatch.setattr("campaigns.tasks.async_task",
                        lambda *args, **kwargs: calls.append(args))
    return calls


@pytest.fixture
def make_campaign(org, agent, number, sms):
    def make(numbers=None, *, text="Flu shots are in: reply to book.", rate=600,
             started=False, queued=None) -> Campaign:
        audience = from_pasted("\n".join(numbers if numbers is not None else NUMBERS[:5]))
        campaign = services.create_campaign(
            organization=org, user=agent.user, name="Flu shots", own_number=OWN, text=text,
            audience=audience, source="pasted", rate_per_minute=rate)
        if started:
            with transaction.atomic():
                services.start_campaign(campaign=campaign, actor=agent.user)
        return campaign
    return make


class FakeClock:
    """A monotonic clock that moves only when the runner sleeps."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock():
    return FakeClock()


@pytest.fixture
def run(fake_clock):
    """Run a campaign's runner on the fake clock (time passes only by its sleeps)."""
    def run_it(campaign, seconds=10_000):
        return runner.run_campaign(campaign=campaign, clock=fake_clock,
                                   sleep=fake_clock.sleep, seconds=seconds)
    return run_it


def recipients(campaign):
    with scopes_disabled():
        return list(campaign.recipients.order_by("id"))


def reloaded(campaign):
    with scopes_disabled():
        return Campaign.objects.get(pk=campaign.pk)
