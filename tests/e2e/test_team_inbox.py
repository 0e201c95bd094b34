"""The team inbox in a browser: an agent takes a new conversation (assign to me), labels
it, writes an internal note mentioning the owner, closes it with the "e" key, and finds it
under Mine; the owner finds it under Mentions. The inbox and the conversation look
finished at phone (375 px) and laptop (1280 px) width: nothing wider than the screen, and
screenshots in test-results/e2e/ to look at."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in

pytestmark = pytest.mark.e2e

PARTY = "+17075550188"  # a new customer: no other test writes to it
SHOWN = "(707) 555-0188"  # as the inbox shows it


def fits(page, width: int, name: str) -> None:
    """The page is no wider than the screen at `width`; its screenshot is kept."""
    page.set_viewport_size({"width": width, "height": 900})
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / f"team-{name}-{width}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} is {overflow}px wider than a {width}px screen"


def test_assign_label_note_close_and_find_it_under_mine(page, portal, browser):
    log_in(page, "agent", "agent")
    page.goto("/messaging/")
    portal.manage("sandbox_inbound", "+18056421414", "--from", PARTY,
                  "--text", "Can someone call me about my bill?")
    row = page.locator(".conversation-row", has_text=SHOWN)
    expect(row).to_contain_text("Can someone call me", timeout=30_000)
    row.locator("a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SHOWN)
    expect(page.locator(".conversation-meta")).to_contain_text("Unassigned")

    page.get_by_role("button", name="Assign to me").click()
    expect(page.get_by_role("status")).to_contain_text("Assigned to you.")
    expect(page.locator(".conversation-meta")).to_contain_text("Assigned to you")

    page.locator(".label-picker summary").click()
    for width in (375, 1280):
        fits(page, width, "label-picker")
    page.get_by_role("checkbox", name="Billing").check()
    page.get_by_role("button", name="Save labels").click()
    expect(page.locator(".conversation-meta .label-chip")).to_have_text("Billing")

    page.get_by_label("Internal note").fill("@demo can you call them back about the invoice?")
    page.get_by_role("button", name="Add note").click()
    note = page.locator(".note", has_text="call them back about the invoice")
    expect(note).to_contain_text("Internal note, not sent")
    expect(note.locator("mark.mention")).to_have_text("@demo")
    for width in (375, 1280):
        fits(page, width, "conversation")

    page.keyboard.press("e")  # closes it, back to the inbox
    expect(page).to_have_url(re.compile(r"/messaging/$"))
    expect(page.get_by_role("status")).to_contain_text(f"Closed the conversation with {SHOWN}")
    expect(page.locator(".conversation-row", has_text=SHOWN)).to_have_count(0)

    page.get_by_role("navigation", name="Whose conversations").get_by_role(
        "link", name="Mine").click()
    page.get_by_role("navigation", name="Open or closed").get_by_role(
        "link", name="Closed").click()
    mine = page.locator(".conversation-row", has_text=SHOWN)
    expect(mine).to_contain_text("Assigned to you")
    expect(mine.locator(".label-chip")).to_have_text("Billing")
    expect(mine).to_contain_text("Closed")
    for width in (375, 1280):
        fits(page, width, "inbox-mine-closed")

    owner = browser.new_context(base_url=portal.url).new_page()
    log_in(owner)
    owner.goto("/messaging/?mentions=me&status=all")
    expect(owner.locator(".conversation-row", has_text=SHOWN)).to_be_visible()
    owner.context.close()


def test_the_inbox_and_its_filters_fit_a_phone(page, portal):
    log_in(page)
    page.goto("/messaging/")
    expect(page.locator(".conversation-row").first).to_be_visible()
    for width in (375, 1280):
        fits(page, width, "inbox")
    page.goto("/messaging/labels/")
    expect(page.get_by_role("heading", name="Labels")).to_be_visible()
    for width in (375, 1280):
        fits(page, width, "labels")
