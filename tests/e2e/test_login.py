"""Path 1: log in as the demo owner, switch organization, log out; a wrong password."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in

pytestmark = pytest.mark.e2e


def test_wrong_password_shows_the_error(page):
    log_in(page, password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")


def test_owner_logs_in_switches_organization_and_logs_out(page, portal):
    portal.manage("create_organization", "second-office", "--name", "Second Office",
                  "--owner", "demo")
    log_in(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Demo Clinic")
    page.get_by_label("Organization").select_option(label="Second Office")
    page.get_by_role("button", name="Switch").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Second Office")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
