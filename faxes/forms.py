"""Forms of the faxes pages: the history's filters and the lookup."""

from django import forms

from common.phone import normalize_number
from faxes.models import FaxStatus
from faxes.services import MAX_REFERENCES, day_bounds, parse_references

SORTS = {"newest": ("-sent_at", "-id"), "oldest": ("sent_at", "id")}


class FaxFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *FaxStatus.choices], required=False)
    since = forms.DateField(required=False, label="From",
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To",
                            widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(required=False, max_length=255, label="Reference starts with")
    number = forms.CharField(required=False, max_length=32, label="Fax number")
    sort = forms.ChoiceField(choices=[("newest", "Newest first"), ("oldest", "Oldest first")],
                             required=False)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date is before the start date.")
        return data

    def filters(self, organization) -> dict:
        """Keyword arguments for Fax.objects.matching(), in the organization's time zone."""
        data = self.cleaned_data
        filters = {"status": data.get("status") or "",
                   "reference": (data.get("reference") or "").strip(),
                   "number": normalize_number(data.get("number") or "")}
        if data.get("since"):
            filters["since"] = day_bounds(organization, data["since"])[0]
        if data.get("until"):
            filters["until"] = day_bounds(organization, data["until"])[1]
        return filters

    def ordering(self) -> tuple[str, ...]:
        return SORTS[self.cleaned_data.get("sort") or "newest"]


class LookupForm(forms.Form):
    """One reference, several (one per line or comma-separated), or a day."""

    references = forms.CharField(
        required=False, label="References",
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "INV-1001\nINV-1002"}),
        help_text=f"One reference, or up to {MAX_REFERENCES} one per line or comma-separated.")
    day = forms.DateField(required=False, label="Every fax of a day",
                          widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        data["reference_list"] = parse_references(data.get("references", ""))
        if not data["reference_list"] and not data.get("day"):
            raise forms.ValidationError("Enter a reference, several references, or a day.")
        if data["reference_list"] and data.get("day"):
            raise forms.ValidationError("Look up references or a day, not both at once.")
        if len(data["reference_list"]) > MAX_REFERENCES:
            self.add_error("references", f"At most {MAX_REFERENCES} references at once.")
        return data
