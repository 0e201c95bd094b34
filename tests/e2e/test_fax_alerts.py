"""Fax alerts in a browser: a member watches a fax's reference on its page; the fax then
fails (stored as a sync stores it, through faxes.services.upsert_faxes); the member's
notifications bell tells them, and its notification opens the fax's page."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in

pytestmark = pytest.mark.e2e

REFERENCE = "E2E-ALERT-0427"  # no other test uses it
SENT_AT = (datetime.now(UTC) - timedelta(minutes=2)).replace(microsecond=0).isoformat()

STORE = """
from datetime import datetime
from accounts.models import Organization
from axion.fax import FaxRecord
from faxes.services import upsert_faxes
from sandbox.demo import SLUG
organization = Organization.objects.get(slug=SLUG)
sent_at = datetime.fromisoformat("{sent_at}")
{{fax}} = upsert_faxes(organization=organization, records=[FaxRecord(
    customer_field="{reference}", source_number="+18059731214",
    destination_number="+18058522606", time=sent_at, pages=1, status="{status}",
    try_count={tries}, raw={{}})])
print(fax.pk)
"""


def store(portal, status: str, tries: int) -> int:
    """Store the fax (the same one each time: same reference, numbers and time)."""
    code = STORE.format(reference=REFERENCE, status=status, tries=tries, sent_at=SENT_AT)
    code = code.replace("{fax}", "[fax]")
    return int(portal.shell(code).splitlines()[-1])


def test_a_member_watches_a_reference_and_is_alerted_when_its_fax_fails(page, portal):
    fax = store(portal, "PROGRESS", 1)
    log_in(page, "agent", "agent")
    page.goto("/notifications/")
    mark_all = page.get_by_role("button", name="Mark all read")
    if mark_all.count():
        mark_all.click()

    page.goto(f"/faxes/{fax}/")
    panel = page.get_by_role("region", name="Alerts")
    expect(panel.get_by_role("textbox", name="Reference")).to_have_value(REFERENCE)
    panel.get_by_label("Exactly this reference").check()
    panel.get_by_role("button", name="Watch this reference").click()
    expect(page.get_by_role("status")).to_contain_text(f"You watch exactly this reference: "
                                                      f"{REFERENCE}.")
    expect(panel).to_contain_text(f"You watch {REFERENCE}.")

    assert store(portal, "FAILED", 3) == fax
    # The page stays as it is: the bell's poll brings the alert.
    expect(page.locator(".bell .bell-count")).to_be_visible(timeout=30_000)
    page.locator(".bell").click()
    row = page.locator(".notification-row", has_text=REFERENCE)
    expect(row).to_contain_text(f"Fax {REFERENCE} to")
    expect(row).to_contain_text(f"It failed after 3 tries. You watch {REFERENCE}.")
    row.locator("a").first.click()
    expect(page).to_have_url(re.compile(rf"/faxes/{fax}/$"))
    expect(page.get_by_role("region", name="Alerts")).to_contain_text("Needs attention")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_fax_alert_pages_fit_the_screen(browser, portal, width):
    fax = store(portal, "PROGRESS", 1)
    context = browser.new_context(base_url=portal.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page)  # the demo's owner: the rules page too
    RESULTS.mkdir(parents=True, exist_ok=True)
    for path in ["/fax-alerts/watches/", "/fax-alerts/rules/", "/fax-alerts/attention/",
                 f"/faxes/{fax}/", "/faxes/"]:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        name = path.strip("/").replace("/", "-")
        page.screenshot(path=str(RESULTS / f"fax-alerts-{width}-{name}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a {width}px screen"
    context.close()
