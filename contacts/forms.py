"""Forms of the contacts pages: a contact, the list's search, a CSV file to import."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from common.phone import display_number
from contacts import services
from contacts.models import Contact


def import_max_bytes() -> int:
    """Largest CSV file of contacts (bytes), read when asked so that tests may change it."""
    return settings.CONTACT_IMPORT_MAX_BYTES


def too_large_message() -> str:
    return (f"This file is larger than {filesizeformat(import_max_bytes())}, the largest a "
            "contacts import takes: split it into several files.")


class ContactForm(forms.ModelForm):
    numbers = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "off"}),
        help_text="US numbers in any common format, such as (805) 642-1414: one per line, "
                  "or separated by ; , or /.")

    class Meta:
        model = Contact
        fields = ["name", "numbers", "company", "email", "reference", "notes"]
        labels = {"email": "E-mail", "reference": "Your reference"}
        help_texts = {"reference": "Your own id for this contact, such as a patient id or a "
                                   "claim number: faxes whose customer field holds it are "
                                   "shown on the contact's page."}
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, initial_numbers: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        numbers = initial_numbers
        if numbers is None and self.instance.pk:
            numbers = [row.number for row in self.instance.numbers.all()]
        if numbers:
            self.initial["numbers"] = "\n".join(display_number(n) for n in numbers)

    def clean_numbers(self) -> list[str]:
        numbers = services.parse_numbers(self.cleaned_data["numbers"])
        if not numbers:
            raise ValidationError("Give at least one number.")
        taken = services.numbers_taken(numbers, contact=self.instance)
        if taken:
            raise ValidationError(taken)
        return numbers

    def values(self) -> dict:
        """The contact's FIELDS, for contacts.services."""
        return {name: self.cleaned_data[name] for name in services.FIELDS}


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search",
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": "Name, number or reference"}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="The first line names the columns: name and numbers, and any of company, "
                  "email, reference and notes. Several numbers in one cell are separated "
                  "by ; , or /. UTF-8 text (in Excel: CSV UTF-8).",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Checked before a byte is read: the size is what the upload handler counted.
        if upload.size > import_max_bytes():
            raise ValidationError(too_large_message())
        return upload
