"""/api/v1/contacts/: list and search, read, create, change, delete; import status."""

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from contacts.models import Contact, ImportState
from tests.api.helpers import error_of
from tests.contacts.factories import ContactFactory, ContactImportFactory, contact_with

JANE = "+18056421414"
BOB = "+13235550187"
URL = "/api/v1/contacts/"


def _names(org):
    with scopes_disabled():
        return sorted(Contact.objects.filter(organization=org).values_list("name", flat=True))


def test_list_gives_contacts_with_e164_numbers(api, org):
    contact = contact_with(org, JANE, BOB, name="Jane Doe", reference="P-1")
    body = api.get(URL).json()
    assert body["next"] is None
    [item] = body["results"]
    assert item["id"] == contact.pk
    assert item["numbers"] == [JANE, BOB]
    assert item["reference"] == "P-1"


def test_list_searches_by_name_number_or_reference(api, org):
    contact_with(org, JANE, name="Jane Doe", reference="P-1042")
    contact_with(org, BOB, name="Bob Stone")
    for q in ("jane", "642-1414", "P-104"):
        assert [c["name"] for c in api.get(URL, {"q": q}).json()["results"]] == ["Jane Doe"]


def test_list_is_keyset_paged(api, org):
    for name in ("Ann", "Ben", "Cal"):
        ContactFactory(organization=org, name=name)
    first = api.get(URL, {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    assert [c["name"] for c in first["results"]] == ["Ann", "Ben"]
    assert [c["name"] for c in second["results"]] == ["Cal"]


def test_create_gives_201_and_the_contact(api, org):
    response = api.post(URL, {"name": "Jane", "numbers": [JANE, JANE], "email": "j@example.test"},
                        content_type="application/json")
    assert response.status_code == 201
    assert response.json()["numbers"] == [JANE]
    assert _names(org) == ["Jane"]


def test_create_refuses_a_number_that_is_not_e164_in_the_error_shape(api, org):
    response = api.post(URL, {"name": "Jane", "numbers": ["805-642-1414"]},
                        content_type="application/json")
    assert response.status_code == 400
    assert "numbers.0" in error_of(response)["fields"]
    assert _names(org) == []


def test_create_refuses_unknown_fields(api, org):
    response = api.post(URL, {"name": "Jane", "numbers": [JANE], "phone": "x"},
                        content_type="application/json")
    assert response.status_code == 400
    assert "phone" in error_of(response)["fields"]


def test_a_number_on_another_contact_is_a_409_naming_it(api, org):
    bob = contact_with(org, JANE, name="Bob Stone")
    response = api.post(URL, {"name": "Jane", "numbers": [JANE]},
                        content_type="application/json")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "number_taken"
    assert f"{JANE} is already the number of Bob Stone (contact {bob.pk})" in error["message"]
    assert _names(org) == ["Bob Stone"]


def test_patch_changes_only_what_is_given(api, org):
    contact = contact_with(org, JANE, name="Jane", company="Harbor")
    response = api.patch(f"{URL}{contact.pk}/", {"reference": "P-9"},
                         content_type="application/json")
    assert response.status_code == 200
    assert (response.json()["company"], response.json()["reference"]) == ("Harbor", "P-9")
    assert response.json()["numbers"] == [JANE]


def test_put_replaces_the_contact(api, org):
    contact = contact_with(org, JANE, name="Jane", company="Harbor")
    response = api.put(f"{URL}{contact.pk}/", {"name": "Jane Doe", "numbers": [BOB]},
                       content_type="application/json")
    assert response.status_code == 200
    assert response.json()["company"] == ""
    assert response.json()["numbers"] == [BOB]


def test_delete_removes_the_contact_and_is_audited_with_the_key(api, org, api_key):
    contact = contact_with(org, JANE, name="Jane")
    assert api.delete(f"{URL}{contact.pk}/").status_code == 204
    assert _names(org) == []
    with scopes_disabled():
        entry = AuditEntry.objects.get(organization=org, action="contact.deleted")
    assert entry.actor_label == api_key[0].label


def test_a_read_only_key_reads_but_may_not_change(reader, org):
    contact = contact_with(org, JANE, name="Jane")
    assert reader.get(f"{URL}{contact.pk}/").status_code == 200
    response = reader.post(URL, {"name": "Bob", "numbers": [BOB]},
                           content_type="application/json")
    assert response.status_code == 403
    assert reader.delete(f"{URL}{contact.pk}/").status_code == 403
    assert _names(org) == ["Jane"]


def test_a_viewer_session_reads_but_may_not_change(viewer_client, org):
    contact = contact_with(org, JANE, name="Jane")
    assert viewer_client.get(f"{URL}{contact.pk}/").status_code == 200
    assert viewer_client.delete(f"{URL}{contact.pk}/").status_code == 403
    assert _names(org) == ["Jane"]


@pytest.mark.parametrize("method", ["get", "patch", "put", "delete"])
def test_another_organizations_contact_is_a_404(outsider_api, org, method):
    contact = contact_with(org, JANE, name="Jane")
    body = {"name": "X", "numbers": [BOB]} if method in ("patch", "put") else None
    response = getattr(outsider_api, method)(f"{URL}{contact.pk}/", body,
                                             content_type="application/json")
    assert response.status_code == 404
    assert _names(org) == ["Jane"]


def test_import_status_is_readable(api, org):
    record = ContactImportFactory(organization=org, state=ImportState.RUNNING, total_rows=10,
                                  processed_rows=4, preview={"rows": 10, "create": 10,
                                                             "update": 0, "unchanged": 0,
                                                             "errors": 0, "first_errors": []})
    body = api.get(f"{URL}imports/{record.pk}/").json()
    assert (body["state"], body["processed_rows"], body["total_rows"]) == ("running", 4, 10)
    assert body["preview"]["create"] == 10
    assert body["result"] is None


def test_another_organizations_import_is_a_404(outsider_api, org):
    record = ContactImportFactory(organization=org)
    assert outsider_api.get(f"{URL}imports/{record.pk}/").status_code == 404
