"""Forms of the faxes pages: the history's filters and the lookup."""

from datetime import date, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from common.phone import normalize_number
from faxes.models import FaxStatus
from faxes.services import MAX_REFERENCES, day_bounds, parse_references

SORTS = {"newest": ("-sent_at", "-id"), "oldest": ("sent_at", "id")}

# The days whose start and end, in any time zone, are times a datetime holds in UTC: the
# day after the first of the calendar to the day before its last.
FIRST_DAY = date.min + timedelta(days=1)
LAST_DAY = date.max - timedelta(days=1)
# The provider has no fax before this day.
EARLIEST_LOOKUP_DAY = date(2000, 1, 1)


def lookup_days() -> tuple[date, date]:
    """The first and last days worth asking the provider about: none has faxes after
    tomorrow (in UTC, ahead of every organization's zone)."""
    return EARLIEST_LOOKUP_DAY, timezone.now().date() + timedelta(days=1)


def within_the_calendar(day: date) -> None:
    """A filter's day whose bounds can be compared with stored times (9999-12-31 ends in
    year 10000)."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(
            f"Enter a date from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}.")


class FaxFilterForm(forms.Form):
    status = forms.ChoiceField(choices=[("", "Any status"), *FaxStatus.choices], required=False)
    since = forms.DateField(required=False, label="From", validators=[within_the_calendar],
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label="To", validators=[within_the_calendar],
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

    def clean_day(self):
        day = self.cleaned_data.get("day")
        first, last = lookup_days()
        if day is not None and not first <= day <= last:
            raise ValidationError(f"A day from {first.isoformat()} to {last.isoformat()}.")
        return day

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
