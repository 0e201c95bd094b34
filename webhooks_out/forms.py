"""The endpoint form of the admins' pages."""

from django import forms

from webhooks_out.services import DESCRIPTION_LENGTH, SUBSCRIBABLE


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL", max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://crm.example.com/hooks/axion",
                                     "autocomplete": "off", "spellcheck": "false"}),
        help_text="Where the portal POSTs the events: an https address reachable from the "
                  "internet.")
    description = forms.CharField(label="Description", max_length=DESCRIPTION_LENGTH,
                                  required=False,
                                  help_text="What it is, for your team (“CRM sync”).")
    event_types = forms.MultipleChoiceField(
        label="Events", required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(t.value, f"{t.value} — {t.label}") for t in SUBSCRIBABLE],
        help_text="None ticked: every event, including types added later.")
    enabled = forms.BooleanField(label="Send events to it", required=False, initial=True)
