"""Contacts: import a CSV file with an error, correct it, import it (the job and its progress
bar), find the contacts; save a conversation's number as a contact and come back to it."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import RESULTS, log_in, nav

pytestmark = pytest.mark.e2e

HEADER = "Name,Phone number,Company,E-mail,Patient ID,Notes\n"
WRONG = HEADER + ("Olivia Brooks,(917) 555-0142,,olivia@example.com,PT-20001,\n"
                  "Noah Patel,555-12,Summit Dental,,PT-20002,=1+2\n")
FIXED = WRONG.replace("555-12", "646.555.0175")
# Not in the demo's contacts and left without a name by it, to show "Save as contact".
UNNAMED = "(702) 555-0166"


def _upload(page, content: str, tmp_path, name: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()


def test_import_with_an_error_correct_it_and_import_again(page, tmp_path):
    log_in(page)
    nav(page, "Contacts")
    page.get_by_role("link", name="Import CSV").click()

    _upload(page, WRONG, tmp_path, "patients.csv")
    expect(page.locator(".import-errors")).to_contain_text(
        "row 3: 555-12 is not a US number")
    expect(page.locator(".import-counts")).to_contain_text("1 to create")

    page.get_by_role("link", name="Upload another file").click()
    _upload(page, FIXED, tmp_path, "patients-fixed.csv")
    expect(page.locator(".import-counts")).to_contain_text("2 to create")
    expect(page.locator(".import-errors")).to_have_count(0)
    page.get_by_role("button", name="Import 2 contacts").click()
    # The job runs in the cluster; the page follows its progress until it is done.
    expect(page.get_by_role("heading", name="Imported")).to_be_visible(timeout=30_000)
    expect(page.locator(".import-counts")).to_contain_text("2 created")

    page.get_by_role("link", name="See the contacts").click()
    contacts_search = page.get_by_role("search", name="Search contacts")
    contacts_search.get_by_role("searchbox").fill("Noah")
    contacts_search.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Noah Patel").click()
    expect(page.get_by_role("heading", name="Noah Patel")).to_be_visible()
    expect(page.locator(".facts")).to_contain_text("(646) 555-0175")
    # The formula cell is kept as text.
    expect(page.locator(".facts")).to_contain_text("=1+2")

    # Leave the demo as it was: undo the import (the last one).
    page.goto("/contacts/import/")
    page.get_by_role("link", name="patients-fixed.csv").click()
    page.get_by_role("button", name="Undo last import").click()
    expect(page.get_by_role("status")).to_contain_text("2 contacts deleted")
    page.goto("/contacts/?q=Noah")
    expect(page.locator(".empty-state")).to_contain_text("No contact matches")


def test_save_a_conversations_number_as_a_contact(page):
    log_in(page)
    nav(page, "Inbox")
    page.goto("/messaging/?status=all")
    page.locator(".conversation-row a", has_text=UNNAMED).first.click()
    conversation = page.url
    page.get_by_role("link", name="Save as contact").first.click()
    expect(page.get_by_label("Numbers")).to_have_value(UNNAMED)
    page.get_by_label("Name").fill("Ethan Walker")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(conversation)
    expect(page.get_by_text("Ethan Walker is saved.")).to_be_visible()
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / "contacts-saved-from-conversation.png"))

    # Its page lists the conversation's messages; then leave the demo as it was.
    nav(page, "Contacts")
    page.get_by_role("link", name="Ethan Walker").click()
    expect(page.locator(".timeline-entry").first).to_be_visible()
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Ethan Walker is deleted.")).to_be_visible()


@pytest.mark.parametrize("width", [1280, 375])
def test_contacts_pages_fit_the_screen(browser, portal, width):
    context = browser.new_context(base_url=portal.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page)
    page.goto("/contacts/?q=Aisha")
    page.get_by_role("link", name="Aisha Rahman").click()
    contact = page.url
    RESULTS.mkdir(parents=True, exist_ok=True)
    for path in ["/contacts/", contact, contact + "edit/", "/contacts/new/", "/contacts/import/"]:
        page.goto(path)
        expect(page.locator("h1")).to_be_visible()
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        name = path.replace(portal.url, "").strip("/").replace("/", "-")
        page.screenshot(path=str(RESULTS / f"contacts-{width}-{name}.png"), full_page=False)
        assert overflow <= 1, f"{path} is {overflow}px wider than a {width}px screen"
    context.close()
