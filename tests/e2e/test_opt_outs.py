"""Opting out by keyword: an inbound "Stop" arrives through the portal's webhook (posted by
the sandbox), the sender is answered once with the opt-out confirmation, the conversation
says who opted out and offers no composer, and the composer refuses the number."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, nav

pytestmark = pytest.mark.e2e

OWN = "+18056421414"
SENDER = "+17075550177"


def test_stop_opts_out_and_the_composer_refuses_the_number(page, portal):
    log_in(page)
    page.goto("/messaging/")
    portal.manage("sandbox_inbound", OWN, "--from", SENDER, "--text", " Stop! ")
    row = page.locator(".conversation-row", has_text="(707) 555-0177")
    # The preview is the newest message: the confirmation that answered the Stop.
    expect(row).to_contain_text("You are unsubscribed from", timeout=30_000)
    row.first.locator("a").click()

    notice = page.get_by_role("status").filter(has_text="Opted out: replies are off")
    expect(notice).to_contain_text("(707) 555-0177 opted out of your messages")
    expect(notice).to_contain_text("texted “Stop!”")
    expect(page.get_by_role("button", name="Send")).to_have_count(0)
    # The confirmation that carriers require went out, once, to the number that opted out.
    confirmation = page.locator(".bubble.outbound", has_text="You are unsubscribed from")
    expect(confirmation).to_have_count(1, timeout=30_000)

    page.goto(f"/messaging/new/?to={SENDER}")
    page.get_by_label("Message", exact=True).fill("Your appointment is tomorrow at 10.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert").filter(has_text="opted out")).to_contain_text(SENDER)

    nav(page, "Opt-outs")
    expect(page.get_by_role("row", name="(707) 555-0177")).to_contain_text("Texted “Stop!”")
