"""An organization's message templates: texts its members send often, with placeholders."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_scopes import ScopedManager

from accounts.models import Organization
from message_templates.rendering import InvalidTemplate, check_text
from messaging.sending import MAX_TEXT_LENGTH

MAX_NAME_LENGTH = 60


def check_template_text(text: str) -> None:
    """ValidationError on the text unless it is a template the portal can fill."""
    if len(text) > MAX_TEXT_LENGTH:
        raise ValidationError({"text": f"At most {MAX_TEXT_LENGTH} characters."})
    try:
        check_text(text)
    except InvalidTemplate as error:
        raise ValidationError({"text": str(error)}) from error


class MessageTemplate(models.Model):
    """A named text (and perhaps a file) that members pick in the composer and replies.

    Its name is unique in the organization whatever its case, so that `/name` in the
    message box finds one template. The attachment was checked like the composer's (a
    jpg, png, gif or mp3 by its content, within the provider's size limit) and goes with
    a message sent from the template when the member attaches no other file."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=MAX_NAME_LENGTH)
    text = models.TextField(max_length=MAX_TEXT_LENGTH)
    attachment = models.FileField(upload_to="message-templates/%Y/%m/", blank=True)
    # The file's name as it was uploaded, and its type sniffed from its content.
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_type = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(organization="organization")

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint("organization", Lower("name"),
                                    name="one_template_per_name",
                                    violation_error_message="There is already a template "
                                                            "with this name."),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        check_template_text(self.text)
