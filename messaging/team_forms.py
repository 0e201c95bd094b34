"""Forms of the team inbox: an internal note, and a label (admins)."""

from django import forms

from messaging.models import LabelColour
from messaging.team import NOTE_MAX_LENGTH


class NoteForm(forms.Form):
    # Its field is "note-text" on the page: the reply form beside it has a "text" too.
    prefix = "note"

    text = forms.CharField(
        label="Internal note", max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Only your team sees this. "
                                                               "Mention someone with @name."}),
        help_text="Internal note, never sent to the customer.")


class LabelForm(forms.Form):
    name = forms.CharField(label="Name", max_length=50)
    colour = forms.ChoiceField(label="Colour", choices=LabelColour.choices,
                               initial=LabelColour.GREY)
