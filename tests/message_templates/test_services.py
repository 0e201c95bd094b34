"""The template services: what they refuse, and the files they keep and delete."""

import pytest
from django.core.exceptions import ValidationError

from accounts.tenancy import organization_scope
from message_templates import services
from message_templates.models import MessageTemplate
from tests.messaging.samples import GIF, PNG


def create(org, **values):
    values = {"name": "map", "text": "Hi {first_name}", "user": None, **values}
    with organization_scope(org):
        return services.create_template(organization=org, **values)


def test_an_unknown_placeholder_is_refused_at_save(org):
    with pytest.raises(ValidationError) as raised:
        create(org, text="Hi {frist_name}")
    assert "{frist_name}" in raised.value.message_dict["text"][0]


def test_the_model_checks_its_text_too(org):
    with organization_scope(org), pytest.raises(ValidationError) as raised:
        MessageTemplate(organization=org, name="x", text="Hi {").full_clean()
    assert "{{ and }}" in raised.value.message_dict["text"][0]


def test_literal_braces_are_allowed(org):
    assert create(org, text="Code {{1234}}").text == "Code {{1234}}"


def test_a_blank_name_or_text_is_refused(org):
    with pytest.raises(ValidationError, match="name"):
        create(org, name="  ")
    with pytest.raises(ValidationError, match="text"):
        create(org, text=" ")


def test_a_new_attachment_replaces_the_old_file(org, media_root,
                                                django_capture_on_commit_callbacks):
    template = create(org, attachment=services.NewFile(name="a.png", content=PNG))
    old = media_root / template.attachment.name
    with organization_scope(org), django_capture_on_commit_callbacks(execute=True):
        changed = services.update_template(
            template=template, attachment=services.NewFile(name="b.gif", content=GIF), user=None)
    assert changed == ["attachment"]
    assert not old.exists()
    assert (template.attachment_name, template.attachment_type) == ("b.gif", "image/gif")
    assert (media_root / template.attachment.name).read_bytes() == GIF


def test_saving_nothing_new_changes_nothing(org):
    template = create(org)
    with organization_scope(org):
        assert services.update_template(template=template, name="map", user=None) == []


def test_deleting_takes_the_file_too(org, media_root, django_capture_on_commit_callbacks):
    template = create(org, attachment=services.NewFile(name="a.png", content=PNG))
    path = media_root / template.attachment.name
    with organization_scope(org), django_capture_on_commit_callbacks(execute=True):
        services.delete_template(template=template, user=None)
    assert not path.exists()
