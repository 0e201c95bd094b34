"""Path 7: add a messaging number and see its webhook registered; edit a connection
without ever seeing the stored secret."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, nav

pytestmark = pytest.mark.e2e


def test_add_a_number_and_see_its_webhook_registered(page):
    log_in(page)
    nav(page, "Numbers")
    page.get_by_label("Number").fill("(626) 555-0100")
    page.get_by_label("Label").fill("Pharmacy")
    page.get_by_role("button", name="Add and register").click()
    expect(page.get_by_role("status")).to_contain_text("webhook registered")
    row = page.locator("tr", has_text="+16265550100")
    expect(row).to_contain_text("Registered")
    expect(row).to_contain_text("Pharmacy")


def test_edit_a_connection_without_seeing_the_secret(page, portal):
    api_key = portal.shell("from sandbox.models import SandboxAccount; "
                           "print(SandboxAccount.objects.get(username='demo-clinic').api_key)")
    password = portal.shell("from sandbox.models import SandboxAccount; "
                            "print(SandboxAccount.objects.get(username='demo-clinic').password)")
    log_in(page)
    nav(page, "Connections")
    page.locator("article", has_text="SMS API").get_by_role("link", name="Edit").click()
    expect(page.get_by_label("API key")).to_have_value("")
    expect(page.get_by_label("Password")).to_have_value("")
    html = page.content()
    assert api_key not in html and password not in html
    page.get_by_label("Username").fill("demo-clinic")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("connection was saved")
    assert api_key not in page.content()
