"""Path 8: create an API key, see it once, and use it with the API."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, nav

pytestmark = pytest.mark.e2e


def test_create_an_api_key_see_it_once_and_use_it(page, portal):
    log_in(page)
    nav(page, "API keys")
    page.get_by_label("Name").fill("Order system")
    page.get_by_role("button", name="Make the key").click()
    key = page.get_by_label("The new API key").input_value()
    assert key.startswith("axp_")

    page.goto("/organization/api-keys/")
    expect(page.get_by_label("The new API key")).to_have_count(0)
    assert key not in page.content()
    expect(page.locator("tr", has_text="Order system")).to_contain_text("Active")

    answer = page.request.get(f"{portal.url}/api/v1/numbers/",
                              headers={"Authorization": f"Bearer {key}"})
    assert answer.status == 200
    assert {n["number"] for n in answer.json()["results"]} >= {"+13109549528"}
    refused = page.request.get(f"{portal.url}/api/v1/numbers/",
                               headers={"Authorization": "Bearer axp_not-a-key"})
    assert refused.status == 401
    page.goto("/api/v1/docs/")
    expect(page.get_by_text("Axion portal API").first).to_be_visible()
