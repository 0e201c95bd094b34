"""The composer's recipients by name: type a contact's name, pick it from the suggestions,
add a second recipient, send; the sandbox gets one message for each number."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in

pytestmark = pytest.mark.e2e

TEXT = "Flu shots are available this week, no appointment needed."


def _sent_to(portal) -> list[list[str]]:
    return json.loads(portal.shell(
        "import json; from sandbox.models import SandboxMessage; "
        f"print(json.dumps([m.dst for m in SandboxMessage.objects.filter(text={TEXT!r})"
        ".order_by('id')]))"))


def test_pick_contacts_by_name_and_send_to_both(page, portal):
    log_in(page)
    page.goto("/messaging/new/")
    to = page.get_by_role("combobox", name="To")
    recipients = page.get_by_role("list", name="Recipients")

    # The keyboard: type part of a name, go down to the suggestion, take it with Enter.
    to.press_sequentially("Aisha")
    suggestion = page.get_by_role("option", name=re.compile(r"Aisha Rahman"))
    expect(suggestion).to_be_visible()
    expect(to).to_have_attribute("aria-expanded", "true")
    to.press("ArrowDown")
    expect(suggestion).to_have_attribute("aria-selected", "true")
    to.press("Enter")
    expect(recipients).to_contain_text("Aisha Rahman (619) 555-0122")
    expect(to).to_have_value("")
    expect(page.get_by_role("listbox")).to_be_hidden()

    # Escape closes the suggestions; a click picks a second contact.
    to.press_sequentially("tom b")
    expect(page.get_by_role("option", name=re.compile(r"Tom Becker"))).to_be_visible()
    to.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    to.press_sequentially("e")
    page.get_by_role("option", name=re.compile(r"Tom Becker")).click()
    expect(recipients.get_by_role("listitem")).to_have_count(2)

    page.get_by_label("Message", exact=True).fill(TEXT)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("Sent to 2 recipients")
    assert _sent_to(portal) == [["+16195550122"], ["+14155550199"]]


def test_a_chip_can_be_removed_before_sending(page, portal):
    log_in(page)
    page.goto("/messaging/new/?to=%2B13235550187")
    recipients = page.get_by_role("list", name="Recipients")
    # A number given by a link shows as its contact.
    expect(recipients).to_contain_text("James Carter (323) 555-0187")
    page.get_by_role("button", name="Remove James Carter (323) 555-0187").click()
    expect(recipients.get_by_role("listitem")).to_have_count(0)
