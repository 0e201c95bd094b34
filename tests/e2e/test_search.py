"""Search from the top bar: a reference that a fax and a message both hold."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in

pytestmark = pytest.mark.e2e

REFERENCE = "E2E-SEARCH-4711"

# A fax with the reference, and a message of one of the demo's conversations mentioning
# it: the portal's own rows, as a sync would have stored them.
PLANT = f"""
from datetime import UTC, datetime
from django_scopes import scopes_disabled
from accounts.models import Organization
from faxes.models import Fax, fax_identity
from messaging.models import Conversation, Message
with scopes_disabled():
    org = Organization.objects.get(slug="demo")
    sent = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    fax = Fax.objects.create(
        organization=org, customer_field="{REFERENCE}", source_number="+18056421414",
        destination_number="+13105550123", sent_at=sent, pages=3, status="SENT",
        identity=fax_identity("{REFERENCE}", "+18056421414", "+13105550123", sent))
    conversation = Conversation.objects.filter(organization=org).order_by("pk").first()
    Message.objects.create(
        organization=org, conversation=conversation, uuid="e2e-search-1", direction="in",
        source=conversation.participant_list[0], destinations=[conversation.own_number.number],
        text="Has the fax for {REFERENCE} arrived?", status="RECEIVED", sent_at=sent)
    print(fax.pk)
"""


def test_a_reference_in_the_top_bar_finds_the_fax_and_the_message(page, portal):
    fax_id = portal.shell(PLANT).splitlines()[-1]
    log_in(page)
    page.wait_for_load_state()  # the page's scripts, the "/" key's among them, have run

    page.keyboard.press("/")  # the top bar's search box
    expect(page.get_by_label("Search everywhere")).to_be_focused()
    page.keyboard.type(REFERENCE)
    page.keyboard.press("Enter")

    faxes = page.get_by_role("region", name="Faxes")
    messages = page.get_by_role("region", name="Messages")
    expect(faxes).to_contain_text(REFERENCE)
    expect(messages.get_by_role("link", name=f"Has the fax for {REFERENCE} arrived?")
           ).to_be_visible()

    faxes.get_by_role("link", name=REFERENCE).click()
    expect(page).to_have_url(f"{portal.url}/faxes/{fax_id}/")
    expect(page.locator("main")).to_contain_text(REFERENCE)
