"""Message templates in a browser: an admin adds one; an agent types "/" and its name in a
conversation's reply box, takes it with Enter, sees it filled with the contact's first
name, sends it, and the message shows in the conversation."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in, nav

pytestmark = pytest.mark.e2e

AISHA = "+16195550122"  # Aisha Rahman, a contact of the demo
TEXT = "Hi {first_name}, your lab results are ready. {my_name}, Demo Clinic"
FILLED = "Hi Aisha, your lab results are ready. agent, Demo Clinic"


def _conversation_with(portal, number: str) -> str:
    portal.manage("sandbox_inbound", "+18056421414", "--from", number,
                  "--text", "Are my results in?")
    portal.manage("run_job", "sync_messages")
    pk = portal.shell(
        "from django_scopes import scopes_disabled\n"
        "from messaging.models import Conversation\n"
        "with scopes_disabled():\n"
        f"    print(Conversation.objects.filter(participants={number!r})"
        ".values_list('pk', flat=True).first())")
    return f"/messaging/conversations/{pk}/"


def test_an_admin_adds_a_template_and_an_agent_inserts_it(page, portal, browser):
    log_in(page, "demo", "demo")
    nav(page, "Templates")
    page.get_by_role("link", name="New template").click()
    page.get_by_label("Name").fill("results")
    page.get_by_label("Text").fill(TEXT)
    page.get_by_role("button", name="Add template").click()
    expect(page.get_by_role("status")).to_contain_text("Template “results” added.")
    expect(page.locator(".templates-table")).to_contain_text("Hi Ada, your lab results")

    conversation = _conversation_with(portal, AISHA)
    context = browser.new_context(base_url=portal.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    agent = context.new_page()
    try:
        log_in(agent, "agent", "agent")
        agent.goto(conversation)
        box = agent.get_by_role("combobox", name="Message")
        box.press_sequentially("/resu")
        option = agent.get_by_role("option", name=re.compile(r"results"))
        expect(option).to_have_attribute("aria-selected", "true")
        expect(box).to_have_attribute("aria-expanded", "true")
        expect(box).to_have_attribute("aria-activedescendant", re.compile(r"template-options-0"))
        RESULTS.mkdir(parents=True, exist_ok=True)
        agent.screenshot(path=str(RESULTS / "template-picker.png"), full_page=True)
        box.press("Enter")
        expect(box).to_have_value(FILLED)
        expect(agent.get_by_role("listbox", name="Templates")).to_be_hidden()

        agent.get_by_role("button", name="Send").click()
        expect(agent.locator("#message-list")).to_contain_text(FILLED)
    finally:
        context.close()
