"""The dashboard's fax chart on a phone (375 x 812): drawn, as wide as the screen at most,
and its table of numbers holds today's counts."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in

pytestmark = pytest.mark.e2e


def _todays_counts(portal) -> dict:
    """Today's faxes of the demo organization as the charts counted them."""
    return json.loads(portal.shell(
        "import json; from django_scopes import scopes_disabled; "
        "from accounts.models import Organization; from charts.models import FaxDay; "
        "from charts.services import today_of\n"
        "with scopes_disabled():\n"
        "    org = Organization.objects.get(slug='demo')\n"
        "    row = FaxDay.objects.filter(organization=org, day=today_of(org)).first()\n"
        "    print(json.dumps({'day': today_of(org).isoformat(),"
        " 'sent': row.sent if row else 0, 'failed': row.failed if row else 0}))"))


def test_the_dashboards_fax_chart_on_a_phone(browser, portal):
    portal.manage("run_job", "sync_faxes")
    portal.manage("run_job", "count_activity")
    today = _todays_counts(portal)
    context = browser.new_context(base_url=portal.url, viewport={"width": 375, "height": 812})
    page = context.new_page()
    try:
        log_in(page)
        chart = page.locator("#fax-days")
        drawing = chart.get_by_role("img", name="Faxes sent and failed per day, last 30 days")
        drawing.scroll_into_view_if_needed()
        expect(drawing).to_be_visible()
        box = drawing.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, box
        assert box["height"] > 100, box  # drawn at a readable size, not squashed

        chart.get_by_text("Show the numbers").click()
        row = chart.locator(f"tr:has(time[datetime='{today['day']}'])")
        expect(row).to_be_visible()
        shown = row.locator("td").all_inner_texts()
        # The demo's faxes move on while it runs: the page shows the counts of before or
        # after it was drawn.
        assert shown in ([str(counts["sent"]), str(counts["failed"])]
                         for counts in (today, _todays_counts(portal))), shown
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the dashboard is {overflow}px wider than the phone"
        RESULTS.mkdir(parents=True, exist_ok=True)
        chart.screenshot(path=str(RESULTS / "charts-fax-days-375.png"))
        page.screenshot(path=str(RESULTS / "charts-dashboard-375.png"), full_page=True)
    finally:
        context.close()
