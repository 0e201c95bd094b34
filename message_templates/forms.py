"""The form of the template pages."""

from django import forms
from django.utils.html import format_html, format_html_join

from axion.sms import MAX_FILE_SIZE
from message_templates.models import MAX_NAME_LENGTH, check_template_text
from message_templates.rendering import PLACEHOLDERS
from messaging.sending import MAX_TEXT_LENGTH

TEXT_HELP = format_html(
    "Placeholders are filled for each recipient: {}. Write <code>{{{{</code> and "
    "<code>}}}}</code> for a literal brace. A placeholder with no value is reported before "
    "sending, never sent.",
    format_html_join(", ", "<code>{{{}}}</code> {}",
                     ((name, description.lower()) for name, (description, _)
                      in PLACEHOLDERS.items())))


class TemplateForm(forms.Form):
    name = forms.CharField(max_length=MAX_NAME_LENGTH,
                           help_text="Members type / and the name in a message to use it, "
                                     "e.g. “reminder”.")
    text = forms.CharField(max_length=MAX_TEXT_LENGTH, help_text=TEXT_HELP,
                           widget=forms.Textarea(attrs={"rows": 5, "data-counter": "1"}))
    attachment = forms.FileField(required=False, label="Attachment (optional)",
                                 help_text=f"jpg, png, gif or mp3, at most {MAX_FILE_SIZE}: "
                                           "sent with the text unless the member attaches "
                                           "another file.",
                                 widget=forms.FileInput(
                                     attrs={"accept": ".jpg,.jpeg,.png,.gif,.mp3"}))
    remove_attachment = forms.BooleanField(required=False, label="Remove the attachment")

    def __init__(self, *args, has_attachment=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_attachment:
            del self.fields["remove_attachment"]

    def clean_text(self):
        text = self.cleaned_data["text"]
        try:
            check_template_text(text)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.message_dict["text"]) from error
        return text
