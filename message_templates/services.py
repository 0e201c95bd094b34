"""Creating, changing and deleting message templates, and what a send takes from one; for
the pages and the API alike. Every change is audited (never with the template's text)."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Organization, User
from accounts.services import audit
from common.filetypes import MMS_TYPES
from contacts.models import Contact
from contacts.names import contacts_by_number
from message_templates.models import MAX_NAME_LENGTH, MessageTemplate, check_template_text
from messaging.sending import Attachment, check_attachment


@dataclass
class NewFile:
    """A file given for a template: its name as uploaded and its bytes."""

    name: str
    content: bytes


class NameTaken(ValidationError):
    """Another template of the organization has this name, in any case."""

    def __init__(self, name: str):
        super().__init__({"name": f"There is already a template named {name!r}."})


def _checked(name: str, text: str, *, exclude: int | None = None) -> tuple[str, str]:
    name = " ".join((name or "").split())
    text = (text or "").strip()
    if not name:
        raise ValidationError({"name": "Give the template a name."})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError({"name": f"At most {MAX_NAME_LENGTH} characters."})
    if not text:
        raise ValidationError({"text": "Write the template's text."})
    check_template_text(text)
    taken = MessageTemplate.objects.filter(name__iexact=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise NameTaken(name)
    return name, text


def _store_file(template: MessageTemplate, new_file: NewFile) -> None:
    """Check `new_file` like the composer's attachment and put it on `template`."""
    try:
        checked = check_attachment(new_file.content)
    except ValidationError as error:
        raise ValidationError({"attachment": error.message_dict["media"]}) from error
    filename = (new_file.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200]
    extension = MMS_TYPES[checked.content_type]
    template.attachment.save(f"{template.organization_id}-{uuid.uuid4().hex}.{extension}",
                             ContentFile(checked.content), save=False)
    template.attachment_name = filename or f"attachment.{extension}"
    template.attachment_type = checked.content_type


def _delete_file_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _save(template: MessageTemplate) -> None:
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        # The same name saved at the same moment by someone else.
        if template.attachment:
            template.attachment.storage.delete(template.attachment.name)
        raise NameTaken(template.name) from None


def create_template(*, organization: Organization, name: str, text: str,
                    attachment: NewFile | None = None, user: User | None,
                    actor_label: str = "", ip: str | None = None) -> MessageTemplate:
    name, text = _checked(name, text)
    template = MessageTemplate(organization=organization, name=name, text=text,
                               created_by=user)
    if attachment is not None:
        _store_file(template, attachment)
    _save(template)
    audit(organization=organization, action="template.created", actor=user,
          actor_label=actor_label, target=name, ip=ip,
          detail={"id": template.pk, "attachment": template.attachment_type})
    return template


def update_template(*, template: MessageTemplate, name: str | None = None,
                    text: str | None = None, attachment: NewFile | None = None,
                    remove_attachment: bool = False, user: User | None,
                    actor_label: str = "", ip: str | None = None) -> list[str]:
    """Change what is given (None keeps it); a new attachment replaces the old one.
    Returns the names of the fields that changed."""
    new_name, new_text = _checked(template.name if name is None else name,
                                  template.text if text is None else text,
                                  exclude=template.pk)
    changed = [field for field, value in (("name", new_name), ("text", new_text))
               if getattr(template, field) != value]
    template.name, template.text = new_name, new_text
    # Read now: saving a new file changes the FieldFile object itself.
    old_name, storage = template.attachment.name, template.attachment.storage
    if attachment is not None:
        _store_file(template, attachment)
        changed.append("attachment")
    elif remove_attachment and template.attachment:
        template.attachment, template.attachment_name, template.attachment_type = "", "", ""
        changed.append("attachment")
    if not changed:
        return []
    template.updated_at = timezone.now()
    with transaction.atomic():
        _save(template)
        if "attachment" in changed:
            _delete_file_after_commit(storage, old_name)
    audit(organization=template.organization, action="template.updated", actor=user,
          actor_label=actor_label, target=template.name, ip=ip,
          detail={"id": template.pk, "changed": changed})
    return changed


def delete_template(*, template: MessageTemplate, user: User | None, actor_label: str = "",
                    ip: str | None = None) -> None:
    with transaction.atomic():
        MessageTemplate.objects.filter(pk=template.pk).delete()
        _delete_file_after_commit(template.attachment.storage, template.attachment.name)
    audit(organization=template.organization, action="template.deleted", actor=user,
          actor_label=actor_label, target=template.name, ip=ip, detail={"id": template.pk})


def template_attachment(*, template_id: int) -> Attachment | None:
    """The attachment a send from template `template_id` takes (None if it has none);
    ValidationError on the attachment when the template is gone meanwhile."""
    template = MessageTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise ValidationError({"attachment": "The template was deleted meanwhile: attach "
                                             "the file yourself, or pick another template."})
    if not template.attachment:
        return None
    try:
        with template.attachment.open("rb") as file:
            return Attachment(content=file.read(), content_type=template.attachment_type)
    except OSError as error:
        raise ValidationError({"attachment": "The template's file cannot be read: attach "
                                             "it yourself."}) from error


def contact_of(number: str) -> Contact | None:
    """The organization's contact with `number`, if any (within the current scope)."""
    return contacts_by_number([number]).get(number) if number else None
