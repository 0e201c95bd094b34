"""Path 2: look up a fax by reference, by several references, by day; history and CSV."""

import json

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in, nav

pytestmark = pytest.mark.e2e


def _references(portal) -> list[str]:
    return json.loads(portal.shell(
        "import json; from sandbox.models import SandboxFax; "
        "print(json.dumps(list(SandboxFax.objects.exclude(customer_field=None)"
        ".order_by('time').values_list('customer_field', flat=True)[:3])))"))


def _today(portal) -> str:
    return portal.shell("from django.utils import timezone; import zoneinfo; "
                        "print(timezone.now().astimezone(zoneinfo.ZoneInfo('America/New_York'))"
                        ".date().isoformat())")


def test_lookups_history_and_export(page, portal):
    first, second, _ = _references(portal)
    log_in(page)
    nav(page, "Faxes")

    page.get_by_label("References").fill(first)
    page.get_by_role("button", name="Look up").click()
    expect(page.get_by_role("heading", name=f"Results for {first}")).to_be_visible()
    expect(page.locator("table")).to_contain_text(first)

    page.get_by_label("References").fill(f"{first}\n{second}")
    page.get_by_role("button", name="Look up").click()
    expect(page.locator("table")).to_contain_text(second)

    page.get_by_label("Every fax of a day").fill(_today(portal))
    page.get_by_role("button", name="Show the day").click()
    expect(page.locator("table tbody tr").first).to_be_visible()

    page.get_by_role("link", name="Back to the history").click()
    # The demo's first sync filled the history with the week's faxes: find this one.
    page.get_by_label("Reference starts with").fill(first)
    page.get_by_role("button", name="Filter").click()
    expect(page.locator("table").first).to_contain_text(first)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    lines = open(download.value.path(), encoding="utf-8").read().splitlines()
    assert lines[0].startswith("reference,from,to,contact,time")
    assert any(line.startswith(first) for line in lines[1:])
