"""Paths 3 to 6: reply and watch the status change, a new MMS to two numbers, an inbound
message arriving live, and deleting (agent) versus reading only (viewer)."""

import pytest
from playwright.sync_api import expect

from common.phone import display_number
from tests.e2e.helpers import PNG, log_in

pytestmark = pytest.mark.e2e

CONTACT = "+12135550143"


def _open_conversation(page, portal, party: str) -> None:
    portal.manage("run_job", "sync_messages")
    page.goto("/messaging/")
    # Rows show numbers as people read them (and a contact's name beside it).
    page.locator(".conversation-row", has_text=display_number(party)).first.locator("a").click()


def test_reply_goes_from_queued_to_sent_without_reload(page, portal):
    log_in(page)
    _open_conversation(page, portal, CONTACT)
    page.get_by_label("Message", exact=True).fill("See you at 10:30, thanks!")
    page.get_by_role("button", name="Send").click()
    bubble = page.locator(".bubble.outbound", has_text="See you at 10:30, thanks!").last
    expect(bubble).to_contain_text("Queued")
    # The sandbox hands the message on after 3 seconds and posts updatedSMS to the portal's
    # webhook; the job cluster applies it and the page refreshes itself.
    expect(bubble).to_contain_text("Sent", timeout=30_000)


def test_new_message_with_an_image_to_two_numbers(page, portal):
    log_in(page)
    page.goto("/messaging/new/")
    page.get_by_label("To").fill("(619) 555-0122, 415.555.0199")
    page.get_by_label("Message", exact=True).fill("Our new opening hours")
    page.get_by_label("Attach an image or mp3").set_input_files(
        files=[{"name": "hours.png", "mimeType": "image/png", "buffer": PNG}])
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to 2 recipients")
    for party in ("+16195550122", "+14155550199"):
        page.goto("/messaging/")
        page.locator(".conversation-row", has_text=display_number(party)).first.locator(
            "a").click()
        bubble = page.locator(".bubble.outbound", has_text="Our new opening hours").last
        image = bubble.get_by_role("img", name="Image attachment")
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_inbound_message_appears_with_an_unread_badge(page, portal):
    log_in(page)
    page.goto("/messaging/")
    portal.manage("sandbox_inbound", "+18056421414", "--from", "+17075550142",
                  "--text", "Is parking available at the clinic?")
    row = page.locator(".conversation-row", has_text="(707) 555-0142")
    expect(row).to_contain_text("Is parking available", timeout=30_000)
    expect(row).to_contain_text("1 unread")


def test_agent_deletes_a_message_and_viewer_sees_no_composer(page, portal, browser):
    log_in(page, "agent", "agent")
    _open_conversation(page, portal, "+13235550187")
    bubble = page.locator(".bubble").last
    bubble_id = bubble.get_attribute("id")
    text = bubble.locator(".text").inner_text()
    bubble.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete this message?")).to_be_visible()
    page.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_role("status")).to_contain_text("The message was deleted")
    deleted = page.locator(f"#{bubble_id}")
    expect(deleted).to_contain_text("Message deleted.")
    expect(deleted).not_to_contain_text(text)

    viewer = browser.new_context(base_url=portal.url).new_page()
    log_in(viewer, "viewer", "viewer")
    viewer.goto("/messaging/")
    viewer.locator(".conversation-row", has_text="(323) 555-0187").first.locator("a").click()
    expect(viewer.locator(".bubble").first).to_be_visible()
    expect(viewer.get_by_role("button", name="Send")).to_have_count(0)
    expect(viewer.get_by_role("link", name="Delete")).to_have_count(0)
    expect(viewer.get_by_role("link", name="New message")).to_have_count(0)
    viewer.context.close()
