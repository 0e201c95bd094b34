"""The main pages at laptop and phone width: nothing wider than the screen, a title, and a
screenshot of each in test-results/e2e/ to look at."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in

pytestmark = pytest.mark.e2e

PAGES = ["/", "/messaging/", "/messaging/new/", "/faxes/", "/messaging/numbers/",
         "/organization/members/", "/organization/connections/", "/organization/audit/",
         "/organization/api-keys/"]


@pytest.mark.parametrize("width", [1280, 390])
def test_main_pages_fit_the_screen(browser, portal, width):
    context = browser.new_context(base_url=portal.url,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    portal.manage("run_job", "sync_messages")
    log_in(page)
    page.goto("/messaging/")
    conversation = page.locator(".conversation-row a").first.get_attribute("href")
    RESULTS.mkdir(parents=True, exist_ok=True)
    for path in [*PAGES, conversation]:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        assert page.title().endswith("Axion portal"), path
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        name = path.strip("/").replace("/", "-") or "dashboard"
        page.screenshot(path=str(RESULTS / f"layout-{width}-{name}.png"), full_page=False)
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                         && !e.closest('.table-wrap'))
            .slice(0, 5).map(e => e.tagName + '.' + e.className)""")
        assert overflow <= 1, f"{path} is {overflow}px wider than a {width}px screen: {wide}"
    context.close()
