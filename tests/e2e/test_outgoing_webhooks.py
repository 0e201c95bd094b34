"""Outgoing webhooks in a browser: the owner registers an endpoint on a receiver of the
test's own (a small HTTP server on 127.0.0.1, which the portal's WEBHOOK_ALLOWED_HOSTS
allows), copies the secret shown once, sends a test event, and sees it delivered in the
endpoint's log with the receiver's answer; the receiver got it signed with that secret.
The pages look finished at phone (375 px) and laptop (1280 px) width."""

import threading

import pytest
from playwright.sync_api import expect
from standardwebhooks import Webhook

from tests.e2e.helpers import RESULTS, log_in, nav
from tests.webhooks_out.receiver import Receiver

pytestmark = pytest.mark.e2e


def fits(page, width: int, name: str) -> None:
    """The page is no wider than the screen at `width`; its screenshot is kept."""
    page.set_viewport_size({"width": width, "height": 900})
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / f"webhooks-{name}-{width}.png"), full_page=True)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1, f"{name} is {overflow}px wider than a {width}px screen"


def reload_until_visible(page, locator, attempts: int = 40) -> None:
    """The delivery job runs in the portal's job cluster: reload until its result shows."""
    for _ in range(attempts):
        try:
            expect(locator).to_be_visible(timeout=500)
            return
        except AssertionError:
            page.reload()
    expect(locator).to_be_visible()


def test_register_an_endpoint_send_a_test_event_and_see_it_delivered(page):
    arrived = threading.Event()

    def answer(number):
        arrived.set()
        return 200, {"Content-Type": "application/json"}, b'{"thanks": "received"}'

    with Receiver(answer) as receiver:
        log_in(page)
        nav(page, "Webhooks")
        expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks")
        for width in (375, 1280):
            fits(page, width, "empty-list")
        page.get_by_role("link", name="Add an endpoint").click()
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Description").fill("Our CRM on this machine")
        page.get_by_label("fax.failed").check()
        for width in (375, 1280):
            fits(page, width, "form")
        page.get_by_role("button", name="Add the endpoint").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Endpoint added")
        secret = page.get_by_label("The signing secret").input_value()
        assert secret.startswith("whsec_")
        for width in (375, 1280):
            fits(page, width, "secret")
        page.get_by_role("link", name="Go to the endpoint").click()
        expect(page.locator(".webhook-facts")).to_contain_text(receiver.url)
        assert secret not in page.content()

        page.get_by_role("button", name="Send test event").click()
        expect(page.get_by_role("status")).to_contain_text("A test event is on its way")
        assert arrived.wait(timeout=30), "the receiver got nothing"
        reload_until_visible(page, page.locator(".webhook-table .badge.good",
                                                has_text="Delivered"))
        for width in (375, 1280):
            fits(page, width, "endpoint")

        page.locator(".webhook-table").get_by_role("link", name="ping").click()
        attempt = page.locator(".attempt").first
        expect(attempt).to_contain_text("HTTP 200")
        expect(attempt.locator(".attempt-body")).to_contain_text('"thanks": "received"')
        for width in (375, 1280):
            fits(page, width, "delivery")

    [(headers, body)] = receiver.requests
    event = Webhook(secret).verify(body, headers)
    assert event["type"] == "ping" and headers["webhook-id"] == event["id"]
