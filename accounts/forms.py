"""Forms of the accounts pages: invitations, roles, sign-up by invitation, connections."""

from django import forms
from django.contrib.auth.forms import UserCreationForm

from accounts import services
from accounts.models import Connection, Role, User


class InvitationForm(forms.Form):
    email = forms.EmailField(label="E-mail address")
    role = forms.ChoiceField(choices=Role.choices, initial=Role.AGENT)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class SignUpForm(UserCreationForm):
    """The account a new member creates when accepting an invitation: its e-mail address is
    the invited one, whatever is posted."""

    class Meta:
        model = User
        fields = ("username", "email")

    def __init__(self, *args, invited_email: str, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.disabled = True
        email.initial = invited_email
        email.help_text = "The address the invitation was sent to."


class AppCodeForm(forms.Form):
    """A code of the authenticator app."""

    code = forms.RegexField(
        label="Code from your authenticator app", regex=r"^\d{6}$", strip=True,
        error_messages={"invalid": "Enter the 6 digits the app shows."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "size": 8}))


class RecoveryCodeForm(forms.Form):
    """One of the recovery codes shown when two-factor sign-in was set up."""

    code = forms.CharField(
        label="Recovery code", max_length=32, strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True, "size": 12,
                                      "spellcheck": "false"}))


class AnyCodeForm(forms.Form):
    """A code of the app or a recovery code (to turn two-factor sign-in off)."""

    code = forms.CharField(
        label="Code from your authenticator app, or a recovery code", max_length=32,
        strip=True, widget=forms.TextInput(attrs={"autocomplete": "one-time-code",
                                                  "size": 12, "spellcheck": "false"}))


class OrganizationSettingsForm(forms.Form):
    require_two_factor = forms.BooleanField(
        label="Require two-factor sign-in of owners and admins", required=False,
        help_text=("Owners and admins without it are asked to set it up (an authenticator app "
                   "and recovery codes) before anything else, in every organization they are "
                   "in."))


class SecretInput(forms.PasswordInput):
    """A password input that never renders the stored value back into the page."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "new-password", **(attrs or {})},
                         render_value=False)


class ConnectionForm(forms.ModelForm):
    """Edit a connection. Secret fields are write-only: blank keeps the stored value."""

    api_key = forms.CharField(label="API key", required=False, widget=SecretInput,
                              strip=True)
    password = forms.CharField(required=False, widget=SecretInput, strip=False)

    class Meta:
        model = Connection
        # The secrets are declared above and deliberately not model fields of the form, so
        # the form never copies a blank onto the connection; services.save_connection
        # decides what a blank means.
        fields = ("api_url", "username", "time_zone")
        labels = {"api_url": "API URL", "time_zone": "Time zone of the fax API"}
        help_texts = {
            "api_url": "The URL that Axion's support gave you for this API.",
            "time_zone": ("Fax times arrive without a time zone; they are read in this one. Faxes "
                          "already stored take the corrected time when they are synced again."),
        }

    field_order = ("api_url", "username", "api_key", "password", "time_zone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        is_new = self.instance.pk is None
        for name in ("api_key", "password"):
            field = self.fields[name]
            field.required = is_new
            if not is_new:
                field.help_text = "A value is stored. Leave blank to keep it."
        if self.instance.kind == Connection.Kind.SMS:
            # pop: the admin builds its SMS form without the field already.
            self.fields.pop("time_zone", None)

    def clean_api_url(self) -> str:
        url = self.cleaned_data["api_url"]
        services.check_api_url(url)
        return url

    def connection_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ConnectionForm.field_order
                if name in self.fields}
