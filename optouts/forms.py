"""Forms of the opt-out pages."""

from django import forms
from django.core.exceptions import ValidationError

from common.phone import parse_us_number
from optouts.keywords import Keyword
from optouts.models import KeywordReplies
from optouts.replies import default_reply


class SearchForm(forms.Form):
    q = forms.CharField(label="Number", required=False, max_length=32,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": "(805) 642-1415"}))

    def digits(self) -> str:
        """The digits searched for ("" for everything)."""
        if not self.is_valid():
            return ""
        digits = "".join(ch for ch in self.cleaned_data["q"] if "0" <= ch <= "9")
        return digits[1:] if len(digits) == 11 and digits.startswith("1") else digits


class AddOptOutForm(forms.Form):
    number = forms.CharField(max_length=32, help_text="A US number in any common format.")
    note = forms.CharField(label="Reason", max_length=200,
                           help_text='How they asked, for whoever reads the list later: '
                                     '"asked by phone on 3 March".')

    def clean_number(self) -> str:
        try:
            return parse_us_number(self.cleaned_data["number"])
        except ValueError as error:
            raise ValidationError(str(error)) from error


class RemoveOptOutForm(forms.Form):
    confirmed = forms.BooleanField(
        label="This person asked us to text them again.",
        error_messages={"required": "Confirm that the person asked to be texted again: "
                                    "carriers hold you to their STOP until they do."})


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file",
                           help_text="One number a row, in the first column or in a column "
                                     "named number or phone; a note or reason column is "
                                     "kept too.")


class RepliesForm(forms.ModelForm):
    class Meta:
        model = KeywordReplies
        fields = ["opted_out", "opted_in", "help"]
        widgets = {name: forms.Textarea(attrs={"rows": 3})
                   for name in ("opted_out", "opted_in", "help")}

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind, when in (("opted_out", Keyword.OPT_OUT, "STOP"),
                                 ("opted_in", Keyword.OPT_IN, "START"),
                                 ("help", Keyword.HELP, "HELP")):
            default = default_reply(organization, kind)
            self.fields[name].widget.attrs["placeholder"] = default
            self.fields[name].help_text = (f"Sent once in answer to {when} and its kin. "
                                           f"Empty: the default, shown greyed out.")
