"""The contacts pages: list and search, a contact, the forms, who may do what."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from contacts.models import Contact, ContactNumber
from tests.contacts.factories import ContactFactory, contact_with

JANE = "+18056421414"
BOB = "+13235550187"


def _contacts(org):
    with scopes_disabled():
        return list(Contact.objects.filter(organization=org).order_by("name"))


def test_the_list_shows_names_and_numbers_as_people_read_them(agent_client, org):
    contact_with(org, JANE, name="Jane Doe")
    page = agent_client.get("/contacts/").content.decode()
    assert "Jane Doe" in page
    assert "(805) 642-1414" in page
    assert f'href="tel:{JANE}"' in page


@pytest.mark.parametrize("search", ["jane", "Doe", "642-1414", "(805) 642-1414", "P-10"])
def test_the_list_finds_by_name_number_or_reference(agent_client, org, search):
    contact_with(org, JANE, name="Jane Doe", reference="P-1042")
    contact_with(org, BOB, name="Bob Stone", reference="Q-7")
    page = agent_client.get("/contacts/", {"q": search}).content.decode()
    assert "Jane Doe" in page
    assert "Bob Stone" not in page


def test_the_list_is_keyset_paged(agent_client, org, monkeypatch):
    monkeypatch.setattr("contacts.views.PAGE_SIZE", 2)
    for name in ("Ann", "Ben", "Cal"):
        ContactFactory(organization=org, name=name)
    first = agent_client.get("/contacts/")
    cursor = first.context["page"].next_cursor
    second = agent_client.get("/contacts/", {"cursor": cursor}).content.decode()
    assert [c.name for c in first.context["page"].items] == ["Ann", "Ben"]
    assert "Cal" in second and "Ann" not in second


def test_the_list_costs_the_same_queries_for_one_contact_or_many(
        agent_client, org, django_assert_num_queries):
    contact_with(org, JANE)
    agent_client.get("/contacts/")  # sessions and the like settle
    with django_assert_num_queries(8) as one:  # 7, and the top bar's unread notifications
        agent_client.get("/contacts/")
    for n in range(20):
        contact_with(org, f"+1213555{n:04d}", f"+1310555{n:04d}")
    with django_assert_num_queries(len(one.captured_queries)):
        agent_client.get("/contacts/")


def test_a_contact_page_shows_its_details(agent_client, org):
    contact = contact_with(org, JANE, BOB, name="Jane Doe", company="Harbor", reference="P-1",
                           email="jane@example.test", notes="Prefers texts")
    page = agent_client.get(f"/contacts/{contact.pk}/").content.decode()
    for text in ("Jane Doe", "(805) 642-1414", "(323) 555-0187", "Harbor", "P-1",
                 "jane@example.test", "Prefers texts"):
        assert text in page


def test_create_takes_numbers_in_any_common_format(agent_client, org):
    response = agent_client.post("/contacts/new/", {
        "name": "Jane Doe", "numbers": "(805) 642-1414; 1-323-555-0187", "company": "Harbor"})
    [contact] = _contacts(org)
    assert response.status_code == 302
    assert response["Location"] == f"/contacts/{contact.pk}/"
    with scopes_disabled():
        assert [n.number for n in contact.numbers.all()] == [JANE, BOB]


def test_create_says_which_number_is_wrong_and_why(agent_client, org):
    response = agent_client.post("/contacts/new/",
                                 {"name": "Jane", "numbers": "805 642 1414, 555-12"})
    assert response.status_code == 400
    assert "555-12: A US number has 10 digits" in response.content.decode()
    assert _contacts(org) == []


def test_a_number_already_on_another_contact_is_refused_naming_it(agent_client, org):
    bob = contact_with(org, JANE, name="Bob Stone")
    response = agent_client.post("/contacts/new/", {"name": "Jane", "numbers": "805-642-1414"})
    assert response.status_code == 400
    assert f"{JANE} is already the number of Bob Stone (contact {bob.pk})" in \
        response.content.decode()
    assert [c.name for c in _contacts(org)] == ["Bob Stone"]


def test_the_same_number_may_be_a_contact_in_another_organization(agent_client, org, other_org):
    contact_with(other_org, JANE, name="Someone else")
    response = agent_client.post("/contacts/new/", {"name": "Jane", "numbers": JANE})
    assert response.status_code == 302


def test_save_as_contact_fills_the_number_and_comes_back(agent_client, org):
    form = agent_client.get("/contacts/new/",
                            {"number": JANE, "next": "/messaging/conversations/7/"})
    assert "(805) 642-1414" in form.content.decode()
    assert 'name="next" value="/messaging/conversations/7/"' in form.content.decode()
    response = agent_client.post("/contacts/new/", {"name": "Jane", "numbers": JANE,
                                                   "next": "/messaging/conversations/7/"})
    assert response["Location"] == "/messaging/conversations/7/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "javascript:alert(1)", "/\\evil.example"])
def test_next_elsewhere_is_ignored(agent_client, org, target):
    response = agent_client.post("/contacts/new/", {"name": "Jane", "numbers": JANE,
                                                   "next": target})
    [contact] = _contacts(org)
    assert response["Location"] == f"/contacts/{contact.pk}/"


def test_edit_changes_fields_and_numbers(agent_client, org):
    contact = contact_with(org, JANE, name="Jane")
    response = agent_client.post(f"/contacts/{contact.pk}/edit/", {
        "name": "Jane Doe", "numbers": "323.555.0187", "reference": "P-2"})
    assert response.status_code == 302
    contact.refresh_from_db()
    with scopes_disabled():
        assert (contact.name, contact.reference) == ("Jane Doe", "P-2")
        assert list(contact.numbers.values_list("number", flat=True)) == [BOB]


def test_edit_keeps_the_contacts_own_number(agent_client, org):
    contact = contact_with(org, JANE, name="Jane")
    response = agent_client.post(f"/contacts/{contact.pk}/edit/", {
        "name": "Jane", "numbers": f"{JANE}\n{BOB}"})
    assert response.status_code == 302


def test_delete_asks_then_deletes(agent_client, org):
    contact = contact_with(org, JANE, name="Jane")
    assert "Delete Jane?" in agent_client.get(f"/contacts/{contact.pk}/delete/").content.decode()
    response = agent_client.post(f"/contacts/{contact.pk}/delete/")
    assert response["Location"] == "/contacts/"
    assert _contacts(org) == []
    with scopes_disabled():
        assert not ContactNumber.objects.filter(number=JANE).exists()


@pytest.mark.parametrize("path", ["/contacts/new/", "/contacts/{pk}/edit/",
                                  "/contacts/{pk}/delete/", "/contacts/import/"])
def test_viewers_may_not_change_contacts(viewer_client, org, path):
    contact = contact_with(org, JANE, name="Jane")
    url = path.format(pk=contact.pk)
    assert viewer_client.get(url).status_code == 403
    assert viewer_client.post(url, {"name": "X", "numbers": BOB}).status_code == 403
    assert [c.name for c in _contacts(org)] == ["Jane"]


def test_viewers_read_without_edit_links(viewer_client, agent_client, org):
    contact = contact_with(org, JANE, name="Jane")
    edit = f"/contacts/{contact.pk}/edit/"
    assert edit in agent_client.get(f"/contacts/{contact.pk}/").content.decode()
    page = viewer_client.get(f"/contacts/{contact.pk}/").content.decode()
    assert "Jane" in page
    assert edit not in page
    assert "/contacts/new/" not in viewer_client.get("/contacts/").content.decode()


@pytest.mark.parametrize("path", ["/contacts/{pk}/", "/contacts/{pk}/edit/",
                                  "/contacts/{pk}/delete/"])
def test_another_organizations_contact_is_not_found(outsider_client, org, path):
    contact = contact_with(org, JANE, name="Jane")
    assert outsider_client.get(path.format(pk=contact.pk)).status_code == 404
    assert outsider_client.post(path.format(pk=contact.pk),
                                {"name": "X", "numbers": BOB}).status_code == 404
    assert [c.name for c in _contacts(org)] == ["Jane"]


def test_another_organizations_contacts_are_not_listed(outsider_client, org):
    contact_with(org, JANE, name="Jane Doe")
    assert "Jane Doe" not in outsider_client.get("/contacts/").content.decode()
    assert outsider_client.get("/contacts/search/", {"q": "jane"}).json() == {"results": []}


def test_changes_are_audited_without_the_notes(agent_client, org, agent):
    agent_client.post("/contacts/new/", {"name": "Jane", "numbers": JANE, "notes": "secret"})
    [contact] = _contacts(org)
    agent_client.post(f"/contacts/{contact.pk}/edit/",
                      {"name": "Jane Doe", "numbers": JANE, "notes": "more secret"})
    agent_client.post(f"/contacts/{contact.pk}/delete/")
    with scopes_disabled():
        entries = list(AuditEntry.objects.filter(organization=org, action__startswith="contact.")
                       .order_by("id"))
    assert [e.action for e in entries] == ["contact.created", "contact.updated",
                                           "contact.deleted"]
    assert all(e.actor == agent.user and e.target == f"contact {contact.pk}" for e in entries)
    assert entries[1].detail["changed"] == ["name", "notes"]
    assert not any("secret" in str(e.detail) for e in entries)
