"""The template pages: every member reads them; owners and admins add, edit and delete
templates, audited; agents and viewers may not; another organization's template is a 404."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from accounts.models import AuditEntry
from message_templates.models import MessageTemplate
from tests.message_templates.factories import MessageTemplateFactory
from tests.messaging.samples import PNG, TEXT, upload

LIST = reverse("templates")
NEW = reverse("create_template")


def stored() -> list[tuple[str, str]]:
    with scopes_disabled():
        return list(MessageTemplate.objects.order_by("name").values_list("name", "text"))


def audited(action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(AuditEntry.objects.filter(action=action))


def test_a_viewer_reads_the_templates_with_a_preview(viewer_client, org):
    MessageTemplateFactory(organization=org, name="reminder", text="Hi {first_name}!")
    response = viewer_client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "/reminder" in html and "Hi Ada!" in html
    assert reverse("create_template") not in html


def test_the_list_costs_the_same_for_more_templates(viewer_client, org,
                                                    django_assert_max_num_queries):
    MessageTemplateFactory.create_batch(2, organization=org)
    with django_assert_max_num_queries(12) as few:
        viewer_client.get(LIST)
    MessageTemplateFactory.create_batch(10, organization=org)
    with django_assert_max_num_queries(len(few.captured_queries)):
        viewer_client.get(LIST)


def test_the_navigation_links_the_templates(viewer_client, org):
    assert f'href="{LIST}"' in viewer_client.get(reverse("dashboard")).content.decode()


def test_an_admin_adds_a_template_audited(admin_client_, org, admin_member):
    response = admin_client_.post(NEW, {"name": " reminder ", "text": "Hi {first_name}"})
    assert response.status_code == 302
    assert stored() == [("reminder", "Hi {first_name}")]
    entry, = audited("template.created")
    assert (entry.actor_id, entry.target) == (admin_member.user_id, "reminder")
    with scopes_disabled():
        assert MessageTemplate.objects.get().created_by_id == admin_member.user_id


def test_an_unknown_placeholder_is_refused_with_the_known_ones(admin_client_, org):
    response = admin_client_.post(NEW, {"name": "reminder", "text": "Hi {frist_name}"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Unknown placeholder {frist_name}" in html and "{first_name}" in html
    assert stored() == []


def test_the_form_says_how_to_write_a_brace(admin_client_, org):
    assert "<code>{{</code>" in admin_client_.get(NEW).content.decode()


def test_preview_shows_sample_values_and_saves_nothing(admin_client_, org):
    response = admin_client_.post(NEW, {"name": "reminder", "text": "Hi {first_name}",
                                        "preview": "1"})
    assert response.status_code == 200
    assert "Hi Ada" in response.content.decode()
    assert stored() == []


def test_a_name_is_unique_whatever_its_case(admin_client_, org):
    MessageTemplateFactory(organization=org, name="Reminder")
    response = admin_client_.post(NEW, {"name": "reminder", "text": "Hi"})
    assert response.status_code == 400
    assert "already a template" in response.content.decode()


def test_the_same_name_in_another_organization_is_fine(admin_client_, org, other_org):
    MessageTemplateFactory(organization=other_org, name="reminder")
    assert admin_client_.post(NEW, {"name": "reminder", "text": "Hi"}).status_code == 302


def test_an_attachment_is_checked_by_content(admin_client_, org):
    response = admin_client_.post(NEW, {"name": "x", "text": "Hi",
                                        "attachment": upload("photo.png", TEXT)})
    assert response.status_code == 400
    assert "Only jpg, png, gif and mp3" in response.content.decode()


def test_an_attachment_is_kept_with_its_name_and_type(admin_client_, org):
    admin_client_.post(NEW, {"name": "x", "text": "Hi", "attachment": upload("map.png", PNG)})
    with scopes_disabled():
        template = MessageTemplate.objects.get()
    assert (template.attachment_name, template.attachment_type) == ("map.png", "image/png")
    assert template.attachment.read() == PNG


def test_an_admin_edits_a_template_audited(admin_client_, org):
    template = MessageTemplateFactory(organization=org, name="reminder", text="Hi")
    response = admin_client_.post(reverse("edit_template", args=[template.pk]),
                                  {"name": "reminder", "text": "Hello {name}"})
    assert response.status_code == 302
    assert stored() == [("reminder", "Hello {name}")]
    entry, = audited("template.updated")
    assert entry.detail["changed"] == ["text"]


def test_an_admin_removes_an_attachment(admin_client_, org):
    admin_client_.post(NEW, {"name": "x", "text": "Hi", "attachment": upload("map.png", PNG)})
    with scopes_disabled():
        template = MessageTemplate.objects.get()
    admin_client_.post(reverse("edit_template", args=[template.pk]),
                       {"name": "x", "text": "Hi", "remove_attachment": "on"})
    template.refresh_from_db()
    assert not template.attachment


def test_an_admin_deletes_a_template_audited(admin_client_, org):
    template = MessageTemplateFactory(organization=org, name="reminder")
    response = admin_client_.post(reverse("delete_template", args=[template.pk]))
    assert response.status_code == 302
    assert stored() == []
    assert [e.target for e in audited("template.deleted")] == ["reminder"]


@pytest.mark.parametrize("client_name", ["agent_client", "viewer_client"])
@pytest.mark.parametrize("page", ["create_template", "edit_template", "delete_template"])
def test_agents_and_viewers_may_not_manage(request, org, client_name, page):
    template = MessageTemplateFactory(organization=org, name="reminder", text="Hi")
    client = request.getfixturevalue(client_name)
    args = [] if page == "create_template" else [template.pk]
    response = client.post(reverse(page, args=args), {"name": "changed", "text": "Changed"})
    assert response.status_code == 403
    assert stored() == [("reminder", "Hi")]


def test_an_owner_manages_templates(owner_client, org):
    assert owner_client.post(NEW, {"name": "x", "text": "Hi"}).status_code == 302


def test_another_organizations_template_is_a_404(owner_client, other_org):
    template = MessageTemplateFactory(organization=other_org)
    for page in ("edit_template", "delete_template"):
        assert owner_client.get(reverse(page, args=[template.pk])).status_code == 404
