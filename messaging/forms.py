"""Forms of the messaging pages."""

import re

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import User
from axion.sms import MAX_FILE_SIZE
from common.phone import display_number, parse_us_number
from contacts.models import Contact
from contacts.search import suggestions
from messaging.send_times import check_send_time, describe_zone, local_send_time
from messaging.sending import MAX_TEXT_LENGTH

# What separates the recipients typed in the composer's "To".
RECIPIENT_SEPARATORS = re.compile(r"[,;\n\r]+")
# Contacts named in an error about an ambiguous name, at most.
NAMED_IN_ERRORS = 5


def split_recipients(text: str) -> list[str]:
    """The entries of a "To" field, without surrounding space and empty ones."""
    return [entry.strip() for entry in RECIPIENT_SEPARATORS.split(text or "") if entry.strip()]


def _numbers_said(numbers: list[str]) -> str:
    shown = [display_number(n) for n in numbers]
    if len(shown) <= 1:
        return "".join(shown) or "no number"
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _contacts_said(contacts: list[Contact]) -> str:
    """Contacts as an error lists them: name, company, numbers."""
    return "; ".join(f"{c.name}{f' ({c.company})' if c.company else ''}: "
                     f"{_numbers_said([n.number for n in c.numbers.all()])}"
                     for c in contacts[:NAMED_IN_ERRORS])


def resolve_recipient(entry: str) -> str:
    """The E.164 number of one recipient typed in "To": a US number in any format, or the
    exact name (any case) of the one contact that has it, if that contact has one number.
    ValueError says what did not match, and what did: people pick the number then."""
    try:
        return parse_us_number(entry)
    except ValueError as not_a_number:
        reason = str(not_a_number)
    name = " ".join(entry.split())
    if "\x00" in name:  # never a name, and PostgreSQL refuses it in a query
        raise ValueError(f"{entry!r} is not a number or a contact's name.")
    # Within the request's organization: the form runs in its scope.
    named = list(Contact.objects.filter(name__iexact=name).order_by("name", "id")
                 .prefetch_related("numbers")[:NAMED_IN_ERRORS + 1])
    if not named:
        if not re.search(r"[^\d\s().+\-]", entry):  # digits only: meant as a number
            raise ValueError(f"{entry}: {reason}")
        # Part of a name, perhaps: say whom it finds, as the composer's suggestions would.
        found = suggestions(name, limit=NAMED_IN_ERRORS)
        if found:
            raise ValueError(f"{entry}: no contact has exactly this name; it finds "
                             f"{_contacts_said(found)}. Enter a full name or a number.")
        raise ValueError(f"{entry}: no contact has this name. {reason}")
    if len(named) > 1:
        more = " and more" if len(named) > NAMED_IN_ERRORS else ""
        raise ValueError(f"{entry}: several contacts have this name ({_contacts_said(named)}"
                         f"{more}). Enter the number to text.")
    contact = named[0]
    numbers = [n.number for n in contact.numbers.all()]
    if not numbers:
        raise ValueError(f"{entry}: {contact.name} has no phone number. Enter one.")
    if len(numbers) > 1:
        raise ValueError(f"{entry}: {contact.name} has {len(numbers)} numbers, "
                         f"{_numbers_said(numbers)}. Enter the one to text.")
    return numbers[0]


def own_number_label(number) -> str:
    """A number of the organization as the "From" list shows it: "Front desk ·
    (805) 642-1414"."""
    shown = display_number(number.number)
    return f"{number.label} · {shown}" if number.label else shown


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
        help_text="One or several US numbers (any format) or contacts' names, one per line "
                  "or comma-separated.",
        widget=forms.Textarea(attrs={"rows": 2,
                                     "placeholder": "(805) 555-0142 or a contact's name"}))
    own_number = forms.ChoiceField(label="From", required=False)
    text = forms.CharField(required=False, label="Message", max_length=MAX_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3, "data-counter": "1"}))
    attachment = forms.FileField(required=False, label="Attach an image or mp3",
                                 help_text=f"jpg, png, gif or mp3, at most {MAX_FILE_SIZE}.",
                                 widget=forms.ClearableFileInput(
                                     attrs={"accept": ".jpg,.jpeg,.png,.gif,.mp3"}))
    # The message template picked in the box (message_templates): its attachment goes
    # when no file is chosen.
    template = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1,
                                  widget=forms.HiddenInput)
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
            self.fields["own_number"].choices = [(n.number, own_number_label(n))
                                                 for n in numbers]

    def clean_to(self) -> list[str]:
        """The recipients' E.164 numbers, each once, in the order typed; every entry that
        is neither a number nor an unambiguous contact's name is one error."""
        numbers, problems = [], []
        for entry in split_recipients(self.cleaned_data.get("to", "")):
            try:
                number = resolve_recipient(entry)
            except ValueError as error:
                problems.append(str(error))
                continue
            if number not in numbers:
                numbers.append(number)
        if problems:
            raise forms.ValidationError(problems)
        if not numbers and self.fields["to"].required:
            raise forms.ValidationError("Enter at least one recipient.")
        return numbers

    def recipients(self) -> list[str]:
        return self.cleaned_data.get("to", [])


class SendLaterForm(forms.Form):
    """"Send later" beside the composer and the reply form: a date and a time in the
    organization's zone; both empty: send now. `cleaned_data["send_at"]` is the instant
    (None: now)."""

    send_date = forms.DateField(required=False, label="Date",
                                widget=forms.DateInput(attrs={"type": "date"}))
    send_time = forms.TimeField(required=False, label="Time",
                                widget=forms.TimeInput(attrs={"type": "time"}))

    def __init__(self, *args, zone, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["send_time"].help_text = (
            f"In {describe_zone(zone)}. A time that happens twice when the clocks go back is "
            "its first occurrence.")

    @property
    def asked(self) -> bool:
        """Whether the member filled in a date or a time (the section then shows open)."""
        return self.is_bound and bool(self.data.get("send_date") or self.data.get("send_time"))

    def clean(self):
        data = super().clean()
        data["send_at"] = None
        day, at = data.get("send_date"), data.get("send_time")
        if self.errors or (day is None and at is None):
            return data
        if day is None or at is None:
            self.add_error("send_date" if day is None else "send_time",
                           "Give both a date and a time to send later, or neither to send now.")
            return data
        try:
            data["send_at"] = check_send_time(local_send_time(day=day, at=at, zone=self.zone))
        except ValidationError as error:
            self.add_error("send_time", error.message_dict["send_at"])
        return data


class ScheduledChangeForm(SendLaterForm):
    """A scheduled send's text and time, while it is still scheduled."""

    text = forms.CharField(required=False, label="Message", max_length=MAX_TEXT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3, "data-counter": "1"}))
    field_order = ["text", "send_date", "send_time"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["send_date"].required = True
        self.fields["send_time"].required = True
