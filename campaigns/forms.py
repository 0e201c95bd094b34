"""The forms of the campaign pages: a new campaign, and the organization's default rate."""

from django import forms
from django.conf import settings

from campaigns.models import AudienceSource
from message_templates.models import MessageTemplate
from messaging.models import Label, MessagingNumber
from messaging.sending import MAX_TEXT_LENGTH

SOURCES = [(AudienceSource.PASTED, "A pasted list"), (AudienceSource.CSV, "Upload a CSV file"),
           (AudienceSource.LABEL, "Conversations with a label")]


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="For you: recipients never see it.")
    own_number = forms.ChoiceField(label="Send from")
    source = forms.ChoiceField(label="Recipients", choices=SOURCES, widget=forms.RadioSelect,
                               initial=AudienceSource.PASTED)
    numbers = forms.CharField(
        required=False, label="Numbers", widget=forms.Textarea(attrs={"rows": 6}),
        help_text="One per line, or separated by commas. Repeats are sent to once.")
    csv_file = forms.FileField(
        required=False, label="CSV file",
        help_text="A header row with a <code>number</code> column (or phone, mobile) and "
                  "optionally <code>name</code>.")
    label = forms.ChoiceField(
        required=False, label="Label",
        help_text="The other party of each one-to-one conversation with this label.")
    template = forms.ChoiceField(
        required=False, label="Template",
        help_text="Its text (and file) when you write no text of your own.")
    text = forms.CharField(
        required=False, max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Placeholders such as {first_name} are filled for each recipient from "
                  "their contact (or the CSV's name). The preview shows how many SMS "
                  "segments it takes. Carriers expect bulk messages to say who sends them "
                  "and how to stop them (reply STOP).")
    attachment = forms.FileField(required=False, help_text="A jpg, png, gif or mp3 (MMS).")
    rate_per_minute = forms.IntegerField(
        label="Messages per minute", min_value=1,
        help_text="Carriers filter numbers that send too fast.")

    def __init__(self, *args, numbers: list[MessagingNumber], labels: list[Label],
                 templates: list[MessageTemplate], default_rate: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["own_number"].choices = [(n.number, str(n)) for n in numbers]
        self.fields["label"].choices = [("", "—")] + [(str(label.pk), label.name)
                                                       for label in labels]
        self.fields["template"].choices = [("", "—")] + [(str(t.pk), t.name)
                                                          for t in templates]
        self.fields["rate_per_minute"].initial = default_rate
        self.fields["rate_per_minute"].help_text += (
            f" At most {settings.CAMPAIGN_MAX_RATE_PER_MINUTE}.")


class DefaultRateForm(forms.Form):
    rate_per_minute = forms.IntegerField(
        label="Messages per minute for new campaigns", min_value=1,
        help_text="Members may choose another rate per campaign, up to the portal's limit.")
