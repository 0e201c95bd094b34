"""Notifications in a browser: an inbound message (sandbox_inbound) rings the bell of a page
that stays open, without a reload; opening the notification goes to its conversation and
marks it read; a member changes a preference. The notifications and preferences pages look
finished at phone (375 px) and laptop (1280 px) width: nothing wider than the screen, and
screenshots in test-results/e2e/ to look at."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in

pytestmark = pytest.mark.e2e

PARTY = "+17075550177"  # a new customer: no other test writes to it
SHOWN = "(707) 555-0177"  # as notifications name it


def fits(page, width: int, name: str) -> None:
    """The page is no wider than the screen at `width`; its screenshot is kept."""
    page.set_viewport_size({"width": width, "height": 900})
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / f"notifications-{name}-{width}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} is {overflow}px wider than a {width}px screen"


def test_inbound_message_rings_the_bell_and_opens_its_conversation(page, portal):
    log_in(page)
    page.goto("/notifications/")
    mark_all = page.get_by_role("button", name="Mark all read")
    if mark_all.count():  # what the demo's first sync brought: start from none unread
        mark_all.click()
    page.goto("/")
    count = page.locator(".bell .bell-count")
    expect(count).to_be_hidden()

    portal.manage("sandbox_inbound", "+18056421414", "--from", PARTY,
                  "--text", "Do you take walk-ins on Saturday?")
    # The page stays as it is: the bell's poll brings the count.
    expect(count).to_have_text("1", timeout=30_000)
    expect(page.locator(".bell")).to_have_attribute("aria-label", "Notifications, 1 unread")

    page.locator(".bell").click()
    row = page.locator(".notification-row", has_text=SHOWN)
    expect(row).to_have_class(re.compile(r"\bunread\b"))
    expect(row).to_contain_text("Do you take walk-ins on Saturday?")
    for width in (375, 1280):
        fits(page, width, "list")

    row.locator("a").click()
    expect(page).to_have_url(re.compile(r"/messaging/conversations/\d+/$"))
    expect(page.locator(".bubble").last).to_contain_text("Do you take walk-ins")
    expect(count).to_be_hidden()
    page.goto("/notifications/")
    expect(page.locator(".notification-row", has_text=SHOWN)).not_to_have_class(
        re.compile(r"\bunread\b"))


def test_member_chooses_no_email_for_new_messages(page, portal):
    log_in(page, "agent", "agent")
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", name="Notification preferences")).to_be_visible()
    for width in (375, 1280):
        fits(page, width, "preferences")
    page.get_by_role("group", name="New messages").get_by_label("No e-mail").check()
    page.get_by_label("Send digests").select_option("60")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.get_by_role("status")).to_contain_text("preferences are saved")
    expect(page.get_by_role("group", name="New messages").get_by_label("No e-mail")) \
        .to_be_checked()
    expect(page.get_by_label("Send digests")).to_have_value("60")


# The browser's Notification API and a tab in the background, stood in for: the page's
# script is what is tested, not the browser's own notification centre.
FAKE_BROWSER = """
(() => {
  window.shownNotifications = [];
  let hidden = false;
  Object.defineProperty(document, "hidden", { get: () => hidden, configurable: true });
  window.sendTabToBackground = () => {
    hidden = true;
    document.dispatchEvent(new Event("visibilitychange"));
  };
  class FakeNotification {
    constructor(title) {
      window.shownNotifications.push(title);
      const shown = document.createElement("output");  // for the test to wait on
      shown.className = "shown-notification";
      shown.textContent = title;
      document.body.append(shown);
    }
    addEventListener() {}
    close() {}
    static requestPermission() { return Promise.resolve("granted"); }
  }
  FakeNotification.permission = "granted";
  window.Notification = FakeNotification;
})();
"""


def test_opted_in_browser_shows_a_new_notification_while_in_the_background(page, portal):
    page.add_init_script(FAKE_BROWSER)
    log_in(page, "agent", "agent")
    page.goto("/notifications/")
    page.get_by_role("button", name="Turn on browser notifications").click()
    expect(page.get_by_role("button", name="Turn off browser notifications")).to_be_visible()
    page.goto("/")  # the choice is remembered by this browser
    page.evaluate("window.sendTabToBackground()")
    portal.manage("sandbox_inbound", "+18056421414", "--from", "+17075550166",
                  "--text", "Can I bring my own forms?")
    expect(page.locator(".shown-notification")).to_have_text(
        "New message from (707) 555-0166", timeout=45_000)
    assert page.evaluate("window.shownNotifications") == ["New message from (707) 555-0166"]
