"""/api/v1/templates/: read with the `read` scope, changed with `send` (members: owners and
admins), filled for a contact or a number with render/; another organization's is a 404."""

import base64
import json

import pytest
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from message_templates.models import MessageTemplate
from tests.api.helpers import error_of
from tests.contacts.factories import ContactFactory
from tests.message_templates.factories import MessageTemplateFactory
from tests.messaging.provider import OTHER
from tests.messaging.samples import GIF, PNG

URL = "/api/v1/templates/"


def post(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def patch(client, path, body):
    return client.patch(path, json.dumps(body), content_type="application/json")


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def test_list_shows_each_templates_placeholders_and_attachment(reader, org):
    MessageTemplateFactory(organization=org, name="b", text="{name} {{x}} {my_name}")
    MessageTemplateFactory(organization=org, name="a", text="Hi")
    body = reader.get(URL).json()
    assert [t["name"] for t in body["results"]] == ["a", "b"]
    assert body["results"][1]["placeholders"] == ["my_name", "name"]
    assert body["results"][1]["attachment"] is None


def test_a_key_with_send_creates_a_template_with_media_audited(api, org):
    response = post(api, URL, {"name": "map", "text": "Hi {first_name}", "media": b64(PNG),
                               "media_type": "image/png"})
    assert response.status_code == 201, response.content
    assert response.json()["attachment"] == {"name": "attachment.png",
                                             "content_type": "image/png"}
    with scopes_disabled():
        assert MessageTemplate.objects.get().attachment.read() == PNG
        entry = AuditEntry.objects.get(action="template.created")
    assert entry.actor_label.startswith("API key Billing system")


def test_a_read_only_key_may_not_create(reader, org):
    response = post(reader, URL, {"name": "map", "text": "Hi"})
    assert response.status_code == 403
    assert "send scope" in error_of(response)["message"]


def test_an_agent_may_not_manage_but_an_admin_may(agent_client, admin_client_, org):
    assert post(agent_client, URL, {"name": "map", "text": "Hi"}).status_code == 403
    assert post(admin_client_, URL, {"name": "map", "text": "Hi"}).status_code == 201


def test_an_unknown_placeholder_is_a_400_on_text(api, org):
    response = post(api, URL, {"name": "map", "text": "Hi {frist_name}"})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["text"]


def test_media_of_another_type_than_said_is_refused(api, org):
    response = post(api, URL, {"name": "map", "text": "Hi", "media": b64(GIF),
                               "media_type": "image/png"})
    assert response.status_code == 400
    assert "image/gif" in error_of(response)["fields"]["media_type"][0]


def test_a_taken_name_is_a_409(api, org):
    MessageTemplateFactory(organization=org, name="Map")
    response = post(api, URL, {"name": "map", "text": "Hi"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "name_taken"


def test_patch_changes_the_text_and_removes_the_media(api, org):
    created = post(api, URL, {"name": "map", "text": "Hi", "media": b64(PNG),
                              "media_type": "image/png"}).json()
    response = patch(api, f"{URL}{created['id']}/", {"text": "Hello", "remove_media": True})
    assert response.status_code == 200
    assert (response.json()["text"], response.json()["attachment"]) == ("Hello", None)


def test_delete(api, org):
    template = MessageTemplateFactory(organization=org)
    assert api.delete(f"{URL}{template.pk}/").status_code == 204
    with scopes_disabled():
        assert not MessageTemplate.objects.exists()


def test_render_for_a_contact(api, org, ada):
    template = MessageTemplateFactory(organization=org, text="Hi {first_name}, ref {reference}")
    response = post(api, f"{URL}{template.pk}/render/", {"contact": ada.pk})
    assert response.json() == {"text": "Hi Ada, ref PT-1815"}


def test_render_for_a_number_uses_its_contact(api, org, ada):
    template = MessageTemplateFactory(organization=org, text="Hi {name}")
    response = post(api, f"{URL}{template.pk}/render/", {"number": OTHER})
    assert response.json() == {"text": "Hi Ada Lovelace"}


def test_render_with_missing_values_is_a_422_naming_them(api, org, ada):
    template = MessageTemplateFactory(organization=org, text="{company} {my_name}")
    response = post(api, f"{URL}{template.pk}/render/", {"contact": ada.pk})
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "missing_values"
    assert error["fields"] == {"company": ["{company} has no value for Ada Lovelace"],
                               "my_name": ["{my_name} needs a member: an API key has no name"]}


def test_render_for_a_number_without_contact_is_a_422(api, org):
    template = MessageTemplateFactory(organization=org)
    response = post(api, f"{URL}{template.pk}/render/", {"number": "+13235550187"})
    assert error_of(response)["fields"]["first_name"] == [
        "{first_name} needs a contact for (323) 555-0187"]


def test_render_for_another_organizations_contact_is_a_404(api, org, other_org):
    template = MessageTemplateFactory(organization=org)
    theirs = ContactFactory(organization=other_org)
    response = post(api, f"{URL}{template.pk}/render/", {"contact": theirs.pk})
    assert response.status_code == 404
    assert list(error_of(response)["fields"]) == ["contact"]


def test_a_contact_and_a_number_together_are_refused(api, org, ada):
    template = MessageTemplateFactory(organization=org)
    response = post(api, f"{URL}{template.pk}/render/", {"contact": ada.pk, "number": OTHER})
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["get", "delete", "render", "patch"])
def test_another_organizations_template_is_a_404(outsider_api, org, method):
    template = MessageTemplateFactory(organization=org)
    path = f"{URL}{template.pk}/"
    if method == "render":
        response = post(outsider_api, f"{path}render/", {})
    elif method == "patch":
        response = patch(outsider_api, path, {"text": "Hi"})
    else:
        response = getattr(outsider_api, method)(path)
    assert response.status_code == 404
