"""Path: an admin connects a fax account and watches the past 30 days arrive; a member
opens a fax from the history and reads its timeline."""

import time

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, nav

pytestmark = pytest.mark.e2e

USERNAME, PASSWORD = "northadmin", "north-office-7Kq2"


def _sandbox_account(portal) -> tuple[str, str]:
    return tuple(portal.shell(
        "from sandbox.models import SandboxAccount; "
        "a = SandboxAccount.objects.get(username='demo-clinic'); "
        "print(a.api_key); print(a.password)").splitlines())


def _new_office(portal) -> None:
    """An organization of its own, with no connection yet, and its owner."""
    portal.shell(
        "from django.contrib.auth import get_user_model; from accounts import services; "
        f"user = get_user_model().objects.create_user({USERNAME!r}, password={PASSWORD!r}); "
        "services.create_organization(name='North Office', slug='north-office', owner=user, "
        "time_zone='America/New_York')")


def _reload_until(page, text: str, seconds: float = 90) -> None:
    """The page is server-rendered: reload it until the job cluster's work shows."""
    deadline = time.monotonic() + seconds
    while text not in page.content() and time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.locator("#fax-backfill")).to_contain_text(text)


def test_an_admin_connects_faxes_and_sees_the_history_fetched(page, portal):
    api_key, password = _sandbox_account(portal)
    _new_office(portal)
    log_in(page, USERNAME, PASSWORD)
    nav(page, "Connections")
    page.locator("article", has_text="Fax status API").get_by_role("link", name="Connect").click()
    page.get_by_label("API URL").fill(f"{portal.url}/sandbox/fax")
    page.get_by_label("Username").fill("demo-clinic")
    page.get_by_label("API key").fill(api_key)
    page.get_by_label("Password").fill(password)
    page.get_by_label("Time zone of the fax API").select_option("America/New_York")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("connection was saved")
    # Queued on save, fetched by the job cluster: "history: N of 30 days fetched", then done.
    expect(page.locator("#fax-backfill")).to_contain_text("of 30 days fetched")
    _reload_until(page, "History fetched")
    expect(page.locator("#fax-backfill")).to_contain_text("history: 30 of 30 days fetched")

    nav(page, "Faxes")
    expect(page.locator("#fax-backfill")).to_contain_text("History fetched")
    expect(page.locator("table tbody tr").first).to_be_visible()


def test_a_member_opens_a_fax_and_reads_its_timeline(page):
    log_in(page, "viewer", "viewer")
    nav(page, "Faxes")
    row = page.locator("table tbody tr").first
    reference = row.locator("td").first.inner_text()
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Fax" if reference == "no reference" else reference)
    timeline = page.locator("ol.fax-timeline")
    expect(timeline.locator("li").first).to_be_visible()
    expect(timeline).to_contain_text("by the sync")
    expect(page.get_by_role("button", name="Look up at Axion now")).to_have_count(0)  # a viewer
    page.get_by_role("link", name="Back to the history").click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
