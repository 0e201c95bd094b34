"""Forms of the messaging pages."""

import re

from django import forms

from accounts.models import User
from axion.sms import MAX_FILE_SIZE
from common.phone import parse_us_number
from messaging.sending import MAX_TEXT_LENGTH


class AddNumberForm(forms.Form):
    number = forms.CharField(max_length=32, label="Number",
                             help_text="A US number of your Axion account, in any format.")
    label = forms.CharField(max_length=100, required=False,
                            help_text="A name for the team, e.g. Front desk.")

    def clean_number(self):
        try:
            return parse_us_number(self.cleaned_data["number"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class NumberForm(forms.Form):
    label = forms.CharField(max_length=100, required=False)
    allowed_users = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        label="Who may send from it",
        help_text="Nobody ticked: every agent, admin and owner may.")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allowed_users"].queryset = User.objects.filter(
            memberships__organization=organization).order_by("username")


class ComposeForm(forms.Form):
    """A reply (recipients and number fixed by the conversation) or a new message."""

    to = forms.CharField(
        required=False, label="To",
        help_text="One or several US numbers, one per line or comma-separated, any format.",
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "(805) 555-0142"}))
    own_number = forms.ChoiceField(label="From", required=False)
    text = forms.CharField(required=False, label="Message", max_length=MAX_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3, "data-counter": "1"}))
    attachment = forms.FileField(required=False, label="Attach an image or mp3",
                                 help_text=f"jpg, png, gif or mp3, at most {MAX_FILE_SIZE}.",
                                 widget=forms.ClearableFileInput(
                                     attrs={"accept": ".jpg,.jpeg,.png,.gif,.mp3"}))
    send_token = forms.CharField(widget=forms.HiddenInput, max_length=40,
                                 error_messages={"required": "The form expired: send again."})

    def __init__(self, *args, numbers=(), reply=False, **kwargs):
        super().__init__(*args, **kwargs)
        if reply:
            del self.fields["to"]
            del self.fields["own_number"]
        else:
            self.fields["to"].required = True
            self.fields["own_number"].required = True
            self.fields["own_number"].choices = [(n.number, str(n)) for n in numbers]

    def recipients(self) -> list[str]:
        return [p for p in re.split(r"[,;\n\r]+", self.cleaned_data.get("to", "")) if p.strip()]
