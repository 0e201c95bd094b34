"""Operations in the browser, as an on-call owner uses it: testing a connection, spotting a
missed webhook after running the message sync now, and replaying a stored event; the
pages at phone and desktop widths.

The portal's job cluster runs the jobs; where one must finish, the page is reloaded until
it shows the outcome, as a person would (never longer than the deadline).
"""

import json
import time
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in, nav

pytestmark = pytest.mark.e2e

OWN = "+18056421414"  # the demo's "Billing" number
OWN_SHOWN = "(805) 642-1414"


def reload_until(page, locator, seconds: float = 60) -> None:
    """Reload the page until `locator` is on it (a job of the cluster has to run first)."""
    deadline = time.monotonic() + seconds
    while not locator.count():
        assert time.monotonic() < deadline, f"not shown within {seconds} s: {locator}"
        page.wait_for_timeout(1000)
        page.reload()


def screenshots(page, name: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(RESULTS / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is wider than {width} px by {overflow} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_testing_a_connection(page):
    log_in(page)
    nav(page, "Connections")
    panel = page.locator("#connection-sms")
    panel.get_by_role("button", name="Test connection").click()
    result = page.locator("#connection-sms").locator(".test-result")
    expect(result).to_contain_text("Test passed")
    expect(result).to_contain_text("Version check: OK")
    expect(result).to_contain_text("Login: OK")
    expect(page.locator("#connection-sms")).to_contain_text("Last successful call")
    page.locator("#connection-fax").get_by_role("button", name="Test connection").click()
    expect(page.locator("#connection-fax").locator(".test-result")).to_contain_text(
        "the test is the login alone")
    screenshots(page, "operations-connections")


def inbound_without_webhook(portal, sender: str) -> str:
    """A message Axion received on OWN five minutes ago whose webhook never reached the
    portal (the number had no callback URL then); returns its uuid."""
    return portal.shell(
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from django_scopes import scopes_disabled\n"
        "from messaging.models import MessagingNumber\n"
        "from sandbox import services\n"
        "from sandbox.models import SandboxNumber\n"
        f"own = SandboxNumber.objects.get(number={OWN!r})\n"
        "url = own.callback_url\n"
        "own.callback_url = ''\n"
        "own.save(update_fields=['callback_url'])\n"
        f"message, _ = services.simulate_inbound(number={OWN!r}, source={sender!r}, "
        "text='Did you get my photo?')\n"
        "own.callback_url = url\n"
        "own.save(update_fields=['callback_url'])\n"
        "message.time = timezone.now() - timedelta(minutes=5)\n"
        "message.save(update_fields=['time'])\n"
        "with scopes_disabled():\n"
        # The demo's number is older than the message, as it would be in real life.
        f"    MessagingNumber.objects.filter(number={OWN!r}).update(\n"
        "        activated_at=timezone.now() - timedelta(days=1))\n"
        "print(message.uuid)")


def test_spotting_a_missed_webhook(page, portal):
    missed = inbound_without_webhook(portal, "+17075550142")
    log_in(page)
    nav(page, "Operations")
    row = page.locator('tr[data-job="sync_messages"]')
    row.get_by_role("button", name="Run sync_messages now").click()
    expect(page.get_by_role("status").first).to_contain_text("sync_messages is queued")
    screenshots(page, "operations-overview")
    page.get_by_role("navigation", name="Operations").get_by_role(
        "link", name="Webhook ledger").click()
    reload_until(page, page.get_by_text(missed))
    row = page.locator(".missed-table tr", has_text=missed)
    expect(row).to_contain_text(OWN_SHOWN)
    day = page.locator(".ledger-table tr", has_text=OWN_SHOWN).first
    expect(day.locator('td[data-label="Missed"]')).not_to_have_text("0")
    screenshots(page, "operations-ledger")


def test_replaying_an_event(page, portal):
    text = f"Replay check {uuid.uuid4().hex[:6]}"
    portal.manage("sandbox_inbound", OWN, "--from", "+17075550143", "--text", text)
    log_in(page)
    nav(page, "Operations")
    page.get_by_role("navigation", name="Operations").get_by_role(
        "link", name="Webhook ledger").click()
    page.locator(f'li[data-number="{OWN}"]').get_by_role("link", name="Today's events").click()
    # The newest first: the event just sent, processed by the job cluster within seconds.
    row = page.locator(".events-table tbody tr").first
    reload_until(page, row.get_by_text("Processed"), seconds=30)
    screenshots(page, "operations-day")
    row.get_by_role("link", name="Inspect").click()
    expect(page.locator(".raw-body")).to_contain_text(text)
    screenshots(page, "operations-event")
    page.get_by_role("button", name="Replay").click()
    expect(page.get_by_role("status").first).to_contain_text("changed nothing")
    expect(page.locator(".event-state")).to_contain_text("Processed")
    # The message is stored once, replay or not.
    count = portal.shell(
        "from django_scopes import scopes_disabled\n"
        "from messaging.models import Message\n"
        "with scopes_disabled():\n"
        f"    print(Message.objects.filter(text={text!r}).count())")
    assert json.loads(count) == 1
