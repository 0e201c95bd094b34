"""Forms of fax alerts: a watch, and a rule."""

from django import forms

from fax_alerts.models import AlertRule, Match


class WatchForm(forms.Form):
    text = forms.CharField(label="Reference", max_length=255, strip=True,
                           help_text="A fax's reference, or the start of references "
                                     "(CLAIM-2026-).")
    match = forms.ChoiceField(label="Match", choices=Match.choices, initial=Match.EXACT,
                              widget=forms.RadioSelect)


class RuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ["kind", "enabled", "minutes", "hour", "to_watchers", "least_role"]
        labels = {"kind": "When", "minutes": "Minutes (stuck)",
                  "hour": "Hour (no fax sent)", "least_role": "Also tell"}
