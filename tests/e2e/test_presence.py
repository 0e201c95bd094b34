"""Collision: two members with the same conversation open see each other there, and see
when the other starts typing a reply; neither sees themselves."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in

pytestmark = pytest.mark.e2e

REPLY_BOX = "form[action$='/reply/'] textarea[name=text]"


def _a_conversation(portal) -> str:
    portal.manage("run_job", "sync_messages")
    # The newest conversation that can be answered: not one with a number that opted out
    # (the opt-out browser test leaves one behind), which has no reply box.
    pk = portal.shell(
        "from django_scopes import scopes_disabled\n"
        "from messaging.models import Conversation\n"
        "from optouts.models import OptOut\n"
        "with scopes_disabled():\n"
        "    out = set(OptOut.objects.values_list('number', flat=True))\n"
        "    print(next(c.pk for c in Conversation.objects.exclude(last_message_at=None)"
        ".order_by('-last_message_at') if not out & set(c.participant_list)))")
    return f"/messaging/conversations/{pk}/"


def test_two_members_see_each_other_and_who_is_typing(page, portal, browser):
    conversation = _a_conversation(portal)
    log_in(page, "demo", "demo")
    page.goto(conversation)
    # The second member on a phone.
    phone = browser.new_context(base_url=portal.url, viewport={"width": 375, "height": 800})
    phone.set_default_timeout(15_000)
    other = phone.new_page()
    try:
        log_in(other, "agent", "agent")
        other.goto(conversation)

        expect(page.locator(".presence")).to_have_text("agent is also viewing")
        expect(other.locator(".presence")).to_have_text("demo is also viewing")

        other.locator(REPLY_BOX).press_sequentially("On my way, I'll answer her")
        expect(page.locator(".presence")).to_have_text("agent is typing a reply…")
        expect(other.locator(".presence")).to_have_text("demo is also viewing")
        RESULTS.mkdir(parents=True, exist_ok=True)
        other.screenshot(path=str(RESULTS / "presence-phone.png"), full_page=True)

        # The other leaves: once its typing and viewing expire (6 and 7 s), nobody else is
        # shown.
        other.goto("/messaging/")
        expect(page.locator(".presence")).to_be_hidden(timeout=20_000)
    finally:
        phone.close()
