"""Scheduling a reply for later in the browser: it shows SCHEDULED in the conversation at its
local time, can be edited, then cancelled; nothing reaches the provider meanwhile."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from common.phone import display_number
from tests.e2e.helpers import log_in

pytestmark = pytest.mark.e2e

CONTACT = "+16195550122"


def test_schedule_a_reply_edit_it_and_cancel_it(page, portal):
    log_in(page)
    portal.manage("run_job", "sync_messages")
    page.goto("/messaging/")
    page.locator(".conversation-row", has_text=display_number(CONTACT)).first.locator(
        "a").click()
    # Two days ahead is in the future in any zone; the demo organization is in New York.
    day = (datetime.now(UTC) + timedelta(days=2)).date()
    page.get_by_label("Message", exact=True).fill("Reminder: your appointment is on Thursday")
    page.get_by_text("Send later", exact=True).click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Time").fill("09:30")
    schedule = page.get_by_role("button", name="Schedule")  # the Send button, renamed
    expect(schedule).to_be_visible()
    schedule.click()

    expect(page.get_by_role("status")).to_contain_text("Scheduled for")
    bubble = page.locator(".bubble.outbound", has_text="Reminder: your appointment").last
    expect(bubble).to_contain_text("Scheduled")
    expect(bubble).to_contain_text(f"{day:%b} {day.day}, 09:30 E")  # EST or EDT

    bubble.get_by_role("link", name="Edit").click()
    expect(page.get_by_role("heading", name="Change scheduled message")).to_be_visible()
    page.get_by_label("Message", exact=True).fill("Reminder: your appointment is on Thursday at 10")
    page.get_by_label("Time").fill("08:15")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("08:15")
    bubble = page.locator(".bubble.outbound", has_text="on Thursday at 10").last
    expect(bubble).to_contain_text(f"{day:%b} {day.day}, 08:15 E")

    bubble_id = bubble.get_attribute("id")
    bubble.get_by_role("button", name="Cancel").click()
    expect(page.get_by_role("status")).to_contain_text("cancelled: it will not be sent")
    expect(page.locator(f"#{bubble_id}")).to_contain_text("Scheduled message cancelled.")
    assert "on Thursday at 10" not in portal.shell(
        "from sandbox.models import SandboxMessage; "
        "print(list(SandboxMessage.objects.values_list('text', flat=True)))")
