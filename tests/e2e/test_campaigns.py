"""A small campaign from start to end: three pasted numbers, the preview, start, the live
progress until it finishes, and the report's CSV."""

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, nav

pytestmark = pytest.mark.e2e

NUMBERS = ["+13235550161", "+13235550162", "+13235550163"]


def test_small_campaign_runs_to_its_report(page, portal):
    log_in(page)
    nav(page, "Campaigns")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name").fill("Flu shots")
    page.get_by_label("Numbers").fill("(323) 555-0161\n323.555.0162, +1 323 555 0163")
    page.get_by_label("Text").fill("Flu shots are in at Harbor Clinic. Reply STOP to opt out.")
    page.get_by_label("Messages per minute").fill("120")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#will-get")).to_have_text("3")
    expect(page.locator("#total-segments")).to_have_text("3")
    page.get_by_role("button", name="Start sending to 3").click()
    # The job cluster sends them; the page follows without a reload.
    expect(page.locator("#campaign-status")).to_have_text("Finished", timeout=60_000)
    expect(page.locator("#count-sent")).to_have_text("3")
    expect(page.locator("#count-remaining")).to_have_text("0")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the outcomes (CSV)").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text())))
    assert rows[0][:4] == ["number", "name", "contact", "status"]
    # A cell starting with + is written as text ('+1…), like every CSV of the portal.
    assert sorted(row[0] for row in rows[1:]) == [f"'{number}" for number in NUMBERS]
    assert {row[3] for row in rows[1:]} == {"sent"}
